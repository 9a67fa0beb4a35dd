package org.explain4j.explain.cam;

import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Target;
import org.explain4j.model.BackwardRule;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

/**
 * Deconvnet (Zeiler and Fergus 2014, METHODS §3): the target score's gradient with every ReLU
 * passing back {@code max(g, 0)}, only where the incoming gradient is positive, whatever the
 * forward activation was. Shaped like the input.
 */
public final class Deconvnet implements Explainer {
    public static final String METHOD = "deconvnet";

    private final Score score;

    /** @param score logit or probability; null for the model description's default */
    public Deconvnet(Score score) {
        this.score = score;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Attribution explain(ExplainableModel model, FloatTensor inputs, Target target) {
        return RuleGradient.explain(METHOD, model, inputs, target, score, BackwardRule.DECONVNET);
    }

    @Override
    public String toString() {
        return METHOD + (score == null ? "" : "(" + score + ")");
    }
}
