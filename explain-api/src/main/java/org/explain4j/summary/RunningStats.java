package org.explain4j.summary;

/**
 * Count, mean and spread of a stream of numbers in one pass and constant memory (Welford 1962),
 * mergeable (Chan, Golub and LeVeque 1979): two summaries of disjoint parts merge into the
 * summary of the whole, so parts can be computed apart (per chunk, per thread) and combined, and
 * marginals are merges of cells. All in double.
 */
public final class RunningStats {
    private long count;
    private double mean;
    private double m2;

    public RunningStats() {
    }

    /** A summary from its parts ({@code m2} = Σ (x − mean)²). */
    public static RunningStats of(long count, double mean, double m2) {
        RunningStats s = new RunningStats();
        s.count = count;
        s.mean = count == 0 ? 0 : mean;
        s.m2 = count == 0 ? 0 : m2;
        return s;
    }

    public void add(double x) {
        count++;
        double d = x - mean;
        mean += d / count;
        m2 += d * (x - mean);
    }

    /** Adds the values summarised by {@code other} to this summary. */
    public void merge(RunningStats other) {
        merge(other.count, other.mean, other.m2);
    }

    void merge(long n2, double mean2, double m22) {
        if (n2 == 0) {
            return;
        }
        if (count == 0) {
            count = n2;
            mean = mean2;
            m2 = m22;
            return;
        }
        long n = count + n2;
        double d = mean2 - mean;
        mean += d * n2 / n;
        m2 += m22 + d * d * ((double) count * n2 / n);
        count = n;
    }

    public long count() {
        return count;
    }

    /** The mean; NaN when empty. */
    public double mean() {
        return count == 0 ? Double.NaN : mean;
    }

    /** Σ (x − mean)². */
    public double m2() {
        return m2;
    }

    /** The sample variance (divisor n − 1); NaN below 2 values. */
    public double variance() {
        return count < 2 ? Double.NaN : Math.max(0, m2 / (count - 1));
    }

    /** The sample standard deviation; NaN below 2 values. */
    public double std() {
        return Math.sqrt(variance());
    }

    @Override
    public String toString() {
        return "n=" + count + " mean=" + mean() + " std=" + std();
    }
}
