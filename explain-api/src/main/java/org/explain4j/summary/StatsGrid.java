package org.explain4j.summary;

/**
 * Many {@link RunningStats} in three flat arrays, addressed by cell index: a summary's whole
 * state, fixed in size when made — its memory does not grow with the data.
 */
final class StatsGrid {
    private final long[] count;
    private final double[] mean;
    private final double[] m2;

    StatsGrid(int cells) {
        count = new long[cells];
        mean = new double[cells];
        m2 = new double[cells];
    }

    int size() {
        return count.length;
    }

    void add(int cell, double x) {
        long n = ++count[cell];
        double d = x - mean[cell];
        mean[cell] += d / n;
        m2[cell] += d * (x - mean[cell]);
    }

    void merge(StatsGrid other) {
        if (other.size() != size()) {
            throw new IllegalArgumentException("cannot merge grids of " + other.size() + " and " + size() + " cells");
        }
        for (int i = 0; i < count.length; i++) {
            if (other.count[i] == 0) {
                continue;
            }
            RunningStats s = stats(i);
            s.merge(other.count[i], other.mean[i], other.m2[i]);
            count[i] = s.count();
            mean[i] = s.count() == 0 ? 0 : s.mean();
            m2[i] = s.m2();
        }
    }

    /** A copy of cell {@code i}. */
    RunningStats stats(int i) {
        return RunningStats.of(count[i], mean[i], m2[i]);
    }

    long count(int i) {
        return count[i];
    }
}
