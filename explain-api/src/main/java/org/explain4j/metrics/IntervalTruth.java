package org.explain4j.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.ExplainException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-class ground truth of multi-label records whose defining features sit in known leads and
 * time intervals (METHODS §7), e.g. the synthetic 12-lead ECGs: for each record its labels, and
 * for each positive class the leads and the inclusive sample intervals that define it. The cells
 * of a class are {@code leads × (union of intervals)} of a {@code [leads, samples]} input.
 *
 * <p>File format ({@code *.truth.json}):
 * <pre>{@code
 * {"records": [
 *   {"labels": ["RBBB"],                       // or multi-hot [0,1,0,0,0,0], or class indices
 *    "truth": [{"class": "RBBB", "leads": [6, 7, 0, 11], "intervals": [[70, 95], [230, 255]]}]},
 *   {"labels": [], "truth": []}, ...]}
 * }</pre>
 * A class may be a name or an index, a lead a name or an index; other fields are ignored. Without {@code "labels"} the classes of {@code "truth"} are the labels.
 *
 * <p>Scores of one attribution against one class's cells ({@link #score}): the share of
 * {@code |a|} on the cells, and the top-k precision with {@code k} = the number of cells: of the
 * k cells of largest {@code |a|}, the share that are truth cells. Cells tied at the k-th value are
 * counted by their expected share under a random order of the ties, so a map that repeats one
 * value over several leads (a Grad-CAM shared by all leads) is not favoured or penalised by which
 * lead comes first. A uniform map scores the truth's share of all cells on both.
 */
public final class IntervalTruth {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The defining cells of one class in one record: these leads, over these inclusive intervals. */
    public record Region(int classIndex, int[] leads, int[][] intervals) {
        public Region {
            leads = leads.clone();
            intervals = Arrays.stream(intervals).map(int[]::clone).toArray(int[][]::new);
        }

        @Override
        public int[] leads() {
            return leads.clone();
        }

        @Override
        public int[][] intervals() {
            return Arrays.stream(intervals).map(int[]::clone).toArray(int[][]::new);
        }

        /** The 0/1 mask over a flat {@code [leads, samples]} input. */
        public boolean[] mask(int leadCount, int samples) {
            boolean[] m = new boolean[leadCount * samples];
            for (int l : leads) {
                for (int[] iv : intervals) {
                    for (int t = iv[0]; t <= iv[1]; t++) {
                        m[l * samples + t] = true;
                    }
                }
            }
            return m;
        }
    }

    /** One record: its labels (class indices) and the regions of its positive classes. */
    public record Entry(int[] labels, Map<Integer, Region> regions) {
        public Entry {
            labels = labels.clone();
            regions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(regions));
        }

        @Override
        public int[] labels() {
            return labels.clone();
        }

