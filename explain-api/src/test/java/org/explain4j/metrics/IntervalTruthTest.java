package org.explain4j.metrics;

import org.explain4j.ExplainException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntervalTruthTest {
    private static final List<String> CLASSES = List.of("1dAVb", "RBBB", "LBBB");
    private static final List<String> LEADS = List.of("I", "V1");

    @TempDir
    Path tmp;

    private static IntervalTruth parse(String json) {
        return IntervalTruth.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "t.json", CLASSES,
                LEADS, 5);
    }

    /** Truth: lead 1 (V1), samples 1..2 → cells 6 and 7 of the flat [2, 5] input. */
    private static boolean[] v1Mask() {
        boolean[] m = new boolean[10];
        m[6] = true;
        m[7] = true;
        return m;
    }

    @Test
    void shareAndTopKByHand() {
        float[] a = {0.1f, 0, -0.4f, 0, 0, /* V1 */ 0, 0.5f, -0.3f, 0.2f, 0};
        IntervalTruth.CellScore s = IntervalTruth.score(a, v1Mask());
        // |a| = 0.1 + 0.4 + 0.5 + 0.3 + 0.2 = 1.5, on the truth 0.5 + 0.3 = 0.8
        assertEquals(0.8 / 1.5, s.share(), 1e-7);
        // top-2 by |a|: 0.5 (cell 6, truth) and 0.4 (cell 2, not)
        assertEquals(0.5, s.precisionAtK(), 1e-12);
        assertEquals(0.2, s.uniform(), 1e-12, "2 of 10 cells");
        assertEquals(2, s.cells());
        assertFalse(s.zeroMap());
    }

    @Test
    void tiesAtTheKthValueCountByTheirExpectedShare() {
        // one map repeated on both leads, as a shared Grad-CAM is: four cells tie at 1, two of them truth
        float[] a = {0, 1, 1, 0, 0, 0, 1, 1, 0, 0};
        IntervalTruth.CellScore s = IntervalTruth.score(a, v1Mask());
        assertEquals(0.5, s.share(), 1e-12);
        // k = 2 drawn from 4 tied cells of which 2 are truth: expected hits 2 · 2/4 = 1 → precision 0.5
        assertEquals(0.5, s.precisionAtK(), 1e-12);
    }

    @Test
    void aZeroMapScoresNoShareAndTheUniformPrecision() {
        IntervalTruth.CellScore s = IntervalTruth.score(new float[10], v1Mask());
        assertEquals(0, s.share());
        assertEquals(0.2, s.precisionAtK(), 1e-12, "every cell tied: the uniform share");
        assertTrue(s.zeroMap());
    }

    @Test
    void scoringRejectsMismatchedOrBadInput() {
        assertTrue(assertThrows(ExplainException.class, () -> IntervalTruth.score(new float[9], v1Mask()))
                .getMessage().contains("9 cells"));
        assertTrue(assertThrows(ExplainException.class, () -> IntervalTruth.score(new float[10], new boolean[10]))
                .getMessage().contains("no cells"));
        float[] nan = new float[10];
        nan[3] = Float.NaN;
        assertTrue(assertThrows(ExplainException.class, () -> IntervalTruth.score(nan, v1Mask()))
                .getMessage().contains("non-finite value at cell 3"));
    }

    @Test
    void readsNamesIndicesAndMultiHotLabels() {
        IntervalTruth t = parse("{\"records\": ["
                + "{\"labels\": [\"RBBB\"], \"truth\": [{\"class\": \"RBBB\", \"leads\": [\"V1\"], \"intervals\": [[1, 2]]}]},"
                + "{\"labels\": [1, 0, 1], \"truth\": [{\"class\": 0, \"leads\": [0, 1], \"intervals\": [[0, 0], [4, 4]]},"
                + "  {\"class\": \"lbbb\", \"leads\": [1], \"intervals\": [[3, 4]]}]},"
                + "{\"labels\": [], \"truth\": []},"
                + "{\"truth\": [{\"class\": \"1dAVb\", \"leads\": [0], \"intervals\": [[2, 2]]}]}]}");
        assertEquals(4, t.size());
        assertArrayEquals(new int[]{1}, t.entry(0).labels());
        assertArrayEquals(v1Mask(), t.mask(0, 1));
        assertArrayEquals(new int[]{0, 2}, t.entry(1).labels(), "multi-hot");
        boolean[] m = t.mask(1, 0);
        assertArrayEquals(new boolean[]{true, false, false, false, true, true, false, false, false, true}, m);
        assertArrayEquals(new int[0], t.entry(2).labels());
        assertArrayEquals(new int[]{0}, t.entry(3).labels(), "no labels: the classes of the truth list");
        assertArrayEquals(new int[]{1, 3}, t.recordsWith(0));
        assertArrayEquals(new int[]{0}, t.recordsWith(1));
        IntervalTruth picked = t.select(new int[]{3, 1});
        assertArrayEquals(new int[]{0, 1}, picked.recordsWith(0), "indices into the selection");
        assertArrayEquals(new int[]{0, 2}, picked.entry(1).labels());
    }

    @Test
    void recognisesItsFormatOnly() throws Exception {
        Path ours = tmp.resolve("a.json");
        Files.writeString(ours, "{\"records\": [{\"labels\": [], \"truth\": []}, {\"labels\": [\"RBBB\"], \"truth\": "
                + "[{\"class\": \"RBBB\", \"leads\": [1], \"intervals\": [[1, 2]]}]}]}");
        Path masks = tmp.resolve("b.json");
        Files.writeString(masks, "{\"samples\": [{\"label\": 1, \"mask\": [0, 1]}]}");
        Path broken = tmp.resolve("c.json");
        Files.writeString(broken, "{not json");
        assertTrue(IntervalTruth.looksLike(ours));
        assertFalse(IntervalTruth.looksLike(masks));
        assertFalse(IntervalTruth.looksLike(broken));
        assertEquals(2, IntervalTruth.read(ours, CLASSES, LEADS, 5).size());
    }

    @Test
    void badFilesAreRejectedWithAReason() {
        assertTrue(assertThrows(ExplainException.class, () -> parse("{oops")).getMessage().contains("not valid JSON"));
        assertTrue(assertThrows(ExplainException.class, () -> parse("{\"x\": 1}")).getMessage()
                .contains("no 'records' array"));
        assertTrue(assertThrows(ExplainException.class, () -> parse("{\"records\": [{\"truth\": [{\"class\": \"AF\", "
                + "\"leads\": [0], \"intervals\": [[0, 1]]}]}]}")).getMessage().contains("unknown class \"AF\""));
        assertTrue(assertThrows(ExplainException.class, () -> parse("{\"records\": [{\"truth\": [{\"class\": \"RBBB\", "
                + "\"leads\": [0], \"intervals\": [[3, 5]]}]}]}")).getMessage().contains("outside the record"));
        assertTrue(assertThrows(ExplainException.class, () -> parse("{\"records\": [{\"truth\": [{\"class\": \"RBBB\", "
                + "\"leads\": [\"V6\"], \"intervals\": [[0, 1]]}]}]}")).getMessage().contains("unknown lead \"V6\""));
        assertTrue(assertThrows(ExplainException.class, () -> parse("{\"records\": [{\"truth\": [{\"class\": \"RBBB\", "
                + "\"intervals\": [[0, 1]]}]}]}")).getMessage().contains("needs 'leads'"));
        assertTrue(assertThrows(ExplainException.class, () -> parse("{\"records\": [{\"truth\": [{\"class\": \"RBBB\", "
                + "\"leads\": [0], \"intervals\": [[2]]}]}]}")).getMessage().contains("is not [start, end]"));
        IntervalTruth t = parse("{\"records\": [{\"labels\": [], \"truth\": []}]}");
        assertTrue(assertThrows(ExplainException.class, () -> t.select(new int[]{1})).getMessage()
                .contains("holds 1 records"));
        assertTrue(assertThrows(ExplainException.class, () -> t.mask(0, 1)).getMessage()
                .contains("no region for class RBBB"));
    }

    @Test
    void reportAveragesPerClassAndOverAll() {
        IntervalTruthReport r = new IntervalTruthReport("ecg", CLASSES, Map.of("model", "m"));
        r.add("gradcam", 1, new IntervalTruth.CellScore(0.6, 0.5, 0.2, 2, false));
        r.add("gradcam", 1, new IntervalTruth.CellScore(0.2, 0.0, 0.1, 1, true));
        r.add("gradcam", 0, new IntervalTruth.CellScore(0.9, 1.0, 0.3, 3, false));
        r.add("ig", 1, new IntervalTruth.CellScore(0.4, 0.25, 0.2, 2, false));
        r.failed("lrp", "no LRP rule for op Foo");
        List<IntervalTruthReport.Row> rows = r.rows();
        IntervalTruthReport.Row rbbb = rows.stream().filter(x -> x.method().equals("gradcam")
                && x.className().equals("RBBB")).findFirst().orElseThrow();
        assertEquals(2, rbbb.records());
        assertEquals(0.4, rbbb.share(), 1e-12);
        assertEquals(0.25, rbbb.precisionAtK(), 1e-12);
        assertEquals(0.15, rbbb.uniform(), 1e-12);
        assertEquals(1, rbbb.zeroMaps());
        IntervalTruthReport.Row all = rows.stream().filter(x -> x.method().equals("gradcam")
                && x.className().equals("all")).findFirst().orElseThrow();
        assertEquals(3, all.records());
        assertEquals((0.6 + 0.2 + 0.9) / 3, all.share(), 1e-12);
        assertTrue(r.csv().startsWith("method,class,records,mass_share,precision_at_k,uniform_share,zero_maps\n"));
        assertTrue(r.csv().contains("gradcam,RBBB,2,0.400000,0.250000,0.150000,1"));
        String md = r.markdown();
        assertTrue(md.contains("| class | records | gradcam | ig | uniform |"), md);
        assertTrue(md.contains("| RBBB | 2 | 0.400 | 0.400 | 0.150 |"), md);
        assertTrue(md.contains("| 1dAVb | 1 | 0.900 | – | 0.300 |"), md);
        assertTrue(md.contains("lrp: no LRP rule for op Foo"), md);
        assertEquals(List.of("gradcam", "ig", "lrp"), r.methods());
    }
}
