package org.explain4j.cli;

import org.explain4j.io.InputData;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.TensorInfo;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A model that came without a sidecar borrows feature names from the CSV header, where they fit. */
class HeaderNamesTest {
    private static ModelInfo bare(long... shape) {
        TensorInfo in = new TensorInfo("x", shape, "float32");
        return new ModelInfo("bare", List.of(in), List.of(new TensorInfo("y", new long[]{-1, 2}, "float32")),
                ModelDescription.inferred("bare", in), "c", "test", "cpu");
    }

    private static InputData data(long[] shape, List<String> header) {
        return new InputData(FloatTensor.zeros(shape), new int[]{0}, Optional.empty(), header, "in.csv");
    }

    @Test
    void featureAndTimeByFeatureInputsTakeTheHeader() {
        ModelInfo flat = bare(-1, 3);
        assertEquals(List.of("a", "b", "c"), ExplainRun.withHeaderNames(flat, data(new long[]{1, 3}, List.of("a", "b", "c")))
                .description().featureNames());
        ModelInfo seq = bare(-1, 5, 2);
        assertEquals(List.of("hr", "bp"), ExplainRun.withHeaderNames(seq, data(new long[]{1, 5, 2}, List.of("hr", "bp")))
                .description().featureNames());
    }

    @Test
    void namesThatDoNotFitAreIgnored() {
        ModelInfo flat = bare(-1, 3);
        assertSame(flat, ExplainRun.withHeaderNames(flat, data(new long[]{1, 3}, List.of())));
        ModelInfo image = bare(-1, 1, 2, 2);
        assertSame(image, ExplainRun.withHeaderNames(image, data(new long[]{1, 1, 2, 2}, List.of("x0", "x1"))));
    }
}
