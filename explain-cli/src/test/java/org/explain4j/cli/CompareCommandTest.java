package org.explain4j.cli;

import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code explain4j compare}. The three-backend run goes in a fresh JVM: DJL's ONNX Runtime
 * engine must start ONNX Runtime itself, which other tests of this JVM have done already.
 */
class CompareCommandTest {

    @TempDir
    Path tmp;

    @Test
    void threeBackendsAgreeOnTheBiLstmAndTheTableSaysSo() throws Exception {
        Path out = tmp.resolve("cmp");
        Process p = java(List.of("compare", "--model", "synthetic_bilstm", "--input", "example", "--method", "ig",
                "--steps", "16", "--warmup", "1", "--repeats", "2", "--out", out.toString()));
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "compare did not finish in 3 minutes");
        assertEquals(0, p.exitValue(), printed);

        List<String> csv = Files.readAllLines(out.resolve("comparison.csv"));
        assertEquals(String.join(",", BackendComparison.CSV_HEADER), csv.get(0));
        assertEquals(4, csv.size(), String.join("\n", csv));
        List<String> backends = new ArrayList<>();
        for (String line : csv.subList(1, csv.size())) {
            String[] c = line.split(",");
            backends.add(c[0]);
            assertTrue(Double.parseDouble(c[3]) <= 1e-5, "prediction max |Δ| of " + line);
            assertTrue(Double.parseDouble(c[4]) <= 1e-4, "attribution max |Δ| of " + line);
            assertTrue(Double.parseDouble(c[5]) > 0.999, "Spearman ρ of " + line);
            assertTrue(Double.parseDouble(c[7]) > 0, "time of " + line);
            assertTrue(Double.parseDouble(c[9]) >= 1, "ratio to the fastest of " + line);
        }
        assertEquals(List.of("ort", "djl-ort", "djl-pytorch"), backends);
        assertTrue(csv.subList(1, 4).stream().anyMatch(l -> l.endsWith(",1.0")), "one backend is the fastest");
        String md = Files.readString(out.resolve("comparison.md"));
        assertTrue(md.contains("| djl-pytorch | djl "), md);
        assertTrue(printed.contains("| backend | engine |"), printed);
        assertFalse(printed.contains("WARN"), "DJL's start-up warnings are kept quiet:\n" + printed);
    }

    @Test
    void aTorchScriptFileAloneComparesOnPyTorch() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        for (String ext : List.of(".pt", ".json", ".grad.onnx")) {
            copy("breast_cancer_mlp" + ext, dir);
        }
        Path csv = tmp.resolve("rows.csv");
        FloatTensor x = ReferenceModels.breastCancer().features().slice(0, 3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            float[] row = x.sampleData(i);
            for (int j = 0; j < row.length; j++) {
                sb.append(j > 0 ? "," : "").append(String.format(Locale.ROOT, "%s", row[j]));
            }
            sb.append('\n');
        }
        Files.writeString(csv, sb.toString());
        ExplainCliTest.Result r = ExplainCliTest.run("compare", "--model", dir.resolve("breast_cancer_mlp.pt").toString(),
                "--input", csv.toString(), "--backends", "djl-pytorch", "--method", "gradxinput", "--repeats", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| djl-pytorch | djl "), r.out());
        assertTrue(r.out().contains("samples: 3"), r.out());
    }

    @Test
    void theOnnxBackendsNeedTheOnnxFileBesideATorchScriptFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("pt-only"));
        copy("breast_cancer_mlp.pt", dir);
        copy("breast_cancer_mlp.json", dir);
        ExplainCliTest.Result r = ExplainCliTest.run("compare", "--model", dir.resolve("breast_cancer_mlp.pt").toString(),
                "--input", "x.csv", "--backends", "ort,djl-pytorch");
        assertEquals(Main.FAILED, r.code(), r.err());
        assertTrue(r.err().contains("need the ONNX model " + dir.resolve("breast_cancer_mlp.onnx")), r.err());
    }

    @Test
    void aModelWithoutTorchScriptCopyCannotBeComparedOnPyTorch() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("onnx-only"));
        for (String ext : List.of(".onnx", ".json", ".grad.onnx")) {
            copy("breast_cancer_mlp" + ext, dir);
        }
        ExplainCliTest.Result r = ExplainCliTest.run("compare", "--model", dir.resolve("breast_cancer_mlp.onnx").toString(),
                "--input", "x.csv", "--backends", "ort,djl-pytorch");
        assertEquals(Main.FAILED, r.code(), r.err());
        assertTrue(r.err().startsWith(Main.PREFIX + "model 'breast_cancer_mlp' has no TorchScript copy: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void optionMistakesAreUsageErrors() {
        ExplainCliTest.Result unknown = ExplainCliTest.run("compare", "--model", "synthetic_cnn1d", "--input", "example",
                "--backends", "ort,tensorflow");
        assertEquals(Main.USAGE, unknown.code());
        assertTrue(unknown.err().contains("unknown backend 'tensorflow'; known backends: ort, djl-ort, djl-pytorch"),
                unknown.err());
        ExplainCliTest.Result twice = ExplainCliTest.run("compare", "--model", "synthetic_cnn1d", "--input", "example",
                "--backends", "ort,ort");
        assertEquals(Main.USAGE, twice.code());
        assertTrue(twice.err().contains("backend 'ort' is listed twice"), twice.err());
        ExplainCliTest.Result repeats = ExplainCliTest.run("compare", "--model", "synthetic_cnn1d", "--input", "example",
                "--repeats", "0");
        assertEquals(Main.USAGE, repeats.code());
        assertTrue(repeats.err().contains("--repeats must be 1 or more"), repeats.err());
        ExplainCliTest.Result method = ExplainCliTest.run("compare", "--model", "synthetic_cnn1d", "--input", "example",
                "--method", "lrp-magic");
        assertEquals(Main.USAGE, method.code());
        assertTrue(method.err().contains("unknown method 'lrp-magic'"), method.err());
    }

    @Test
    void spearmanMatchesHandComputedValues() {
        // one swapped pair of four: 1 − 6·Σd²/(n(n²−1)) = 1 − 6·2/60
        assertEquals(0.8, BackendComparison.spearman(new float[] {1, 2, 3, 4}, new float[] {10, 30, 20, 40}), 1e-12);
        assertEquals(-1.0, BackendComparison.spearman(new float[] {1, 2, 3}, new float[] {3, 2, 1}), 1e-12);
        // ties share their mean rank: ranks (1.5, 1.5, 3) against (1, 2, 3) → 1.5 / √(1.5·2)
        assertEquals(1.5 / Math.sqrt(3), BackendComparison.spearman(new float[] {5, 5, 9}, new float[] {1, 2, 3}), 1e-12);
        assertTrue(Double.isNaN(BackendComparison.spearman(new float[] {2, 2, 2}, new float[] {1, 2, 3})));
        // ranks only: any increasing transform keeps ρ = 1
        assertEquals(1.0, BackendComparison.spearman(new float[] {-3, 0.1f, 7, 100}, new float[] {1e-6f, 2, 3, 1e6f}),
                1e-12);
    }

    @Test
    void theTableComparesWithTheFirstBackendAndTheFastest() {
        FloatTensor y = new FloatTensor(new long[] {2, 2}, new float[] {1, 2, 3, 4});
        FloatTensor a = new FloatTensor(new long[] {2, 3}, new float[] {1, 2, 3, 3, 2, 1});
        FloatTensor b = new FloatTensor(new long[] {2, 3}, new float[] {1, 2, 3.5f, 1, 2, 3});
        FloatTensor y2 = new FloatTensor(new long[] {2, 2}, new float[] {1, 2, 3, 4.25f});
        List<BackendComparison.Row> rows = BackendComparison.rows(List.of(
                new BackendComparison.Run("ort", "e1", 5, y, a, new double[] {10, 30, 20}),
                new BackendComparison.Run("djl-pytorch", "e2", 7, y2, b, new double[] {5, 4, 6, 100})));
        BackendComparison.Row first = rows.get(0);
        BackendComparison.Row second = rows.get(1);
        assertEquals(0, first.predictionMaxAbsDiff());
        assertEquals(1.0, first.spearmanMin(), 1e-12);
        assertEquals(20, first.millisPerRun());
        assertEquals(10, first.millisPerSample());
        assertEquals(20 / 5.5, first.ratioToFastest(), 1e-12);
        assertEquals(0.25, second.predictionMaxAbsDiff(), 1e-12);
        assertEquals(2, second.attributionMaxAbsDiff(), 1e-12);
        assertEquals(-1.0, second.spearmanMin(), 1e-12); // sample 1 is reversed
        assertEquals(0.0, second.spearmanMean(), 1e-12);
        assertEquals(5.5, second.millisPerRun(), 1e-12); // median of four
        assertEquals(1.0, second.ratioToFastest(), 1e-12);
        String md = BackendComparison.markdown(List.of("# t"), rows);
        assertTrue(md.contains("| djl-pytorch | e2 | 7 | 2.50e-01 | 2.00e+00 | -1.000000 / 0.000000 | 5.50 | 2.750 | 1.00 |"),
                md);
    }

    @Test
    void djlLogsThroughLog4j() {
        String factory = org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName();
        assertTrue(factory.startsWith("org.apache.logging.slf4j"), factory);
    }

    private static void copy(String file, Path dir) throws IOException {
        String name = file.substring(0, file.indexOf('.'));
        try (InputStream in = ReferenceModels.class.getClassLoader()
                .getResourceAsStream("explain4j/models/" + name + "/" + file)) {
            Files.copy(in, dir.resolve(file));
        }
    }

    /** The CLI in a new JVM; the class path goes in the environment (ONNX Runtime 1.29 crashes on ~4 KB command lines). */
    private static Process java(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Dai.djl.offline=true", "-Djava.awt.headless=true",
                "-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager"));
        String cache = System.getProperty("DJL_CACHE_DIR");
        if (cache != null) {
            command.add("-DDJL_CACHE_DIR=" + cache);
        }
        command.add(Main.class.getName());
        command.addAll(args);
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.environment().put("CLASSPATH",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        return b.start();
    }
}
