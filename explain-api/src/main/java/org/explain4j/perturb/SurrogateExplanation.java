package org.explain4j.perturb;

import java.util.Arrays;
import java.util.List;

/**
 * One instance's explanation in the interpretable space: a weight per feature and the additive
 * model they form, {@code g(z') = intercept + Σ_j weights[j]·z'_j}.
 *
 * <ul>
 *   <li>LIME: the surrogate's coefficients, intercept, weighted R² and local prediction
 *       {@code g(1)}; {@code selected} lists the features K-Lasso kept.</li>
 *   <li>KernelSHAP: Shapley values; intercept {@code = f(baseline)}, local prediction
 *       {@code = f(x)} up to rounding (efficiency); R² of the additive model over the coalitions.</li>
 *   <li>Feature ablation: {@code f(x) − f(x without feature j)}; intercept
 *       {@code = f(x) − Σ weights}; local prediction {@code f(x)}; R² NaN (nothing is fitted).</li>
 *   <li>Occlusion: one weight per window position (features are windows), read as ablation.</li>
 * </ul>
 *
 * @param instance        the instance's index in the run (its position in the data set for audits)
 * @param target          the explained class
 * @param modelPrediction the model's score {@code f(x)} of the target at the input
 * @param evaluations     model rows spent on this instance
 */
public record SurrogateExplanation(long instance, int target, List<String> featureNames, double[] weights,
                                   double intercept, double weightedR2, double localPrediction,
                                   double modelPrediction, int[] selected, long evaluations) {
    public SurrogateExplanation {
        featureNames = List.copyOf(featureNames);
        weights = weights.clone();
        selected = selected.clone();
        if (weights.length != featureNames.size()) {
            throw new IllegalArgumentException(weights.length + " weights for " + featureNames.size() + " features");
        }
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public int[] selected() {
        return selected.clone();
    }

    public double weight(int feature) {
        return weights[feature];
    }

    public int featureCount() {
        return weights.length;
    }

    /** Sum of the weights. */
    public double weightSum() {
        double s = 0;
        for (double w : weights) {
            s += w;
        }
        return s;
    }

    /** Feature indices by decreasing |weight| (ties by index). */
    public int[] ranking() {
        Integer[] idx = new Integer[weights.length];
        for (int j = 0; j < idx.length; j++) {
            idx[j] = j;
        }
        Arrays.sort(idx, (a, b) -> {
            int c = Double.compare(Math.abs(weights[b]), Math.abs(weights[a]));
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[idx.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = idx[j];
        }
        return out;
    }
}
