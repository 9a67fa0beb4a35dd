package org.explain4j.models.ecg;

import org.explain4j.ExplainException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads WFDB records: the {@code .hea} header, its signal files (formats 16 and 212) and the
 * {@code .atr} annotations when present, from a directory or from the classpath.
 */
public final class WfdbReader {
    private WfdbReader() {
    }

    /** Where the files of one record come from. */
    interface RecordFiles {
        /** The file's bytes, empty when it does not exist. */
        Optional<byte[]> bytes(String fileName);

        /** The file's name for messages. */
        String describe(String fileName);
    }

    /** Reads the record whose header is {@code hea} ({@code .../100.hea}, or {@code .../100}); every signal file must exist. */
    public static WfdbRecord read(Path hea) {
        return read(hea, false);
    }

    /**
     * Reads the record; with {@code skipMissingFiles} the signals of a signal file that is not
     * there are left out and listed in {@link WfdbRecord#absentLeads()} instead of failing.
     */
    public static WfdbRecord read(Path hea, boolean skipMissingFiles) {
        Path file = hea.getFileName().toString().endsWith(".hea") ? hea
                : hea.resolveSibling(hea.getFileName() + ".hea");
        if (!Files.isRegularFile(file)) {
            throw new ExplainException("WFDB header " + file + " does not exist; give a record's .hea file "
                    + "(its signal files and .atr beside it)");
        }
        Path dir = file.toAbsolutePath().getParent();
        RecordFiles files = new RecordFiles() {
            @Override
            public Optional<byte[]> bytes(String name) {
                Path p = dir.resolve(name);
                if (!Files.isRegularFile(p)) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(Files.readAllBytes(p));
                } catch (IOException e) {
                    throw new ExplainException("cannot read " + p + ": " + e.getMessage(), e);
                }
            }

            @Override
            public String describe(String name) {
                return dir.resolve(name).toString();
            }
        };
        String name = file.getFileName().toString();
        return read(name.substring(0, name.length() - 4), files, skipMissingFiles);
    }

    /** Reads a record stored as classpath resources under {@code folder} (e.g. {@code explain4j/ecg/records}). */
    static WfdbRecord readResource(String folder, String record, boolean skipMissingFiles) {
        RecordFiles files = new RecordFiles() {
            @Override
            public Optional<byte[]> bytes(String name) {
                try (InputStream in = WfdbReader.class.getClassLoader().getResourceAsStream(folder + "/" + name)) {
                    return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
                } catch (IOException e) {
                    throw new ExplainException("cannot read resource " + folder + "/" + name + ": " + e.getMessage(), e);
                }
            }

            @Override
            public String describe(String name) {
                return "classpath:" + folder + "/" + name;
            }
        };
        return read(record, files, skipMissingFiles);
    }

    static WfdbRecord read(String record, RecordFiles files, boolean skipMissingFiles) {
        String heaName = record + ".hea";
        byte[] heaBytes = files.bytes(heaName).orElseThrow(() -> new ExplainException("WFDB header "
                + files.describe(heaName) + " does not exist; give a record's .hea file (its signal files beside it)"));
        String heaSource = files.describe(heaName);
        WfdbHeader h = WfdbHeader.parse(new String(heaBytes, StandardCharsets.ISO_8859_1).lines().toList(), heaSource);

        // signals stored in the same file are interleaved there, in header order
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < h.signals().size(); i++) {
            WfdbSignalSpec s = h.signals().get(i);
            WfdbSamples.checkFormat(s.format(), s.description(), heaSource);
            groups.computeIfAbsent(s.fileName(), k -> new ArrayList<>()).add(i);
        }
        int n = h.signals().size();
        int[][] adc = new int[n][];
        boolean[] absent = new boolean[n];
        long frames = h.sampleCount();
        for (Map.Entry<String, List<Integer>> g : groups.entrySet()) {
            List<Integer> idx = g.getValue();
            WfdbSignalSpec first = h.signals().get(idx.get(0));
            for (int i : idx) {
                WfdbSignalSpec s = h.signals().get(i);
                if (s.format() != first.format() || s.byteOffset() != first.byteOffset()) {
                    throw new ExplainException("WFDB header " + heaSource + ": signals '" + first.description() + "' and '"
                            + s.description() + "' share file " + g.getKey() + " but differ in format or byte offset; "
                            + "signals of one file must agree");
                }
            }
            Optional<byte[]> data = g.getKey().equals("~") ? Optional.empty() : files.bytes(g.getKey());
            if (data.isEmpty()) {
                if (skipMissingFiles) {
                    idx.forEach(i -> absent[i] = true);
                    continue;
                }
                throw new ExplainException("WFDB header " + heaSource + " names signal file " + g.getKey()
                        + " (signals " + descriptions(h, idx) + "), which does not exist at " + files.describe(g.getKey())
                        + "; put it beside the header");
            }
            byte[] b = data.get();
            long offset = first.byteOffset();
            long available = Math.max(0, b.length - offset);
            long groupFrames = frames >= 0 ? frames : WfdbSamples.framesIn(first.format(), idx.size(), available);
            long needed = WfdbSamples.bytesNeeded(first.format(), idx.size(), groupFrames);
            if (available < needed) {
                throw new ExplainException("signal file " + files.describe(g.getKey()) + " is truncated: the header's "
                        + groupFrames + " samples of " + idx.size() + " signal(s) in format " + first.format() + " need "
                        + needed + " bytes" + (offset > 0 ? " after the offset of " + offset : "") + ", the file has "
                        + available);
            }
            if (groupFrames > Integer.MAX_VALUE / Math.max(1, idx.size())) {
                throw new ExplainException("record " + h.recordName() + " is too long to hold in memory ("
                        + groupFrames + " samples per signal)");
            }
            if (frames < 0) {
                frames = groupFrames;
            }
            int[][] decoded = WfdbSamples.decode(b, (int) offset, first.format(), idx.size(), (int) groupFrames);
            for (int k = 0; k < idx.size(); k++) {
                adc[idx.get(k)] = decoded[k];
            }
        }
        return assemble(h, adc, absent, annotations(record, files));
    }

    private static WfdbRecord assemble(WfdbHeader h, int[][] adc, boolean[] absent, List<WfdbAnnotation> annotations) {
        List<WfdbSignalSpec> specs = new ArrayList<>();
        List<String> leads = new ArrayList<>();
        List<String> units = new ArrayList<>();
        List<String> absentLeads = new ArrayList<>();
        List<int[]> raw = new ArrayList<>();
        List<float[]> physical = new ArrayList<>();
        List<Integer> sums = new ArrayList<>();
        for (int i = 0; i < adc.length; i++) {
            WfdbSignalSpec s = h.signals().get(i);
            if (absent[i]) {
                absentLeads.add(s.description());
                continue;
            }
            double toMv = millivoltsPer(s.units());
            double scale = (Double.isNaN(toMv) ? 1 : toMv) / s.gain();
            int invalid = WfdbSamples.invalidSample(s.format());
            int[] a = adc[i];
            float[] x = new float[a.length];
            int sum = 0;
            for (int t = 0; t < a.length; t++) {
                x[t] = a[t] == invalid ? Float.NaN : (float) ((a[t] - s.baseline()) * scale);
                sum += a[t];
            }
            specs.add(s);
            leads.add(s.description());
            units.add(Double.isNaN(toMv) ? s.units() : "mV");
            raw.add(a);
            physical.add(x);
            sums.add((int) (short) sum);
        }
        return new WfdbRecord(h, specs, leads, units, raw.toArray(int[][]::new), physical.toArray(float[][]::new),
                annotations, absentLeads, sums.stream().mapToInt(Integer::intValue).toArray());
    }

    /** mV per one {@code units}, or NaN when the units are not a voltage. */
    static double millivoltsPer(String units) {
        return switch (units) {
            case "mV" -> 1;
            case "uV", "µV", "μV" -> 1e-3;
            case "nV" -> 1e-6;
            case "V" -> 1e3;
            default -> Double.NaN;
        };
    }

    private static List<WfdbAnnotation> annotations(String record, RecordFiles files) {
        Optional<byte[]> atr = files.bytes(record + ".atr");
        return atr.map(b -> WfdbAnnotations.decode(b, files.describe(record + ".atr"))).orElse(List.of());
    }

    private static String descriptions(WfdbHeader h, List<Integer> idx) {
        return String.join(", ", idx.stream().map(i -> h.signals().get(i).description()).toList());
    }
}
