package org.explain4j.perturb;

import org.explain4j.ExplainException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * KernelSHAP's coalitions and their Shapley kernel weights (Lundberg and Lee 2017), and the
 * constrained weighted least squares that turns model scores on them into Shapley values.
 *
 * <p>The kernel weight of a coalition of size {@code s} out of {@code d} is
 * {@code (d − 1) / (C(d,s) · s · (d − s))}; the empty and the full coalition have infinite weight,
 * which is imposed exactly as constraints: {@code φ₀ = f(baseline)} and
 * {@code Σφ = f(x) − f(baseline)} (efficiency).
 *
 * <p>Coalitions: when the budget covers all {@code 2^d − 2} proper coalitions they are all
 * enumerated with their exact kernel weights, and the result is the exact Shapley value of the
 * game {@code v(S) = f(x_S, baseline_rest)}. Otherwise they are chosen as the shap library's
 * {@code KernelExplainer} does: sizes are visited from the outside in (1 and d−1, then 2 and
 * d−2, …); a size whose share of the kernel mass buys all its subsets is enumerated in full;
 * the rest of the budget is drawn at random, size by the remaining kernel mass, members
 * uniformly, each draw together with its complement; repeated draws add weight to the row
 * already drawn, and the random rows' weights are scaled to the kernel mass they stand for.
 */
final class ShapleyCoalitions {

    /** Coalitions (without the empty and the full one) and their kernel weights. */
    record Design(Coalitions z, double[] weights, boolean exhaustive) {
    }

    private ShapleyCoalitions() {
    }

    /** The Shapley kernel weight of one coalition of size {@code s} out of {@code d}. */
    static double kernelWeight(int d, int s) {
        return (d - 1) / (binomial(d, s) * s * (d - s));
    }

    static double binomial(int n, int k) {
        double r = 1;
        for (int i = 1; i <= k; i++) {
            r = r * (n - k + i) / i;
        }
        return r < 9e15 ? Math.rint(r) : r; // exact integers while doubles hold them
    }

    /** The number of proper coalitions {@code 2^d − 2}, saturating at Long.MAX_VALUE. */
    static long properCoalitions(int d) {
        return d >= 62 ? Long.MAX_VALUE : (1L << d) - 2;
    }

