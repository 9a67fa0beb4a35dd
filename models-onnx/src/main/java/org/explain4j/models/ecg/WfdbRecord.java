package org.explain4j.models.ecg;

import java.util.List;
import java.util.Locale;

/**
 * A WFDB record read into memory.
 *
 * @param header      the parsed header
 * @param specs       the header lines of the signals read, in header order
 * @param leads       names of the signals read (the header's descriptions), in header order
 * @param units       units of {@link #signals} per lead: {@code mV} for every voltage (µV and V are
 *                    converted), otherwise the header's units unchanged
 * @param adc         raw ADC values {@code [lead][sample]}
 * @param signals     physical values {@code [lead][sample]}: (adc − baseline) / gain, in mV for
 *                    voltages; NaN where WFDB marks a sample as missing
 * @param annotations the {@code .atr} annotations, empty when the record has none
 * @param absentLeads signals the header names whose file is not there (only when the reader was
 *                    asked to skip missing files)
 * @param checksums   16-bit sums of each lead's ADC values, as computed from the file
 */
public record WfdbRecord(WfdbHeader header, List<WfdbSignalSpec> specs, List<String> leads, List<String> units, int[][] adc, float[][] signals,
                         List<WfdbAnnotation> annotations, List<String> absentLeads, int[] checksums) {
    public WfdbRecord {
        specs = List.copyOf(specs);
        leads = List.copyOf(leads);
        units = List.copyOf(units);
        annotations = List.copyOf(annotations);
        absentLeads = List.copyOf(absentLeads);
    }

    public String name() {
        return header.recordName();
    }

    public double samplingHz() {
        return header.samplingHz();
    }

    /** Samples per lead. */
    public int length() {
        return signals.length == 0 ? 0 : signals[0].length;
    }

    public double durationSeconds() {
        return length() / samplingHz();
    }

    /** Index of the lead whose name matches {@code name} (case-insensitive, with aliases), or -1. */
    public int leadIndex(String name) {
        String want = LeadNames.canonical(name);
        for (int i = 0; i < leads.size(); i++) {
            if (LeadNames.canonical(leads.get(i)).equals(want)) {
                return i;
            }
        }
        return -1;
    }

    /** Leads whose computed checksum differs from the header's (mod 2^16); empty for an intact record. */
    public List<String> checksumMismatches() {
        List<String> bad = new java.util.ArrayList<>();
        for (int k = 0; k < specs.size(); k++) {
            WfdbSignalSpec s = specs.get(k);
            if (s.hasChecksum() && ((s.checksum() - checksums[k]) & 0xFFFF) != 0) {
                bad.add(s.description());
            }
        }
        return bad;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "WFDB record %s: %d leads %s, %s Hz, %d samples (%.1f s), %d annotations",
                name(), leads.size(), leads, header.samplingHz(), length(), durationSeconds(), annotations.size());
    }
}
