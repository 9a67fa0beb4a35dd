package org.explain4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.explain4j.explain.Attribution;
import org.explain4j.io.ArrowAttributionFile;
import org.explain4j.io.ExplanationJson;
import org.explain4j.models.ReferenceModels;
import org.explain4j.onnx.OrtModel;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code explain --method} with LRP (explain-onnx) and the perturbation methods, on real ONNX
 * Runtime sessions. Values are checked against laws that do not come from the explainer: the
 * model's own logits (a separate session), LRP conservation, KernelSHAP efficiency.
 */
class ExplainMethodsCliTest {
    private static final List<String> FIVE_FILES = List.of("attribution.arrow", "attribution.csv", "explanation.json",
            "heatmap.png", "heatmap.svg");

    @TempDir
    Path tmp;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        return s;
    }

    /** The model's logits for {@code x}, from a session of its own. */
    private static FloatTensor logits(String model, FloatTensor x) throws Exception {
        try (OrtModel m = OrtModel.open(ReferenceModels.source(model))) {
            return m.forward(x);
        }
    }

    @Test
    void lrpOnTheMlpConservesTheLogitWhenBiasesGiveBackTheirShare() throws Exception {
        Path csv = ExplainCliTest.copy(ReferenceModels.breastCancerCsv(), tmp.resolve("bc.csv"));
        Path out = tmp.resolve("lrp0");
        ExplainCliTest.Result r = ExplainCliTest.run("explain", "--model", "breast_cancer_mlp", "--input", csv.toString(),
                "--rows", "17-19", "--method", "lrp", "--lrp-rule", "lrp0", "--lrp-bias-factor", "1",
                "--heatmaps", "0", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(FIVE_FILES, ExplainCliTest.list(out));
        assertTrue(r.out().contains("lrp on breast_cancer_mlp"), r.out());
        assertTrue(r.out().contains("lrp conservation residual"), r.out());

        Attribution a = ArrowAttributionFile.read(out.resolve("attribution.arrow")).attribution();
        FloatTensor y = logits("breast_cancer_mlp", a.inputs());
        JsonNode j = ExplanationJson.read(out.resolve("explanation.json"));
        assertEquals("lrp", j.at("/method").asText());
        assertEquals("default=epsilon(0)", j.at("/parameters/rules").asText());
        assertEquals(1.0, j.at("/parameters/bias_factor").asDouble());
        assertEquals("logit", j.at("/parameters/output_init").asText());
        assertEquals(3, j.at("/samples").size());
        for (int i = 0; i < 3; i++) {
            // ReLU net, LRP-0, biases' relevance handed down: relevance at the input is the logit
            double logit = y.get(i * 2 + a.targets()[i]);
            double total = sum(a.values().sampleData(i));
            assertEquals(logit, total, 1e-4 * Math.max(1, Math.abs(logit)), "conservation, sample " + i);
            JsonNode d = j.at("/samples/" + i + "/diagnostics");
            assertEquals(logit, d.at("/lrp_logit").asDouble(), 1e-4 * Math.max(1, Math.abs(logit)));
            assertEquals(0, d.at("/lrp_conservation_residual").asDouble(), 1e-4 * Math.max(1, Math.abs(logit)));
        }

        // defaults (ε = 0.01, δ = 0): biases keep relevance; the residual says how much, exactly
        Path out2 = tmp.resolve("default");
        r = ExplainCliTest.run("explain", "--model", "breast_cancer_mlp", "--input", csv.toString(), "--rows", "17",
                "--method", "lrp", "--out", out2.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(FIVE_FILES, ExplainCliTest.list(out2));
        a = ArrowAttributionFile.read(out2.resolve("attribution.arrow")).attribution();
        j = ExplanationJson.read(out2.resolve("explanation.json"));
        assertEquals("default=epsilon(0.01)", j.at("/parameters/rules").asText());
        assertEquals(0.0, j.at("/parameters/bias_factor").asDouble());
        double logit = logits("breast_cancer_mlp", a.inputs()).get(a.targets()[0]);
        double residual = j.at("/samples/0/diagnostics/lrp_conservation_residual").asDouble();
        assertEquals(logit - sum(a.values().sampleData(0)), residual, 1e-4 * Math.max(1, Math.abs(logit)));
        assertTrue(Math.abs(residual) > 1e-3, "with δ = 0 the biases keep a share: " + residual);
    }

    @Test
    void lrpOnTheBilstmExampleRecordsItsParametersAndResidual() throws Exception {
        Path out = tmp.resolve("bilstm");
        ExplainCliTest.Result r = ExplainCliTest.run("explain", "--model", "synthetic_bilstm", "--input", "example",
                "--rows", "0", "--method", "lrp", "--lrp-epsilon", "0.1", "--lrp-output-init", "logit",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(FIVE_FILES, ExplainCliTest.list(out));
        Attribution a = ArrowAttributionFile.read(out.resolve("attribution.arrow")).attribution();
        assertArrayEquals(new long[]{1, 24, 4}, a.values().shape());
        JsonNode j = ExplanationJson.read(out.resolve("explanation.json"));
        assertEquals("lrp", j.at("/method").asText());
        assertEquals("default=epsilon(0.1)", j.at("/parameters/rules").asText());
        assertTrue(j.at("/parameters/layers").toString().contains("LSTM"), j.at("/parameters/layers").toString());
        double logit = logits("synthetic_bilstm", a.inputs()).get(a.targets()[0]);
        JsonNode d = j.at("/samples/0/diagnostics");
        assertEquals(logit, d.at("/lrp_logit").asDouble(), 1e-4 * Math.max(1, Math.abs(logit)));
        // what does not reach the input is what the residual reports
        assertEquals(logit - sum(a.values().sampleData(0)), d.at("/lrp_conservation_residual").asDouble(),
                1e-3 * Math.max(1, Math.abs(logit)));
        assertTrue(r.out().contains("lrp conservation residual"), r.out());
    }

    @Test
    void limeOnTheMlpRecordsSeedAndR2AndKeepsKFeatures() throws Exception {
        Path csv = ExplainCliTest.copy(ReferenceModels.breastCancerCsv(), tmp.resolve("bc.csv"));
        Path out = tmp.resolve("lime");
        String[] args = {"explain", "--model", "breast_cancer_mlp", "--input", csv.toString(), "--rows", "3",
                "--method", "lime", "--samples", "400", "--seed", "7", "--features", "5", "--out", out.toString()};
        ExplainCliTest.Result r = ExplainCliTest.run(args);
        assertEquals(0, r.code(), r.err());
        assertEquals(FIVE_FILES, ExplainCliTest.list(out));
        assertTrue(r.out().contains("surrogate R² (weighted)"), r.out());
        JsonNode j = ExplanationJson.read(out.resolve("explanation.json"));
        assertEquals("lime", j.at("/method").asText());
        assertEquals(7, j.at("/parameters/seed").asLong());
        assertEquals(400, j.at("/parameters/samples").asInt());
        double r2 = j.at("/samples/0/diagnostics/weighted_r2").asDouble();
        assertTrue(r2 >= 0 && r2 <= 1, "R² " + r2);
        Attribution a = ArrowAttributionFile.read(out.resolve("attribution.arrow")).attribution();
        int nonZero = 0;
        for (float v : a.values().data()) {
            nonZero += v != 0 ? 1 : 0;
        }
        assertTrue(nonZero >= 1 && nonZero <= 5, "K-Lasso keeps at most 5 features, kept " + nonZero);
        double logit = logits("breast_cancer_mlp", a.inputs()).get(a.targets()[0]);
        assertEquals(logit, j.at("/samples/0/diagnostics/model_prediction").asDouble(), 1e-4 * Math.max(1, Math.abs(logit)));

        // the same seed gives the same explanation
        Path again = tmp.resolve("lime-again");
        args[args.length - 1] = again.toString();
        assertEquals(0, ExplainCliTest.run(args).code());
        assertArrayEquals(a.values().data(),
                ArrowAttributionFile.read(again.resolve("attribution.arrow")).attribution().values().data(), 0f);
    }

    @Test
    void kernelShapOnTheMlpIsEfficientAgainstTheModelsOwnLogits() throws Exception {
        Path csv = ExplainCliTest.copy(ReferenceModels.breastCancerCsv(), tmp.resolve("bc.csv"));
        Path out = tmp.resolve("shap");
        ExplainCliTest.Result r = ExplainCliTest.run("explain", "--model", "breast_cancer_mlp", "--input", csv.toString(),
                "--rows", "19", "--method", "kernelshap", "--seed", "11", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(FIVE_FILES, ExplainCliTest.list(out));
        assertTrue(r.out().contains("kernelshap on breast_cancer_mlp") && r.out().contains("surrogate R²"), r.out());
        JsonNode j = ExplanationJson.read(out.resolve("explanation.json"));
        assertEquals("kernelshap", j.at("/method").asText());
        assertEquals(11, j.at("/parameters/seed").asLong());
        JsonNode d = j.at("/samples/0/diagnostics");
        double r2 = d.at("/weighted_r2").asDouble();
        assertTrue(r2 >= 0 && r2 <= 1, "R² " + r2);

        // efficiency: φ sums to f(x) − f(baseline), with both ends from a separate session (baseline zero)
        Attribution a = ArrowAttributionFile.read(out.resolve("attribution.arrow")).attribution();
        int t = a.targets()[0];
        double fx = logits("breast_cancer_mlp", a.inputs()).get(t);
        double f0 = logits("breast_cancer_mlp", FloatTensor.zeros(1, 30)).get(t);
        double tol = 1e-3 * Math.max(1, Math.abs(fx) + Math.abs(f0));
        assertEquals(fx - f0, sum(a.values().sampleData(0)), tol);
        assertEquals(f0, d.at("/baseline_prediction").asDouble(), tol);
    }

    @Test
    void gradCamOnTheCnnIsANonNegativeMapShapedLikeTheInput() throws Exception {
        Path out = tmp.resolve("gradcam");
        ExplainCliTest.Result r = ExplainCliTest.run("explain", "--model", "synthetic_cnn1d", "--input", "example",
                "--method", "gradcam", "--layer", "/Relu_2_output_0", "--heatmaps", "0", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(FIVE_FILES, ExplainCliTest.list(out));
        Attribution a = ArrowAttributionFile.read(out.resolve("attribution.arrow")).attribution();
        assertArrayEquals(a.inputs().shape(), a.values().shape());
        double total = 0;
        for (float v : a.values().data()) {
            assertTrue(v >= 0, "Grad-CAM with ReLU is non-negative");
            total += v;
        }
        assertTrue(total > 0, "the map is not empty");
        JsonNode j = ExplanationJson.read(out.resolve("explanation.json"));
        assertEquals("/Relu_2_output_0", j.at("/parameters/layer").asText());

        Path none = tmp.resolve("gradcam-no-layer");
        ExplainCliTest.Result bad = ExplainCliTest.run("explain", "--model", "synthetic_cnn1d", "--input", "example",
                "--method", "gradcam", "--out", none.toString());
        assertTrue(bad.code() != 0);
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertTrue(bad.err().contains("--layer"), bad.err());
        assertTrue(!java.nio.file.Files.exists(none));
    }
}
