package org.explain4j.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Known causes of synthetic labels, and how well an attribution finds them (METHODS §7): per
 * sample, a 0/1 mask over the input's cells marking the cells that caused the label.
 *
 * <p>Read from the reference models' truth files ({@code NAME.truth.json},
 * {@code NAME.eval.truth.json}): {@code {"samples": [{"label": 1, "mask": [0,0,1,...]}, ...]}},
 * the mask flat in the input's C order ({@code null} where the cause is unknown, as for a real
 * patient: such a sample is never scored); other fields are ignored.
 *
 * <p>Scores, for the samples with at least one cause cell whose explained target is their
 * label (a negative of the synthetic tasks has no cause to find):
 * <ul>
 *   <li><b>mass on cause</b>: {@code Σ_{cause}|a| / Σ|a|}, the share of absolute attribution
 *       on the cause cells (a random map scores about {@code |cause| / d});</li>
 *   <li><b>positive mass on cause</b>: the same for the positive part of the attribution
 *       (evidence for the class);</li>
 *   <li><b>top-k precision and recall</b>: of the {@code k} cells with the largest |a|, the share
 *       that are cause cells, and the share of cause cells among them; {@code k} defaults to the
 *       sample's number of cause cells, where precision and recall coincide.</li>
 * </ul>
 */
public final class GroundTruth {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<boolean[]> masks;
    private final int[] labels;
    private final String source;

    /** @param labels each sample's label, -1 where unknown (then any target is scored) */
    public GroundTruth(List<boolean[]> masks, int[] labels, String source) {
        if (masks.size() != labels.length) {
            throw new IllegalArgumentException(masks.size() + " masks but " + labels.length + " labels");
        }
        this.masks = java.util.Collections.unmodifiableList(new ArrayList<>(masks));
        this.labels = labels.clone();
        this.source = source;
    }

    public static GroundTruth read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new ExplainException("cannot read ground-truth file " + file + ": " + e.getMessage());
        }
    }

    /** Parses a truth JSON; {@code source} names it in messages. */
    public static GroundTruth parse(InputStream in, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new ExplainException("ground-truth file " + source + " is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode samples = root == null ? null : root.path("samples");
        if (samples == null || !samples.isArray()) {
            throw new ExplainException("ground-truth file " + source + " has no 'samples' array; expected"
                    + " {\"samples\": [{\"label\": 1, \"mask\": [0,1,...]}, ...]}");
        }
        List<boolean[]> masks = new ArrayList<>();
        int[] labels = new int[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            JsonNode s = samples.get(i);
            JsonNode m = s.path("mask");
            if (m.isNull()) {
                // an explicit null: a sample whose cause is unknown (a real patient); never scored
                masks.add(null);
                labels[i] = -1;
                continue;
            }
            if (!m.isArray()) {
                throw new ExplainException("ground-truth file " + source + ": sample " + i
                        + " has no 'mask' array (a flat 0/1 mask of the input's cells, or null when the"
                        + " cause is unknown)");
            }
            boolean[] mask = new boolean[m.size()];
            for (int j = 0; j < mask.length; j++) {
                mask[j] = m.get(j).asDouble() != 0;
            }
            masks.add(mask);
            labels[i] = s.hasNonNull("label") ? s.get("label").asInt() : -1;
        }
        return new GroundTruth(masks, labels, source);
    }

    public int size() {
        return masks.size();
    }

    public String source() {
        return source;
    }

    /** The truth of samples {@code rows} (indices into this file), in that order. */
    public GroundTruth select(int[] rows) {
        List<boolean[]> m = new ArrayList<>(rows.length);
        int[] l = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= masks.size()) {
                throw new ExplainException("ground truth " + source + " holds " + masks.size()
                        + " samples; sample " + rows[i] + " has none");
            }
            m.add(masks.get(rows[i]));
            l[i] = labels[rows[i]];
        }
        return new GroundTruth(m, l, source);
    }

    /**
     * Per sample; NaN where a sample is not scored (no cause cells, or a target other than its
     * label).
     */
    public record Scores(double[] massOnCause, double[] positiveMassOnCause, double[] precisionAtK,
                         double[] recallAtK, double[] randomMass, int scored) {
    }

    /** @param k cells in the top-k; 0 for each sample's number of cause cells */
    public Scores score(Attribution a, int k) {
        int n = a.batchSize();
        int d = a.values().sampleSize();
        if (n != masks.size()) {
            throw new ExplainException("ground truth " + source + " holds " + masks.size() + " samples but "
                    + n + " were explained; give one truth per explained sample");
        }
        float[] v = a.values().data();
        int[] targets = a.targets();
        double[] mass = nan(n);
        double[] pos = nan(n);
        double[] prec = nan(n);
        double[] rec = nan(n);
        double[] rnd = nan(n);
        int scored = 0;
        for (int i = 0; i < n; i++) {
            boolean[] m = masks.get(i);
            if (m == null) {
                continue;
            }
            if (m.length != d) {
                throw new ExplainException("ground truth " + source + ": sample " + i + " has a mask of " + m.length
                        + " cells but the input has " + d + "; give masks shaped like one input sample");
            }
            int causes = 0;
            for (boolean b : m) {
                causes += b ? 1 : 0;
            }
            if (causes == 0 || (labels[i] >= 0 && labels[i] != targets[i])) {
                continue;
            }
            scored++;
            double all = 0;
            double onCause = 0;
            double allPos = 0;
            double posOnCause = 0;
            for (int j = 0; j < d; j++) {
                double x = v[i * d + j];
                all += Math.abs(x);
                allPos += Math.max(x, 0);
                if (m[j]) {
                    onCause += Math.abs(x);
                    posOnCause += Math.max(x, 0);
                }
            }
            mass[i] = all == 0 ? 0 : onCause / all;
            pos[i] = allPos == 0 ? 0 : posOnCause / allPos;
            rnd[i] = (double) causes / d;
            int kk = Math.min(d, k > 0 ? k : causes);
            int[] order = PerturbationCurve.rank(v, i * d, d, true);
            int hits = 0;
            for (int r = 0; r < kk; r++) {
                hits += m[order[r]] ? 1 : 0;
            }
            prec[i] = (double) hits / kk;
            rec[i] = (double) hits / causes;
        }
        return new Scores(mass, pos, prec, rec, rnd, scored);
    }

    private static double[] nan(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }
}
