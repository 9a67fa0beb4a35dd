package org.explain4j.perturb;

import java.util.Arrays;

/**
 * A fitted linear surrogate {@code g(z') = intercept + Σ_j weights[j]·z'_j} of the model's score
 * over the binary samples.
 *
 * @param weights         one per interpretable feature; 0 for features not selected
 * @param intercept       {@code g} with every feature off
 * @param weightedR2      {@code 1 − Σπ(y − g)² / Σπ(y − ȳ_π)²} over the samples, NaN when the
 *                        model's score did not vary over them
 * @param localPrediction {@code g} with every feature on: the surrogate's value at the input
 * @param selected        indices of the features the fit used, increasing
 */
public record SurrogateFit(double[] weights, double intercept, double weightedR2, double localPrediction,
                           int[] selected) {
    public SurrogateFit {
        weights = weights.clone();
        selected = selected.clone();
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public int[] selected() {
        return selected.clone();
    }

    @Override
    public String toString() {
        return "SurrogateFit[intercept=" + intercept + ", R²=" + weightedR2 + ", local=" + localPrediction
                + ", weights=" + Arrays.toString(weights) + "]";
    }
}
