package org.explain4j.perturb;

/**
 * Solves small symmetric positive definite systems {@code A x = b} in double by the Cholesky
 * factorisation {@code A = L Lᵀ}. A pivot that falls to {@code 1e-10} of the largest diagonal
 * entry or below marks the matrix singular (a feature that never varies, or two that always
 * vary together), reported as {@link Singular} with the offending row so callers can name it.
 */
final class Cholesky {
    /** Relative pivot size below which a matrix counts as singular. */
    static final double RELATIVE_PIVOT_TOLERANCE = 1e-10;

    private Cholesky() {
    }

    /** Thrown when the matrix is not (numerically) positive definite. */
    static final class Singular extends RuntimeException {
        final int row;

        Singular(int row) {
            super("singular at row " + row, null, false, false);
            this.row = row;
        }
    }

    /**
     * Solves {@code a x = b} for a row-major {@code n × n} matrix; neither argument is modified.
     *
     * @throws Singular when a pivot is not positive enough
     */
    static double[] solve(double[] a, int n, double[] b) {
        double[] l = factor(a, n);
        double[] x = b.clone();
        // Forward: L y = b.
        for (int i = 0; i < n; i++) {
            double s = x[i];
            for (int k = 0; k < i; k++) {
                s -= l[i * n + k] * x[k];
            }
            x[i] = s / l[i * n + i];
        }
        // Backward: Lᵀ x = y.
        for (int i = n - 1; i >= 0; i--) {
            double s = x[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k * n + i] * x[k];
            }
            x[i] = s / l[i * n + i];
        }
        return x;
    }

    /** The lower factor L of {@code a = L Lᵀ}, row-major. */
    static double[] factor(double[] a, int n) {
        double maxDiag = 0;
        for (int i = 0; i < n; i++) {
            maxDiag = Math.max(maxDiag, Math.abs(a[i * n + i]));
        }
        double tol = RELATIVE_PIVOT_TOLERANCE * maxDiag;
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * n + k] * l[j * n + k];
                }
                if (i == j) {
                    if (!(s > tol) || maxDiag == 0) {
                        throw new Singular(i);
                    }
                    l[i * n + i] = Math.sqrt(s);
                } else {
                    l[i * n + j] = s / l[j * n + j];
                }
            }
        }
        return l;
    }
}
