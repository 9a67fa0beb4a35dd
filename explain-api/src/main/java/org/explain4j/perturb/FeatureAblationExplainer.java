package org.explain4j.perturb;

import java.util.Map;

/**
 * Feature ablation: switch each interpretable feature off in turn (its cells take the
 * baseline's values, everything else keeps the input's) and attribute to it the score it
 * carries, {@code Δ_j = f(x) − f(x without feature j)}. One model row per feature, in batches.
 * Cells get their feature's Δ spread evenly (see {@link FeatureMask}); Captum's
 * {@code FeatureAblation} repeats the whole Δ in every cell instead.
 */
public final class FeatureAblationExplainer extends PerturbationExplainer {
    public static final String METHOD = "feature_ablation";

    private FeatureAblationExplainer(Builder b) {
        super(b);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    InstanceResult explainInstance(Instance in) {
        FeatureMask m = in.mask();
        int d = m.featureCount();
        float[] x = in.x();
        float[] off = in.off();
        double[] y = in.scorer().scores(d, in.target(), (k, dest, o) -> m.composeWithout(x, off, k, dest, o));
        double fx = in.modelScore();
        double[] delta = new double[d];
        double total = 0;
        for (int j = 0; j < d; j++) {
            delta[j] = fx - y[j];
            total += delta[j];
        }
        SurrogateExplanation e = new SurrogateExplanation(in.index(), in.target(), m.names(), delta, fx - total,
                Double.NaN, fx, fx, WeightedGram.all(d), d);
        return new InstanceResult(m.spread(delta), e);
    }

    @Override
    void addParameters(Map<String, Object> params) {
    }

    @Override
    public String toString() {
        return METHOD + "(batch " + batchSize + ")";
    }

    public static final class Builder extends PerturbationExplainer.Builder<Builder> {
        private Builder() {
        }

        public FeatureAblationExplainer build() {
            checkCommon(METHOD);
            return new FeatureAblationExplainer(this);
        }
    }
}
