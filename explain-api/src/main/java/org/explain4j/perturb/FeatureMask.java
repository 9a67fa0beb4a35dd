package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelDescription;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The interpretable representation of perturbation methods: a partition of the cells of one
 * input sample into {@code d} named features (columns, column groups, time windows × variables,
 * segments × leads, image patches). Switching a feature "off" replaces all its cells by the
 * baseline's values.
 *
 * <p>Every cell belongs to exactly one feature, except cells a mask declares
 * {@linkplain #UNASSIGNED unassigned}: those always keep the input's value, are never perturbed
 * and get attribution 0. Masks are built only through the factories below, which reject a
 * partition that leaves cells out (unless asked to allow it), assigns a cell twice, or has an
 * empty feature.
 *
 * <p>Feature weights map back to cells by an even spread: a feature's weight is divided equally
 * over its cells, so the cells of a feature sum to its weight and the whole map sums to the sum
 * of weights (KernelSHAP's efficiency carries over to the cell map). Captum instead repeats the
 * full weight in every cell; multiply by {@link #cellCount(int)} to get that convention.
 */
public final class FeatureMask {
    /** Feature index of a cell that belongs to no feature. */
    public static final int UNASSIGNED = -1;

    private final long[] sampleShape;
    private final int[] featureOfCell;
    private final int[][] cellsOfFeature;
    /** All features' cells back to back: feature f owns {@code cellOrder[cellStart[f] .. cellStart[f+1])}. */
    private final int[] cellStart;
    private final int[] cellOrder;
    private final List<String> names;
    private final String description;

    private FeatureMask(long[] sampleShape, int[] featureOfCell, List<String> names, boolean allowUnassigned,
                        String description) {
        long cellCount = cellCountOf(sampleShape);
        if (cellCount != featureOfCell.length) {
            throw new ExplainException("feature mask has " + featureOfCell.length + " cells but the sample shape "
                    + Arrays.toString(sampleShape) + " holds " + cellCount + "; give one feature index per cell");
        }
        int d = names.size();
        if (d == 0) {
            throw new ExplainException("feature mask has no features; give at least one");
        }
        int[] counts = new int[d];
        for (int c = 0; c < featureOfCell.length; c++) {
            int f = featureOfCell[c];
            if (f == UNASSIGNED) {
                if (!allowUnassigned) {
                    throw new ExplainException("feature mask does not cover the input: cell " + cellText(sampleShape, c)
                            + " belongs to no feature; assign every cell to one feature, or allow unassigned cells"
                            + " explicitly (they keep the input's value)");
                }
                continue;
            }
            if (f < 0 || f >= d) {
                throw new ExplainException("feature mask assigns cell " + cellText(sampleShape, c) + " to feature " + f
                        + "; valid feature indices are 0.." + (d - 1));
            }
            counts[f]++;
        }
        int[][] cells = new int[d][];
        for (int f = 0; f < d; f++) {
            if (counts[f] == 0) {
                throw new ExplainException("feature '" + names.get(f) + "' (index " + f
                        + ") of the mask has no cells; every feature needs at least one cell");
            }
            cells[f] = new int[counts[f]];
        }
        int[] fill = new int[d];
        for (int c = 0; c < featureOfCell.length; c++) {
            int f = featureOfCell[c];
            if (f != UNASSIGNED) {
                cells[f][fill[f]++] = c;
            }
        }
        this.sampleShape = sampleShape.clone();
        this.featureOfCell = featureOfCell.clone();
        this.cellsOfFeature = cells;
        this.cellStart = new int[d + 1];
        for (int f = 0; f < d; f++) {
            cellStart[f + 1] = cellStart[f] + counts[f];
        }
        this.cellOrder = new int[cellStart[d]];
        for (int f = 0; f < d; f++) {
            System.arraycopy(cells[f], 0, cellOrder, cellStart[f], counts[f]);
        }
        this.names = List.copyOf(names);
        this.description = description;
    }

    /**
     * A mask from one feature index per cell (row-major over {@code sampleShape}).
     *
     * @param allowUnassigned whether cells marked {@link #UNASSIGNED} are allowed
     * @throws ExplainException when the indices do not match the shape, a feature is empty, or a
     *                          cell is unassigned without {@code allowUnassigned}
     */
    public static FeatureMask of(long[] sampleShape, int[] featureOfCell, List<String> names,
                                 boolean allowUnassigned) {
        return new FeatureMask(sampleShape, featureOfCell, names, allowUnassigned, "custom(" + names.size() + ")");
    }

    /**
     * A mask from one boolean cell mask per feature, checking that the masks do not overlap and,
     * unless {@code allowUnassigned}, that together they cover every cell.
     */
    public static FeatureMask fromCellMasks(long[] sampleShape, List<boolean[]> masks, List<String> names,
                                            boolean allowUnassigned) {
        if (masks.size() != names.size()) {
            throw new ExplainException(masks.size() + " feature masks given with " + names.size()
                    + " names; give one name per mask");
        }
        int cells = Math.toIntExact(cellCountOf(sampleShape));
        int[] of = new int[cells];
        Arrays.fill(of, UNASSIGNED);
        for (int f = 0; f < masks.size(); f++) {
            boolean[] m = masks.get(f);
            if (m.length != cells) {
                throw new ExplainException("mask of feature '" + names.get(f) + "' has " + m.length
                        + " cells but the sample shape " + Arrays.toString(sampleShape) + " holds " + cells);
            }
            for (int c = 0; c < cells; c++) {
                if (m[c]) {
                    if (of[c] != UNASSIGNED) {
                        throw new ExplainException("feature masks overlap: cell " + cellText(sampleShape, c)
                                + " is in both '" + names.get(of[c]) + "' and '" + names.get(f)
                                + "'; each cell must be in exactly one feature");
                    }
                    of[c] = f;
                }
            }
        }
        return new FeatureMask(sampleShape, of, names, allowUnassigned, "masks(" + names.size() + ")");
    }

    /**
     * Tabular columns: sample {@code [F]}, one feature per column.
     *
     * @param names column names, or an empty list for {@code x[0]}, {@code x[1]}, …
     */
    public static FeatureMask columns(int columns, List<String> names) {
        if (columns < 1) {
            throw new ExplainException("a tabular mask needs at least one column; got " + columns);
        }
        List<String> n = names == null || names.isEmpty() ? indexNames("x", columns) : names;
        if (n.size() != columns) {
            throw new ExplainException(n.size() + " feature names given for " + columns + " columns; give one per column");
        }
        int[] of = new int[columns];
        for (int c = 0; c < columns; c++) {
            of[c] = c;
        }
        return new FeatureMask(new long[] {columns}, of, n, false, "columns(" + columns + ")");
    }

    /**
     * Tabular column groups: sample {@code [F]}, each named group of column indices one feature
     * (e.g. a variable's value and its one-hot or mask columns). Every column must be in exactly
     * one group.
     */
    public static FeatureMask columnGroups(int columns, Map<String, int[]> groups) {
        if (columns < 1) {
            throw new ExplainException("a tabular mask needs at least one column; got " + columns);
        }
        int[] of = new int[columns];
        Arrays.fill(of, UNASSIGNED);
        List<String> names = new ArrayList<>(groups.keySet());
        for (int f = 0; f < names.size(); f++) {
            for (int c : groups.get(names.get(f))) {
                if (c < 0 || c >= columns) {
                    throw new ExplainException("column group '" + names.get(f) + "' names column " + c
                            + "; valid columns are 0.." + (columns - 1));
                }
                if (of[c] != UNASSIGNED) {
                    throw new ExplainException("column " + c + " is in both groups '" + names.get(of[c]) + "' and '"
                            + names.get(f) + "'; each column must be in exactly one group");
                }
                of[c] = f;
            }
        }
        return new FeatureMask(new long[] {columns}, of, names, false, "column_groups(" + names.size() + ")");
    }

    /**
     * Time windows × variables for a sequence sample: {@code [T,F]} ({@link InputLayout#TIME_FEATURES})
     * or {@code [C,T]} ({@link InputLayout#CHANNELS_TIME}, e.g. ECG segments × leads). Windows are
     * {@code window} steps long from t = 0; the last one is shorter when {@code window} does not
     * divide T. Features are ordered variable by variable, then window by window, and named
     * {@code "variable@t0-3"}.
     *
     * @param variableNames names of the F variables (C channels), or empty for {@code v0}, {@code v1}, …
     */
    public static FeatureMask timeWindows(long[] sampleShape, InputLayout layout, int window,
                                          List<String> variableNames) {
        if (sampleShape.length != 2 || (layout != InputLayout.TIME_FEATURES && layout != InputLayout.CHANNELS_TIME)) {
            throw new ExplainException("time windows need a sequence sample [T,F] (time_features) or [C,T]"
                    + " (channels_time); got sample shape " + Arrays.toString(sampleShape) + " with layout " + layout);
        }
        boolean timeFirst = layout == InputLayout.TIME_FEATURES;
        int steps = Math.toIntExact(timeFirst ? sampleShape[0] : sampleShape[1]);
        int vars = Math.toIntExact(timeFirst ? sampleShape[1] : sampleShape[0]);
        if (window < 1 || window > steps) {
            throw new ExplainException("time window of " + window + " steps does not fit a sequence of " + steps
                    + " steps; give 1.." + steps);
        }
        List<String> vn = variableNames == null || variableNames.isEmpty() ? indexNames("v", vars) : variableNames;
        if (vn.size() != vars) {
            throw new ExplainException(vn.size() + " variable names given for " + vars + " variables; give one per variable");
        }
        int windows = (steps + window - 1) / window;
        List<String> names = new ArrayList<>(vars * windows);
        for (int v = 0; v < vars; v++) {
            for (int w = 0; w < windows; w++) {
                names.add(vn.get(v) + "@t" + (w * window) + "-" + (Math.min(steps, (w + 1) * window) - 1));
            }
        }
        int[] of = new int[steps * vars];
        for (int t = 0; t < steps; t++) {
            for (int v = 0; v < vars; v++) {
                int cell = timeFirst ? t * vars + v : v * steps + t;
                of[cell] = v * windows + t / window;
            }
        }
        return new FeatureMask(sampleShape, of, names, false,
                "time_windows(" + window + " steps x " + vars + (timeFirst ? " features" : " channels") + ")");
    }

    /** ECG-style segments × leads: {@link #timeWindows} on a {@code [leads, samples]} sample. */
    public static FeatureMask segmentsByLeads(int leads, int samples, int segment, List<String> leadNames) {
        return timeWindows(new long[] {leads, samples}, InputLayout.CHANNELS_TIME, segment, leadNames);
    }

    /**
     * A grid of image patches for a {@code [C,H,W]} sample; each patch spans all channels. Patches
     * are {@code patchH × patchW} from the top-left corner; those on the bottom and right edges
     * are smaller when the size does not divide the image. Features run row by row and are named
     * {@code "patch r0 c1 (y0-6, x7-13)"}.
     */
    public static FeatureMask patches(long[] sampleShape, int patchH, int patchW) {
        if (sampleShape.length != 3) {
            throw new ExplainException("image patches need a [C,H,W] sample; got sample shape " + Arrays.toString(sampleShape));
        }
        int ch = Math.toIntExact(sampleShape[0]);
        int h = Math.toIntExact(sampleShape[1]);
        int w = Math.toIntExact(sampleShape[2]);
        if (patchH < 1 || patchH > h || patchW < 1 || patchW > w) {
            throw new ExplainException("patch " + patchH + "x" + patchW + " does not fit an image of " + h + "x" + w
                    + "; give 1.." + h + " by 1.." + w);
        }
        int rows = (h + patchH - 1) / patchH;
        int cols = (w + patchW - 1) / patchW;
        List<String> names = new ArrayList<>(rows * cols);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                names.add("patch r" + r + " c" + c + " (y" + r * patchH + "-" + (Math.min(h, (r + 1) * patchH) - 1)
                        + ", x" + c * patchW + "-" + (Math.min(w, (c + 1) * patchW) - 1) + ")");
            }
        }
        int[] of = new int[ch * h * w];
        for (int k = 0; k < ch; k++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    of[(k * h + y) * w + x] = (y / patchH) * cols + x / patchW;
                }
            }
        }
        return new FeatureMask(sampleShape, of, names, false, "patches(" + patchH + "x" + patchW + ")");
    }

    /**
     * The default representation for a model's input, by its layout: tabular columns named as
     * the sidecar names them; sequences in windows of {@code max(4, ceil(T/16))} steps × variables
     * (so at most 16 windows); images in a 4 × 4 grid of patches.
     */
    public static FeatureMask defaultFor(ModelDescription description, long[] sampleShape) {
        InputLayout layout = description != null && description.layout() != null ? description.layout()
                : InputLayout.guess(sampleShape.length + 1);
        List<String> names = description == null ? List.of() : description.featureNames();
        switch (layout) {
            case FEATURES -> {
                if (sampleShape.length != 1) {
                    throw new ExplainException("a tabular (features) model needs samples [F]; got "
                            + Arrays.toString(sampleShape) + "; give a feature mask for this input");
                }
                int f = Math.toIntExact(sampleShape[0]);
                return columns(f, names.size() == f ? names : List.of());
            }
            case TIME_FEATURES, CHANNELS_TIME -> {
                if (sampleShape.length != 2) {
                    throw new ExplainException("a sequence model needs samples [T,F] or [C,T]; got "
                            + Arrays.toString(sampleShape) + "; give a feature mask for this input");
                }
                int steps = Math.toIntExact(layout == InputLayout.TIME_FEATURES ? sampleShape[0] : sampleShape[1]);
                int vars = Math.toIntExact(layout == InputLayout.TIME_FEATURES ? sampleShape[1] : sampleShape[0]);
                int window = Math.min(steps, Math.max(4, (steps + 15) / 16));
                return timeWindows(sampleShape, layout, window, names.size() == vars ? names : List.of());
            }
            case IMAGE -> {
                if (sampleShape.length != 3) {
                    throw new ExplainException("an image model needs samples [C,H,W]; got "
                            + Arrays.toString(sampleShape) + "; give a feature mask for this input");
                }
                int h = Math.toIntExact(sampleShape[1]);
                int w = Math.toIntExact(sampleShape[2]);
                return patches(sampleShape, (h + 3) / 4, (w + 3) / 4);
            }
            default -> throw new IllegalStateException("layout " + layout);
        }
    }

    /**
     * @throws ExplainException when this mask was made for another sample shape
     */
    public void requireShape(long[] shape) {
        if (!Arrays.equals(sampleShape, shape)) {
            throw new ExplainException("feature mask " + description + " was made for samples shaped "
                    + Arrays.toString(sampleShape) + " but the input samples are shaped " + Arrays.toString(shape)
                    + "; build the mask for the input's sample shape");
        }
    }

    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /** Number of interpretable features d. */
    public int featureCount() {
        return names.size();
    }

    /** Number of cells of one sample. */
    public int cellCount() {
        return featureOfCell.length;
    }

    /** Number of cells of feature {@code f}. */
    public int cellCount(int f) {
        return cellsOfFeature[f].length;
    }

    /** The feature of cell {@code cell}, or {@link #UNASSIGNED}. */
    public int featureOf(int cell) {
        return featureOfCell[cell];
    }

    /** The cells of feature {@code f} (a copy), increasing. */
    public int[] cells(int f) {
        return cellsOfFeature[f].clone();
    }

    public List<String> names() {
        return names;
    }

    public String name(int f) {
        return names.get(f);
    }

    /** A short description for attribution parameters, e.g. {@code patches(7x7)}. */
    public String description() {
        return description;
    }

    /**
     * Writes the input with the features of {@code row} that are off replaced by the baseline:
     * {@code dest[offset + c] = on(feature(c)) ? x[c] : off[c]}.
     */
    void compose(float[] x, float[] off, Coalitions z, int row, float[] dest, int offset) {
        System.arraycopy(x, 0, dest, offset, x.length);
        for (int w = 0, words = z.words(); w < words; w++) {
            long offBits = ~z.word(row, w) & z.wordMask(w);
            while (offBits != 0) {
                int f = (w << 6) + Long.numberOfTrailingZeros(offBits);
                offBits &= offBits - 1;
                for (int k = cellStart[f], end = cellStart[f + 1]; k < end; k++) {
                    int c = cellOrder[k];
                    dest[offset + c] = off[c];
                }
            }
        }
    }

    /** Writes the input with only feature {@code f} replaced by the baseline. */
    void composeWithout(float[] x, float[] off, int f, float[] dest, int offset) {
        System.arraycopy(x, 0, dest, offset, x.length);
        for (int c : cellsOfFeature[f]) {
            dest[offset + c] = off[c];
        }
    }

    /** Writes the baseline everywhere but in unassigned cells, which keep the input. */
    void composeAllOff(float[] x, float[] off, float[] dest, int offset) {
        System.arraycopy(x, 0, dest, offset, x.length);
        for (int[] cells : cellsOfFeature) {
            for (int c : cells) {
                dest[offset + c] = off[c];
            }
        }
    }

    /** Spreads feature weights evenly over their cells; unassigned cells get 0. */
    public float[] spread(double[] weights) {
        if (weights.length != names.size()) {
            throw new IllegalArgumentException(weights.length + " weights for " + names.size() + " features");
        }
        float[] out = new float[featureOfCell.length];
        for (int f = 0; f < weights.length; f++) {
            float v = (float) (weights[f] / cellsOfFeature[f].length);
            for (int c : cellsOfFeature[f]) {
                out[c] = v;
            }
        }
        return out;
    }

    /** Sums cell values {@code cellValues[offset + c]} per feature (the inverse of {@link #spread} up to rounding). */
    public double[] aggregate(float[] cellValues, int offset) {
        double[] out = new double[names.size()];
        for (int f = 0; f < out.length; f++) {
            double s = 0;
            for (int c : cellsOfFeature[f]) {
                s += cellValues[offset + c];
            }
            out[f] = s;
        }
        return out;
    }

    @Override
    public String toString() {
        return "FeatureMask " + description + " over " + Arrays.toString(sampleShape) + ", " + names.size() + " features";
    }

    private static List<String> indexNames(String prefix, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(prefix.equals("x") ? "x[" + i + "]" : prefix + i);
        }
        return out;
    }

    private static long cellCountOf(long[] shape) {
        long n = 1;
        for (long s : shape) {
            if (s < 1) {
                throw new ExplainException("feature mask needs a fixed sample shape with positive dimensions; got "
                        + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    private static String cellText(long[] shape, int flat) {
        long[] idx = new long[shape.length];
        long rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = rest % shape[d];
            rest /= shape[d];
        }
        return Arrays.toString(idx).replace(" ", "");
    }
}
