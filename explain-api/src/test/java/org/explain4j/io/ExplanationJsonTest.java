package org.explain4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import org.explain4j.explain.Attribution;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExplanationJsonTest {
    @TempDir
    Path tmp;

    @Test
    void recordsPredictionTargetDiagnosticsProvenanceAndTimings() throws Exception {
        ModelInfo info = Fixtures.model("m", new long[]{-1, 3}, 2, InputLayout.FEATURES,
                List.of("a", "b", "c"), List.of("malignant", "benign"));
        Attribution a = Fixtures.attribution(info, new long[]{2, 3}, new float[]{1, -2, 0.5f, 0, 3, -1},
                new int[]{0, 1});
        InputData in = new InputData(a.inputs(), new int[]{5, 8}, Optional.of(new float[]{0, 1}), List.of(), "in.csv");
        Path f = tmp.resolve("explanation.json");
        ExplanationJson.write(f, a, info, in, Map.of("explain", 12.3456));
        JsonNode j = ExplanationJson.read(f);
        assertEquals("m", j.at("/model/name").asText());
        assertEquals("integrated_gradients", j.at("/method").asText());
        assertEquals(64, j.at("/parameters/steps").asInt());
        assertEquals("in.csv", j.at("/input/file").asText());
        JsonNode s1 = j.at("/samples/1");
        assertEquals(8, s1.at("/row").asInt());
        assertEquals(1.0, s1.at("/label").asDouble());
        // sample 1 has logits (1, -1): predicted class 0, softmax p0 = 1/(1+e^-2)
        assertEquals(0, s1.at("/prediction/class").asInt());
        assertEquals("malignant", s1.at("/prediction/name").asText());
        assertEquals(1 / (1 + Math.exp(-2)), s1.at("/prediction/probabilities/0").asDouble(), 1e-12);
        assertEquals(1, s1.at("/target/class").asInt());
        assertEquals("benign", s1.at("/target/name").asText());
        assertEquals(-1.0, s1.at("/score").asDouble());
        assertEquals(2.0, s1.at("/attribution_sum").asDouble(), 1e-12);
        assertEquals(2e-4, s1.at("/diagnostics/completeness_gap").asDouble(), 1e-15);
        assertEquals("b", s1.at("/top_for/0/label").asText());
        assertEquals("c", s1.at("/top_against/0/label").asText());
        assertEquals(1, s1.at("/top_for").size());
        assertEquals(7, j.at("/provenance/seed").asInt());
        assertEquals(12.346, j.at("/timings_ms/explain").asDouble(), 1e-9);
    }

    @Test
    void nonFiniteNumbersBecomeNull() {
        ModelInfo info = Fixtures.model("m", new long[]{-1, 1}, 2, InputLayout.FEATURES, List.of(), List.of());
        Attribution a = Fixtures.attribution(info, new long[]{1, 1}, new float[]{Float.NaN}, new int[]{0});
        JsonNode j = ExplanationJson.build(a, info, null, Map.of());
        assertTrue(j.at("/samples/0/attribution_sum").isNull());
        assertEquals(0, j.at("/samples/0/top_for").size());
    }
}
