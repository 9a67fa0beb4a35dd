package org.explain4j.models.ecg;

import java.util.List;

/**
 * The real WFDB records bundled under {@code explain4j/ecg/records} (sources and licenses in
 * its {@code NOTICE.md}).
 */
public final class EcgRecords {
    /** Classpath folder of the bundled records. */
    public static final String FOLDER = "explain4j/ecg/records";
    /** MIT-BIH 100 (2 leads, 360 Hz, annotated), PTB s0010_re (1000 Hz), PTB-XL 00001_lr (12 leads, 100 Hz). */
    public static final List<String> NAMES = List.of("100", "s0010_re", "00001_lr");

    private EcgRecords() {
    }

    /**
     * Reads a bundled record by name. The copy of s0010_re lacks its Frank-lead file
     * ({@code s0010_re.xyz}): those three signals are listed in {@link WfdbRecord#absentLeads()}.
     */
    public static WfdbRecord bundled(String name) {
        if (!NAMES.contains(name)) {
            throw new org.explain4j.ExplainException("no bundled ECG record '" + name + "'; bundled: " + String.join(", ", NAMES));
        }
        return WfdbReader.readResource(FOLDER, name, true);
    }
}
