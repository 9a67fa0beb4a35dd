package org.explain4j.summary;

import org.explain4j.ExplainException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How each feature's values are grouped (ViSFA's "feature value" axis): a feature with few
 * distinct values is <b>categorical</b>, one bin per value (plus one for values never seen when
 * the bins were made); any other feature gets <b>quantile bins</b>, edges at the
 * {@code k/B}-quantiles of its values (linear interpolation; equal edges merged, so a skewed
 * feature may get fewer bins). A value equal to an edge falls in the bin above it.
 *
 * <p>The values come from a {@link Builder} that keeps a uniform reservoir sample (Vitter's
 * algorithm R) of at most {@code reservoir} values per feature, with a fixed seed: memory stays
 * constant however large the data set, and the bins are exact quantiles whenever the data holds
 * no more values than the reservoir.
 */
public final class ValueBins {
    public static final int DEFAULT_BINS = 10;
    public static final int DEFAULT_MAX_CATEGORIES = 10;
    public static final int DEFAULT_RESERVOIR = 20_000;

    public enum Kind { QUANTILE, CATEGORY }

    private final Kind[] kind;
    private final double[][] points; // quantile: interior edges; category: the sorted values
    private final double[] min;
    private final double[] max;

    private ValueBins(Kind[] kind, double[][] points, double[] min, double[] max) {
        this.kind = kind;
        this.points = points;
        this.min = min;
        this.max = max;
    }

    /** Bins from given interior edges per feature (quantile kind); for tests and fixed schemes. */
    public static ValueBins ofEdges(double[][] edges) {
        Kind[] k = new Kind[edges.length];
        Arrays.fill(k, Kind.QUANTILE);
        double[] lo = new double[edges.length];
        double[] hi = new double[edges.length];
        double[][] e = new double[edges.length][];
        for (int f = 0; f < edges.length; f++) {
            e[f] = edges[f].clone();
            for (int i = 1; i < e[f].length; i++) {
                if (!(e[f][i] > e[f][i - 1])) {
                    throw new ExplainException("bin edges of feature " + f + " must increase strictly: "
                            + Arrays.toString(edges[f]));
                }
            }
            lo[f] = e[f].length == 0 ? Double.NaN : e[f][0];
            hi[f] = e[f].length == 0 ? Double.NaN : e[f][e[f].length - 1];
        }
        return new ValueBins(k, e, lo, hi);
    }

    public static Builder builder(int features) {
        return new Builder(features);
    }

    public int features() {
        return kind.length;
    }

    public Kind kind(int feature) {
        return kind[feature];
    }

    /** Bins of {@code feature}. */
    public int count(int feature) {
        return points[feature].length + 1;
    }

    /** The most bins any feature has. */
    public int maxCount() {
        int m = 0;
        for (int f = 0; f < kind.length; f++) {
            m = Math.max(m, count(f));
        }
        return m;
    }

