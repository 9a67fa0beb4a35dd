package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SimilarityKernelTest {

    @Test
    void handValues() {
        // Cosine: 4 of 16 on → cos = 0.5, D = 0.5; σ² = 0.125 → exp(−2).
        assertEquals(Math.exp(-2), SimilarityKernel.defaultKernel().weight(4, 16), 1e-15);
        assertEquals(1.0, SimilarityKernel.defaultKernel().weight(16, 16), 0);
        assertEquals(Math.exp(-8), SimilarityKernel.defaultKernel().weight(0, 16), 1e-15);
        // L2: 5 of 9 on → D² = 4; σ = 2 → exp(−1).
        assertEquals(Math.exp(-1), SimilarityKernel.l2(2).weight(5, 9), 1e-15);
    }

    @Test
    void defaultsMatchLimeAndCaptumConventions() {
        for (int k = 0; k <= 10; k++) {
            double cos = k == 0 ? 1 : 1 - Math.sqrt(k / 10.0);
            // lime_image: sqrt(exp(−D²/0.25²)) with cosine distance.
            assertEquals(Math.sqrt(Math.exp(-cos * cos / (0.25 * 0.25))), SimilarityKernel.defaultKernel().weight(k, 10), 1e-14);
            // Captum: exp(−D²/(2·1²)).
            assertEquals(Math.exp(-cos * cos / 2), SimilarityKernel.captumLike().weight(k, 10), 1e-14);
            // lime tabular width 0.75·sqrt(d) on L2: sqrt(exp(−D²/w²)).
            double w = 0.75 * Math.sqrt(10);
            assertEquals(Math.sqrt(Math.exp(-(10 - k) / (w * w))), SimilarityKernel.limeTabularLike(10).weight(k, 10), 1e-14);
        }
    }

    @Test
    void badWidths() {
        assertThrows(ExplainException.class, () -> SimilarityKernel.cosine(0));
        assertThrows(ExplainException.class, () -> SimilarityKernel.l2(Double.NaN));
        assertThrows(ExplainException.class, () -> SimilarityKernel.parseDistance("manhattan"));
    }
}
