package org.explain4j.cli;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.explain4j.models.ReferenceModels;
import org.explain4j.onnx.OrtModel;
import org.explain4j.perturb.AuditWriter;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code explain4j audit} in-process on the embedded breast-cancer MLP, and once as a process that gets SIGTERM. */
class AuditCommandTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private Path cancerCsv() throws IOException {
        return ExplainCliTest.copy(ReferenceModels.breastCancerCsv(), tmp.resolve("breast_cancer.csv"));
    }

    /** Columns by name; numbers as doubles, text as NaN. */
    static Map<String, List<Double>> readArrow(Path file) throws IOException {
        Map<String, List<Double>> out = new LinkedHashMap<>();
        try (BufferAllocator a = new RootAllocator();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader r = new ArrowFileReader(ch, a)) {
            VectorSchemaRoot root = r.getVectorSchemaRoot();
            assertEquals(AuditWriter.FORMAT, root.getSchema().getCustomMetadata().get("explain4j.format"));
            for (FieldVector v : root.getFieldVectors()) {
                out.put(v.getName(), new ArrayList<>());
            }
            while (r.loadNextBatch()) {
                for (FieldVector v : root.getFieldVectors()) {
                    for (int i = 0; i < root.getRowCount(); i++) {
                        Object o = v.getObject(i);
                        out.get(v.getName()).add(o instanceof Number n ? n.doubleValue() : Double.NaN);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void kernelShapAuditWritesEfficientRowsASortedSummaryAndAChart() throws IOException {
        Path out = tmp.resolve("audit");
        ExplainCliTest.Result r = ExplainCliTest.run("audit", "-m", "breast_cancer_mlp", "--data", cancerCsv().toString(),
                "--method", "kernelshap", "--limit", "40", "--samples", "300", "--chunk", "16", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("40 instances"), r.out());
        assertEquals(List.of("audit.arrow", "summary.csv", "summary.png"), ExplainCliTest.list(out));

        Map<String, List<Double>> cols = readArrow(out.resolve("audit.arrow"));
        List<String> names = ReferenceModels.breastCancerFeatureNames();
        ReferenceModels.Dataset data = ReferenceModels.breastCancer();
        assertEquals(40, cols.get("instance").size());
        double[] meanAbs = new double[30];
        try (OrtModel m = OrtModel.open(ReferenceModels.source("breast_cancer_mlp"))) {
            for (int i = 0; i < 40; i++) {
                double sum = 0;
                for (int j = 0; j < 30; j++) {
                    double v = cols.get(AuditWriter.ATTRIBUTION + names.get(j)).get(i);
                    sum += v;
                    meanAbs[j] += Math.abs(v) / 40;
                }
                double score = cols.get("score").get(i);
                // KernelSHAP's efficiency, as stored: Σφ = f(x) − f(baseline).
                assertEquals(score - cols.get("intercept").get(i), sum, 1e-6 * Math.max(1, Math.abs(score)));
                assertEquals(data.labels()[i], cols.get("label").get(i));
                int target = cols.get("target").get(i).intValue();
                assertEquals(cols.get("predicted").get(i).intValue(), target);
                FloatTensor x = data.features().sample(i);
                assertEquals(m.forward(x).get(target), score, 1e-5 * Math.max(1, Math.abs(score)), "row " + i);
            }
        }
        List<String> lines = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(31, lines.size());
        assertTrue(lines.get(0).startsWith("rank,feature,mean_abs_attribution,mean_attribution,mean_abs_attribution[malignant n="),
                lines.get(0));
        double previous = Double.POSITIVE_INFINITY;
        for (String line : lines.subList(1, 31)) {
            String[] cells = line.split(",");
            double v = Double.parseDouble(cells[2]);
            assertTrue(v <= previous, "sorted by mean |attribution|");
            previous = v;
            assertEquals(meanAbs[names.indexOf(cells[1])], v, 1e-6 * Math.max(1, v), cells[1]);
        }
        BufferedImage png = ImageIO.read(out.resolve("summary.png").toFile());
        assertEquals(1000, png.getWidth());
    }

    @Test
    void aDirectoryOfFilesAuditsLikeTheSingleFile() throws IOException {
        List<String> all = Files.readAllLines(cancerCsv());
        Path single = tmp.resolve("rows.csv");
        Files.write(single, all.subList(1, 31));
        Path dir = Files.createDirectory(tmp.resolve("episodes"));
        Files.write(dir.resolve("a.csv"), all.subList(1, 12));
        Files.write(dir.resolve("b.csv"), all.subList(12, 31));
        Map<String, List<Double>> fromFile = null;
        for (Path data : List.of(single, dir)) {
            Path out = tmp.resolve("out-" + data.getFileName());
            ExplainCliTest.Result r = ExplainCliTest.run("audit", "-m", "breast_cancer_mlp", "--data", data.toString(),
                    "--samples", "200", "--chunk", "7", "--baseline", "zero", "-o", out.toString());
            assertEquals(0, r.code(), r.err());
            Map<String, List<Double>> cols = readArrow(out.resolve("audit.arrow"));
            assertEquals(30, cols.get("instance").size());
            if (fromFile == null) {
                fromFile = cols;
            } else {
                for (String name : cols.keySet()) {
                    if (name.startsWith(AuditWriter.ATTRIBUTION) || name.equals("r2")) {
                        assertEquals(fromFile.get(name), cols.get(name), name);
                    }
                }
            }
        }
    }

    @Test
    void badInputFailsCleanly() throws IOException {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        Path out = tmp.resolve("never");
        ExplainCliTest.Result r = ExplainCliTest.run("audit", "-m", "breast_cancer_mlp", "--data", empty.toString(),
                "-o", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("holds no .csv"), r.err());
        assertFalse(Files.exists(out), "a failed audit leaves no output");
        try (Stream<Path> left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("never")), "no staging left");
        }
        ExplainCliTest.Result method = ExplainCliTest.run("audit", "-m", "breast_cancer_mlp", "--data", empty.toString(),
                "--method", "gradcam");
        assertEquals(2, method.code());
        assertTrue(method.err().contains("unknown audit method 'gradcam'"), method.err());
        ExplainCliTest.Result zero = ExplainCliTest.run("audit", "-m", "breast_cancer_mlp", "--data", empty.toString(),
                "--samples", "0");
        assertEquals(2, zero.code());
        ExplainCliTest.Result k = ExplainCliTest.run("audit", "-m", "breast_cancer_mlp", "--data", cancerCsv().toString(),
                "--features", "31", "--limit", "2", "-o", tmp.resolve("k").toString());
        assertEquals(1, k.code());
        assertTrue(k.err().contains("K = 31") && k.err().contains("only 30"), k.err());
    }

    @Test
    void sigtermLeavesAValidArrowFileWithTheInstancesDone() throws Exception {
        // A long audit in its own JVM, stopped the way Ctrl-C stops it (SIGTERM runs the same hook).
        List<String> rows = Files.readAllLines(cancerCsv());
        Path big = tmp.resolve("big.csv");
        List<String> lines = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            lines.addAll(rows.subList(1, rows.size()));
        }
        Files.write(big, lines);
        Path out = tmp.resolve("interrupted");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "audit", "-m", "breast_cancer_mlp",
                "--data", big.toString(), "--samples", "4000", "--chunk", "4", "-o", out.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        try {
            // Wait until a few record batches are in the staging file, then stop the run.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline && p.isAlive() && stagedBytes() < 20_000) {
                Thread.sleep(100);
            }
            assertTrue(p.isAlive(), "the audit should still run (exit " + (p.isAlive() ? "-" : p.exitValue()) + "): "
                    + Files.readString(tmp.resolve("log.txt")));
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        String log = Files.readString(tmp.resolve("log.txt"));
        assertTrue(log.contains("interrupted: kept"), log);
        Map<String, List<Double>> cols = readArrow(out.resolve("audit.arrow"));
        int n = cols.get("instance").size();
        assertTrue(n > 0 && n < 8 * 569, "kept " + n);
        for (int i = 0; i < n; i++) {
            assertEquals(i, cols.get("instance").get(i).intValue());
        }
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertTrue(summary.get(0).contains(" n="), summary.get(0));
        long counted = 0;
        for (String cell : summary.get(0).split(",")) {
            int at = cell.indexOf(" n=");
            if (at >= 0) {
                counted += Long.parseLong(cell.substring(at + 3, cell.indexOf(']', at)));
            }
        }
        assertEquals(n, counted, "the summary counts exactly the instances in the Arrow file");
    }

    private long stagedBytes() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(d -> d.getFileName().toString().startsWith("interrupted.tmp-"))
                    .map(d -> d.resolve("audit.arrow").toFile()).filter(File::exists).mapToLong(File::length)
                    .max().orElse(0);
        }
    }
}
