package org.explain4j.metrics;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.ScoreFunction;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Infidelity (Yeh et al. 2019): how badly the attribution predicts what a perturbation does to
 * the score, {@code INFD = E_I[(Iᵀφ − (S(x) − S(x − I)))²]}, with Gaussian perturbations
 * {@code I_j ~ N(0, (noise · scale_j)²)} drawn {@code samples} times per input. An attribution
 * that is the exact gradient of a linear score has infidelity 0.
 *
 * <p>Because the raw value grows with the attribution's own scale (|gradient| and gradient ×
 * input live on different scales), two scale-free variants are reported as well: with the
 * best scale {@code β = E[Iᵀφ·Δ] / E[(Iᵀφ)²]} applied to φ (Captum's {@code normalize}),
 * and that divided by {@code E[Δ²]} — 0 for a perfect linear account of the perturbations,
 * 1 for an attribution that explains none of them.
 */
public final class Infidelity {
    public static final int DEFAULT_SAMPLES = 32;
    public static final double DEFAULT_NOISE = 0.1;
    public static final long DEFAULT_SEED = 7L;

    private final int samples;
    private final double noise;
    private final PerturbationScale scale;
    private final long seed;
    private final Score score;
    private final int batchSize;

    private Infidelity(Builder b) {
        this.samples = b.samples;
        this.noise = b.noise;
        this.scale = b.scale;
        this.seed = b.seed;
        this.score = b.score;
        this.batchSize = b.batchSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Per sample.
     *
     * @param infidelity the raw {@code E[(Iᵀφ − Δ)²]}
     * @param normalized the same with φ scaled by the best {@code β}
     * @param relative   {@code normalized / E[Δ²]}, in [0, 1] (NaN when no perturbation moves the score)
     * @param beta       the best scale
     */
    public record Result(double[] infidelity, double[] normalized, double[] relative, double[] beta) {
    }

    public Result compute(ExplainableModel model, Attribution a) {
        FloatTensor x = a.inputs();
        int n = x.batchSize();
        int d = x.sampleSize();
        ScoreFunction sf = ScoreFunction.forModel(model.info(), score != null ? score : a.score());
        int[] targets = a.targets();
        double[] atInput = sf.evaluate(a.outputs(), targets).scores();
        float[] xv = x.data();
        float[] phi = a.values().data();
        double[] dot = new double[n * samples]; // Iᵀφ of each perturbation, recorded as rows are written
        float[] cellScale = new float[d];
        int[] scaleOf = {-1};
        double[] perturbed = ScoreBatches.scores(model, x.sampleShape(), n * samples, row -> targets[row / samples], sf,
                batchSize, (row, dst, offset) -> {
                    int i = row / samples;
                    if (scaleOf[0] != i) {
                        scale.of(xv, i * d, d, cellScale);
                        scaleOf[0] = i;
                    }
                    SplittableRandom rng = Seeds.random(seed, row);
                    double s = 0;
                    for (int j = 0; j < d; j++) {
                        double perturbation = noise * cellScale[j] * rng.nextGaussian();
                        dst[offset + j] = (float) (xv[i * d + j] - perturbation);
                        // the perturbation actually applied, after rounding x − I to float
                        s += ((double) xv[i * d + j] - dst[offset + j]) * phi[i * d + j];
                    }
                    dot[row] = s;
                });
        double[] infd = new double[n];
        double[] norm = new double[n];
        double[] rel = new double[n];
        double[] beta = new double[n];
        for (int i = 0; i < n; i++) {
            double sumSq = 0;
            double sumDotDelta = 0;
            double sumDot2 = 0;
            double sumDelta2 = 0;
            for (int k = 0; k < samples; k++) {
                int row = i * samples + k;
                double delta = atInput[i] - perturbed[row];
                double e = dot[row] - delta;
                sumSq += e * e;
                sumDotDelta += dot[row] * delta;
                sumDot2 += dot[row] * dot[row];
                sumDelta2 += delta * delta;
            }
            infd[i] = sumSq / samples;
            beta[i] = sumDot2 == 0 ? 0 : sumDotDelta / sumDot2;
            double sumNorm = 0;
            for (int k = 0; k < samples; k++) {
                int row = i * samples + k;
                double e = beta[i] * dot[row] - (atInput[i] - perturbed[row]);
                sumNorm += e * e;
            }
            norm[i] = sumNorm / samples;
            rel[i] = sumDelta2 == 0 ? Double.NaN : sumNorm / sumDelta2;
        }
        return new Result(infd, norm, rel, beta);
    }

    @Override
    public String toString() {
        return "infidelity(" + samples + " Gaussian perturbations, noise " + noise + " × " + scale.describe() + ")";
    }

    public static final class Builder {
        private int samples = DEFAULT_SAMPLES;
        private double noise = DEFAULT_NOISE;
        private PerturbationScale scale = PerturbationScale.sampleRange();
        private long seed = DEFAULT_SEED;
        private Score score;
        private int batchSize = PerturbationCurve.DEFAULT_BATCH_SIZE;

        private Builder() {
        }

        /** Perturbations per input (default 32). */
        public Builder samples(int samples) {
            this.samples = samples;
            return this;
        }

        /** Standard deviation of the perturbation, relative to the scale (default 0.1). */
        public Builder noise(double noise) {
            this.noise = noise;
            return this;
        }

        /** Per-cell scale of the noise (default: each sample's range). */
        public Builder scale(PerturbationScale scale) {
            this.scale = Objects.requireNonNull(scale, "scale");
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Logit or probability; null (default) takes the attribution's score. */
        public Builder score(Score score) {
            this.score = score;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Infidelity build() {
            if (samples < 1) {
                throw new ExplainException("infidelity needs at least 1 perturbation per input; got " + samples);
            }
            if (!(noise > 0) || Double.isInfinite(noise)) {
                throw new ExplainException("infidelity noise must be a finite number > 0; got " + noise);
            }
            ScoreBatches.checkBatchSize(batchSize);
            return new Infidelity(this);
        }
    }
}
