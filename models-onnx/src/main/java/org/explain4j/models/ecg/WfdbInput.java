package org.explain4j.models.ecg;

import org.explain4j.ExplainException;
import org.explain4j.io.InputData;
import org.explain4j.io.RowSelection;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Model input from a WFDB record ({@code --format wfdb}, or a {@code .hea} input): one window of
 * the record, resampled to the rate, length, leads and units the model's sidecar declares
 * ({@code input.sampling_rate_hz}, {@code input.feature_names}, {@code input.units}).
 */
public final class WfdbInput {
    private WfdbInput() {
    }

    /** Whether {@code --format auto} should read {@code file} as a WFDB record: its name ends in {@code .hea}. */
    public static boolean detect(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".hea");
    }

    /** Reads the record and cuts the window starting {@code startSeconds} into it; the row selection may only pick row 0. */
    public static InputData read(Path file, ModelInfo info, RowSelection selection, double startSeconds) {
        ModelDescription d = info.description();
        OptionalDouble rate = d == null ? OptionalDouble.empty() : d.samplingRateHz();
        if (rate.isEmpty()) {
            throw new ExplainException("model '" + info.name() + "' does not say its sampling rate; --format wfdb "
                    + "resamples the record to it, so the model's sidecar needs input.sampling_rate_hz (e.g. 200)");
        }
        long[] s = info.input().sampleShape();
        if (s.length != 2 || s[0] < 1 || s[1] < 1) {
            throw new ExplainException("model '" + info.name() + "' takes input " + info.input().shapeText()
                    + "; a WFDB record becomes [N,leads,samples] with fixed leads and samples");
        }
        WfdbRecord record = WfdbReader.read(file);
        List<String> leads = d.featureNames();
        if (leads.isEmpty()) {
            if (record.leads().size() != s[0]) {
                throw new ExplainException("model '" + info.name() + "' takes " + s[0] + " leads but its sidecar does not "
                        + "name them (input.feature_names) and record " + record.name() + " has " + record.leads().size()
                        + "; name the model's leads in its sidecar");
            }
            leads = record.leads(); // same count, no names: the record's order
        } else if (leads.size() != s[0]) {
            throw new ExplainException("model '" + info.name() + "' takes " + s[0] + " leads but its sidecar names "
                    + leads.size() + " (input.feature_names); they must agree");
        }
        String units = d.units().orElse("mV");
        EcgWindow w = EcgResampler.window(record, leads, rate.getAsDouble(), (int) s[1], startSeconds, units);
        int[] rows = selection.resolve(1, file.toString());
        if (!Arrays.equals(rows, new int[]{0})) {
            throw new ExplainException("a WFDB record gives one sample (row 0); --rows selected " + Arrays.toString(rows));
        }
        return new InputData(w.tensor(), rows, Optional.empty(), List.of(), describe(file, record, w));
    }

    /** The source line of the input: which record, window and leads, and which leads were zero-filled. */
    static String describe(Path file, WfdbRecord r, EcgWindow w) {
        StringBuilder sb = new StringBuilder(file.toString()).append(String.format(Locale.ROOT,
                " (WFDB record %s, %s Hz resampled to %s Hz, window from %s s, %s", r.name(), fmt(r.samplingHz()),
                fmt(w.samplingHz()), fmt(w.startSeconds()), w.units()));
        if (!w.missingLeads().isEmpty()) {
            sb.append("; leads missing in the record, zero-filled: ").append(String.join(", ", w.missingLeads()));
        }
        return sb.append(')').toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
