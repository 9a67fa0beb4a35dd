package org.explain4j.models;

import com.fasterxml.jackson.databind.JsonNode;
import org.explain4j.ExplainException;
import org.explain4j.model.ModelSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferenceModelsTest {

    @Test
    void everyIndexedModelHasItsFilesAndGoldenValues() {
        List<String> names = ReferenceModels.names();
        assertTrue(names.containsAll(List.of("breast_cancer_mlp", "synthetic_cnn1d", "synthetic_bilstm")), names::toString);
        for (String name : names) {
            ModelSource s = ReferenceModels.source(name);
            assertEquals(name, s.name());
            assertTrue(s.hasGradientGraph(), name);
            assertEquals(name, s.description().orElseThrow().name());
            assertTrue(s.readModel().length > 0);
            JsonNode golden = ReferenceModels.goldenJson(name);
            assertEquals(name, golden.get("model").asText());
            assertTrue(golden.get("samples").size() > 0);
        }
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        ExplainException e = assertThrows(ExplainException.class, () -> ReferenceModels.source("resnet"));
        assertEquals("unknown reference model 'resnet'; known: " + String.join(", ", ReferenceModels.names()), e.getMessage());
        assertThrows(ExplainException.class, () -> ReferenceModels.goldenJson("../data/breast_cancer"));
    }

    /** The published facts of the Wisconsin diagnostic set: 569 tumours, 212 malignant, 357 benign. */
    @Test
    void breastCancerDataMatchesThePublishedCounts() {
        ReferenceModels.Dataset d = ReferenceModels.breastCancer();
        assertArrayEquals(new long[] {569, 30}, d.features().shape());
        assertEquals(List.of("malignant", "benign"), d.classNames());
        assertEquals(30, d.featureNames().size());
        assertEquals("mean radius", d.featureNames().get(0));
        assertEquals("worst fractal dimension", d.featureNames().get(29));
        assertEquals(212, Arrays.stream(d.labels()).filter(y -> y == 0).count());
        assertEquals(357, Arrays.stream(d.labels()).filter(y -> y == 1).count());
        assertEquals(17.99f, d.features().get(0), 0f); // first row, mean radius
    }
}
