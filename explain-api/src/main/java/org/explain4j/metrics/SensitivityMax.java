package org.explain4j.metrics;

/**
 * Max-sensitivity (Yeh et al. 2019): the largest change of the explanation over a small
 * neighbourhood, {@code max_{|y−x| ≤ r} ‖φ(y) − φ(x)‖}, estimated by the maximum over the
 * sampled neighbours of a {@link Neighbourhood}. Reported relative to {@code ‖φ(x)‖} (the
 * Frobenius norm), as Captum's {@code sensitivity_max} does, so methods on different scales
 * compare; where {@code φ(x) = 0} the absolute change is reported. 0 means the explanation does
 * not move at all.
 */
public final class SensitivityMax {
    private SensitivityMax() {
    }

    /** Per input: {@code max_k ‖φ(y_k) − φ(x)‖ / ‖φ(x)‖}. */
    public static double[] of(Neighbourhood.Explained e) {
        float[] phi = e.original().values().data();
        float[] nb = e.values().data();
        int n = e.original().batchSize();
        int d = e.original().values().sampleSize();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += (double) phi[i * d + j] * phi[i * d + j];
            }
            norm = Math.sqrt(norm);
            double worst = 0;
            for (int k = 0; k < e.count(); k++) {
                int row = i * e.count() + k;
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double diff = (double) nb[row * d + j] - phi[i * d + j];
                    s += diff * diff;
                }
                worst = Math.max(worst, Math.sqrt(s));
            }
            out[i] = norm > 0 ? worst / norm : worst;
        }
        return out;
    }
}