    /** Draws (or enumerates) at most {@code samples} coalitions of {@code d ≥ 2} features. */
    static Design draw(int d, int samples, SplittableRandom rng) {
        if (samples >= properCoalitions(d)) {
            return enumerateAll(d);
        }
        int words = (d + 63) >>> 6;
        List<long[]> rows = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        int sizes = d / 2;              // ceil((d − 1) / 2)
        int pairedSizes = (d - 1) / 2;  // floor((d − 1) / 2)
        double[] mass = new double[sizes];
        double total = 0;
        for (int i = 0; i < sizes; i++) {
            int s = i + 1;
            mass[i] = (d - 1.0) / (s * (double) (d - s)) * (s <= pairedSizes ? 2 : 1);
            total += mass[i];
        }
        for (int i = 0; i < sizes; i++) {
            mass[i] /= total;
        }
        double[] remaining = mass.clone();
        int fullSizes = 0;
        double left = samples;
        for (int s = 1; s <= sizes; s++) {
            boolean paired = s <= pairedSizes;
            double subsets = binomial(d, s) * (paired ? 2 : 1);
            if (left * remaining[s - 1] / subsets < 1.0 - 1e-8) {
                break;
            }
            fullSizes++;
            left -= subsets;
            if (remaining[s - 1] < 1.0) {
                double scale = 1.0 - remaining[s - 1];
                for (int i = 0; i < sizes; i++) {
                    remaining[i] /= scale;
                }
            }
            double w = mass[s - 1] / binomial(d, s) / (paired ? 2 : 1);
            int[] idx = new int[s];
            for (int i = 0; i < s; i++) {
                idx[i] = i;
            }
            do {
                long[] row = new long[words];
                for (int i : idx) {
                    row[i >>> 6] |= 1L << i;
                }
                rows.add(row);
                weights.add(w);
                if (paired) {
                    rows.add(complement(row, d));
                    weights.add(w);
                }
            } while (nextCombination(idx, d));
        }
        int fixed = rows.size();
        int toDraw = samples - fixed;
        if (fullSizes < sizes && toDraw > 0) {
            double[] cdf = new double[sizes - fullSizes];
            double acc = 0;
            for (int i = fullSizes; i < sizes; i++) {
                acc += mass[i] / (i < pairedSizes ? 2 : 1);
                cdf[i - fullSizes] = acc;
            }
            Map<Key, Integer> seen = new HashMap<>();
            int[] perm = new int[d];
            long attempts = 4L * toDraw; // as shap: at most 4 draws per wanted sample, then stop
            while (toDraw > 0 && attempts-- > 0) {
                double u = rng.nextDouble() * acc;
                int k = 0;
                while (k < cdf.length - 1 && u >= cdf[k]) {
                    k++;
                }
                int s = fullSizes + 1 + k;
                for (int j = 0; j < d; j++) {
                    perm[j] = j;
                }
                long[] row = new long[words];
                for (int i = 0; i < s; i++) {
                    int r = i + rng.nextInt(d - i);
                    int t = perm[i];
                    perm[i] = perm[r];
                    perm[r] = t;
                    row[perm[i] >>> 6] |= 1L << perm[i];
                }
                if (add(row, rows, weights, seen)) {
                    toDraw--;
                }
                if (toDraw > 0 && s <= pairedSizes) {
                    if (add(complement(row, d), rows, weights, seen)) {
                        toDraw--;
                    }
                }
            }
            double weightLeft = 0;
            for (int i = fullSizes; i < sizes; i++) {
                weightLeft += mass[i];
            }
            double drawn = 0;
            for (int i = fixed; i < weights.size(); i++) {
                drawn += weights.get(i);
            }
            for (int i = fixed; i < weights.size(); i++) {
                weights.set(i, weights.get(i) * weightLeft / drawn);
            }
        }
        Coalitions z = new Coalitions(rows.size(), d);
        double[] w = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            long[] row = rows.get(i);
            for (int k = 0; k < words; k++) {
                z.setWord(i, k, row[k]);
            }
            w[i] = weights.get(i);
        }
        return new Design(z, w, false);
    }

    /** All {@code 2^d − 2} proper coalitions with their exact kernel weights. */
    static Design enumerateAll(int d) {
        long count = properCoalitions(d);
        if (d > 24) {
            throw new ExplainException("cannot enumerate 2^" + d + " coalitions; give a smaller sample budget");
        }
        int n = (int) count;
        Coalitions z = new Coalitions(n, d);
        double[] w = new double[n];
        for (int m = 1; m <= n; m++) {
            for (int j = 0; j < d; j++) {
                z.set(m - 1, j, (m >>> j & 1) != 0);
            }
            w[m - 1] = kernelWeight(d, Integer.bitCount(m));
        }
        return new Design(z, w, true);
    }

    /**
     * Shapley values from scores {@code y} on the coalitions: minimises
     * {@code Σ w (y − f_b − Σ_j φ_j z_j)²} subject to {@code Σφ = f_x − f_b}. The constraint
     * eliminates the last feature, {@code φ_last = Δ − Σ_{j<last} φ_j}, leaving an unconstrained
     * weighted least squares in {@code z_j − z_last} without intercept, solved from the Gram
     * matrix by Cholesky.
     *
     * @throws ExplainException when the coalitions do not determine the values (too few samples)
     */
    static double[] efficientFit(Coalitions z, double[] y, double[] w, double fBaseline, double fInput) {
        int d = z.features();
        double delta = fInput - fBaseline;
        if (d == 1) {
            return new double[] {delta};
        }
        WeightedGram g = WeightedGram.of(z, y, w);
        int last = d - 1;
        int m = d - 1;
        double[] s = g.szz;
        double sll = s[last * d + last];
        double tl = g.szy[last] - fBaseline * g.sz[last];
        double[] a = new double[m * m];
        double[] r = new double[m];
        for (int j = 0; j < m; j++) {
            double sjl = s[j * d + last];
            for (int k = 0; k < m; k++) {
                a[j * m + k] = s[j * d + k] - sjl - s[k * d + last] + sll;
            }
            double tj = g.szy[j] - fBaseline * g.sz[j];
            r[j] = tj - tl - delta * (sjl - sll);
        }
        double[] phi;
        try {
            phi = Cholesky.solve(a, m, r);
        } catch (Cholesky.Singular e) {
            throw new ExplainException("KernelSHAP: the " + z.rows() + " coalitions do not determine the values of all "
                    + d + " features; raise the number of samples (at least 2·d is a good start)");
        }
        double[] out = new double[d];
        double sum = 0;
        for (int j = 0; j < m; j++) {
            out[j] = phi[j];
            sum += phi[j];
        }
        out[last] = delta - sum;
        return out;
    }

    /** A coalition as a map key. */
    private record Key(long[] bits) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bits, k.bits);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bits);
        }
    }

    private static long[] complement(long[] row, int d) {
        long[] c = new long[row.length];
        for (int k = 0; k < row.length; k++) {
            long valid = k == row.length - 1 && (d & 63) != 0 ? (1L << (d & 63)) - 1 : -1L;
            c[k] = ~row[k] & valid;
        }
        return c;
    }

    private static boolean add(long[] row, List<long[]> rows, List<Double> weights, Map<Key, Integer> seen) {
        Key key = new Key(row);
        Integer at = seen.get(key);
        if (at != null) {
            weights.set(at, weights.get(at) + 1.0);
            return false;
        }
        seen.put(key, rows.size());
        rows.add(row);
        weights.add(1.0);
        return true;
    }

    /** Advances {@code idx} (increasing, values < n) to the next k-combination; false after the last. */
    private static boolean nextCombination(int[] idx, int n) {
        int k = idx.length;
        int i = k - 1;
        while (i >= 0 && idx[i] == n - k + i) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        idx[i]++;
        for (int j = i + 1; j < k; j++) {
            idx[j] = idx[j - 1] + 1;
        }
        return true;
    }
}
