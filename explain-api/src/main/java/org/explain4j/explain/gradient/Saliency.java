package org.explain4j.explain.gradient;

import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Provenance;
import org.explain4j.explain.ScoreFunction;
import org.explain4j.explain.Target;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Saliency (Simonyan et al. 2014): the gradient {@code w = ∂S_c/∂x} of the target's score at
 * the input, the slope of the first-order Taylor expansion {@code S_c(x) ≈ wᵀx + b}. The map is
 * {@code |w|} by default, as in the paper; the signed gradient is an option.
 */
public final class Saliency implements Explainer {
    public static final String METHOD = "saliency";

    private final boolean absolute;
    private final Score score;

    private Saliency(Builder b) {
        this.absolute = b.absolute;
        this.score = b.score;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Absolute gradient of the model's default score. */
    public static Saliency create() {
        return builder().build();
    }

    public boolean absolute() {
        return absolute;
    }

    /** The requested score, or null for the model description's default. */
    public Score score() {
        return score;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Attribution explain(ExplainableModel model, FloatTensor inputs, Target target) {
        GradientBatches.checkInputs(model.info(), inputs);
        ScoreFunction sf = ScoreFunction.forModel(model.info(), score);
        FloatTensor outputs = model.forward(inputs);
        int[] targets = target.resolve(outputs);
        double[] s = GradientBatches.scoresAt(sf, outputs, targets);
        float[] g = GradientBatches.gradient(model, inputs, outputs, targets, sf).data();
        float[] values = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            values[i] = absolute ? Math.abs(g[i]) : g[i];
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("absolute", absolute);
        params.put("score", sf.score().name().toLowerCase(java.util.Locale.ROOT));
        return new Attribution(new FloatTensor(inputs.shape(), values), inputs, outputs, targets, sf.score(),
                METHOD, params, Map.of("score_at_input", s), Provenance.of(model.info(), OptionalLong.empty()));
    }

    @Override
    public String toString() {
        return METHOD + (absolute ? "(absolute" : "(signed") + (score == null ? "" : ", " + score) + ")";
    }

    public static final class Builder {
        private boolean absolute = true;
        private Score score;

        private Builder() {
        }

        /** {@code |∂S/∂x|} (default, Simonyan's map) or the signed gradient. */
        public Builder absolute(boolean absolute) {
            this.absolute = absolute;
            return this;
        }

        /** Logit or probability; null (default) takes the model description's default score. */
        public Builder score(Score score) {
            this.score = score;
            return this;
        }

        public Saliency build() {
            return new Saliency(this);
        }
    }
}
