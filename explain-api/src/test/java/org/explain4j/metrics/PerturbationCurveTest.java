package org.explain4j.metrics;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Baseline;
import org.explain4j.explain.Target;
import org.explain4j.explain.TestModels;
import org.explain4j.explain.gradient.GradientTimesInput;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerturbationCurveTest {
    private static final double[] W = {2.0, -1.0, 0.5, 3.0, -2.5, 1.5};
    private static final float[] X = {1.0f, 2.0f, -1.0f, 0.5f, 1.0f, -2.0f};

    /** φ_j = w_j x_j: the exact contribution of each cell to the logit of class 0 (zero baseline). */
    private static float[] exact() {
        float[] phi = new float[X.length];
        for (int j = 0; j < X.length; j++) {
            phi[j] = (float) (W[j] * X[j]);
        }
        return phi;
    }

    @Test
    void deletionCurveOfTheExactAttributionIsTheHandComputedOne() {
        TestModels.Linear model = MetricFixtures.linear(W);
        FloatTensor x = MetricFixtures.repeat(X, 1);
        Attribution gxi = GradientTimesInput.builder().build().explain(model, x, Target.of(0));
        assertArrayEquals(exact(), gxi.values().data(), 1e-6f);

        PerturbationCurve.Result r = PerturbationCurve.deletion().steps(6).build().compute(model, gxi);
        // φ = [2, -2, -0.5, 1.5, -2.5, -3]; removal order 0, 3, 2, 1, 4, 5; f(x) = Σφ + 0.5 = -4
        double[] expected = {-4.0, -6.0, -7.5, -7.0, -5.0, -2.5, 0.5};
        assertArrayEquals(expected, r.scores()[0], 1e-5);
        assertArrayEquals(new double[] {0, 1 / 6.0, 2 / 6.0, 3 / 6.0, 4 / 6.0, 5 / 6.0, 1}, r.fractions(), 1e-12);
        double area = 0;
        for (int k = 1; k < expected.length; k++) {
            area += (expected[k] + expected[k - 1]) / 2 / 6;
        }
        assertEquals(area, r.auc()[0], 1e-5);
    }

    /** Every ordering of the 6 cells, as attribution values: rank 6..1 on the permuted cells. */
    private static List<float[]> allOrderings() {
        List<float[]> out = new ArrayList<>();
        permute(new int[] {0, 1, 2, 3, 4, 5}, 0, out);
        return out;
    }

    private static void permute(int[] p, int k, List<float[]> out) {
        if (k == p.length) {
            float[] v = new float[p.length];
            for (int r = 0; r < p.length; r++) {
                v[p[r]] = p.length - r;
            }
            out.add(v);
            return;
        }
        for (int i = k; i < p.length; i++) {
            int t = p[k];
            p[k] = p[i];
            p[i] = t;
            permute(p, k + 1, out);
            p[i] = p[k];
            p[k] = t;
        }
    }

    @Test
    void exactAttributionOfALinearModelIsOptimalAmongAllOrderingsAndBeatsRandomMaps() {
        TestModels.Linear model = MetricFixtures.linear(W);
        List<float[]> orderings = allOrderings();
        assertEquals(720, orderings.size());
        int n = orderings.size() + 1;
        float[] values = new float[n * X.length];
        System.arraycopy(exact(), 0, values, 0, X.length);
        for (int i = 0; i < orderings.size(); i++) {
            System.arraycopy(orderings.get(i), 0, values, (i + 1) * X.length, X.length);
        }
        Attribution all = MetricFixtures.attribution(model, MetricFixtures.repeat(X, n), values, 0);
        PerturbationCurve.Result del = PerturbationCurve.deletion().steps(6).build().compute(model, all);
        PerturbationCurve.Result ins = PerturbationCurve.insertion().steps(6).build().compute(model, all);
        for (int i = 1; i < n; i++) {
            assertTrue(del.auc()[0] <= del.auc()[i] + 1e-6, "deletion: ordering " + i + " beats the exact attribution");
            assertTrue(ins.auc()[0] >= ins.auc()[i] - 1e-6, "insertion: ordering " + i + " beats the exact attribution");
            for (int k = 0; k < del.fractions().length; k++) {
                // greedy removal of the largest contributions is pointwise optimal for an additive score
                assertTrue(del.scores()[0][k] <= del.scores()[i][k] + 1e-5);
            }
        }
        // random maps: worse on average, by a clear margin
        int draws = 64;
        float[] random = new float[draws * X.length];
        for (int i = 0; i < draws; i++) {
            System.arraycopy(MetricFixtures.gaussian(X.length, 100 + i), 0, random, i * X.length, X.length);
        }
        Attribution rnd = MetricFixtures.attribution(model, MetricFixtures.repeat(X, draws), random, 0);
        double meanDel = mean(PerturbationCurve.deletion().steps(6).build().compute(model, rnd).auc());
        double meanIns = mean(PerturbationCurve.insertion().steps(6).build().compute(model, rnd).auc());
        assertTrue(meanDel > del.auc()[0] + 1.0, "random deletion AUC " + meanDel + " vs exact " + del.auc()[0]);
        assertTrue(meanIns < ins.auc()[0] - 1.0, "random insertion AUC " + meanIns + " vs exact " + ins.auc()[0]);
    }

    @Test
    void insertionStartsAtTheBaselineAndEndsAtTheInput() {
        TestModels.Linear model = MetricFixtures.linear(W);
        FloatTensor x = MetricFixtures.repeat(X, 1);
        Attribution a = MetricFixtures.attribution(model, x, exact(), 0);
        float[] base = {1, 1, 1, 1, 1, 1};
        PerturbationCurve.Result r = PerturbationCurve.insertion().steps(3)
                .baseline(Baseline.of(new FloatTensor(new long[] {1, 6}, base))).build().compute(model, a);
        double atBase = 0.5;
        for (double w : W) {
            atBase += w;
        }
        assertEquals(atBase, r.scores()[0][0], 1e-5);
        assertEquals(-4.0, r.scores()[0][3], 1e-5);
        // step 1 restores the top 2 cells (0 and 3) from x into the all-ones baseline
        double step1 = atBase + W[0] * (X[0] - 1) + W[3] * (X[3] - 1);
        assertEquals(step1, r.scores()[0][1], 1e-5);
    }

    @Test
    void absoluteOrderRanksByMagnitude() {
        TestModels.Linear model = MetricFixtures.linear(W);
        Attribution a = MetricFixtures.attribution(model, MetricFixtures.repeat(X, 1), exact(), 0);
        PerturbationCurve.Result r = PerturbationCurve.deletion().steps(6).order(PerturbationCurve.Order.ABSOLUTE)
                .build().compute(model, a);
        // |φ| order: 5 (3), 4 (2.5), 0 (2, tie with 1 → lower index), 1, 3, 2
        assertEquals(-4.0 + 3.0, r.scores()[0][1], 1e-5);
        assertEquals(-4.0 + 3.0 + 2.5, r.scores()[0][2], 1e-5);
        assertEquals(-4.0 + 3.0 + 2.5 - 2.0, r.scores()[0][3], 1e-5);
    }

    @Test
    void allMaskedInputsGoThroughTheModelInBatchesAndTheBatchSizeDoesNotChangeTheResult() {
        TestModels.Linear model = MetricFixtures.linear(W);
        float[] values = MetricFixtures.gaussian(10 * X.length, 3);
        Attribution a = MetricFixtures.attribution(model, MetricFixtures.repeat(X, 10), values, 0);
        model.forwardBatches.clear();
        PerturbationCurve.Result small = PerturbationCurve.deletion().steps(4).batchSize(7).build().compute(model, a);
        assertEquals(50, model.forwardBatches.stream().mapToInt(Integer::intValue).sum());
        assertTrue(model.forwardBatches.stream().allMatch(b -> b <= 7));
        assertTrue(model.forwardBatches.size() <= 8);
        PerturbationCurve.Result big = PerturbationCurve.deletion().steps(4).batchSize(256).build().compute(model, a);
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(big.scores()[i], small.scores()[i], 0);
        }
        // 4 steps over 6 cells: 0, 2 (1.5 rounds up), 3, 5 (4.5 rounds up), 6 cells changed
        assertArrayEquals(new double[] {0, 2 / 6.0, 3 / 6.0, 5 / 6.0, 1}, big.fractions(), 1e-12);
    }

    @Test
    void badSettingsAreRefusedWithOneLine() {
        ExplainException e = assertThrows(ExplainException.class, () -> PerturbationCurve.deletion().steps(0).build());
        assertEquals("deletion curve needs at least 1 step; got 0", e.getMessage());
        assertThrows(ExplainException.class, () -> PerturbationCurve.insertion().batchSize(0).build());
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }
}
