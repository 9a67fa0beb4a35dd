package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.explain4j.explain.Target;
import org.explain4j.model.InputLayout;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelShapExplainerTest {

    @Test
    void allCoalitionsGiveTheLinearContributionsExactly() {
        TestModels.FunctionModel model = TestModels.linear(new long[] {6}, InputLayout.FEATURES,
                LimeExplainerTest.W, LimeExplainerTest.B);
        PerturbationResult r = KernelShapExplainer.builder().samples(100).build()
                .explainDetailed(model, LimeExplainerTest.one(LimeExplainerTest.X), Target.of(0));
        SurrogateExplanation e = r.instance(0);
        assertArrayEquals(LimeExplainerTest.PHI, e.weights(), 1e-9);
        assertEquals(LimeExplainerTest.B, e.intercept(), 0);           // φ₀ = f(baseline)
        assertEquals(63, e.evaluations());                               // 2^6 − 2 coalitions + the baseline
        assertEquals(1.0, r.attribution().diagnostics().get("exhaustive")[0]);
        assertEquals(1.0, e.weightedR2(), 1e-12);
    }

    @Test
    void allCoalitionsGiveExactShapleyValuesOfANonlinearModel() {
        TestModels.FunctionModel model = TestModels.nonlinear(5);
        float[] x = {1.5f, -0.5f, 2f, 0.75f, -1f};
        float[] base = {0.25f, 0.5f, -0.5f, 0f, 1f};
        FeatureMask mask = FeatureMask.columns(5, List.of());
        for (int target = 0; target < 2; target++) {
            SurrogateExplanation e = KernelShapExplainer.builder().baseline(PerturbationBaseline.of(base)).build()
                    .explainDetailed(model, LimeExplainerTest.one(x), Target.of(target)).instance(0);
            assertArrayEquals(TestModels.bruteForceShapley(model, x, base, mask, target), e.weights(), 1e-9,
                    "target " + target);
        }
    }

    @Test
    void sampledCoalitionsKeepEfficiencyAndApproachTheShapleyValues() {
        int d = 12;
        TestModels.FunctionModel model = TestModels.nonlinear(d);
        float[] x = new float[d];
        for (int j = 0; j < d; j++) {
            x[j] = (float) Math.cos(j) * 1.5f;
        }
        float[] zero = new float[d];
        PerturbationResult r = KernelShapExplainer.builder().samples(2000).build()
                .explainDetailed(model, LimeExplainerTest.one(x), Target.of(0));
        SurrogateExplanation e = r.instance(0);
        double fx = model.score(x, 0);
        double fb = model.score(zero, 0);
        assertEquals(fb, e.intercept(), 0);
        assertEquals(fx - fb, e.weightSum(), 1e-9);
        assertEquals(0, r.attribution().diagnostics().get("efficiency_gap")[0], 1e-9);
        assertEquals(0.0, r.attribution().diagnostics().get("exhaustive")[0]);
        // The cell map sums to f(x) − f(b) too (even spread).
        double cells = 0;
        for (float v : r.attribution().values().data()) {
            cells += v;
        }
        assertEquals(fx - fb, cells, 1e-5);
        double[] exact = TestModels.bruteForceShapley(model, x, zero, FeatureMask.columns(d, List.of()), 0);
        double worst = 0;
        double scale = 0;
        for (int j = 0; j < d; j++) {
            worst = Math.max(worst, Math.abs(exact[j] - e.weights()[j]));
            scale = Math.max(scale, Math.abs(exact[j]));
        }
        assertTrue(worst < 0.05 * scale, "max error " + worst + " of max |φ| " + scale);
    }

    @Test
    void sampledCoalitionsStillRecoverAnAdditiveModel() {
        int d = 16;
        double[] w = new double[d];
        float[] x = new float[d];
        double[] phi = new double[d];
        for (int j = 0; j < d; j++) {
            w[j] = (j % 7 - 3) * 0.125;
            x[j] = j % 4 - 1.5f;
            phi[j] = w[j] * x[j];
        }
        TestModels.FunctionModel model = TestModels.linear(new long[] {d}, InputLayout.FEATURES, w, 1);
        SurrogateExplanation e = KernelShapExplainer.builder().samples(100).build()
                .explainDetailed(model, LimeExplainerTest.one(x), Target.of(1)).instance(0);
        for (int j = 0; j < d; j++) {
            assertEquals(-phi[j], e.weights()[j], 1e-8, "feature " + j);
        }
    }

    @Test
    void oneFeatureGetsTheWholeDifference() {
        TestModels.FunctionModel model = TestModels.linear(new long[] {6}, InputLayout.FEATURES,
                LimeExplainerTest.W, LimeExplainerTest.B);
        FeatureMask all = FeatureMask.of(new long[] {6}, new int[6], List.of("everything"), false);
        SurrogateExplanation e = KernelShapExplainer.builder().mask(all).build()
                .explainDetailed(model, LimeExplainerTest.one(LimeExplainerTest.X), Target.of(0)).instance(0);
        assertEquals(6.0, e.weights()[0], 1e-9);
    }

    @Test
    void deterministicAcrossBatchSizesAndThreads() {
        TestModels.FunctionModel model = TestModels.nonlinear(14);
        float[] data = new float[3 * 14];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) Math.sin(i * 1.3);
        }
        FloatTensor inputs = new FloatTensor(new long[] {3, 14}, data);
        PerturbationResult a = KernelShapExplainer.builder().samples(500).build().explainDetailed(model, inputs, Target.of(0));
        PerturbationResult b = KernelShapExplainer.builder().samples(500).batchSize(33).threads(2).build()
                .explainDetailed(model, inputs, Target.of(0));
        assertArrayEquals(a.attribution().values().data(), b.attribution().values().data());
    }

    @Test
    void badInput() {
        ExplainException zero = assertThrows(ExplainException.class, () -> KernelShapExplainer.builder().samples(0));
        assertTrue(zero.getMessage().contains("at least 1 coalition"), zero.getMessage());
        TestModels.FunctionModel model = TestModels.nonlinear(10);
        ExplainException few = assertThrows(ExplainException.class, () -> KernelShapExplainer.builder().samples(3).build()
                .explain(model, LimeExplainerTest.one(new float[10]), Target.of(0)));
        assertTrue(few.getMessage().contains("raise the number of samples"), few.getMessage());
    }
}
