package org.explain4j.explain.gradient;

import org.explain4j.ExplainException;
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
import java.util.SplittableRandom;

/**
 * SmoothGrad (Smilkov et al. 2017): the mean gradient of the score over {@code samples} noisy
 * copies {@code x + ε}, {@code ε ~ N(0, σ²)}, with {@code σ = noiseLevel · (max(x) − min(x))}
 * taken per sample. Options: the mean of squared gradients (SmoothGrad²), and multiplying the
 * mean by the (clean) input.
 *
 * <p>The noise of sample {@code i} comes from the {@code i}-th {@link SplittableRandom#split()} of
 * a generator seeded with {@code seed}, drawn in draw order; so results depend on the seed and the
 * sample's position only, never on the batch size. Noisy copies are streamed through the model's
 * VJP {@code batchSize} rows at a time.
 */
public final class SmoothGrad implements Explainer {
    public static final String METHOD = "smoothgrad";
    public static final int DEFAULT_SAMPLES = 50;
    public static final double DEFAULT_NOISE_LEVEL = 0.15;
    public static final long DEFAULT_SEED = 42L;
    public static final int DEFAULT_BATCH_SIZE = 64;

    private final int samples;
    private final double noiseLevel;
    private final long seed;
    private final int batchSize;
    private final boolean squared;
    private final boolean multiplyByInput;
    private final Score score;

    private SmoothGrad(Builder b) {
        this.samples = b.samples;
        this.noiseLevel = b.noiseLevel;
        this.seed = b.seed;
        this.batchSize = b.batchSize;
        this.squared = b.squared;
        this.multiplyByInput = b.multiplyByInput;
        this.score = b.score;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** 50 draws at noise level 0.15, seed 42, 64 rows per batch, mean gradient. */
    public static SmoothGrad create() {
        return builder().build();
    }

    public int samples() {
        return samples;
    }

    public double noiseLevel() {
        return noiseLevel;
    }

    public long seed() {
        return seed;
    }

    public int batchSize() {
        return batchSize;
    }

    public boolean squared() {
        return squared;
    }

    public boolean multiplyByInput() {
        return multiplyByInput;
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
        FloatTensor outputs = GradientBatches.forward(model, inputs, batchSize);
        int[] targets = target.resolve(outputs);
        double[] atInput = GradientBatches.scoresAt(sf, outputs, targets);

        int n = inputs.batchSize();
        int f = inputs.sampleSize();
        float[] x = inputs.data();
        double[] sigma = new double[n];
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom[] noise = new SplittableRandom[n];
        for (int i = 0; i < n; i++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < f; j++) {
                min = Math.min(min, x[i * f + j]);
                max = Math.max(max, x[i * f + j]);
            }
            sigma[i] = noiseLevel * (max - min);
            noise[i] = root.split(); // in sample order, before any batching
        }
        double[] sum = new double[n * f];
        // Rows arrive in increasing order, so each sample's generator is read in draw order.
        GradientBatches.stream(model, inputs.sampleShape(), n * samples, samples, targets, outputs.sampleSize(), sf,
                batchSize,
                (row, dst, offset) -> {
                    int i = row / samples;
                    SplittableRandom rng = noise[i];
                    for (int j = 0, p = i * f; j < f; j++, p++) {
                        dst[offset + j] = (float) (x[p] + sigma[i] * rng.nextGaussian());
                    }
                },
                (row, grad, offset) -> {
                    int i = row / samples;
                    for (int j = 0, p = i * f; j < f; j++, p++) {
                        double g = grad[offset + j];
                        sum[p] += squared ? g * g : g;
                    }
                });
        float[] values = new float[n * f];
        for (int p = 0; p < values.length; p++) {
            double mean = sum[p] / samples;
            values[p] = (float) (multiplyByInput ? mean * x[p] : mean);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("samples", samples);
        params.put("noise_level", noiseLevel);
        params.put("seed", seed);
        params.put("batch_size", batchSize);
        params.put("squared", squared);
        params.put("multiply_by_input", multiplyByInput);
        params.put("score", sf.score().name().toLowerCase(java.util.Locale.ROOT));
        Map<String, double[]> diagnostics = new LinkedHashMap<>();
        diagnostics.put("noise_sigma", sigma);
        diagnostics.put("score_at_input", atInput);
        return new Attribution(new FloatTensor(inputs.shape(), values), inputs, outputs, targets, sf.score(),
                METHOD, params, diagnostics, Provenance.of(model.info(), OptionalLong.of(seed)));
    }

    @Override
    public String toString() {
        return METHOD + (squared ? "²" : "") + "(" + samples + " draws, noise " + noiseLevel + ", seed " + seed
                + ", batch " + batchSize + (multiplyByInput ? ", × input" : "") + (score == null ? "" : ", " + score)
                + ")";
    }

    public static final class Builder {
        private int samples = DEFAULT_SAMPLES;
        private double noiseLevel = DEFAULT_NOISE_LEVEL;
        private long seed = DEFAULT_SEED;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private boolean squared;
        private boolean multiplyByInput;
        private Score score;

        private Builder() {
        }

        /** Noisy copies per input (default 50). */
        public Builder samples(int samples) {
            this.samples = samples;
            return this;
        }

        /** σ as a fraction of each sample's value range (default 0.15; 0 gives the plain gradient). */
        public Builder noiseLevel(double noiseLevel) {
            this.noiseLevel = noiseLevel;
            return this;
        }

        /** Seed of the noise (default 42), recorded in the attribution's provenance. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Noisy copies per VJP call (default 64). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Mean of squared gradients (SmoothGrad²) instead of the mean gradient. */
        public Builder squared(boolean squared) {
            this.squared = squared;
            return this;
        }

        /** Multiply the mean by the clean input, as gradient × input does. */
        public Builder multiplyByInput(boolean multiplyByInput) {
            this.multiplyByInput = multiplyByInput;
            return this;
        }

        /** Logit or probability; null (default) takes the model description's default score. */
        public Builder score(Score score) {
            this.score = score;
            return this;
        }

        /** @throws ExplainException when a parameter is out of range */
        public SmoothGrad build() {
            if (samples < 1) {
                throw new ExplainException("smoothgrad needs at least 1 noisy sample; got " + samples);
            }
            if (!(noiseLevel >= 0) || Double.isInfinite(noiseLevel)) {
                throw new ExplainException("smoothgrad noise level " + noiseLevel
                        + " is invalid; give a finite fraction of the input range >= 0, e.g. 0.15");
            }
            GradientBatches.checkBatchSize(batchSize);
            return new SmoothGrad(this);
        }
    }
}
