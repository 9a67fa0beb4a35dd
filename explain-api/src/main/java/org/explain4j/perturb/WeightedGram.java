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
        int words = z.words();
        for (int i = 0; i < n; i++) {
            double wi = w[i];
            if (wi == 0) {
                continue;
            }
            double wy = wi * y[i];
            sw += wi;
            sy += wy;
            syy += wy * y[i];
            for (int word = 0; word < words; word++) {
                long b = z.word(i, word);
                while (b != 0) {
                    int j = (word << 6) + Long.numberOfTrailingZeros(b);
                    b &= b - 1;
                    sz[j] += wi;
                    szy[j] += wy;
                }
            }
        }
        WeightGroups groups = WeightGroups.of(w);
        double[] szz = groups != null && groups.worthIt(d) ? groups.gram(z, sz) : directGram(z, w, sz);
        return new WeightedGram(d, sw, sy, syy, sz, szy, szz);
    }

    /** {@code Σ w z zᵀ} row by row over the pairs of active features: k²/2 additions per row. */
    private static double[] directGram(Coalitions z, double[] w, double[] sz) {
        int n = z.rows();
        int d = z.features();
        double[] szz = new double[d * d];
        int[] act = new int[d];
        for (int i = 0; i < n; i++) {
            double wi = w[i];
            if (wi == 0) {
                continue;
            }
            int k = z.active(i, act);
            for (int a = 0; a < k; a++) {
                int row = act[a] * d;
                for (int b = a + 1; b < k; b++) {
                    szz[row + act[b]] += wi;
                }
            }
        }
        return symmetric(szz, d, sz);
    }

    /** Mirrors the upper triangle and puts {@code Σ w z_j} (= {@code Σ w z_j²}) on the diagonal. */
    private static double[] symmetric(double[] szz, int d, double[] sz) {
        for (int j = 0; j < d; j++) {
            szz[j * d + j] = sz[j];
            for (int k = j + 1; k < d; k++) {
                szz[k * d + j] = szz[j * d + k];
            }
        }
        return szz;
    }

    /**
     * Rows grouped by equal weight. LIME's weights depend on the number of features on only,
     * so a thousand samples carry a few dozen distinct weights; then
     * {@code Σ_i w_i z_ij z_il = Σ_g w_g · |rows of g with j and l on|}, and the counts are
     * popcounts over bit columns with the rows laid out group by group: a pair of features
     * costs one AND and popcount per 64 rows instead of one addition per row where both are on.
     */
    private record WeightGroups(int[] groupOfRow, double[] weight, int[] start, int rows) {

        static WeightGroups of(double[] w) {
            java.util.Map<Double, Integer> ids = new java.util.HashMap<>();
            int[] group = new int[w.length];
            for (int i = 0; i < w.length; i++) {
                if (w[i] == 0) {
                    group[i] = -1;
                    continue;
                }
                Integer g = ids.get(w[i]);
                if (g == null) {
                    g = ids.size();
                    ids.put(w[i], g);
                    if (ids.size() > Math.max(8, w.length / 16)) {
                        return null; // too many distinct weights to gain anything
                    }
                }
                group[i] = g;
            }
            double[] weight = new double[ids.size()];
            ids.forEach((v, g) -> weight[g] = v);
            int[] count = new int[ids.size() + 1];
            int rows = 0;
            for (int g : group) {
                if (g >= 0) {
                    count[g + 1]++;
                    rows++;
                }
            }
            for (int g = 0; g < weight.length; g++) {
                count[g + 1] += count[g];
            }
            return new WeightGroups(group, weight, count, rows);
        }

        boolean worthIt(int d) {
            return rows >= 128 && d >= 4;
        }

        double[] gram(Coalitions z, double[] sz) {
            int d = z.features();
            int words = (rows + 63) >>> 6;
            // Bit columns over rows placed group by group.
            long[] cols = new long[d * words];
            int[] next = start.clone();
            int[] act = new int[d];
            for (int i = 0; i < groupOfRow.length; i++) {
                int g = groupOfRow[i];
                if (g < 0) {
                    continue;
                }
                int pos = next[g]++;
                int k = z.active(i, act);
                long bit = 1L << pos;
                int word = pos >>> 6;
                for (int a = 0; a < k; a++) {
                    cols[act[a] * words + word] |= bit;
                }
            }
            // Segments: the part of one word inside one group.
            int groups = weight.length;
            int[] segWord = new int[groups + words];
            long[] segMask = new long[groups + words];
            double[] segWeight = new double[groups + words];
            int segs = 0;
            for (int g = 0; g < groups; g++) {
                for (int from = start[g], to = start[g + 1]; from < to; ) {
                    int word = from >>> 6;
                    int end = Math.min(to, (word + 1) << 6);
                    long mask = (end - from == 64 ? -1L : ((1L << (end - from)) - 1)) << (from & 63);
                    segWord[segs] = word;
                    segMask[segs] = mask;
                    segWeight[segs] = weight[g];
                    segs++;
                    from = end;
                }
            }
            double[] szz = new double[d * d];
            for (int j = 0; j < d; j++) {
                int cj = j * words;
                for (int l = j + 1; l < d; l++) {
                    int cl = l * words;
                    double s = 0;
                    for (int t = 0; t < segs; t++) {
                        int word = segWord[t];
                        long both = cols[cj + word] & cols[cl + word] & segMask[t];
                        if (both != 0) {
                            s += segWeight[t] * Long.bitCount(both);
                        }
                    }
                    szz[j * d + l] = s;
                }
            }
            return symmetric(szz, d, sz);
        }
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
