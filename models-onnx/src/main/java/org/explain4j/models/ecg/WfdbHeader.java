package org.explain4j.models.ecg;

import org.explain4j.ExplainException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed WFDB header ({@code .hea}): the record line, one {@link WfdbSignalSpec} per signal and
 * the {@code #} comment lines.
 *
 * @param sampleCount samples per signal, or -1 when the header leaves it out (then the signal
 *                    file's length decides)
 */
public record WfdbHeader(String recordName, int signalCount, double samplingHz, long sampleCount,
                         List<WfdbSignalSpec> signals, List<String> comments) {
    /** Default gain (ADC units per mV) of the WFDB library when the header gives 0 or none. */
    public static final double DEFAULT_GAIN = 200;

    // gain[(baseline)][/units]
    private static final Pattern GAIN = Pattern.compile("([-+0-9.eE]+)(?:\\((-?\\d+)\\))?(?:/(\\S+))?");
    // format[xsamples-per-frame][:skew][+offset]
    private static final Pattern FORMAT = Pattern.compile("(\\d+)(?:x(\\d+))?(?::(\\d+))?(?:\\+(\\d+))?");

    public WfdbHeader {
        signals = List.copyOf(signals);
        comments = List.copyOf(comments);
    }

    /** Parses the header's lines; {@code source} names the file in messages. */
    public static WfdbHeader parse(List<String> lines, String source) {
        List<String> comments = new ArrayList<>();
        String recordLine = null;
        int recordLineNo = 0;
        List<WfdbSignalSpec> signals = new ArrayList<>();
        String recordName = null;
        int nsig = 0;
        double fs = 250;
        long nsamp = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("#")) {
                comments.add(line.substring(1).strip());
                continue;
            }
            if (line.isEmpty()) {
                continue;
            }
            int lineNo = i + 1;
            if (recordLine == null) {
                recordLine = line;
                recordLineNo = lineNo;
                String[] f = line.split("\\s+");
                if (f.length < 2) {
                    throw bad(source, lineNo, line, "the record line needs 'name signals [Hz [samples]]', e.g. '100 2 360 650000'");
                }
                if (f[0].contains("/")) {
                    throw bad(source, lineNo, line, "multi-segment records (name/segments) are not supported; give a single-segment record");
                }
                recordName = f[0];
                nsig = parseInt(f[1], source, lineNo, line, "the number of signals");
                if (nsig < 0) {
                    throw bad(source, lineNo, line, "the number of signals must be 0 or more");
                }
                if (f.length > 2) {
                    // "360" or "360/360" (sampling/counter frequency) or "360/360(0)" (with base counter)
                    String hz = f[2].split("/")[0];
                    fs = parseDouble(hz, source, lineNo, line, "the sampling frequency in Hz");
                    if (!(fs > 0) || Double.isInfinite(fs)) {
                        throw bad(source, lineNo, line, "the sampling frequency must be a positive number of Hz");
                    }
                }
                if (f.length > 3) {
                    nsamp = parseLong(f[3], source, lineNo, line, "the number of samples per signal");
                    if (nsamp < 0) {
                        throw bad(source, lineNo, line, "the number of samples must be 0 or more");
                    }
                }
                // base time and date (f[4], f[5]) are not needed
                continue;
            }
            if (signals.size() == nsig) {
                throw bad(source, lineNo, line, "the record line announces " + nsig + " signals but a further signal line follows");
            }
            signals.add(signalLine(line, source, lineNo));
        }
        if (recordLine == null) {
            throw new ExplainException("WFDB header " + source + " has no record line; it needs e.g. '100 2 360 650000' "
                    + "followed by one line per signal");
        }
        if (signals.size() != nsig) {
            throw bad(source, recordLineNo, recordLine, "it announces " + nsig + " signals but the header has "
                    + signals.size() + " signal lines");
        }
        return new WfdbHeader(recordName, nsig, fs, nsamp, signals, comments);
    }

    private static WfdbSignalSpec signalLine(String line, String source, int lineNo) {
        String[] f = line.split("\\s+", 9);
        if (f.length < 2) {
            throw bad(source, lineNo, line, "a signal line needs at least 'file format', e.g. '100.dat 212 200 11 1024 995 -22131 0 MLII'");
        }
        Matcher fm = FORMAT.matcher(f[1]);
        if (!fm.matches()) {
            throw bad(source, lineNo, line, "the format field '" + f[1] + "' is not a format number such as 16 or 212");
        }
        int format = parseInt(fm.group(1), source, lineNo, line, "the format");
        if (fm.group(2) != null && Integer.parseInt(fm.group(2)) != 1) {
            throw bad(source, lineNo, line, "signals with " + fm.group(2) + " samples per frame are not supported; "
                    + "only one sample per frame");
        }
        if (fm.group(3) != null && Integer.parseInt(fm.group(3)) != 0) {
            throw bad(source, lineNo, line, "skewed signals (':" + fm.group(3) + "') are not supported; only skew 0");
        }
        long offset = fm.group(4) == null ? 0 : parseLong(fm.group(4), source, lineNo, line, "the byte offset");
        double gain = DEFAULT_GAIN;
        Integer baseline = null;
        String units = "mV";
        if (f.length > 2) {
            Matcher gm = GAIN.matcher(f[2]);
            if (!gm.matches()) {
                throw bad(source, lineNo, line, "the gain field '" + f[2] + "' must read gain[(baseline)][/units], e.g. 200(0)/mV");
            }
            double g = parseDouble(gm.group(1), source, lineNo, line, "the gain");
            if (g < 0 || Double.isNaN(g) || Double.isInfinite(g)) {
                throw bad(source, lineNo, line, "the gain must be a positive number of ADC units per physical unit");
            }
            gain = g == 0 ? DEFAULT_GAIN : g;
            if (gm.group(2) != null) {
                baseline = Integer.parseInt(gm.group(2));
            }
            if (gm.group(3) != null) {
                units = gm.group(3);
            }
        }
        int resolution = f.length > 3 ? parseInt(f[3], source, lineNo, line, "the ADC resolution") : 0;
        int adcZero = f.length > 4 ? parseInt(f[4], source, lineNo, line, "the ADC zero") : 0;
        int initial = f.length > 5 ? parseInt(f[5], source, lineNo, line, "the initial value") : 0;
        boolean hasChecksum = f.length > 6;
        int checksum = hasChecksum ? parseInt(f[6], source, lineNo, line, "the checksum") : 0;
        int block = f.length > 7 ? parseInt(f[7], source, lineNo, line, "the block size") : 0;
        String description = f.length > 8 ? f[8].strip() : "";
        return new WfdbSignalSpec(f[0], format, offset, gain, baseline != null ? baseline : adcZero, units,
                resolution, adcZero, initial, checksum, hasChecksum, block, description);
    }

    private static int parseInt(String s, String source, int lineNo, String line, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw bad(source, lineNo, line, what + " must be an integer, got '" + s + "'");
        }
    }

    private static long parseLong(String s, String source, int lineNo, String line, String what) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw bad(source, lineNo, line, what + " must be an integer, got '" + s + "'");
        }
    }

    private static double parseDouble(String s, String source, int lineNo, String line, String what) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw bad(source, lineNo, line, what + " must be a number, got '" + s + "'");
        }
    }

    private static ExplainException bad(String source, int lineNo, String line, String why) {
        return new ExplainException("WFDB header " + source + " line " + lineNo + " ('" + line + "'): " + why);
    }
}
