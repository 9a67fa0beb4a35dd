package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.explain4j.model.ModelDescription;

import java.util.List;
import java.util.Map;

/**
 * LIME (Ribeiro, Singh, Guestrin 2016) over an interpretable binary representation: draw
 * {@code samples} binary vectors {@code z'} (row 0 is always the all-on input itself), build
 * each perturbed input by replacing the cells of the off features with the baseline, score all
 * of them through the model in batches, weight them by the kernel {@code π = exp(−D²/σ²)}, and
 * fit the surrogate {@code g} minimising {@code Σπ(f(z) − g(z'))²}.
 *
 * <p>Defaults: 1000 samples; uniform on/off sampling (p = 0.5, as lime_image); the cosine kernel
 * with σ = 0.25·√2 (lime_image's width, see {@link SimilarityKernel}); weighted ridge α = 1 on
 * all features (lime's default regressor). {@link Surrogate#kLasso} limits the explanation to K
 * features. The model's score is the sidecar's default (logit unless it says otherwise); lime
 * explains probabilities, so pass {@code score(PROBABILITY)} to match it.
 *
 * <p>Diagnostics per instance: {@code weighted_r2}, {@code local_prediction} (g at the input),
 * {@code model_prediction} (f at the input), {@code intercept}.
 */
public final class LimeExplainer extends PerturbationExplainer {
    public static final String METHOD = "lime";
    public static final int DEFAULT_SAMPLES = 1000;

    private final int samples;
    private final CoalitionSampler sampler;
    private final SimilarityKernel kernel;
    private final Surrogate surrogate;

    private LimeExplainer(Builder b) {
        super(b);
        this.samples = b.samples;
        this.sampler = b.sampler;
        this.kernel = b.kernel;
        this.surrogate = b.surrogate;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int samples() {
        return samples;
    }

    public CoalitionSampler sampler() {
        return sampler;
    }

    public SimilarityKernel kernel() {
        return kernel;
    }

    public Surrogate surrogate() {
        return surrogate;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    Object prepare(FeatureMask m, long[] sampleShape, ModelDescription description) {
        sampler.check(m.featureCount());
        surrogate.check(m.featureCount());
        return null;
    }

    @Override
    InstanceResult explainInstance(Instance in) {
        FeatureMask m = in.mask();
        int d = m.featureCount();
        Coalitions z = new Coalitions(samples, d);
        z.fill(0, true);
        for (int r = 1; r < samples; r++) {
            sampler.sample(in.random(), z, r);
        }
        // π depends on the number of features on only: one exp per count, not per sample.
        double[] byCount = new double[d + 1];
        for (int k = 0; k <= d; k++) {
            byCount[k] = kernel.weight(k, d);
        }
        double[] w = new double[samples];
        for (int r = 0; r < samples; r++) {
            w[r] = byCount[z.activeCount(r)];
        }
        float[] x = in.x();
        float[] off = in.off();
        double[] y = in.scorer().scores(samples, in.target(), (k, dest, o) -> m.compose(x, off, z, k, dest, o));
        SurrogateFit fit = surrogate.fit(z, y, w, m.names());
        SurrogateExplanation e = new SurrogateExplanation(in.index(), in.target(), m.names(), fit.weights(),
                fit.intercept(), fit.weightedR2(), fit.localPrediction(), in.modelScore(), fit.selected(), samples);
        return new InstanceResult(m.spread(fit.weights()), e);
    }

    @Override
    void addParameters(Map<String, Object> params) {
        params.put("samples", samples);
        params.put("sampler", sampler.describe());
        params.put("kernel", kernel.describe());
        params.put("surrogate", surrogate.describe());
    }

    @Override
    void addDiagnostics(List<SurrogateExplanation> explanations, Map<String, double[]> diagnostics) {
        double[] r2 = new double[explanations.size()];
        for (int i = 0; i < r2.length; i++) {
            r2[i] = explanations.get(i).weightedR2();
        }
        diagnostics.put("weighted_r2", r2);
    }

    @Override
    public String toString() {
        return METHOD + "(" + samples + " samples, " + sampler.describe() + ", " + kernel.describe() + ", "
                + surrogate.describe() + ", batch " + batchSize + ", seed " + seed + ")";
    }

    public static final class Builder extends PerturbationExplainer.Builder<Builder> {
        private int samples = DEFAULT_SAMPLES;
        private CoalitionSampler sampler = CoalitionSampler.uniform(0.5);
        private SimilarityKernel kernel = SimilarityKernel.defaultKernel();
        private Surrogate surrogate = Surrogate.ridge(Surrogate.DEFAULT_RIDGE_ALPHA);

        private Builder() {
        }

        /** Perturbed samples per explanation, the all-on row included (default 1000). */
        public Builder samples(int samples) {
            this.samples = samples;
            return this;
        }

        public Builder sampler(CoalitionSampler sampler) {
            this.sampler = sampler;
            return this;
        }

        public Builder kernel(SimilarityKernel kernel) {
            this.kernel = kernel;
            return this;
        }

        public Builder surrogate(Surrogate surrogate) {
            this.surrogate = surrogate;
            return this;
        }

        /** @throws ExplainException when a parameter is out of range */
        public LimeExplainer build() {
            checkCommon(METHOD);
            if (samples < 1) {
                throw new ExplainException("lime needs at least 1 sample per explanation; got " + samples);
            }
            if (sampler == null || kernel == null || surrogate == null) {
                throw new ExplainException("lime needs a sampler, a kernel and a surrogate; one of them is missing");
            }
            if (mask != null) {
                sampler.check(mask.featureCount());
                surrogate.check(mask.featureCount());
            }
            return new LimeExplainer(this);
        }
    }
}
