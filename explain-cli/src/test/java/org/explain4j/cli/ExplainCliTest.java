package org.explain4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainers;
import org.explain4j.explain.Target;
import org.explain4j.io.ArrowAttributionFile;
import org.explain4j.io.ExplanationJson;
import org.explain4j.io.Npy;
import org.explain4j.models.ReferenceModels;
import org.explain4j.onnx.OrtModel;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line, run in-process on the embedded reference models with real ONNX Runtime sessions. */
class ExplainCliTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path copy(InputStream in, Path to) throws IOException {
        try (in) {
            Files.copy(in, to);
        }
        return to;
    }

    static Path resource(String name, Path to) throws IOException {
        InputStream in = ReferenceModels.class.getClassLoader().getResourceAsStream(name);
        assertNotNull(in, "resource " + name);
        return copy(in, to);
    }

    static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void helpListsTheCommandsAndVersionPrintsOne() {
        Result help = run("--help");
        assertEquals(0, help.code());
        for (String cmd : List.of("models", "explain", "demo")) {
            assertTrue(help.out().contains(cmd), help.out());
        }
        Result version = run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("explain4j "), version.out());
        assertTrue(version.out().contains("ONNX Runtime"), version.out());
    }

    @Test
    void modelsDescribesEveryEmbeddedModel() {
        Result r = run("models");
        assertEquals(0, r.code(), r.err());
        for (String name : ReferenceModels.names()) {
            assertTrue(r.out().contains(name), r.out());
        }
        assertTrue(r.out().contains("[N,30], layout features"), r.out());
        assertTrue(r.out().contains("malignant, benign"), r.out());
        assertTrue(r.out().contains("exported gradient graph"), r.out());
    }

    @Test
    void explainsTheMlpOnTheEmbeddedCsvAndEveryFileReadsBack() throws Exception {
        Path csv = copy(ReferenceModels.breastCancerCsv(), tmp.resolve("breast_cancer.csv"));
        Path out = tmp.resolve("out");
        Result r = run("explain", "--model", "breast_cancer_mlp", "--input", csv.toString(), "--rows", "17-20",
                "--method", "ig", "--steps", "32", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().contains("integrated_gradients on breast_cancer_mlp"), r.out());
        assertTrue(r.out().contains("completeness gap"), r.out());
        assertEquals(List.of("attribution.arrow", "attribution.csv", "explanation.json",
                "heatmap-0.png", "heatmap-0.svg", "heatmap-1.png", "heatmap-1.svg", "heatmap-2.png", "heatmap-2.svg",
                "heatmap-3.png", "heatmap-3.svg", "heatmap.png", "heatmap.svg"), list(out));
        assertEquals(List.of("breast_cancer.csv", "out"), list(tmp), "no temporary directory left");

        // Arrow: the same numbers as the explainer gives in-process on the same rows
        ArrowAttributionFile.Contents arrow = ArrowAttributionFile.read(out.resolve("attribution.arrow"));
        Attribution a = arrow.attribution();
        ReferenceModels.Dataset data = ReferenceModels.breastCancer();
        FloatTensor x = FloatTensor.concat(List.of(data.features().sample(17), data.features().sample(18),
                data.features().sample(19), data.features().sample(20)));
        assertArrayEquals(new int[]{17, 18, 19, 20}, arrow.rows());
        assertArrayEquals(x.data(), a.inputs().data(), "inputs as in the CSV");
        try (OrtModel model = OrtModel.open(ReferenceModels.source("breast_cancer_mlp"))) {
            Attribution direct = Explainers.byName("ig", Map.of("steps", "32")).explain(model, x, Target.predicted());
            assertArrayEquals(direct.values().data(), a.values().data(), 0f);
            assertArrayEquals(direct.outputs().data(), a.outputs().data(), 0f);
            assertArrayEquals(direct.targets(), a.targets());
            // the written attributions sum to the change of the model's own logit from the zero
            // baseline to x, up to the completeness gap the file reports
            FloatTensor atZero = model.forward(FloatTensor.zeros(4, 30));
            double[] gap = a.diagnostics().get("completeness_gap");
            for (int i = 0; i < 4; i++) {
                int t = a.targets()[i];
                double sum = 0;
                for (float v : a.values().sampleData(i)) {
                    sum += v;
                }
                double delta = a.outputs().get(i * 2 + t) - atZero.get(i * 2 + t);
                assertEquals(delta + gap[i], sum, 1e-4 * Math.max(1, Math.abs(delta)), "IG completeness, sample " + i);
                assertTrue(Math.abs(gap[i]) < 0.05 * Math.abs(delta), "gap small against the logit change, sample " + i);
            }
        }
        assertArrayEquals(new int[]{0, 0, 1, 1}, a.targets(), "rows 17-18 malignant, 19-20 benign");

        // CSV: header of feature names, one line per sample with the Arrow's values
        List<String> lines = Files.readAllLines(out.resolve("attribution.csv"));
        assertEquals(5, lines.size());
        assertTrue(lines.get(0).startsWith("row,target,target_name,mean radius,mean texture"), lines.get(0));
        String[] cells = lines.get(3).split(",");
        assertEquals("19", cells[0]);
        assertEquals("benign", cells[2]);
        for (int j = 0; j < 30; j++) {
            assertEquals(a.values().get(2 * 30 + j), Float.parseFloat(cells[3 + j]), 0f);
        }

        // JSON: prediction, target, method, parameters, diagnostics, provenance, timings
        JsonNode j = ExplanationJson.read(out.resolve("explanation.json"));
        assertEquals("breast_cancer_mlp", j.at("/model/name").asText());
        assertEquals("integrated_gradients", j.at("/method").asText());
        assertEquals(32, j.at("/parameters/steps").asInt());
        assertEquals(4, j.at("/samples").size());
        JsonNode s2 = j.at("/samples/2");
        assertEquals(19, s2.at("/row").asInt());
        assertEquals("benign", s2.at("/prediction/name").asText());
        assertEquals(1.0, s2.at("/prediction/probabilities/0").asDouble() + s2.at("/prediction/probabilities/1").asDouble(), 1e-9);
        assertEquals(1.0, s2.at("/label").asDouble(), "the CSV's label column is kept aside");
        assertTrue(s2.at("/diagnostics/completeness_gap").isNumber());
        assertFalse(j.at("/provenance/model_checksum").asText().isEmpty());
        assertTrue(j.at("/timings_ms/explain").asDouble() >= 0);

        BufferedImage png = ImageIO.read(out.resolve("heatmap.png").toFile());
        assertNotNull(png);
        assertTrue(png.getHeight() > 30 * 20, "one bar row per feature");
        assertTrue(Files.readString(out.resolve("heatmap.svg")).contains("breast_cancer_mlp · integrated_gradients"));
    }

    @Test
    void explainsTheBilstmFromAMatrixCsvAndFromNpyRows() throws Exception {
        Path csv = resource("explain4j/models/synthetic_bilstm/synthetic_bilstm.example.csv", tmp.resolve("one.csv"));
        Path out = tmp.resolve("csv-out");
        Result r = run("explain", "--model", "synthetic_bilstm", "--input", csv.toString(), "--method", "gradxinput",
                "--target", "positive", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Attribution a = ArrowAttributionFile.read(out.resolve("attribution.arrow")).attribution();
        assertArrayEquals(new long[]{1, 24, 4}, a.values().shape());
        assertArrayEquals(new int[]{1}, a.targets());
        List<String> lines = Files.readAllLines(out.resolve("attribution.csv"));
        assertEquals("row,target,target_name,time,f0,f1,f2,f3", lines.get(0));
        assertEquals(25, lines.size());
        assertEquals(List.of("attribution.arrow", "attribution.csv", "explanation.json", "heatmap.png", "heatmap.svg"),
                list(out));
        BufferedImage png = ImageIO.read(out.resolve("heatmap.png").toFile());
        assertTrue(png.getWidth() > png.getHeight(), "24 time steps across, 4 features down");

        Path npy = resource("explain4j/models/synthetic_bilstm/synthetic_bilstm.example.npy", tmp.resolve("x.npy"));
        Path out2 = tmp.resolve("npy-out");
        r = run("explain", "--model", "synthetic_bilstm", "--input", npy.toString(), "--rows", "1-2",
                "--method", "saliency", "--signed", "--out", out2.toString());
        assertEquals(0, r.code(), r.err());
        Attribution b = ArrowAttributionFile.read(out2.resolve("attribution.arrow")).attribution();
        assertArrayEquals(new long[]{2, 24, 4}, b.values().shape());
        float[] all = Npy.readArray(npy).data();
        assertArrayEquals(Arrays.copyOfRange(all, 96, 3 * 96), b.inputs().data());
        assertTrue(list(out2).contains("heatmap-1.svg"));
    }

    @Test
    void demoExplainsBothClassesAndWritesTheFiles() throws Exception {
        Path out = tmp.resolve("demo");
        Result r = run("demo", "breast-cancer", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("label malignant): predicted malignant"), r.out());
        assertTrue(r.out().contains("label benign): predicted benign"), r.out());
        assertTrue(r.out().contains("for malignant:") && r.out().contains("against:"), r.out());
        assertTrue(r.out().contains("completeness gap"), r.out());
        List<String> files = list(out);
        assertTrue(files.containsAll(List.of("attribution.arrow", "attribution.csv", "explanation.json",
                "heatmap.png", "heatmap.svg")), files.toString());
        assertEquals(4, ArrowAttributionFile.read(out.resolve("attribution.arrow")).attribution().batchSize());
    }
}
