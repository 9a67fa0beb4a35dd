package org.explain4j.summary;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;

import java.util.List;

/**
 * ViSFA's summary of attribution over a data set (METHODS §5): for every predicted class ×
 * feature × value bin × time step, the count, mean and spread of the attribution of the cells
 * that fell there. The state is one {@link RunningStats} per cell of that grid, fixed in size
 * when made, so adding a million episodes costs no more memory than adding one; two summaries
 * over disjoint data merge into the summary of both.
 *
 * <p>An episode's class is the model's prediction: the largest output, or for a single output
 * (a sigmoid) class 1 when the logit is positive and 0 otherwise. The value bin of a cell is
 * the bin of the input's value there ({@link ValueBins}).
 */
public final class AttributionSummary {
    private final SummaryAxes axes;
    private final ValueBins bins;
    private final List<String> classNames;
    private final int bins0;
    private final StatsGrid grid;
    private final long[] episodes;

    /** @param classNames one name per predicted class (two for a single sigmoid output) */
    public AttributionSummary(SummaryAxes axes, ValueBins bins, List<String> classNames) {
        if (bins.features() != axes.features()) {
            throw new ExplainException("value bins for " + bins.features() + " features, but the input has "
                    + axes.features());
        }
        this.axes = axes;
        this.bins = bins;
        this.classNames = List.copyOf(classNames);
        this.bins0 = bins.maxCount();
        this.grid = new StatsGrid(Math.multiplyExact(Math.multiplyExact(classNames.size(), axes.features()),
                Math.multiplyExact(bins0, axes.times())));
        this.episodes = new long[classNames.size()];
    }

    public SummaryAxes axes() {
        return axes;
    }

    public ValueBins bins() {
        return bins;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int classes() {
        return classNames.size();
    }

    private int index(int c, int f, int b, int t) {
        return ((c * axes.features() + f) * bins0 + b) * axes.times() + t;
    }

    /** The predicted class of each row of {@code outputs [n, C]}. */
    public static int[] predicted(float[] outputs, int n, int classCount) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            if (classCount == 1) {
                out[i] = outputs[i] > 0 ? 1 : 0;
                continue;
            }
            int best = 0;
            for (int k = 1; k < classCount; k++) {
                if (outputs[i * classCount + k] > outputs[i * classCount + best]) {
                    best = k;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** Adds every sample of {@code a}, grouped by the model's prediction at it. */
    public void add(Attribution a) {
        int n = a.batchSize();
        add(a.inputs().data(), a.values().data(), predicted(a.outputs().data(), n, a.outputs().sampleSize()), n);
    }

    /**
     * Adds {@code n} episodes: inputs and attributions flat, {@code axes.cells()} values each.
     */
    public void add(float[] inputs, float[] values, int[] predicted, int n) {
        int cells = axes.cells();
        if (inputs.length < n * cells || values.length < n * cells) {
            throw new ExplainException("episodes of " + cells + " cells expected; got " + inputs.length / Math.max(1, n)
                    + " per episode");
        }
        for (int i = 0; i < n; i++) {
            int c = predicted[i];
            if (c < 0 || c >= classNames.size()) {
                throw new ExplainException("predicted class " + c + " is out of range for " + classNames.size()
                        + " classes");
            }
            episodes[c]++;
            int off = i * cells;
            for (int cell = 0; cell < cells; cell++) {
                int f = axes.feature(cell);
                int b = bins.bin(f, inputs[off + cell]);
                grid.add(index(c, f, b, axes.time(cell)), values[off + cell]);
            }
        }
    }

    /** Adds everything {@code other} summarised (same axes and bins). */
    public void merge(AttributionSummary other) {
        if (other.bins != bins || !other.axes.equals(axes) || !other.classNames.equals(classNames)) {
            throw new IllegalArgumentException("only summaries with the same axes, bins and classes merge");
        }
        grid.merge(other.grid);
        for (int c = 0; c < episodes.length; c++) {
            episodes[c] += other.episodes[c];
        }
    }

    /** Episodes summarised, all classes. */
    public long episodes() {
        long s = 0;
        for (long e : episodes) {
            s += e;
        }
        return s;
    }

    /** Episodes predicted as class {@code c}. */
    public long episodes(int c) {
        return episodes[c];
    }

    /** The attribution of class {@code c}, feature {@code f}, value bin {@code b}, time {@code t}. */
    public RunningStats cell(int c, int f, int b, int t) {
        return grid.stats(index(c, f, b, t));
    }

    /** Class {@code c}, feature {@code f}, time {@code t} over all values (the merge of the bins). */
    public RunningStats marginal(int c, int f, int t) {
        RunningStats s = new RunningStats();
        for (int b = 0; b < bins.count(f); b++) {
            s.merge(grid.stats(index(c, f, b, t)));
        }
        return s;
    }

    /** Mean attribution of class {@code c}: features × time steps (NaN where no cell fell). */
    public float[][] classMeans(int c) {
        float[][] g = new float[axes.features()][axes.times()];
        for (int f = 0; f < axes.features(); f++) {
            for (int t = 0; t < axes.times(); t++) {
                g[f][t] = (float) marginal(c, f, t).mean();
            }
        }
        return g;
    }

    /** Mean attribution of class {@code c} and feature {@code f}: value bins × time steps. */
    public float[][] featureMeans(int c, int f) {
        float[][] g = new float[bins.count(f)][axes.times()];
        for (int b = 0; b < bins.count(f); b++) {
            for (int t = 0; t < axes.times(); t++) {
                g[b][t] = (float) cell(c, f, b, t).mean();
            }
        }
        return g;
    }

    /** Mean attribution of class {@code c} for one-step inputs: features × value bins. */
    public float[][] featureBinMeans(int c) {
        float[][] g = new float[axes.features()][bins.maxCount()];
        for (int f = 0; f < axes.features(); f++) {
            java.util.Arrays.fill(g[f], Float.NaN);
            for (int b = 0; b < bins.count(f); b++) {
                RunningStats s = new RunningStats();
                for (int t = 0; t < axes.times(); t++) {
                    s.merge(cell(c, f, b, t));
                }
                g[f][b] = (float) s.mean();
            }
        }
        return g;
    }
}
