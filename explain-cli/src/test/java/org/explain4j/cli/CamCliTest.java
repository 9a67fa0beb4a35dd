package org.explain4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.explain.Attribution;
import org.explain4j.io.ArrowAttributionFile;
import org.explain4j.io.ExplanationJson;
import org.explain4j.io.Npy;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code explain --method guided_backprop | deconvnet | guided_gradcam | gradcam | activations}
 * end to end on real ONNX Runtime sessions: synthetic_cnn1d against the PyTorch float64
 * reference ({@code golden/synthetic_cnn1d.guided.json}; the example input is the first 4 golden
 * samples), the third-party MNIST model's Grad-CAM on a conv output (gradients to an
 * intermediate tensor built in Java), activation maps, and a layer name that does not exist.
 */
class CamCliTest {
    private static final List<String> FIVE_FILES = List.of("attribution.arrow", "attribution.csv", "explanation.json",
            "heatmap.png", "heatmap.svg");

    @TempDir
    Path tmp;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static JsonNode reference() throws Exception {
        try (InputStream in = ReferenceModels.class.getClassLoader()
                .getResourceAsStream("explain4j/golden/synthetic_cnn1d.guided.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void guidedMethodsOnTheCnnMatchPyTorch() throws Exception {
        JsonNode ref = reference();
        String[][] runs = {{"guided_backprop", "guided_backprop"}, {"deconvnet", "deconvnet"},
                {"guided-gradcam", "guided_gradcam"}};
        for (String[] run : runs) {
            Path out = tmp.resolve(run[1]);
            ExplainCliTest.Result r = ExplainCliTest.run("explain", "--model", "synthetic_cnn1d", "--input", "example",
                    "--method", run[0], "--heatmaps", "0", "--out", out.toString(),
                    run[1].equals("guided_gradcam") ? "--layer=/Relu_2_output_0" : "--score=logit");
            assertEquals(0, r.code(), r.err());
            assertEquals(FIVE_FILES, ExplainCliTest.list(out));
            Attribution a = ArrowAttributionFile.read(out.resolve("attribution.arrow")).attribution();
            assertArrayEquals(new long[] {4, 3, 128}, a.values().shape());
            double max = 0;
            for (int i = 0; i < 4; i++) {
                assertEquals(ref.at("/samples/" + i + "/target").asInt(), a.targets()[i], "predicted class");
                JsonNode want = ref.at("/samples/" + i + "/" + run[1]);
                for (int j = 0; j < 384; j++) {
                    max = Math.max(max, Math.abs(a.values().data()[i * 384 + j] - want.get(j).asDouble()));
                }
            }
            assertTrue(max <= 1e-5, run[1] + " via the CLI: max |Δ| " + max);
            JsonNode j = ExplanationJson.read(out.resolve("explanation.json"));
            assertEquals(run[1], j.at("/method").asText());
            assertEquals("guided_backprop".equals(run[1]) || "guided_gradcam".equals(run[1]) ? "guided_backprop"
                    : "deconvnet", j.at("/parameters/relu_rule").asText());
        }
    }

    /** The real third-party MNIST model: Grad-CAM of a convolution's output needs a Java-built gradient graph. */
    @Test
    void gradCamOnTheMnistConvolution() throws Exception {
        Path model = ExplainCliTest.resource("explain4j/thirdparty/mnist-cntk.onnx", tmp.resolve("mnist-cntk.onnx"));
        ExplainCliTest.resource("explain4j/thirdparty/mnist-cntk.json", tmp.resolve("mnist-cntk.json"));
        float[] img = new float[28 * 28];
        for (int c = 6; c < 22; c++) {
            img[5 * 28 + c] = 1f; // a 7: a bar on top and a diagonal stroke
        }
        for (int r = 6; r < 24; r++) {
            img[r * 28 + 21 - (r - 6) * 10 / 18] = 1f;
        }
        Path x = tmp.resolve("seven.npy");
        Npy.write(new FloatTensor(new long[] {1, 1, 28, 28}, img), x);
        Path out = tmp.resolve("mnist-gradcam");
        ExplainCliTest.Result r = ExplainCliTest.run("explain", "--model", model.toString(), "--input", x.toString(),
                "--method", "gradcam", "--layer", "Convolution110_Output_0", "--relu", "false", "--cam-scale", "global",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(FIVE_FILES, ExplainCliTest.list(out));
        Attribution a = ArrowAttributionFile.read(out.resolve("attribution.arrow")).attribution();
        assertArrayEquals(new long[] {1, 1, 28, 28}, a.values().shape());
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (float v : a.values().data()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        assertEquals(0f, lo, 1e-6f, "globally min-max scaled");
        assertEquals(1f, hi, 1e-6f, "globally min-max scaled");
        JsonNode j = ExplanationJson.read(out.resolve("explanation.json"));
        assertEquals("[14, 14]", j.at("/parameters/layer_shape").asText());
        assertFalse(j.at("/parameters/relu").asBoolean());
    }

    /** Per-lead Grad-CAM of the lead-grouped ECG model: one map per lead, each scaled to [0, 1] on its own. */
    @Test
    void perLeadGradCamOnTheLeadGroupedEcgModel() throws Exception {
        Path out = tmp.resolve("perlead");
        ExplainCliTest.Result r = ExplainCliTest.run("explain", "--model", "ecg_perlead", "--input", "example",
                "--rows", "0-1", "--method", "gradcam", "--layer", "gradcam_act", "--lead-groups", "12",
                "--cam-scale", "per-lead", "--relu", "false", "--heatmaps", "0", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Attribution a = ArrowAttributionFile.read(out.resolve("attribution.arrow")).attribution();
        assertArrayEquals(new long[] {2, 12, 2048}, a.values().shape());
        for (int lead = 0; lead < 24; lead++) {
            float lo = Float.MAX_VALUE;
            float hi = -Float.MAX_VALUE;
            for (int j = 0; j < 2048; j++) {
                float v = a.values().data()[lead * 2048 + j];
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            assertEquals(0f, lo, 1e-6f, "lead row " + lead);
            assertEquals(1f, hi, 1e-6f, "lead row " + lead);
        }
        JsonNode j = ExplanationJson.read(out.resolve("explanation.json"));
        assertEquals(12, j.at("/parameters/lead_groups").asInt());
        assertEquals("per_lead", j.at("/parameters/scale").asText());

        ExplainCliTest.Result bad = ExplainCliTest.run("explain", "--model", "ecg_perlead", "--input", "example",
                "--method", "gradcam", "--layer", "gradcam_act", "--lead-groups", "6", "--out",
                tmp.resolve("six").toString());
        assertTrue(bad.code() != 0);
        assertTrue(bad.err().contains("per-lead Grad-CAM with 6 lead groups needs an input with 6 channels"), bad.err());
    }

    @Test
    void activationMapsOfALayer() throws Exception {
        Path out = tmp.resolve("acts");
        ExplainCliTest.Result r = ExplainCliTest.run("explain", "--model", "synthetic_cnn1d", "--input", "example",
                "--method", "activations", "--layer", "/Relu_2_output_0", "--heatmaps", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("activations-0.png", "activations-1.png", "activations.npy", "activations.png"),
                ExplainCliTest.list(out));
        Npy.Array a = Npy.readArray(out.resolve("activations.npy"));
        assertArrayEquals(new long[] {4, 16, 32}, a.shape());
        double total = 0;
        for (float v : a.data()) {
            assertTrue(v >= 0, "a ReLU's output");
            total += v;
        }
        assertTrue(total > 0);
        assertTrue(Files.size(out.resolve("activations.png")) > 200);
        assertTrue(r.out().contains("[4, 16, 32]"), r.out());

        ExplainCliTest.Result noLayer = ExplainCliTest.run("explain", "--model", "synthetic_cnn1d", "--input", "example",
                "--method", "activations", "--out", tmp.resolve("none").toString());
        assertEquals(2, noLayer.code());
        assertTrue(noLayer.err().contains("activations needs --layer"), noLayer.err());
        ExplainCliTest.Result extra = ExplainCliTest.run("explain", "--model", "synthetic_cnn1d", "--input", "example",
                "--method", "activations", "--layer", "x", "--steps", "3", "--out", tmp.resolve("none").toString());
        assertEquals(2, extra.code());
        assertTrue(extra.err().contains("method activations does not take --steps; it takes --layer"), extra.err());
    }

    @Test
    void unknownLayerListsTheNearestCandidates() {
        for (String method : List.of("gradcam", "activations", "guided_gradcam")) {
            Path out = tmp.resolve("bad-" + method);
            ExplainCliTest.Result r = ExplainCliTest.run("explain", "--model", "synthetic_cnn1d", "--input", "example",
                    "--method", method, "--layer", "/Relu_2_outpt_0", "--out", out.toString());
            assertTrue(r.code() != 0, method);
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("model 'synthetic_cnn1d' has no tensor named '/Relu_2_outpt_0'; nearest"
                    + " conv/activation/pool outputs: /Relu_2_output_0, "), r.err());
            assertFalse(Files.exists(out), "nothing written");
        }
        ExplainCliTest.Result groups = ExplainCliTest.run("explain", "--model", "synthetic_cnn1d", "--input", "example",
                "--method", "gradcam", "--layer", "/Relu_2_output_0", "--lead-groups", "3",
                "--out", tmp.resolve("groups").toString());
        assertTrue(groups.code() != 0);
        assertTrue(groups.err().contains("has 16 channels, which do not split into 3 equal lead groups"), groups.err());
    }
}
