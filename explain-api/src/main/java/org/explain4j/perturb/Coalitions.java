package org.explain4j.perturb;

import java.util.Arrays;

/**
 * Binary samples {@code z' ∈ {0,1}^d} of the interpretable space, one row per sample: which
 * features are on (keep the input's value) and which are off (take the baseline's).
 */
public final class Coalitions {
    private final int rows;
    private final int features;
    private final boolean[] on;

    public Coalitions(int rows, int features) {
        if (rows < 0 || features < 1) {
            throw new IllegalArgumentException(rows + " rows of " + features + " features");
        }
        this.rows = rows;
        this.features = features;
        this.on = new boolean[Math.multiplyExact(rows, features)];
    }

    /** Coalitions from 0/1 rows, for tests and callers with their own design. */
    public static Coalitions of(int[][] rows) {
        Coalitions z = new Coalitions(rows.length, rows.length == 0 ? 1 : rows[0].length);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != z.features) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " entries, expected " + z.features);
            }
            for (int j = 0; j < z.features; j++) {
                z.set(i, j, rows[i][j] != 0);
            }
        }
        return z;
    }

    public int rows() {
        return rows;
    }

    public int features() {
        return features;
    }

    public boolean get(int row, int feature) {
        return on[row * features + feature];
    }

    public void set(int row, int feature, boolean value) {
        on[row * features + feature] = value;
    }

    /** Sets every feature of {@code row} on or off. */
    public void fill(int row, boolean value) {
        Arrays.fill(on, row * features, (row + 1) * features, value);
    }

    /** Number of features on in {@code row}. */
    public int activeCount(int row) {
        int k = 0;
        for (int j = row * features, end = j + features; j < end; j++) {
            if (on[j]) {
                k++;
            }
        }
        return k;
    }

    /** Writes the indices of the features on in {@code row} into {@code out}; returns how many. */
    int active(int row, int[] out) {
        int k = 0;
        for (int j = 0, p = row * features; j < features; j++, p++) {
            if (on[p]) {
                out[k++] = j;
            }
        }
        return k;
    }

    /** The rows as a dense 0/1 matrix (tests and small checks). */
    public double[][] toMatrix() {
        double[][] m = new double[rows][features];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < features; j++) {
                m[i][j] = get(i, j) ? 1 : 0;
            }
        }
        return m;
    }
}
