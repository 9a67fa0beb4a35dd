package org.explain4j.lrp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each rule on one tiny dense layer, against numbers worked out by hand.
 *
 * <pre>
 *   inputs a = (1, −2, 3); weights w[i][j] (3 inputs × 2 outputs):
 *     w = | 1   2 |      bias b = (0.5, −1)
 *         | 1  −1 |
 *         | −1  0.5 |
 *   z_0 = 1·1 + (−2)·1 + 3·(−1) + 0.5 = −3.5
 *   z_1 = 1·2 + (−2)·(−1) + 3·0.5 − 1 = 4.5
 *   relevance of the outputs R = (0, 4.5)  (unit 1's value)
 * </pre>
 */
class LinearRulesTest {

    private static final double[] A = {1, -2, 3};
    private static final double[] W = {1, 2, 1, -1, -1, 0.5};
    private static final double[] B = {0.5, -1};
    private static final double[] R = {0, 4.5};

    private static double[] run(Rule rule, double delta) {
        return LinearRules.propagate(rule, new DenseMap(3, 2, W, B), A, R, 1, delta);
    }

    @Test
    void epsilonRuleFollowsMethodsConvention() {
        // unit 1: z = 4.5, s = +1, ε = 0.5: denominator 5; contributions 2, 2, 1.5; N = 3
        // δ = 0: R_i = 4.5 · (z_i1 + 0.5/3) / 5
        double e = 0.5 / 3;
        assertArrayEquals(new double[] {4.5 * (2 + e) / 5, 4.5 * (2 + e) / 5, 4.5 * (1.5 + e) / 5},
                run(Rule.epsilon(0.5), 0), 1e-12);
        // δ = 1: the bias −1 is handed back too, and then relevance is conserved exactly
        double e1 = (0.5 - 1) / 3;
        double[] r = run(Rule.epsilon(0.5), 1);
        assertArrayEquals(new double[] {4.5 * (2 + e1) / 5, 4.5 * (2 + e1) / 5, 4.5 * (1.5 + e1) / 5}, r, 1e-12);
        assertEquals(4.5, r[0] + r[1] + r[2], 1e-12);
    }

    @Test
    void epsilonSignOfZeroIsPositive() {
        // z_0 = 0 exactly: 1·1 + 1·(−1) with no bias; R_0 = 2, ε = 0.1 → denominator +0.1
        double[] r = LinearRules.propagate(Rule.epsilon(0.1), new DenseMap(2, 1, new double[] {1, -1}, null),
                new double[] {1, 1}, new double[] {2}, 1, 0);
        assertArrayEquals(new double[] {2 * (1 + 0.05) / 0.1, 2 * (-1 + 0.05) / 0.1}, r, 1e-12);
    }

    @Test
    void lrpZeroWithoutStabiliser() {
        double[] r = run(Rule.epsilon(0), 0);
        assertArrayEquals(new double[] {2, 2, 1.5}, r, 1e-12); // R_i = z_i1 / 4.5 · 4.5
    }

    @Test
    void zPlusKeepsPositiveContributions() {
        // unit 1 contributions 2, 2, 1.5 are all positive; b⁺ = 0 → z⁺ = 5.5
        assertArrayEquals(new double[] {4.5 * 2 / 5.5, 4.5 * 2 / 5.5, 4.5 * 1.5 / 5.5}, run(Rule.zPlus(), 0), 1e-12);
    }

    @Test
    void alphaBetaSplitsPositiveAndNegativeParts() {
        // explain unit 0 instead: contributions 1, −2, −3; bias 0.5 → z⁺ = 1 + 0.5, z⁻ = −5
        double[] r = LinearRules.propagate(Rule.alphaBeta(2, 1), new DenseMap(3, 2, W, B), A, new double[] {-3.5, 0},
                1, 0);
        double rj = -3.5;
        assertArrayEquals(new double[] {2 * 1 / 1.5 * rj, -(-2 / -5.0) * rj, -(-3 / -5.0) * rj}, r, 1e-12);
        // with δ = 1 the bias's share (it is positive) goes back with the positive part: α − β = 1 conserves
        double[] c = LinearRules.propagate(Rule.alphaBeta(2, 1), new DenseMap(3, 2, W, B), A, new double[] {-3.5, 0},
                1, 1);
        assertEquals(-3.5, c[0] + c[1] + c[2], 1e-12);
    }

    @Test
    void gammaFavoursPositiveWeights() {
        // γ = 1: unit 1 weights (2, −1, 0.5) → (4, −1, 1); bias −1 stays; z' = 4 + 2 + 3 − 1 = 8
        double[] r = LinearRules.propagate(new Rule.Gamma(1, 0), new DenseMap(3, 2, W, B), A, R, 1, 0);
        assertArrayEquals(new double[] {4.5 * 4 / 8, 4.5 * 2 / 8, 4.5 * 3 / 8}, r, 1e-12);
    }

    @Test
    void flatAndWSquareIgnoreTheInputs() {
        assertArrayEquals(new double[] {1.5, 1.5, 1.5}, run(Rule.flat(), 0), 1e-12);
        // w² of unit 1: 4, 1, 0.25 → sum 5.25
        assertArrayEquals(new double[] {4.5 * 4 / 5.25, 4.5 * 1 / 5.25, 4.5 * 0.25 / 5.25}, run(Rule.wSquare(), 0),
                1e-12);
    }

    @Test
    void givenOutputsReplaceTheRecomputedDenominator() {
        // the runtime's z_1 = 4.4 (say, rounded differently): R_i = z_i1 / 4.4 · 4.5
        double[] r = LinearRules.propagate(Rule.epsilon(0), new DenseMap(3, 2, W, B), A, R, 1, 0,
                new double[] {-3.5, 4.4});
        assertArrayEquals(new double[] {2 / 4.4 * 4.5, 2 / 4.4 * 4.5, 1.5 / 4.4 * 4.5}, r, 1e-12);
    }

    @Test
    void convolutionCountsOnlyInBoundsTapsAsInputs() {
        // 1-D, one channel, kernel (1, 1, 1), padding 1, 3 inputs → 3 outputs; the first output reads 2 inputs
        ConvMap conv = new ConvMap(1, 1, 1, new int[] {3}, new int[] {3}, new int[] {3}, new int[] {1},
                new int[] {1}, new int[] {1}, new double[] {1, 1, 1}, null);
        assertArrayEquals(new double[] {2, 3, 2}, conv.fanIn(), 0);
        double[] z = new double[3];
        conv.forward(new double[] {1, 2, 4}, 0, conv.weights(LinearMap.WeightTransform.ORIGINAL), z, 0);
        assertArrayEquals(new double[] {3, 7, 6}, z, 0);
        // flat: output 0's relevance 2 splits over inputs 0 and 1 only
        double[] r = LinearRules.propagate(Rule.flat(), conv, new double[] {1, 2, 4}, new double[] {2, 0, 0}, 1, 0);
        assertArrayEquals(new double[] {1, 1, 0}, r, 0);
    }
}
