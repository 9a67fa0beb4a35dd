package org.explain4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.explain4j.io.ArrowAttributionFile;
import org.explain4j.models.ReferenceModels;
import org.explain4j.models.ecg.EcgRecords;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code explain --input <record.hea> [--format wfdb]}: the real MIT-BIH record 100 reaches a real
 * 1-D CNN (synthetic_cnn1d, [N,3,128]) through a temp copy of its sidecar that declares leads
 * MLII, V5, V1 at 64 Hz; the record lacks V1, which is zero-filled and reported.
 */
class WfdbCliTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path hea;

    @BeforeAll
    static void files() throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path dir = Files.createDirectories(tmp.resolve("model"));
        String base = "explain4j/models/synthetic_cnn1d/synthetic_cnn1d";
        for (String ext : new String[]{".onnx", ".grad.onnx"}) {
            copy(base + ext, dir.resolve("synthetic_cnn1d" + ext));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode sidecar;
        try (InputStream in = resource(base + ".json")) {
            sidecar = (ObjectNode) json.readTree(in);
        }
        ObjectNode input = (ObjectNode) sidecar.get("input");
        ArrayNode names = input.putArray("feature_names");
        names.add("MLII").add("V5").add("V1");
        input.put("sampling_rate_hz", 64);
        input.put("units", "mV");
        json.writeValue(dir.resolve("synthetic_cnn1d.json").toFile(), sidecar);
        model = dir.resolve("synthetic_cnn1d.onnx");
        Path rec = Files.createDirectories(tmp.resolve("rec"));
        for (String f : new String[]{"100.hea", "100.dat", "100.atr"}) {
            copy(EcgRecords.FOLDER + "/" + f, rec.resolve(f));
        }
        hea = rec.resolve("100.hea");
    }

    static InputStream resource(String name) {
        return ReferenceModels.class.getClassLoader().getResourceAsStream(name);
    }

    static void copy(String resource, Path to) throws IOException {
        try (InputStream in = resource(resource)) {
            Files.copy(in, to);
        }
    }

    @Test
    void recordIsResampledAndExplained() throws IOException {
        for (String format : new String[]{"wfdb", "auto"}) {
            Path out = tmp.resolve("out-" + format);
            ExplainCliTest.Result r = ExplainCliTest.run("explain", "--model", model.toString(), "--input", hea.toString(),
                    "--format", format, "--method", "saliency", "--signed", "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("leads missing in the record, zero-filled: V1"), r.out());
            FloatTensor x = ArrowAttributionFile.readInputs(out.resolve("attribution.arrow"));
            assertArrayEquals(new long[]{1, 3, 128}, x.shape());
            float[] v = x.data();
            // output i lies at record sample i * 360 / 64 = 5.625 i. i = 0: frame 0 (hand-decoded in WfdbRecordsTest):
            // MLII 995 -> (995 - 1024) / 200 = -0.145 mV, V5 1011 -> -0.065 mV.
            assertEquals(-0.145f, v[0], 1e-6f);
            assertEquals(-0.065f, v[128], 1e-6f);
            // i = 8: frame 45, xxd -s 135 -l 3 100.dat = c7 33 e7: MLII = c7 | 3 << 8 = 967 -> -0.285 mV;
            // V5 = e7 | 30 << 4 = 0x3e7 = 999 -> -0.125 mV
            assertEquals(-0.285f, v[8], 1e-6f);
            assertEquals(-0.125f, v[128 + 8], 1e-6f);
            for (int i = 0; i < 128; i++) {
                assertEquals(0f, v[256 + i], "V1 is zero-filled");
            }
            JsonNode explanation = new ObjectMapper().readTree(out.resolve("explanation.json").toFile());
            assertTrue(explanation.toString().contains("zero-filled: V1"), "provenance names the missing lead");
        }
    }

    /**
     * A real 12-lead record into the per-lead ECG model: Grad-CAM takes its layer from the
     * sidecar ({@code gradcam_layer}) when --layer is not given, and gives one map per lead.
     */
    @Test
    void aTwelveLeadRecordGetsPerLeadGradCamWithTheSidecarsLayer() throws IOException {
        Path rec = Files.createDirectories(tmp.resolve("ptbxl"));
        for (String f : new String[]{"00001_lr.hea", "00001_lr.dat"}) {
            copy(EcgRecords.FOLDER + "/" + f, rec.resolve(f));
        }
        Path out = tmp.resolve("out-perlead");
        ExplainCliTest.Result r = ExplainCliTest.run("explain", "--model", "ecg_perlead", "--input",
                rec.resolve("00001_lr.hea").toString(), "--method", "gradcam", "--lead-groups", "12", "--cam-scale",
                "per-lead", "--heatmaps", "0", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        FloatTensor x = ArrowAttributionFile.readInputs(out.resolve("attribution.arrow"));
        assertArrayEquals(new long[]{1, 12, 2048}, x.shape());
        JsonNode explanation = new ObjectMapper().readTree(out.resolve("explanation.json").toFile());
        assertTrue(explanation.toString().contains("gradcam_act"), "the sidecar's layer is recorded");
    }

    @Test
    void windowStartMovesTheWindow() {
        Path out = tmp.resolve("out-start");
        ExplainCliTest.Result r = ExplainCliTest.run("explain", "--model", model.toString(), "--input", hea.toString(),
                "--ecg-start", "0.125", "--method", "occlusion", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        // 0.125 s = record sample 45 (frame 45 above): the window's first value is MLII -0.285 mV
        assertEquals(-0.285f, ArrowAttributionFile.readInputs(out.resolve("attribution.arrow")).data()[0], 1e-6f);
    }

    @Test
    void modelWithoutSamplingRateIsAClearError() {
        ExplainCliTest.Result r = ExplainCliTest.run("explain", "--model", "synthetic_cnn1d", "--input", hea.toString(),
                "--method", "saliency", "--out", tmp.resolve("out-norate").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("does not say its sampling rate") && r.err().contains("input.sampling_rate_hz"), r.err());
    }

    @Test
    void badRecordAndOptionErrors() throws IOException {
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve("100.hea"), "100 2 360 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n"
                + "100.dat 212 200 11 1024 1011 20052 0 V5\n");
        ExplainCliTest.Result r = ExplainCliTest.run("explain", "--model", model.toString(), "--input",
                broken.resolve("100.hea").toString(), "--out", tmp.resolve("out-broken").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("names signal file 100.dat") && r.err().contains("does not exist"), r.err());

        r = ExplainCliTest.run("explain", "--model", model.toString(), "--input", hea.toString(), "--ecg-start", "4000",
                "--out", tmp.resolve("out-late").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("window start 4000.0 s lies outside record 100"), r.err());

        r = ExplainCliTest.run("explain", "--model", model.toString(), "--input", hea.toString(), "--ecg-start", "-1",
                "--out", tmp.resolve("out-neg").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--ecg-start must be 0 or more seconds"), r.err());
    }
}
