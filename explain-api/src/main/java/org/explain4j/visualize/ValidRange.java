package org.explain4j.visualize;

import org.explain4j.ExplainException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The valid values per column of a time × features input: one-hot groups are projected back onto
 * the probability simplex at every time step (Euclidean projection, Duchi et al. 2008) and mask
 * columns are clipped to [0, 1]; other columns are free. Applied after every ascent step so the
 * visualisation stays an input the model could have been given.
 */
public final class ValidRange {

    private final List<int[]> oneHotGroups;
    private final int[] maskColumns;

    public ValidRange(List<int[]> oneHotGroups, int[] maskColumns) {
        this.oneHotGroups = List.copyOf(oneHotGroups);
        this.maskColumns = maskColumns.clone();
    }

    /** No constraint. */
    public static ValidRange none() {
        return new ValidRange(List.of(), new int[0]);
    }

    /** Groups of the sidecar's value columns with more than one column are one-hot categories. */
    public static ValidRange ofGroups(List<int[]> valueColumnsPerVariable, int[] maskColumns) {
        List<int[]> groups = new ArrayList<>();
        for (int[] g : valueColumnsPerVariable) {
            if (g.length > 1) {
                groups.add(g.clone());
            }
        }
        return new ValidRange(groups, maskColumns);
    }

    public boolean isNone() {
        return oneHotGroups.isEmpty() && maskColumns.length == 0;
    }

    /** Projects one sample {@code [T,F]} (row-major, {@code width} = F) in place. */
    public void project(float[] sample, int offset, int width, int steps) {
        for (int[] g : oneHotGroups) {
            for (int c : g) {
                check(c, width);
            }
        }
        for (int c : maskColumns) {
            check(c, width);
        }
        for (int t = 0; t < steps; t++) {
            int row = offset + t * width;
            for (int[] g : oneHotGroups) {
                float[] v = new float[g.length];
                for (int i = 0; i < g.length; i++) {
                    v[i] = sample[row + g[i]];
                }
                float[] p = simplex(v);
                for (int i = 0; i < g.length; i++) {
                    sample[row + g[i]] = p[i];
                }
            }
            for (int c : maskColumns) {
                sample[row + c] = Math.max(0f, Math.min(1f, sample[row + c]));
            }
        }
    }

    private static void check(int column, int width) {
        if (column < 0 || column >= width) {
            throw new ExplainException("valid-range column " + column + " is outside the input's " + width
                    + " feature columns; the sidecar's column groups do not fit this model");
        }
    }

    /** Euclidean projection of {@code v} onto {x ≥ 0, Σx = 1}. */
    static float[] simplex(float[] v) {
        double[] u = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = v[i];
        }
        Arrays.sort(u);
        double cumulative = 0;
        double theta = 0;
        for (int k = u.length - 1, j = 1; k >= 0; k--, j++) {
            cumulative += u[k];
            double t = (cumulative - 1) / j;
            if (u[k] - t > 0) {
                theta = t;
            }
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) Math.max(0, v[i] - theta);
        }
        return out;
    }
}
