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
 * Gradient × input: {@code x ⊙ ∂S_c/∂x}. For a linear score it is each feature's exact
 * contribution relative to a zero input; elsewhere the first-order estimate of it.
 */
public final class GradientTimesInput implements Explainer {
    public static final String METHOD = "gradxinput";

    private final Score score;

    private GradientTimesInput(Builder b) {
        this.score = b.score;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static GradientTimesInput create() {
        return builder().build();
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
        float[] x = inputs.data();
        float[] values = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            values[i] = x[i] * g[i];
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("score", sf.score().name().toLowerCase(java.util.Locale.ROOT));
        return new Attribution(new FloatTensor(inputs.shape(), values), inputs, outputs, targets, sf.score(),
                METHOD, params, Map.of("score_at_input", s), Provenance.of(model.info(), OptionalLong.empty()));
    }

    @Override
    public String toString() {
        return METHOD + (score == null ? "" : "(" + score + ")");
    }

    public static final class Builder {
        private Score score;

        private Builder() {
        }

        /** Logit or probability; null (default) takes the model description's default score. */
        public Builder score(Score score) {
            this.score = score;
            return this;
        }

        public GradientTimesInput build() {
            return new GradientTimesInput(this);
        }
    }
}
