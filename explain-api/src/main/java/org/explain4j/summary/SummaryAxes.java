package org.explain4j.summary;

import org.explain4j.ExplainException;
import org.explain4j.io.SampleAxes;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelDescription;

import java.util.Arrays;
import java.util.List;

/**
 * Which feature and which time step each input cell belongs to, from the model's layout:
 * {@code [T,F]} time × features (recurrent nets, clinical episodes), {@code [C,T]} channels ×
 * time (1-D convolutions, ECG), or {@code [F]} features alone (one time step).
 */
public record SummaryAxes(InputLayout layout, List<String> featureNames, int times) {

    public SummaryAxes {
        featureNames = List.copyOf(featureNames);
    }

    /**
     * @throws ExplainException for a layout without a feature axis and at most one time axis (images)
     */
    public static SummaryAxes of(long[] sampleShape, ModelDescription description) {
        SampleAxes axes = SampleAxes.of(sampleShape, description);
        return switch (axes.layout()) {
            case FEATURES -> axes.rank() == 1 ? new SummaryAxes(InputLayout.FEATURES, axes.axis(0).labels(), 1)
                    : unsupported(sampleShape, axes.layout());
            case TIME_FEATURES -> new SummaryAxes(InputLayout.TIME_FEATURES, axes.axis(1).labels(),
                    axes.axis(0).size());
            case CHANNELS_TIME -> new SummaryAxes(InputLayout.CHANNELS_TIME, axes.axis(0).labels(),
                    axes.axis(1).size());
            default -> unsupported(sampleShape, axes.layout());
        };
    }

    private static SummaryAxes unsupported(long[] shape, InputLayout layout) {
        throw new ExplainException("dataset summaries need inputs of features [F], time × features [T,F] or"
                + " channels × time [C,T]; this model's samples are " + Arrays.toString(shape) + " ("
                + layout.name().toLowerCase(java.util.Locale.ROOT) + ")");
    }

    public int features() {
        return featureNames.size();
    }

    public int cells() {
        return features() * times;
    }

    /** The feature of cell {@code cell} (flat index in C order). */
    public int feature(int cell) {
        return switch (layout) {
            case TIME_FEATURES -> cell % features();
            case CHANNELS_TIME -> cell / times;
            default -> cell;
        };
    }

    /** The time step of cell {@code cell}. */
    public int time(int cell) {
        return switch (layout) {
            case TIME_FEATURES -> cell / features();
            case CHANNELS_TIME -> cell % times;
            default -> 0;
        };
    }
}
