package org.explain4j.explain.gradient;

import org.explain4j.ExplainException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntegrationRuleTest {

    @Test
    void legendreNodesAndWeightsMatchTheTextbook() {
        double[][] one = IntegrationRule.legendre(1);
        assertArrayEquals(new double[] {0.0}, one[0], 0.0);
        assertArrayEquals(new double[] {2.0}, one[1], 1e-15);

        double r = 1 / Math.sqrt(3);
        double[][] two = IntegrationRule.legendre(2);
        assertArrayEquals(new double[] {-r, r}, two[0], 1e-15);
        assertArrayEquals(new double[] {1, 1}, two[1], 1e-15);

        double s = Math.sqrt(3.0 / 5.0);
        double[][] three = IntegrationRule.legendre(3);
        assertArrayEquals(new double[] {-s, 0, s}, three[0], 1e-15);
        assertArrayEquals(new double[] {5.0 / 9, 8.0 / 9, 5.0 / 9}, three[1], 1e-15);

        double inner = Math.sqrt(3.0 / 7 - 2.0 / 7 * Math.sqrt(6.0 / 5));
        double outer = Math.sqrt(3.0 / 7 + 2.0 / 7 * Math.sqrt(6.0 / 5));
        double wi = (18 + Math.sqrt(30)) / 36;
        double wo = (18 - Math.sqrt(30)) / 36;
        double[][] four = IntegrationRule.legendre(4);
        assertArrayEquals(new double[] {-outer, -inner, inner, outer}, four[0], 1e-15);
        assertArrayEquals(new double[] {wo, wi, wi, wo}, four[1], 1e-15);

        double a = Math.sqrt(5 - 2 * Math.sqrt(10.0 / 7)) / 3;
        double b = Math.sqrt(5 + 2 * Math.sqrt(10.0 / 7)) / 3;
        double[][] five = IntegrationRule.legendre(5);
        assertArrayEquals(new double[] {-b, -a, 0, a, b}, five[0], 1e-15);
        double w0 = 128.0 / 225;
        double wa = (322 + 13 * Math.sqrt(70)) / 900;
        double wb = (322 - 13 * Math.sqrt(70)) / 900;
        assertArrayEquals(new double[] {wb, wa, w0, wa, wb}, five[1], 1e-15);
    }

    @Test
    void gaussLegendreIntegratesPolynomialsUpToDegree2nMinus1Exactly() {
        for (int n : new int[] {3, 10, 64, 128}) {
            IntegrationRule.Quadrature q = IntegrationRule.GAUSS_LEGENDRE.nodes(n);
            for (int k = 1; k < n; k++) {
                assertTrue(q.alpha(k) > q.alpha(k - 1), "ascending");
                assertEquals(1.0, q.alpha(k) + q.alpha(n - 1 - k), 1e-15, "symmetric");
            }
            assertTrue(q.alpha(0) > 0 && q.alpha(n - 1) < 1);
            for (int d = 0; d <= Math.min(2 * n - 1, 40); d++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += q.weight(k) * Math.pow(q.alpha(k), d);
                }
                assertEquals(1.0 / (d + 1), sum, 2e-15, "n=" + n + " degree " + d);
            }
        }
    }

    @Test
    void riemannRulesUseCaptumNodes() {
        IntegrationRule.Quadrature left = IntegrationRule.RIEMANN_LEFT.nodes(4);
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75}, left.alphas(), 1e-15);
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, left.weights(), 1e-15);
        assertArrayEquals(new double[] {0.25, 0.5, 0.75, 1.0}, IntegrationRule.RIEMANN_RIGHT.nodes(4).alphas(), 1e-15);
        assertArrayEquals(new double[] {0.125, 0.375, 0.625, 0.875},
                IntegrationRule.RIEMANN_MIDDLE.nodes(4).alphas(), 1e-15);
        IntegrationRule.Quadrature trap = IntegrationRule.RIEMANN_TRAPEZOID.nodes(5);
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, trap.alphas(), 1e-15);
        assertArrayEquals(new double[] {0.125, 0.25, 0.25, 0.25, 0.125}, trap.weights(), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.5}, IntegrationRule.RIEMANN_TRAPEZOID.nodes(2).weights(), 0.0);
    }

    @Test
    void namesParseAndBadOnesAreExplained() {
        assertEquals(IntegrationRule.GAUSS_LEGENDRE, IntegrationRule.parse("gausslegendre"));
        assertEquals(IntegrationRule.RIEMANN_TRAPEZOID, IntegrationRule.parse("riemann-trapezoid"));
        assertEquals(IntegrationRule.RIEMANN_MIDDLE, IntegrationRule.parse("RIEMANN_MIDDLE"));
        ExplainException e = assertThrows(ExplainException.class, () -> IntegrationRule.parse("simpson"));
        assertTrue(e.getMessage().contains("riemann_left, riemann_right, riemann_middle, riemann_trapezoid, gausslegendre"),
                e.getMessage());
        assertThrows(ExplainException.class, () -> IntegrationRule.RIEMANN_TRAPEZOID.nodes(1));
        assertThrows(ExplainException.class, () -> IntegrationRule.GAUSS_LEGENDRE.nodes(0));
    }
}
