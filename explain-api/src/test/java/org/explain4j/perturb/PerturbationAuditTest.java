package org.explain4j.perturb;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.explain4j.ExplainException;
import org.explain4j.explain.Target;
import org.explain4j.model.InputLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerturbationAuditTest {

    private static final double[] W = LimeExplainerTest.W;

    @TempDir
    Path tmp;

    /** Rows of small integers (exact in float), label = row parity. */
    private static float[][] rows(int n) {
        float[][] x = new float[n][6];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 6; j++) {
                x[i][j] = (i * 7 + j * 3) % 9 - 4;
            }
        }
        return x;
    }

    private Path csv(String name, float[][] x, int from, int to, boolean header) throws IOException {
        StringBuilder sb = new StringBuilder(header ? "a,b,c,d,e,f,label\n" : "");
        for (int i = from; i < to; i++) {
            for (int j = 0; j < 6; j++) {
                sb.append(x[i][j]).append(',');
            }
            sb.append(i % 2).append('\n');
        }
        Path p = tmp.resolve(name);
        Files.writeString(p, sb.toString());
        return p;
    }

    private static TestModels.FunctionModel linear() {
        return TestModels.linear(new long[] {6}, InputLayout.FEATURES, W, 0.25);
    }

    /** The Arrow file as a map column name → values (numbers only) plus the batch row counts. */
    private static Map<String, List<Double>> readArrow(Path file, List<Integer> batchRows) throws IOException {
        Map<String, List<Double>> out = new HashMap<>();
        try (BufferAllocator a = new RootAllocator();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader r = new ArrowFileReader(ch, a)) {
            VectorSchemaRoot root = r.getVectorSchemaRoot();
            assertEquals(AuditWriter.FORMAT, root.getSchema().getCustomMetadata().get("explain4j.format"));
            while (r.loadNextBatch()) {
                batchRows.add(root.getRowCount());
                for (FieldVector v : root.getFieldVectors()) {
                    List<Double> col = out.computeIfAbsent(v.getName(), k -> new ArrayList<>());
                    for (int i = 0; i < root.getRowCount(); i++) {
                        Object o = v.getObject(i);
                        col.add(o instanceof Number num ? num.doubleValue() : Double.NaN);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void auditStreamsOneBatchPerChunkWithExactLinearAttributions() throws IOException {
        float[][] x = rows(50);
        Path data = csv("data.csv", x, 0, 50, true);
        LimeExplainer lime = LimeExplainer.builder().samples(100).surrogate(Surrogate.leastSquares()).build();
        PerturbationAudit audit = new PerturbationAudit(lime, linear(), Target.of(0), 16, Long.MAX_VALUE);
        Path out = tmp.resolve("audit.arrow");
        List<Long> progress = new ArrayList<>();
        PerturbationAudit.Outcome o;
        try (InstanceSource src = InstanceSource.open(data, linear().info().input(), "test")) {
            o = audit.run(src, out, Map.of("method", "lime"), (done, s) -> progress.add(done));
        }
        assertEquals(50, o.instances());
        assertFalse(o.interrupted());
        assertEquals(List.of(16L, 32L, 48L, 50L), progress);
        List<Integer> batches = new ArrayList<>();
        Map<String, List<Double>> cols = readArrow(out, batches);
        assertEquals(List.of(16, 16, 16, 2), batches);
        List<String> names = List.of("x[0]", "x[1]", "x[2]", "x[3]", "x[4]", "x[5]");
        double[] meanAbs = new double[6];
        for (int i = 0; i < 50; i++) {
            assertEquals(i, cols.get("instance").get(i));
            assertEquals(i % 2, cols.get("label").get(i));
            assertEquals(1.0, cols.get("r2").get(i), 1e-9);
            double score = 0.25;
            for (int j = 0; j < 6; j++) {
                double expected = W[j] * x[i][j];
                assertEquals(expected, cols.get(AuditWriter.ATTRIBUTION + names.get(j)).get(i), 1e-9, "row " + i);
                meanAbs[j] += Math.abs(expected) / 50;
                score += expected;
            }
            assertEquals(score, cols.get("score").get(i), 1e-6);
        }
        for (AuditSummary.FeatureStat s : o.summary().ranking()) {
            assertEquals(meanAbs[s.feature()], s.meanAbs(), 1e-9, s.name());
        }
        assertEquals(50, o.summary().count());
    }

    @Test
    void stopLeavesAValidFileWithTheChunksWritten() throws IOException {
        Path data = csv("data.csv", rows(100), 0, 100, false);
        PerturbationAudit[] audit = new PerturbationAudit[1];
        audit[0] = new PerturbationAudit(LimeExplainer.builder().samples(50).build(), linear(), Target.predicted(), 10,
                Long.MAX_VALUE);
        Path out = tmp.resolve("audit.arrow");
        PerturbationAudit.Outcome o;
        try (InstanceSource src = InstanceSource.open(data, linear().info().input(), "test")) {
            o = audit[0].run(src, out, Map.of(), (done, s) -> {
                if (done == 20) {
                    audit[0].stop(); // what the shutdown hook does on Ctrl-C
                }
            });
        }
        assertTrue(o.interrupted());
        assertEquals(20, o.instances());
        assertEquals(20, o.summary().count());
        List<Integer> batches = new ArrayList<>();
        assertEquals(20, readArrow(out, batches).get("instance").size());
        assertEquals(List.of(10, 10), batches);
    }

    @Test
    void chunksFilesAndFormatsDoNotChangeTheResults() throws IOException {
        float[][] x = rows(30);
        TestModels.FunctionModel model = TestModels.nonlinear(6);
        LimeExplainer lime = LimeExplainer.builder().samples(200).seed(3).build();
        Path single = csv("all.csv", x, 0, 30, true);
        Path dir = Files.createDirectory(tmp.resolve("episodes"));
        Files.move(csv("a.csv", x, 0, 11, true), dir.resolve("a.csv"));
        Files.move(csv("b.csv", x, 11, 12, false), dir.resolve("b.csv"));
        Files.move(csv("c.csv", x, 12, 30, true), dir.resolve("c.csv"));
        Path arrow = arrowTable(x);
        List<Map<String, List<Double>>> results = new ArrayList<>();
        int k = 0;
        for (Path data : List.of(single, dir, arrow)) {
            for (int chunk : new int[] {7, 30}) {
                Path out = tmp.resolve("out" + k++ + ".arrow");
                try (InstanceSource src = InstanceSource.open(data, model.info().input(), "test")) {
                    new PerturbationAudit(lime, model, Target.predicted(), chunk, Long.MAX_VALUE)
                            .run(src, out, Map.of(), null);
                }
                results.add(readArrow(out, new ArrayList<>()));
            }
        }
        for (Map<String, List<Double>> r : results) {
            assertEquals(30, r.get("instance").size());
            for (int j = 0; j < 6; j++) {
                String col = AuditWriter.ATTRIBUTION + "x[" + j + "]";
                assertEquals(results.get(0).get(col), r.get(col), col);
            }
            assertEquals(results.get(0).get("label"), r.get("label"));
        }
    }

    @Test
    void limitAndOcclusionPerFeature() throws IOException {
        float[][] x = rows(20);
        Path data = csv("data.csv", x, 0, 20, false);
        Path out = tmp.resolve("o.arrow");
        PerturbationAudit.Outcome o;
        try (InstanceSource src = InstanceSource.open(data, linear().info().input(), "test")) {
            o = new PerturbationAudit(OcclusionExplainer.builder().window(1).strides(1).build(), linear(), Target.of(0), 4, 9)
                    .run(src, out, Map.of(), null);
        }
        assertEquals(9, o.instances());
        Map<String, List<Double>> cols = readArrow(out, new ArrayList<>());
        assertEquals(9, cols.get("instance").size());
        for (int i = 0; i < 9; i++) {
            assertEquals(W[2] * x[i][2], cols.get(AuditWriter.ATTRIBUTION + "x[2]").get(i), 1e-6);
        }
    }

    @Test
    void badDataIsNamed() throws IOException {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        ExplainException e = assertThrows(ExplainException.class,
                () -> InstanceSource.open(empty, linear().info().input(), "test"));
        assertTrue(e.getMessage().contains("holds no .csv"), e.getMessage());
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "1,2,3,4,5,6\n1,2,x,4,5,6\n");
        try (InstanceSource src = InstanceSource.open(bad, linear().info().input(), "test")) {
            ExplainException cell = assertThrows(ExplainException.class, () -> src.next(10));
            assertTrue(cell.getMessage().contains("line 2 column 2 holds 'x'"), cell.getMessage());
        }
        Path wide = tmp.resolve("wide.csv");
        Files.writeString(wide, "1,2,3,4,5,6,7,8\n");
        try (InstanceSource src = InstanceSource.open(wide, linear().info().input(), "test")) {
            ExplainException count = assertThrows(ExplainException.class, () -> src.next(10));
            assertTrue(count.getMessage().contains("has 8 values"), count.getMessage());
        }
        Path headerOnly = tmp.resolve("header.csv");
        Files.writeString(headerOnly, "a,b,c,d,e,f\n");
        try (InstanceSource src = InstanceSource.open(headerOnly, linear().info().input(), "test")) {
            ExplainException none = assertThrows(ExplainException.class, () -> new PerturbationAudit(
                    LimeExplainer.builder().build(), linear(), Target.of(0), 4, 10).run(src, tmp.resolve("n.arrow"), Map.of(), null));
            assertTrue(none.getMessage().contains("no instances"), none.getMessage());
        }
        assertThrows(ExplainException.class, () -> InstanceSource.open(tmp.resolve("missing.csv"),
                linear().info().input(), "test"));
    }

    /** A plain Arrow table: one float64 column per feature and a label column. */
    private Path arrowTable(float[][] x) throws IOException {
        Path p = tmp.resolve("table.arrow");
        List<Field> fields = new ArrayList<>();
        for (int j = 0; j < 6; j++) {
            fields.add(new Field("f" + j, FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null));
        }
        fields.add(new Field("label", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null));
        try (BufferAllocator a = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), a);
             FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             ArrowFileWriter w = new ArrowFileWriter(root, new DictionaryProvider.MapDictionaryProvider(), ch)) {
            w.start();
            for (int from = 0; from < x.length; from += 8) { // several record batches
                int n = Math.min(8, x.length - from);
                root.allocateNew();
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < 6; j++) {
                        ((Float8Vector) root.getVector(j)).setSafe(i, x[from + i][j]);
                    }
                    ((Float4Vector) root.getVector(6)).setSafe(i, (from + i) % 2);
                }
                root.setRowCount(n);
                w.writeBatch();
            }
            w.end();
        }
        return p;
    }
}
