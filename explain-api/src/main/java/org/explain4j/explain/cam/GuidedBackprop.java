package org.explain4j.explain.cam;

import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Target;
import org.explain4j.model.BackwardRule;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

/**
 * Guided backpropagation (Springenberg et al. 2015, METHODS §3): the target score's gradient
 * with every ReLU passing back {@code max(g, 0) · [x > 0]}, i.e. only where both its forward
 * input and the incoming gradient are positive. Shaped like the input, signed as computed.
 */
public final class GuidedBackprop implements Explainer {
    public static final String METHOD = "guided_backprop";

    private final Score score;

    /** @param score logit or probability; null for the model description's default */
    public GuidedBackprop(Score score) {
        this.score = score;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Attribution explain(ExplainableModel model, FloatTensor inputs, Target target) {
        return RuleGradient.explain(METHOD, model, inputs, target, score, BackwardRule.GUIDED_BACKPROP);
    }

    @Override
    public String toString() {
        return METHOD + (score == null ? "" : "(" + score + ")");
    }
}
