package org.explain4j.metrics;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.TestModels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroundTruthTest {

    private static GroundTruth parse(String json) {
        return GroundTruth.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
    }

    @Test
    void handComputedMassAndTopK() {
        TestModels.Linear model = MetricFixtures.linear(1, 1, 1, 1, 1);
        float[] values = {0.5f, -1f, 2f, 0f, 0.5f, /* second sample: label 0, explained for class 0 too */ 1, 1, 1, 1, 1};
        Attribution a = MetricFixtures.attribution(model, MetricFixtures.repeat(new float[5], 2), values, 0);
        GroundTruth t = parse("{\"samples\":[{\"label\":0,\"mask\":[0,1,1,0,0]},{\"label\":1,\"mask\":[1,0,0,0,0]}]}");
        GroundTruth.Scores s = t.score(a, 0);
        assertEquals(1, s.scored());
        assertEquals(3.0 / 4.0, s.massOnCause()[0], 1e-12);
        assertEquals(2.0 / 3.0, s.positiveMassOnCause()[0], 1e-12);
        assertEquals(1.0, s.precisionAtK()[0], 0); // top-2 by |a|: cells 2 and 1
        assertEquals(1.0, s.recallAtK()[0], 0);
        assertEquals(2.0 / 5.0, s.randomMass()[0], 1e-12);
        assertTrue(Double.isNaN(s.massOnCause()[1]), "explained class 0 for a sample of label 1: not scored");

        GroundTruth.Scores k3 = t.score(a, 3);
        // top-3: cells 2, 1, then 0 (|0.5| ties with cell 4; the lower index first)
        assertEquals(2.0 / 3.0, k3.precisionAtK()[0], 1e-12);
        assertEquals(1.0, k3.recallAtK()[0], 0);
    }

    @Test
    void samplesWithoutCausesAreNotScored() {
        TestModels.Linear model = MetricFixtures.linear(1, 1);
        Attribution a = MetricFixtures.attribution(model, MetricFixtures.repeat(new float[2], 1), new float[] {1, 2}, 0);
        GroundTruth.Scores s = parse("{\"samples\":[{\"label\":0,\"mask\":[0,0]}]}").score(a, 0);
        assertEquals(0, s.scored());
        assertTrue(Double.isNaN(s.precisionAtK()[0]));
    }

    @Test
    void aNullMaskIsAnUnknownCauseAndIsNeverScored() {
        // a real patient among synthetic ones: the file says null, the sample is skipped, not an error
        GroundTruth t = parse("{\"samples\":[{\"mask\":[1,0]},{\"died\":1,\"mask\":null}]}");
        TestModels.Linear model = MetricFixtures.linear(1, 1);
        Attribution a = MetricFixtures.attribution(model, MetricFixtures.repeat(new float[2], 2),
                new float[] {3, 1, 5, 7}, 0);
        GroundTruth.Scores s = t.score(a, 0);
        assertEquals(1, s.scored());
        assertEquals(0.75, s.massOnCause()[0], 1e-12);
        assertTrue(Double.isNaN(s.massOnCause()[1]));
        ExplainException missing = assertThrows(ExplainException.class,
                () -> parse("{\"samples\":[{\"label\":1}]}"));
        assertTrue(missing.getMessage().contains("sample 0 has no 'mask' array"), missing.getMessage());
    }

    @Test
    void selectPicksRowsAndMismatchesAreNamed() {
        GroundTruth t = parse("{\"samples\":[{\"mask\":[1,0]},{\"mask\":[0,1]},{\"mask\":[1,1]}]}");
        assertEquals(2, t.select(new int[] {2, 0}).size());
        ExplainException e = assertThrows(ExplainException.class, () -> t.select(new int[] {3}));
        assertEquals("ground truth test.json holds 3 samples; sample 3 has none", e.getMessage());
        TestModels.Linear model = MetricFixtures.linear(1, 1, 1);
        Attribution a = MetricFixtures.attribution(model, MetricFixtures.repeat(new float[3], 3), new float[9], 0);
        ExplainException shape = assertThrows(ExplainException.class, () -> t.score(a, 0));
        assertTrue(shape.getMessage().contains("has a mask of 2 cells but the input has 3"), shape.getMessage());
        ExplainException bad = assertThrows(ExplainException.class, () -> parse("{\"x\":1}"));
        assertTrue(bad.getMessage().startsWith("ground-truth file test.json has no 'samples' array"));
    }
}
