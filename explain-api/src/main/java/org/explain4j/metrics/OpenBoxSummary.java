package org.explain4j.metrics;

/**
 * OpenBox over a set of inputs, in a few numbers for a report.
 *
 * @param samples                inputs
 * @param directions             directions per input
 * @param medianRadius           median over inputs of each input's median region radius (units of the scale)
 * @param minRadius              the smallest radius measured
 * @param censoredShare          share of (input, direction) pairs whose radius reached the search limit
 * @param maxReproductionError   largest |f − (W x + b)| at points inside the regions
 * @param maxRelativeReproduction the same over {@code 1 + max |f(x)|}
 * @param maxJacobianChange      largest relative change of the Jacobian inside a region (NaN if unchecked)
 * @param settings               the OpenBox configuration, as text
 * @param milliseconds           time taken
 */
public record OpenBoxSummary(int samples, int directions, double medianRadius, double minRadius, double censoredShare,
                             double maxReproductionError, double maxRelativeReproduction, double maxJacobianChange,
                             String settings, double milliseconds) {

    public static OpenBoxSummary of(OpenBox.Result r, String settings, double milliseconds) {
        double[] med = r.medianRadius();
        double[] sorted = med.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        double median = n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double min = Double.POSITIVE_INFINITY;
        int censored = 0;
        int pairs = 0;
        for (int i = 0; i < r.radius().length; i++) {
            for (int k = 0; k < r.radius()[i].length; k++) {
                min = Math.min(min, r.radius()[i][k]);
                censored += r.censored()[i][k] ? 1 : 0;
                pairs++;
            }
        }
        double rep = 0;
        double rel = 0;
        double jac = Double.NaN;
        for (int i = 0; i < n; i++) {
            rep = Math.max(rep, r.reproductionError()[i]);
            double m = 0;
            for (double f : r.models()[i].outputs()) {
                m = Math.max(m, Math.abs(f));
            }
            rel = Math.max(rel, r.reproductionError()[i] / (1 + m));
            double c = r.jacobianChange()[i];
            if (!Double.isNaN(c)) {
                jac = Double.isNaN(jac) ? c : Math.max(jac, c);
            }
        }
        int dirs = n == 0 ? 0 : r.radius()[0].length;
        return new OpenBoxSummary(n, dirs, median, pairs == 0 ? Double.NaN : min,
                pairs == 0 ? Double.NaN : (double) censored / pairs, rep, rel, jac, settings, milliseconds);
    }
}
