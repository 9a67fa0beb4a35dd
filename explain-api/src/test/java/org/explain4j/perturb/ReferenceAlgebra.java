package org.explain4j.perturb;

/** Dense reference linear algebra for tests: Gaussian elimination with partial pivoting. */
final class ReferenceAlgebra {
    private ReferenceAlgebra() {
    }

    /** Solves {@code a x = b} for a square matrix (copies its arguments). */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) {
                    piv = r;
                }
            }
            double[] t = m[col];
            m[col] = m[piv];
            m[piv] = t;
            if (Math.abs(m[col][col]) < 1e-300) {
                throw new ArithmeticException("singular");
            }
            for (int r = 0; r < n; r++) {
                if (r != col) {
                    double f = m[r][col] / m[col][col];
                    for (int c = col; c <= n; c++) {
                        m[r][c] -= f * m[col][c];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = m[i][n] / m[i][i];
        }
        return x;
    }

    /**
     * Weighted ridge with an unpenalised intercept by the normal equations of the design
     * {@code [1, X_S]}: {@code ([1,X]ᵀW[1,X] + diag(0, α…α)) θ = [1,X]ᵀW y}. Returns
     * {@code [intercept, β_S...]}.
     */
    static double[] ridgeNormalEquations(double[][] x, double[] y, double[] w, int[] cols, double alpha) {
        int p = cols.length + 1;
        double[][] a = new double[p][p];
        double[] b = new double[p];
        for (int i = 0; i < y.length; i++) {
            double[] row = new double[p];
            row[0] = 1;
            for (int k = 0; k < cols.length; k++) {
                row[k + 1] = x[i][cols[k]];
            }
            for (int r = 0; r < p; r++) {
                b[r] += w[i] * row[r] * y[i];
                for (int c = 0; c < p; c++) {
                    a[r][c] += w[i] * row[r] * row[c];
                }
            }
        }
        for (int r = 1; r < p; r++) {
            a[r][r] += alpha;
        }
        return solve(a, b);
    }

    /** Weighted residual sum of squares of {@code [intercept, β_S]} on columns {@code cols}. */
    static double weightedRss(double[][] x, double[] y, double[] w, int[] cols, double[] theta) {
        double rss = 0;
        for (int i = 0; i < y.length; i++) {
            double pred = theta[0];
            for (int k = 0; k < cols.length; k++) {
                pred += theta[k + 1] * x[i][cols[k]];
            }
            rss += w[i] * (y[i] - pred) * (y[i] - pred);
        }
        return rss;
    }
}
