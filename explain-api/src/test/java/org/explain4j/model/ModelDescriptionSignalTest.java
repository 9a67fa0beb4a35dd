package org.explain4j.model;

import org.explain4j.ExplainException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The optional signal fields of a sidecar: {@code input.sampling_rate_hz} and {@code input.units}. */
class ModelDescriptionSignalTest {
    private static ModelDescription parse(String json) {
        return ModelDescription.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
    }

    @Test
    void rateAndUnitsWhenGiven() {
        ModelDescription d = parse("{\"input\": {\"shape\": [-1, 12, 2048], \"feature_names\": [\"I\", \"II\"], "
                + "\"sampling_rate_hz\": 200, \"units\": \"mV\"}}");
        assertEquals(OptionalDouble.of(200), d.samplingRateHz());
        assertEquals(Optional.of("mV"), d.units());
        assertEquals(List.of("I", "II"), d.featureNames());
    }

    @Test
    void absentInOlderSidecarsAndInferredModels() {
        ModelDescription d = parse("{\"input\": {\"feature_names\": [\"a\"]}}");
        assertEquals(OptionalDouble.empty(), d.samplingRateHz());
        assertEquals(Optional.empty(), d.units());
        ModelDescription inferred = ModelDescription.inferred("m", new TensorInfo("x", new long[]{-1, 3}, "float32"));
        assertEquals(OptionalDouble.empty(), inferred.samplingRateHz());
        assertEquals(Optional.empty(), inferred.units());
    }

    @Test
    void badRateIsAClearError() {
        for (String bad : List.of("0", "-5", "\"fast\"")) {
            ExplainException e = assertThrows(ExplainException.class,
                    () -> parse("{\"input\": {\"sampling_rate_hz\": " + bad + "}}"));
            assertTrue(e.getMessage().contains("test.json: input.sampling_rate_hz must be a positive number of Hz, got " + bad),
                    e.getMessage());
        }
    }
}
