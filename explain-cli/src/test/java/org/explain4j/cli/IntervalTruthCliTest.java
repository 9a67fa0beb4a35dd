package org.explain4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainers;
import org.explain4j.explain.Target;
import org.explain4j.io.Npy;
import org.explain4j.models.ReferenceModels;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.OrtOptions;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code explain4j evaluate} with a per-class interval truth, on the embedded 1-D CNN: its
 * evaluation set's truth (class k's bump in channel k, 7 samples) rewritten in the interval format
 * the ECG set uses, so the wiring is checked without the ECG models.
 */
class IntervalTruthCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "synthetic_cnn1d";
    private static final int ROWS = 24;

    @TempDir
    Path tmp;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** The CNN's eval truth as {"records": [{"labels": [k], "truth": [{"class": k, "leads": [k], "intervals": [[a, b]]}]}]}. */
    private static Path intervalTruth(JsonNode masks, Path to) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode records = root.putArray("records");
        for (JsonNode s : masks.get("samples")) {
            ObjectNode r = records.addObject();
            r.putArray("labels").add(s.get("label").asInt());
            ObjectNode g = r.putArray("truth").addObject();
            g.put("class", s.get("label").asInt());
            g.putArray("leads").add(s.get("channel").asInt());
            g.putArray("intervals").addArray().add(s.get("interval").get(0).asInt()).add(s.get("interval").get(1).asInt());
        }
        JSON.writeValue(to.toFile(), root);
        return to;
    }

    @Test
    void perClassSharesMatchAHandComputationFromTheOriginalMasks() throws Exception {
        Path truthJson = ExplainCliTest.resource("explain4j/models/" + MODEL + "/" + MODEL + ".eval.truth.json",
                tmp.resolve("masks.json"));
        JsonNode masks = JSON.readTree(truthJson.toFile());
        Path truth = intervalTruth(masks, tmp.resolve("intervals.json"));
        Path out = tmp.resolve("gt");
        ExplainCliTest.Result r = ExplainCliTest.run("evaluate", "-m", MODEL, "-d", "eval", "--rows", "0-" + (ROWS - 1),
                "--truth", truth.toString(), "--methods", "saliency,gradcam:layer=/Relu_2_output_0,ig:steps=8",
                "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("groundtruth.csv", "groundtruth.md"), ExplainCliTest.list(out));
        List<String> csv = Files.readAllLines(out.resolve("groundtruth.csv"));
        assertEquals("method,class,records,mass_share,precision_at_k,uniform_share,zero_maps", csv.get(0));

        // independent reference: saliency per record for its label, share of |g| on the original 0/1 mask
        Path npy = ExplainCliTest.resource("explain4j/models/" + MODEL + "/" + MODEL + ".eval.npy", tmp.resolve("x.npy"));
        Npy.Array arr = Npy.readArray(npy);
        int d = (int) (arr.shape()[1] * arr.shape()[2]);
        try (OrtModel m = OrtModel.open(ReferenceModels.source(MODEL), OrtOptions.defaults())) {
            for (int c = 0; c < 3; c++) {
                List<Integer> rows = new ArrayList<>();
                for (int i = 0; i < ROWS; i++) {
                    if (masks.get("samples").get(i).get("label").asInt() == c) {
                        rows.add(i);
                    }
                }
                float[] data = new float[rows.size() * d];
                for (int k = 0; k < rows.size(); k++) {
                    System.arraycopy(arr.data(), rows.get(k) * d, data, k * d, d);
                }
                FloatTensor x = new FloatTensor(new long[]{rows.size(), arr.shape()[1], arr.shape()[2]}, data);
                Attribution a = Explainers.byName("saliency", Map.of()).explain(m, x, Target.of(c));
                double sum = 0;
                for (int k = 0; k < rows.size(); k++) {
                    JsonNode mask = masks.get("samples").get(rows.get(k)).get("mask");
                    float[] g = a.values().sampleData(k);
                    double all = 0;
                    double on = 0;
                    for (int j = 0; j < d; j++) {
                        all += Math.abs(g[j]);
                        on += mask.get(j).asInt() == 1 ? Math.abs(g[j]) : 0;
                    }
                    sum += on / all;
                }
                String cls = "bump_ch" + c;
                String line = csv.stream().filter(l -> l.startsWith("saliency," + cls + ",")).findFirst().orElseThrow();
                String[] cells = line.split(",");
                assertEquals(rows.size(), Integer.parseInt(cells[2]), line);
                assertEquals(sum / rows.size(), Double.parseDouble(cells[3]), 1e-5, line);
                assertEquals(7.0 / d, Double.parseDouble(cells[5]), 1e-6, "7 truth cells of " + d);
            }
        }
        String md = Files.readString(out.resolve("groundtruth.md"));
        assertTrue(md.contains("| class | records | saliency | gradcam | ig | uniform |"), md);
        assertTrue(r.out().contains("| all | " + ROWS + " |"), r.out());
        // Grad-CAM is the same map on every channel: at most 1/3 of its mass can sit in the bump's channel
        String gradcamAll = csv.stream().filter(l -> l.startsWith("gradcam,all,")).findFirst().orElseThrow();
        assertTrue(Double.parseDouble(gradcamAll.split(",")[3]) <= 1.0 / 3 + 1e-6, gradcamAll);
    }

    @Test
    void aMethodThatCannotRunIsReportedAndTheOthersStillCount() throws Exception {
        Path truthJson = ExplainCliTest.resource("explain4j/models/" + MODEL + "/" + MODEL + ".eval.truth.json",
                tmp.resolve("masks.json"));
        Path truth = intervalTruth(JSON.readTree(truthJson.toFile()), tmp.resolve("intervals.json"));
        Path out = tmp.resolve("gt");
        ExplainCliTest.Result r = ExplainCliTest.run("evaluate", "-m", MODEL, "-d", "eval", "--rows", "0-5",
                "--truth", truth.toString(), "--methods", "saliency,gradcam:layer=no_such_tensor", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        String md = Files.readString(out.resolve("groundtruth.md"));
        assertTrue(md.contains("Not scored:") && md.contains("gradcam: "), md);
        assertTrue(md.contains("no_such_tensor"), md);
        assertTrue(Files.readString(out.resolve("groundtruth.csv")).contains("saliency,all,6,"));
    }

    @Test
    void aTruthThatDoesNotFitTheModelIsAnError() throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"records\": [{\"labels\": [\"bump_ch9\"], \"truth\": [{\"class\": \"bump_ch9\", "
                + "\"leads\": [0], \"intervals\": [[0, 3]]}]}]}");
        ExplainCliTest.Result r = ExplainCliTest.run("evaluate", "-m", MODEL, "-d", "eval", "--rows", "0",
                "--truth", bad.toString(), "--methods", "saliency", "-o", tmp.resolve("x").toString());
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("unknown class \"bump_ch9\""), r.err());
        assertTrue(Files.notExists(tmp.resolve("x")), "nothing written on failure");
    }
}