    /** The bin of {@code value} in {@code feature}. */
    public int bin(int feature, double value) {
        double[] p = points[feature];
        if (kind[feature] == Kind.CATEGORY) {
            int i = Arrays.binarySearch(p, value);
            return i >= 0 ? i : p.length; // the last bin: a value not seen when the bins were made
        }
        int lo = 0;
        int hi = p.length;
        while (lo < hi) { // the number of edges <= value
            int mid = (lo + hi) >>> 1;
            if (p[mid] <= value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Lower bound of bin {@code b} (the category's value; −∞ for the first quantile bin). */
    public double low(int feature, int b) {
        double[] p = points[feature];
        if (kind[feature] == Kind.CATEGORY) {
            return b < p.length ? p[b] : Double.NaN;
        }
        return b == 0 ? Double.NEGATIVE_INFINITY : p[b - 1];
    }

    /** Upper bound of bin {@code b} (exclusive; +∞ for the last quantile bin). */
    public double high(int feature, int b) {
        double[] p = points[feature];
        if (kind[feature] == Kind.CATEGORY) {
            return b < p.length ? p[b] : Double.NaN;
        }
        return b == p.length ? Double.POSITIVE_INFINITY : p[b];
    }

    /** E.g. {@code < 0.5}, {@code [0.5, 1.2)}, {@code ≥ 1.2}, {@code = 3}, {@code other}. */
    public String label(int feature, int b) {
        double[] p = points[feature];
        if (kind[feature] == Kind.CATEGORY) {
            return b < p.length ? "= " + num(p[b]) : "other";
        }
        if (p.length == 0) {
            return "all";
        }
        if (b == 0) {
            return "< " + num(p[0]);
        }
        if (b == p.length) {
            return "≥ " + num(p[p.length - 1]);
        }
        return "[" + num(p[b - 1]) + ", " + num(p[b]) + ")";
    }

    /** The smallest and largest value the bins were made from (NaN for given edges without data). */
    public double min(int feature) {
        return min[feature];
    }

    public double max(int feature) {
        return max[feature];
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** Collects a bounded sample of every feature's values, then makes the bins. */
    public static final class Builder {
        private final int features;
        private int bins = DEFAULT_BINS;
        private int maxCategories = DEFAULT_MAX_CATEGORIES;
        private int reservoir = DEFAULT_RESERVOIR;
        private long seed = 3L;
        private float[][] sample;
        private long[] seen;
        private double[] min;
        private double[] max;
        private SplittableRandom random;

        private Builder(int features) {
            if (features < 1) {
                throw new ExplainException("value bins need at least one feature; got " + features);
            }
            this.features = features;
        }

        /** Quantile bins per continuous feature (default 10). */
        public Builder bins(int bins) {
            check(sample == null);
            if (bins < 1) {
                throw new ExplainException("--bins must be 1 or more; got " + bins);
            }
            this.bins = bins;
            return this;
        }

        /** A feature with at most this many distinct values is categorical (default 10; 0: never). */
        public Builder maxCategories(int maxCategories) {
            check(sample == null);
            if (maxCategories < 0) {
                throw new ExplainException("--max-categories must be 0 or more; got " + maxCategories);
            }
            this.maxCategories = maxCategories;
            return this;
        }

        /** Values kept per feature (default 20,000). */
        public Builder reservoir(int reservoir) {
            check(sample == null);
            if (reservoir < 1) {
                throw new ExplainException("--bin-sample must be 1 or more; got " + reservoir);
            }
            this.reservoir = reservoir;
            return this;
        }

        public Builder seed(long seed) {
            check(sample == null);
            this.seed = seed;
            return this;
        }

        private static void check(boolean ok) {
            if (!ok) {
                throw new IllegalStateException("settings must come before the first value");
            }
        }

        private void start() {
            sample = new float[features][reservoir];
            seen = new long[features];
            min = new double[features];
            max = new double[features];
            Arrays.fill(min, Double.POSITIVE_INFINITY);
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
            random = new SplittableRandom(seed);
        }

        /** Offers one value of {@code feature}. */
        public void add(int feature, float value) {
            if (sample == null) {
                start();
            }
            long n = seen[feature]++;
            min[feature] = Math.min(min[feature], value);
            max[feature] = Math.max(max[feature], value);
            if (n < reservoir) {
                sample[feature][(int) n] = value;
            } else {
                long j = random.nextLong(n + 1);
                if (j < reservoir) {
                    sample[feature][(int) j] = value;
                }
            }
        }

        /** Values offered for {@code feature} so far. */
        public long seen(int feature) {
            return seen == null ? 0 : seen[feature];
        }

        public ValueBins build() {
            if (sample == null) {
                throw new ExplainException("no values to make bins from; the data set is empty");
            }
            Kind[] kind = new Kind[features];
            double[][] points = new double[features][];
            for (int f = 0; f < features; f++) {
                int n = (int) Math.min(seen[f], reservoir);
                if (n == 0) {
                    throw new ExplainException("feature " + f + " has no values to make bins from");
                }
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = sample[f][i];
                }
                Arrays.sort(v);
                int distinct = 0;
                int enough = Math.max(maxCategories, 1) + 1;
                for (int i = 0; i < n && distinct < enough; i++) {
                    if (i == 0 || v[i] != v[i - 1]) {
                        distinct++;
                    }
                }
                if (distinct <= maxCategories || distinct == 1) {
                    kind[f] = Kind.CATEGORY;
                    points[f] = Arrays.stream(v).distinct().toArray();
                } else {
                    kind[f] = Kind.QUANTILE;
                    points[f] = quantileEdges(v, bins);
                }
            }
            return new ValueBins(kind, points, min.clone(), max.clone());
        }
    }

    /** Interior edges at the k/B quantiles (k = 1..B−1) of sorted {@code v}, duplicates merged. */
    static double[] quantileEdges(double[] v, int bins) {
        List<Double> edges = new ArrayList<>();
        for (int k = 1; k < bins; k++) {
            double e = quantile(v, (double) k / bins);
            if (e > v[0] && (edges.isEmpty() || e > edges.get(edges.size() - 1))) {
                edges.add(e);
            }
        }
        return edges.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Linear-interpolation quantile of sorted {@code v} (NumPy's default, "type 7"). */
    static double quantile(double[] v, double p) {
        double h = (v.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(v.length - 1, lo + 1);
        return v[lo] + (h - lo) * (v[hi] - v[lo]);
    }
}
