package org.explain4j.metrics;

import java.util.Arrays;

/** Cosine similarity and Spearman's rank correlation of two attribution maps, in double. */
public final class Similarity {
    private Similarity() {
    }

    /** {@code a·b / (‖a‖ ‖b‖)}; NaN when either is all zeros. */
    public static double cosine(float[] a, int aOffset, float[] b, int bOffset, int length) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < length; i++) {
            double x = a[aOffset + i];
            double y = b[bOffset + i];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return na == 0 || nb == 0 ? Double.NaN : dot / Math.sqrt(na * nb);
    }

    /**
     * Spearman's ρ: Pearson correlation of the ranks, ties given their average rank; NaN when
     * either map is constant.
     */
    public static double spearman(float[] a, int aOffset, float[] b, int bOffset, int length) {
        return pearson(ranks(a, aOffset, length), ranks(b, bOffset, length));
    }

    /** Ranks 1..n of {@code v[offset, offset + n)}, ties averaged. */
    static double[] ranks(float[] v, int offset, int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Float.compare(v[offset + p], v[offset + q]));
        double[] rank = new double[n];
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && v[offset + order[j + 1]] == v[offset + order[i]]) {
                j++;
            }
            double r = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                rank[order[k]] = r;
            }
            i = j + 1;
        }
        return rank;
    }

    static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }
}