        public boolean has(int classIndex) {
            return Arrays.stream(labels).anyMatch(l -> l == classIndex);
        }
    }

    /** The scores of one attribution against one region. */
    public record CellScore(double share, double precisionAtK, double uniform, int cells, boolean zeroMap) {
    }

    private final List<Entry> entries;
    private final List<String> classNames;
    private final int leads;
    private final int samples;
    private final String source;

    private IntervalTruth(List<Entry> entries, List<String> classNames, int leads, int samples, String source) {
        this.entries = List.copyOf(entries);
        this.classNames = List.copyOf(classNames);
        this.leads = leads;
        this.samples = samples;
        this.source = source;
    }

    /** Whether {@code file} is JSON in this format (a record with a truth list of intervals). */
    public static boolean looksLike(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return looksLike(JSON.readTree(in));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static boolean looksLike(JsonNode root) {
        JsonNode records = records(root);
        if (records == null) {
            return false;
        }
        for (JsonNode r : records) {
            JsonNode regions = regions(r);
            if (regions != null && regions.size() > 0) {
                return regions.get(0).has("intervals");
            }
        }
        return false;
    }

    /**
     * @param classNames the model's classes, in output order (names in the file must be among them)
     * @param leadNames  the input's lead names in channel order (for leads given by name)
     * @param samples    samples per lead of the input; every interval must lie inside
     */
    public static IntervalTruth read(Path file, List<String> classNames, List<String> leadNames, int samples) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString(), classNames, leadNames, samples);
        } catch (IOException e) {
            throw new ExplainException("cannot read ground-truth file " + file + ": " + e.getMessage());
        }
    }

    public static IntervalTruth parse(InputStream in, String source, List<String> classNames, List<String> leadNames,
                                      int samples) {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new ExplainException("ground-truth file " + source + " is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode records = records(root);
        if (records == null) {
            throw new ExplainException("ground-truth file " + source + " has no 'records' array; expected {\"records\": "
                    + "[{\"labels\": [\"RBBB\"], \"truth\": [{\"class\": \"RBBB\", \"leads\": [6], \"intervals\": "
                    + "[[70, 95]]}]}, ...]}");
        }
        int leadCount = leadNames.size();
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            JsonNode r = records.get(i);
            String where = "ground-truth file " + source + ", record " + i;
            JsonNode regionNodes = regions(r);
            Map<Integer, Region> regions = new LinkedHashMap<>();
            if (regionNodes != null) {
                for (JsonNode g : regionNodes) {
                    int c = classIndex(g.path("class"), classNames, where);
                    if (!g.path("leads").isArray() || !g.path("intervals").isArray()) {
                        throw new ExplainException(where + ": class " + classNames.get(c) + " needs 'leads' "
                                + "(lead indices or names) and 'intervals' ([[start, end], ...], inclusive samples)");
                    }
                    int[] ls = new int[g.get("leads").size()];
                    for (int k = 0; k < ls.length; k++) {
                        ls[k] = leadIndex(g.get("leads").get(k), leadNames, where);
                    }
                    int[][] ivs = new int[g.get("intervals").size()][];
                    for (int k = 0; k < ivs.length; k++) {
                        JsonNode iv = g.get("intervals").get(k);
                        if (!iv.isArray() || iv.size() != 2 || !iv.get(0).canConvertToInt() || !iv.get(1).canConvertToInt()) {
                            throw new ExplainException(where + ": interval " + iv + " of " + classNames.get(c)
                                    + " is not [start, end] (inclusive sample indices)");
                        }
                        int s = iv.get(0).asInt();
                        int e = iv.get(1).asInt();
                        if (s < 0 || e < s || e >= samples) {
                            throw new ExplainException(where + ": interval [" + s + ", " + e + "] of " + classNames.get(c)
                                    + " is outside the record; give 0 <= start <= end < " + samples);
                        }
                        ivs[k] = new int[]{s, e};
                    }
                    if (regions.containsKey(c)) {
                        throw new ExplainException(where + ": class " + classNames.get(c) + " is listed twice; give "
                                + "one entry per class with all its intervals");
                    }
                    regions.put(c, new Region(c, ls, ivs));
                }
            }
            int[] labels = r.has("labels") ? labels(r.get("labels"), classNames, where)
                    : regions.keySet().stream().mapToInt(Integer::intValue).toArray();
            out.add(new Entry(labels, regions));
        }
        return new IntervalTruth(out, classNames, leadCount, samples, source);
    }

    public int size() {
        return entries.size();
    }

    public Entry entry(int record) {
        return entries.get(record);
    }

    public List<String> classNames() {
        return classNames;
    }

    public int leads() {
        return leads;
    }

    public int samples() {
        return samples;
    }

    public String source() {
        return source;
    }

    /** The truth of records {@code rows} (indices into this file), in that order. */
    public IntervalTruth select(int[] rows) {
        List<Entry> picked = new ArrayList<>(rows.length);
        for (int r : rows) {
            if (r < 0 || r >= entries.size()) {
                throw new ExplainException("ground truth " + source + " holds " + entries.size() + " records; record "
                        + r + " has none");
            }
            picked.add(entries.get(r));
        }
        return new IntervalTruth(picked, classNames, leads, samples, source);
    }

    /** The records (indices into this truth) labelled with {@code classIndex} that have its region. */
    public int[] recordsWith(int classIndex) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).has(classIndex) && entries.get(i).regions().containsKey(classIndex)) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The cells of class {@code classIndex} in record {@code record}, flat over {@code [leads, samples]}. */
    public boolean[] mask(int record, int classIndex) {
        Region g = entries.get(record).regions().get(classIndex);
        if (g == null) {
            throw new ExplainException("ground truth " + source + ": record " + record + " has no region for class "
                    + classNames.get(classIndex));
        }
        return g.mask(leads, samples);
    }

    /**
     * Share of {@code |a|} on the mask's cells and top-k precision (k = the number of cells, ties at
     * the k-th value by their expected share); see the class comment.
     *
     * @param attribution one sample, flat, the mask's length
     * @throws ExplainException when the lengths differ, the mask is empty or a value is not finite
     */
    public static CellScore score(float[] attribution, boolean[] mask) {
        int d = mask.length;
        if (attribution.length != d) {
            throw new ExplainException("attribution of " + attribution.length + " cells scored against a truth of " + d
                    + " cells; give one attribution per input cell");
        }
        int k = 0;
        for (boolean b : mask) {
            k += b ? 1 : 0;
        }
        if (k == 0) {
            throw new ExplainException("ground truth with no cells: a class needs at least one lead and interval");
        }
        double[] mag = new double[d];
        double total = 0;
        double onTruth = 0;
        for (int j = 0; j < d; j++) {
            float v = attribution[j];
            if (!Float.isFinite(v)) {
                throw new ExplainException("attribution has a non-finite value at cell " + j + "; it cannot be scored");
            }
            mag[j] = Math.abs(v);
            total += mag[j];
            if (mask[j]) {
                onTruth += mag[j];
            }
        }
        double uniform = (double) k / d;
        double[] sorted = mag.clone();
        Arrays.sort(sorted);
        double kth = sorted[d - k]; // the k-th largest
        int above = 0;
        int aboveTruth = 0;
        int tied = 0;
        int tiedTruth = 0;
        for (int j = 0; j < d; j++) {
            if (mag[j] > kth) {
                above++;
                aboveTruth += mask[j] ? 1 : 0;
            } else if (mag[j] == kth) {
                tied++;
                tiedTruth += mask[j] ? 1 : 0;
            }
        }
        double hits = aboveTruth + (double) (k - above) * tiedTruth / tied;
        return new CellScore(total == 0 ? 0 : onTruth / total, hits / k, uniform, k, total == 0);
    }

    /** The file's {@code records} array, or null. */
    private static JsonNode records(JsonNode root) {
        return root != null && root.path("records").isArray() ? root.get("records") : null;
    }

    /** A record's {@code truth} array (one region per class), or null. */
    private static JsonNode regions(JsonNode record) {
        return record.path("truth").isArray() ? record.get("truth") : null;
    }

    private static int[] labels(JsonNode node, List<String> classNames, String where) {
        if (!node.isArray()) {
            throw new ExplainException(where + ": 'labels' is not a list; give class names, class indices or a "
                    + "multi-hot list of " + classNames.size());
        }
        boolean multiHot = node.size() == classNames.size() && node.size() > 0;
        for (JsonNode n : node) {
            multiHot &= n.isNumber() && (n.asDouble() == 0 || n.asDouble() == 1);
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (multiHot) {
                if (node.get(i).asDouble() == 1) {
                    out.add(i);
                }
            } else {
                out.add(classIndex(node.get(i), classNames, where));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int classIndex(JsonNode n, List<String> classNames, String where) {
        if (n.canConvertToInt() && n.isNumber()) {
            int c = n.asInt();
            if (c >= 0 && c < classNames.size()) {
                return c;
            }
        } else if (n.isTextual()) {
            for (int c = 0; c < classNames.size(); c++) {
                if (classNames.get(c).equalsIgnoreCase(n.asText().trim())) {
                    return c;
                }
            }
        }
        throw new ExplainException(where + ": unknown class " + n + "; give one of " + classNames + " or an index 0.."
                + (classNames.size() - 1));
    }

    private static int leadIndex(JsonNode n, List<String> leadNames, String where) {
        if (n.isNumber() && n.canConvertToInt()) {
            int l = n.asInt();
            if (l >= 0 && l < leadNames.size()) {
                return l;
            }
        } else if (n.isTextual()) {
            for (int l = 0; l < leadNames.size(); l++) {
                if (leadNames.get(l).equalsIgnoreCase(n.asText().trim())) {
                    return l;
                }
            }
        }
        throw new ExplainException(where + ": unknown lead " + n + "; give an index 0.." + (leadNames.size() - 1)
                + " or one of " + leadNames);
    }
}
