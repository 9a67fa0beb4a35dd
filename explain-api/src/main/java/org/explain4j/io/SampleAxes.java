package org.explain4j.io;

import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelDescription;

import java.util.ArrayList;
import java.util.List;

/**
 * What the axes of one sample mean and what their positions are called, from the model's
 * layout and feature names: shared by the CSV writer and the heatmaps so both label alike.
 *
 * <ul>
 *   <li>FEATURES {@code [F]}: one axis {@code feature}, named by the sidecar's feature names;</li>
 *   <li>CHANNELS_TIME {@code [C,T]}: {@code channel} (feature names name the channels) × {@code time};</li>
 *   <li>TIME_FEATURES {@code [T,F]}: {@code time} × {@code feature} (named);</li>
 *   <li>IMAGE {@code [C,H,W]}: {@code channel} × {@code y} × {@code x}.</li>
 * </ul>
 * Axes without names are labelled by kind and index ({@code feature 3}, {@code t12}).
 */
public record SampleAxes(InputLayout layout, List<Axis> axes) {

    /** One axis: its name and a label for each position. */
    public record Axis(String name, List<String> labels, boolean indexLike) {
        public Axis {
            labels = List.copyOf(labels);
        }

        public int size() {
            return labels.size();
        }
    }

    public SampleAxes {
        axes = List.copyOf(axes);
    }

    public static SampleAxes of(long[] sampleShape, ModelDescription description) {
        InputLayout layout = description != null && description.layout() != null ? description.layout()
                : InputLayout.guess(sampleShape.length + 1);
        List<String> names = description != null ? description.featureNames() : List.of();
        int[] s = new int[sampleShape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.toIntExact(sampleShape[i]);
        }
        List<Axis> axes = new ArrayList<>();
        if (layout == InputLayout.FEATURES && s.length == 1) {
            axes.add(new Axis("feature", labels(names, s[0], "feature "), false));
        } else if (layout == InputLayout.CHANNELS_TIME && s.length == 2) {
            axes.add(new Axis("channel", labels(names, s[0], "channel "), false));
            axes.add(new Axis("time", labels(List.of(), s[1], "t"), true));
        } else if (layout == InputLayout.TIME_FEATURES && s.length == 2) {
            axes.add(new Axis("time", labels(List.of(), s[0], "t"), true));
            axes.add(new Axis("feature", labels(names, s[1], "feature "), false));
        } else if (layout == InputLayout.IMAGE && s.length == 3) {
            axes.add(new Axis("channel", labels(List.of(), s[0], "channel "), false));
            axes.add(new Axis("y", labels(List.of(), s[1], "y"), true));
            axes.add(new Axis("x", labels(List.of(), s[2], "x"), true));
        } else {
            // a layout that does not fit the rank: plain numbered axes
            layout = s.length == 1 ? InputLayout.FEATURES : layout;
            for (int d = 0; d < s.length; d++) {
                boolean last = d == s.length - 1;
                axes.add(new Axis(s.length == 1 ? "feature" : "axis" + (d + 1),
                        labels(last ? names : List.of(), s[d], s.length == 1 ? "feature " : "i"), !last));
            }
        }
        return new SampleAxes(layout, axes);
    }

    public Axis axis(int i) {
        return axes.get(i);
    }

    public int rank() {
        return axes.size();
    }

    private static List<String> labels(List<String> names, int size, String prefix) {
        if (names.size() == size) {
            return names;
        }
        List<String> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(prefix + i);
        }
        return out;
    }
}
