package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.explain4j.explain.Target;
import org.explain4j.model.InputLayout;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OcclusionExplainerTest {

    @Test
    void disjointWindowsOnALinearSeriesGiveEachWindowsContribution() {
        // [T=8, F=2], windows of 4 steps × 1 variable, stride = window: 4 windows.
        double[] w = new double[16];
        float[] x = new float[16];
        for (int c = 0; c < 16; c++) {
            w[c] = (c % 5 - 2) * 0.25;
            x[c] = c % 3;
        }
        float base = 0.5f;
        TestModels.FunctionModel model = TestModels.linear(new long[] {8, 2}, InputLayout.TIME_FEATURES, w, 0);
        PerturbationResult r = OcclusionExplainer.builder().window(4, 1).strides(4, 1)
                .baseline(PerturbationBaseline.constant(base)).build()
                .explainDetailed(model, new FloatTensor(new long[] {1, 8, 2}, x), Target.of(0));
        assertEquals(4, r.instance(0).featureCount());
        for (int t = 0; t < 8; t++) {
            for (int v = 0; v < 2; v++) {
                double expected = 0; // w·(x − b) over the window holding (t, v)
                for (int u = t / 4 * 4; u < t / 4 * 4 + 4; u++) {
                    expected += w[u * 2 + v] * (x[u * 2 + v] - base);
                }
                assertEquals(expected, r.attribution().values().get(t * 2 + v), 1e-6, "t=" + t + " v=" + v);
            }
        }
        assertEquals("window@[4,1]", r.featureNames().get(3));
    }

    @Test
    void overlappingWindowsAverageAndTheLastWindowIsFlushWithTheEnd() {
        double[] w = {1, -2, 0.5, 3, -1, 0.25, 2, -0.5, 1.5, -3};
        float[] x = {1, 2, -1, 0.5f, 3, -2, 1, 4, -1, 2};
        TestModels.FunctionModel model = TestModels.linear(new long[] {10}, InputLayout.FEATURES, w, 0);
        PerturbationResult r = OcclusionExplainer.builder().window(3).strides(2).build()
                .explainDetailed(model, LimeExplainerTest.one(x), Target.of(0));
        int[] starts = {0, 2, 4, 6, 7}; // 0,2,4,6 by the stride, then 7 so cell 9 is covered
        assertEquals(starts.length, r.instance(0).featureCount());
        for (int c = 0; c < 10; c++) {
            double sum = 0;
            int n = 0;
            for (int s : starts) {
                if (c >= s && c < s + 3) {
                    for (int u = s; u < s + 3; u++) {
                        sum += w[u] * x[u];
                    }
                    n++;
                }
            }
            assertEquals(sum / n, r.attribution().values().get(c), 1e-5, "cell " + c);
        }
    }

    @Test
    void defaultWindowIsTheDefaultPatchAcrossChannels() {
        double[] w = new double[2 * 8 * 8];
        java.util.Arrays.fill(w, 0.5);
        TestModels.FunctionModel model = TestModels.linear(new long[] {2, 8, 8}, InputLayout.IMAGE, w, 0);
        float[] x = new float[128];
        java.util.Arrays.fill(x, 1);
        PerturbationResult r = OcclusionExplainer.builder().build()
                .explainDetailed(model, new FloatTensor(new long[] {1, 2, 8, 8}, x), Target.of(0));
        // 2×2 patches across both channels, stride 1: 7 × 7 windows, each Δ = 8 cells · 0.5.
        assertEquals(49, r.instance(0).featureCount());
        assertEquals(4.0, r.attribution().values().get(0), 1e-6);
        assertEquals(4.0, r.attribution().values().get(127), 1e-6);
    }

    @Test
    void windowsThatDoNotFitAreRejected() {
        TestModels.FunctionModel model = TestModels.linear(new long[] {10}, InputLayout.FEATURES, new double[10], 0);
        FloatTensor x = LimeExplainerTest.one(new float[10]);
        ExplainException big = assertThrows(ExplainException.class,
                () -> OcclusionExplainer.builder().window(11).build().explain(model, x, Target.of(0)));
        assertTrue(big.getMessage().contains("axis 0 needs 1..10"), big.getMessage());
        assertThrows(ExplainException.class,
                () -> OcclusionExplainer.builder().window(2, 2).build().explain(model, x, Target.of(0)));
        assertThrows(ExplainException.class,
                () -> OcclusionExplainer.builder().window(2).strides(0).build().explain(model, x, Target.of(0)));
    }
}
