package org.explain4j.perturb;

/**
 * Weighted sufficient statistics of binary samples {@code z} (n × d), targets {@code y} and
 * weights {@code w}: {@code Σw}, {@code Σw·z}, {@code Σw·z·zᵀ}, {@code Σw·y}, {@code Σw·z·y},
 * {@code Σw·y²}, accumulated in double. Every surrogate fit (ridge, the LARS path, KernelSHAP's
 * constrained least squares) needs only these, so the n rows are read once, and only their
 * active features: a row with k features on costs k²/2 additions instead of d².
 */
final class WeightedGram {
    final int d;
    final double sw;
    final double sy;
    final double syy;
    final double[] sz;
    final double[] szy;
    /** Row-major d × d, symmetric. */
    final double[] szz;

    private WeightedGram(int d, double sw, double sy, double syy, double[] sz, double[] szy, double[] szz) {
        this.d = d;
        this.sw = sw;
        this.sy = sy;
        this.syy = syy;
        this.sz = sz;
        this.szy = szy;
        this.szz = szz;
    }

    static WeightedGram of(Coalitions z, double[] y, double[] w) {
        int n = z.rows();
        int d = z.features();
        if (y.length != n || w.length != n) {
            throw new IllegalArgumentException(n + " samples but " + y.length + " targets and " + w.length + " weights");
        }
        double sw = 0;
        double sy = 0;
        double syy = 0;
        double[] sz = new double[d];
        double[] szy = new double[d];
        double[] szz = new double[d * d];
        int[] act = new int[d];
        for (int i = 0; i < n; i++) {
            double wi = w[i];
            if (wi == 0) {
                continue;
            }
            double wy = wi * y[i];
            sw += wi;
            sy += wy;
            syy += wy * y[i];
            int k = z.active(i, act);
            for (int a = 0; a < k; a++) {
                int j = act[a];
                sz[j] += wi;
                szy[j] += wy;
                int row = j * d;
                for (int b = a; b < k; b++) {
                    szz[row + act[b]] += wi;
                }
            }
        }
        for (int j = 0; j < d; j++) {
            for (int k = j + 1; k < d; k++) {
                szz[k * d + j] = szz[j * d + k];
            }
        }
        return new WeightedGram(d, sw, sy, syy, sz, szy, szz);
    }

    /** Weighted mean of y. */
    double meanY() {
        return sy / sw;
    }

    /** {@code Σw (z − z̄)(z − z̄)ᵀ} restricted to {@code cols}, row-major. */
    double[] centeredGram(int[] cols) {
        int m = cols.length;
        double[] g = new double[m * m];
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < m; b++) {
                g[a * m + b] = szz[cols[a] * d + cols[b]] - sz[cols[a]] * sz[cols[b]] / sw;
            }
        }
        return g;
    }

    /** {@code Σw (z − z̄)(y − ȳ)} restricted to {@code cols}. */
    double[] centeredCross(int[] cols) {
        double[] c = new double[cols.length];
        for (int a = 0; a < cols.length; a++) {
            c[a] = szy[cols[a]] - sz[cols[a]] * sy / sw;
        }
        return c;
    }

    static int[] all(int d) {
        int[] cols = new int[d];
        for (int j = 0; j < d; j++) {
            cols[j] = j;
        }
        return cols;
    }
}
