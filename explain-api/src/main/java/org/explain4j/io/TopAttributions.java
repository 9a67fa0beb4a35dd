package org.explain4j.io;

import org.explain4j.explain.Attribution;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The largest attributions of one sample, for and against its target, with readable labels. */
public final class TopAttributions {
    private TopAttributions() {
    }

    /**
     * One attributed position.
     *
     * @param index       flat index within the sample
     * @param label       e.g. {@code worst radius}, or {@code t12 · heart rate} for a 2-D sample
     * @param attribution the attribution value
     * @param input       the input value there
     */
    public record Entry(int index, String label, float attribution, float input) {
    }

    /** Up to {@code k} positions with the largest positive attributions, largest first. */
    public static List<Entry> positive(Attribution a, int sample, SampleAxes axes, int k) {
        return pick(a, sample, axes, k, true);
    }

    /** Up to {@code k} positions with the most negative attributions, most negative first. */
    public static List<Entry> negative(Attribution a, int sample, SampleAxes axes, int k) {
        return pick(a, sample, axes, k, false);
    }

    private static List<Entry> pick(Attribution a, int sample, SampleAxes axes, int k, boolean positive) {
        float[] v = a.values().sampleData(sample);
        float[] x = a.inputs().sampleData(sample);
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            if (positive ? v[i] > 0 : v[i] < 0) {
                idx.add(i);
            }
        }
        idx.sort(Comparator.comparingDouble(i -> positive ? -v[i] : v[i]));
        List<Entry> out = new ArrayList<>();
        for (int i : idx.subList(0, Math.min(k, idx.size()))) {
            out.add(new Entry(i, label(axes, i), v[i], x[i]));
        }
        return out;
    }

    /** A readable name of a flat position in a sample: the labels of each axis, joined. */
    public static String label(SampleAxes axes, int flatIndex) {
        String[] parts = new String[axes.rank()];
        int rest = flatIndex;
        for (int d = axes.rank() - 1; d >= 0; d--) {
            SampleAxes.Axis axis = axes.axis(d);
            parts[d] = axis.labels().get(rest % axis.size());
            rest /= axis.size();
        }
        return String.join(" · ", parts);
    }
}
