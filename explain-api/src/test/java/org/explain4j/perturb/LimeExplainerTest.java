package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.model.InputLayout;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LimeExplainerTest {

    // Dyadic weights and integer inputs: every model output is exact in float.
    static final double[] W = {0.5, -1.25, 2, 0.125, -0.75, 1};
    static final double B = 0.25;
    static final float[] X = {2, -1, 3, 4, 1, -2};
    /** Contribution of each feature against the zero baseline: w_j · x_j. */
    static final double[] PHI = {1, 1.25, 6, 0.5, -0.75, -2};

    static FloatTensor one(float[] x) {
        return new FloatTensor(new long[] {1, x.length}, x.clone());
    }

    @Test
    void leastSquaresRecoversTheLinearModelExactly() {
        TestModels.FunctionModel model = TestModels.linear(new long[] {6}, InputLayout.FEATURES, W, B);
        LimeExplainer lime = LimeExplainer.builder().samples(200).surrogate(Surrogate.leastSquares()).build();
        PerturbationResult r = lime.explainDetailed(model, one(X), Target.of(0));
        SurrogateExplanation e = r.instance(0);
        assertArrayEquals(PHI, e.weights(), 1e-9);
        assertEquals(B, e.intercept(), 1e-9);
        assertEquals(1.0, e.weightedR2(), 1e-12);
        assertEquals(B + 6.0, e.localPrediction(), 1e-9);
        assertEquals(B + 6.0, e.modelPrediction(), 0);
        // Tabular cells are the features themselves.
        Attribution a = r.attribution();
        for (int j = 0; j < 6; j++) {
            assertEquals(PHI[j], a.values().get(j), 1e-6);
        }
        assertEquals("lime", a.method());
        assertEquals(200, a.parameters().get("samples"));
        assertEquals(1.0, a.diagnostics().get("weighted_r2")[0], 1e-12);
    }

    @Test
    void defaultRidgeShrinksSlightlyAndKeepsTheRanking() {
        TestModels.FunctionModel model = TestModels.linear(new long[] {6}, InputLayout.FEATURES, W, B);
        SurrogateExplanation e = LimeExplainer.builder().build().explainDetailed(model, one(X), Target.of(0)).instance(0);
        for (int j = 0; j < 6; j++) {
            assertEquals(PHI[j], e.weights()[j], 0.05 * Math.abs(PHI[j]) + 0.02, "feature " + j);
        }
        assertArrayEquals(new int[] {2, 5, 1, 0, 4, 3}, e.ranking());
    }

    @Test
    void kLassoKeepsTheStrongestFeatures() {
        TestModels.FunctionModel model = TestModels.linear(new long[] {6}, InputLayout.FEATURES, W, B);
        SurrogateExplanation e = LimeExplainer.builder().surrogate(Surrogate.kLasso(2)).build()
                .explainDetailed(model, one(X), Target.of(0)).instance(0);
        assertArrayEquals(new int[] {2, 5}, e.selected());
        assertEquals(4, Arrays.stream(e.weights()).filter(v -> v == 0).count());
    }

    @Test
    void patchesSpreadTheirWeightOverTheirCells() {
        // [1,4,4] image, 2×2 patches; each patch's weight is Σ w_c x_c over its 4 cells.
        double[] w = new double[16];
        float[] x = new float[16];
        for (int c = 0; c < 16; c++) {
            w[c] = (c % 5 - 2) * 0.25;
            x[c] = c % 3 - 1;
        }
        TestModels.FunctionModel model = TestModels.linear(new long[] {1, 4, 4}, InputLayout.IMAGE, w, 0);
        FeatureMask mask = FeatureMask.patches(new long[] {1, 4, 4}, 2, 2);
        PerturbationResult r = LimeExplainer.builder().mask(mask).samples(100).surrogate(Surrogate.leastSquares())
                .build().explainDetailed(model, new FloatTensor(new long[] {1, 1, 4, 4}, x), Target.of(0));
        for (int f = 0; f < 4; f++) {
            double expected = 0;
            for (int c : mask.cells(f)) {
                expected += w[c] * x[c];
            }
            assertEquals(expected, r.instance(0).weights()[f], 1e-9, "patch " + f);
            for (int c : mask.cells(f)) {
                assertEquals(expected / 4, r.attribution().values().get(c), 1e-6);
            }
        }
    }

    @Test
    void resultsDependOnTheSeedOnlyNotOnBatchingThreadsOrChunks() {
        TestModels.FunctionModel model = TestModels.nonlinear(8);
        float[] data = new float[5 * 8];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) Math.sin(i * 0.7) * 2;
        }
        FloatTensor inputs = new FloatTensor(new long[] {5, 8}, data);
        PerturbationResult base = LimeExplainer.builder().samples(300).seed(9).build()
                .explainDetailed(model, inputs, Target.predicted());
        PerturbationResult again = LimeExplainer.builder().samples(300).seed(9).build()
                .explainDetailed(model, inputs, Target.predicted());
        PerturbationResult smallBatches = LimeExplainer.builder().samples(300).seed(9).batchSize(7).build()
                .explainDetailed(model, inputs, Target.predicted());
        PerturbationResult threads = LimeExplainer.builder().samples(300).seed(9).batchSize(64).threads(3).build()
                .explainDetailed(model, inputs, Target.predicted());
        PerturbationResult chunk = LimeExplainer.builder().samples(300).seed(9).build()
                .explainDetailed(model, inputs.slice(2, 5), Target.predicted(), 2);
        for (PerturbationResult other : List.of(again, smallBatches, threads)) {
            assertArrayEquals(base.attribution().values().data(), other.attribution().values().data());
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(base.instance(i).weights(), other.instance(i).weights(), 0);
                assertEquals(base.instance(i).weightedR2(), other.instance(i).weightedR2(), 0);
            }
        }
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(base.instance(i + 2).weights(), chunk.instance(i).weights(), 0);
            assertEquals(i + 2, chunk.instance(i).instance());
        }
        PerturbationResult otherSeed = LimeExplainer.builder().samples(300).seed(10).build()
                .explainDetailed(model, inputs, Target.predicted());
        assertFalse(Arrays.equals(base.instance(0).weights(), otherSeed.instance(0).weights()));
        // The nonlinear model is not additive: the surrogate's R² says so.
        double r2 = base.instance(0).weightedR2();
        assertTrue(r2 > 0 && r2 < 1, "R² " + r2);
    }

    @Test
    void samplesGoThroughTheModelInBatches() {
        TestModels.FunctionModel model = TestModels.linear(new long[] {6}, InputLayout.FEATURES, W, B);
        LimeExplainer.builder().samples(300).batchSize(128).build().explain(model, one(X), Target.of(0));
        // One call for the inputs' own outputs, then 300 samples as 128 + 128 + 44.
        assertEquals(List.of(1, 128, 128, 44), model.batchSizes);
    }

    @Test
    void otherSamplersAndKernels() {
        TestModels.FunctionModel model = TestModels.linear(new long[] {6}, InputLayout.FEATURES, W, B);
        for (CoalitionSampler s : List.of(CoalitionSampler.fixedCount(3), CoalitionSampler.uniformCount())) {
            for (SimilarityKernel k : List.of(SimilarityKernel.l2(2), SimilarityKernel.captumLike())) {
                SurrogateExplanation e = LimeExplainer.builder().sampler(s).kernel(k).samples(400)
                        .surrogate(Surrogate.leastSquares()).build().explainDetailed(model, one(X), Target.of(0))
                        .instance(0);
                assertArrayEquals(PHI, e.weights(), 1e-9, s.describe() + " " + k.describe());
            }
        }
    }

    @Test
    void badInputGetsClearErrors() {
        TestModels.FunctionModel model = TestModels.linear(new long[] {6}, InputLayout.FEATURES, W, B);
        ExplainException zero = assertThrows(ExplainException.class, () -> LimeExplainer.builder().samples(0).build());
        assertTrue(zero.getMessage().contains("at least 1 sample"), zero.getMessage());
        ExplainException k = assertThrows(ExplainException.class,
                () -> LimeExplainer.builder().surrogate(Surrogate.kLasso(7)).build().explain(model, one(X), Target.of(0)));
        assertTrue(k.getMessage().contains("K = 7") && k.getMessage().contains("only 6"), k.getMessage());
        assertThrows(ExplainException.class, () -> LimeExplainer.builder().surrogate(Surrogate.kLasso(7))
                .mask(FeatureMask.columns(6, List.of())).build());
        ExplainException count = assertThrows(ExplainException.class, () -> LimeExplainer.builder()
                .sampler(CoalitionSampler.fixedCount(9)).build().explain(model, one(X), Target.of(0)));
        assertTrue(count.getMessage().contains("keeps 9 features on"), count.getMessage());
        ExplainException cover = assertThrows(ExplainException.class, () -> FeatureMask.of(new long[] {6},
                new int[] {0, 0, 1, 1, 2, FeatureMask.UNASSIGNED}, List.of("a", "b", "c"), false));
        assertTrue(cover.getMessage().contains("does not cover the input: cell [5]"), cover.getMessage());
        ExplainException shape = assertThrows(ExplainException.class, () -> LimeExplainer.builder()
                .mask(FeatureMask.columns(5, List.of())).build().explain(model, one(X), Target.of(0)));
        assertTrue(shape.getMessage().contains("[5]") && shape.getMessage().contains("[6]"), shape.getMessage());
        ExplainException batch = assertThrows(ExplainException.class, () -> LimeExplainer.builder().batchSize(0).build());
        assertTrue(batch.getMessage().contains("batch size 0"), batch.getMessage());
    }

    @Test
    void unassignedCellsKeepTheInput() {
        TestModels.FunctionModel model = TestModels.linear(new long[] {6}, InputLayout.FEATURES, W, B);
        FeatureMask m = FeatureMask.of(new long[] {6}, new int[] {0, 0, 1, 1, 2, FeatureMask.UNASSIGNED},
                List.of("ab", "cd", "e"), true);
        SurrogateExplanation e = LimeExplainer.builder().mask(m).samples(50).surrogate(Surrogate.leastSquares()).build()
                .explainDetailed(model, one(X), Target.of(0)).instance(0);
        assertArrayEquals(new double[] {PHI[0] + PHI[1], PHI[2] + PHI[3], PHI[4]}, e.weights(), 1e-9);
        // The unassigned feature's contribution never leaves: it sits in the intercept.
        assertEquals(B + PHI[5], e.intercept(), 1e-9);
    }
}
