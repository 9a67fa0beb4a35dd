package org.explain4j.visualize;

import org.explain4j.ExplainException;
import org.explain4j.tensor.FloatTensor;

/**
 * Settings of gradient-ascent visualisation (METHODS §1 and the Deep Visualization toolbox's
 * regularisers). Immutable; the {@code with...} methods return changed copies.
 *
 * @param stepSize          α of {@code I_t = I_{t−1} + α ∇(S − λ‖I‖²)}
 * @param lambda            λ ≥ 0, the L2 decay
 * @param iterations        gradient steps
 * @param start             where the ascent starts
 * @param seed              seeds the noise start and the jitter
 * @param noiseScale        standard deviation of the noise start
 * @param blurEvery         blur the input every this many steps (0: never)
 * @param blurSigma         Gaussian σ in samples (time steps or pixels)
 * @param valuePercentile   after each step, zero entries whose |value| is below this percentile (0: off)
 * @param contributionPercentile after each step, zero entries whose |value · gradient| is below this percentile (0: off)
 * @param jitter            images only: shift by up to this many pixels before each gradient (0: off)
 * @param trainingMean      one sample's training mean (shape of one input) or null; with it the ascent
 *                          runs in mean-subtracted space: the model sees {@code mean + I}, the penalty is
 *                          on {@code I}, and the result is {@code mean + I} ("add the training mean")
 */
public record VisualizationOptions(float stepSize, float lambda, int iterations, Start start, long seed,
                                   float noiseScale, int blurEvery, float blurSigma, float valuePercentile,
                                   float contributionPercentile, int jitter, FloatTensor trainingMean) {

    /** Start points of the ascent. */
    public enum Start {
        ZEROS, MEAN, NOISE;

        public static Start parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ExplainException("unknown start '" + text + "'; expected zeros, mean or noise");
            }
        }
    }

    public VisualizationOptions {
        if (!(lambda >= 0) || !Float.isFinite(lambda)) {
            throw new ExplainException("lambda (L2 decay) is " + lambda + "; it must be a finite number >= 0");
        }
        if (!(stepSize > 0) || !Float.isFinite(stepSize)) {
            throw new ExplainException("step size is " + stepSize + "; it must be a finite number > 0");
        }
        if (iterations < 1) {
            throw new ExplainException("iterations is " + iterations + "; it must be at least 1");
        }
        if (blurEvery < 0 || (blurEvery > 0 && !(blurSigma > 0))) {
            throw new ExplainException("blur every " + blurEvery + " steps with sigma " + blurSigma
                    + "; blur-every must be >= 0 and sigma > 0 when blurring");
        }
        if (!(valuePercentile >= 0 && valuePercentile < 100) || !(contributionPercentile >= 0 && contributionPercentile < 100)) {
            throw new ExplainException("clipping percentiles are " + valuePercentile + " and " + contributionPercentile
                    + "; each must be in [0, 100)");
        }
        if (jitter < 0 || noiseScale < 0) {
            throw new ExplainException("jitter " + jitter + " and noise scale " + noiseScale + " must be >= 0");
        }
        if (start == Start.MEAN && trainingMean == null) {
            throw new ExplainException("start 'mean' needs the training mean; give one or start from zeros or noise");
        }
    }

    /** α 0.1, λ 0.01, 200 steps from zeros, seed 0, no blur, clipping or jitter. */
    public static VisualizationOptions defaults() {
        return new VisualizationOptions(0.1f, 0.01f, 200, Start.ZEROS, 0L, 0.1f, 0, 1f, 0f, 0f, 0, null);
    }

    public VisualizationOptions withStepSize(float a) {
        return new VisualizationOptions(a, lambda, iterations, start, seed, noiseScale, blurEvery, blurSigma,
                valuePercentile, contributionPercentile, jitter, trainingMean);
    }

    public VisualizationOptions withLambda(float l) {
        return new VisualizationOptions(stepSize, l, iterations, start, seed, noiseScale, blurEvery, blurSigma,
                valuePercentile, contributionPercentile, jitter, trainingMean);
    }

    public VisualizationOptions withIterations(int n) {
        return new VisualizationOptions(stepSize, lambda, n, start, seed, noiseScale, blurEvery, blurSigma,
                valuePercentile, contributionPercentile, jitter, trainingMean);
    }

    public VisualizationOptions withStart(Start s, long newSeed, float scale) {
        return new VisualizationOptions(stepSize, lambda, iterations, s, newSeed, scale, blurEvery, blurSigma,
                valuePercentile, contributionPercentile, jitter, trainingMean);
    }

    public VisualizationOptions withBlur(int every, float sigma) {
        return new VisualizationOptions(stepSize, lambda, iterations, start, seed, noiseScale, every, sigma,
                valuePercentile, contributionPercentile, jitter, trainingMean);
    }

    public VisualizationOptions withClipping(float valuePct, float contributionPct) {
        return new VisualizationOptions(stepSize, lambda, iterations, start, seed, noiseScale, blurEvery, blurSigma,
                valuePct, contributionPct, jitter, trainingMean);
    }

    public VisualizationOptions withJitter(int pixels) {
        return new VisualizationOptions(stepSize, lambda, iterations, start, seed, noiseScale, blurEvery, blurSigma,
                valuePercentile, contributionPercentile, pixels, trainingMean);
    }

    public VisualizationOptions withTrainingMean(FloatTensor mean) {
        return new VisualizationOptions(stepSize, lambda, iterations, start, seed, noiseScale, blurEvery, blurSigma,
                valuePercentile, contributionPercentile, jitter, mean);
    }
}
