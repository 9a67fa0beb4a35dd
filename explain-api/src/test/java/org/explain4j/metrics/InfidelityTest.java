package org.explain4j.metrics;

import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.explain.TestModels;
import org.explain4j.explain.gradient.Saliency;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfidelityTest {
    private static final double[] W = {2.0, -1.0, 0.5, 3.0};
    private static final float[] X = {1.0f, 2.0f, -1.0f, 0.5f};

    @Test
    void theSignedGradientOfALinearModelHasZeroInfidelity() {
        TestModels.Linear model = MetricFixtures.linear(W);
        FloatTensor x = MetricFixtures.repeat(X, 3);
        Attribution grad = Saliency.builder().absolute(false).build().explain(model, x, Target.of(0));
        Infidelity.Result r = Infidelity.builder().samples(64).build().compute(model, grad);
        for (int i = 0; i < 3; i++) {
            // only the float rounding of the model's outputs remains
            assertTrue(r.infidelity()[i] < 1e-9, "infidelity " + r.infidelity()[i]);
            assertTrue(r.relative()[i] < 1e-8, "relative " + r.relative()[i]);
            assertEquals(1.0, r.beta()[i], 1e-5);
        }
    }

    @Test
    void aZeroAttributionScoresTheVarianceOfTheScoreChange() {
        // φ = 0: INFD = E[(wᵀI)²] = Σ w_j² σ_j² with σ_j = noise · scale_j (unit scale here)
        TestModels.Linear model = MetricFixtures.linear(W);
        Attribution zero = MetricFixtures.attribution(model, MetricFixtures.repeat(X, 1), new float[4], 0);
        double noise = 0.2;
        Infidelity.Result r = Infidelity.builder().samples(4000).noise(noise).scale(PerturbationScale.unit()).build()
                .compute(model, zero);
        double expected = 0;
        for (double w : W) {
            expected += w * w * noise * noise;
        }
        assertEquals(expected, r.infidelity()[0], 0.08 * expected); // Monte Carlo, 4000 draws: ~2% standard error
        assertEquals(1.0, r.relative()[0], 1e-12); // explains none of the change
    }

    @Test
    void aRandomAttributionIsUnfaithfulAndTheBestScaleNeverHurts() {
        TestModels.Linear model = MetricFixtures.linear(W);
        Attribution rnd = MetricFixtures.attribution(model, MetricFixtures.repeat(X, 8),
                MetricFixtures.gaussian(32, 9), 0);
        Infidelity.Result r = Infidelity.builder().samples(64).build().compute(model, rnd);
        for (int i = 0; i < 8; i++) {
            assertTrue(r.infidelity()[i] > 1e-3);
            assertTrue(r.normalized()[i] <= r.infidelity()[i] + 1e-12);
            assertTrue(r.relative()[i] > 0.01 && r.relative()[i] <= 1 + 1e-12, "relative " + r.relative()[i]);
        }
    }

    @Test
    void perturbationsAreBatchedAndDoNotDependOnTheBatchSize() {
        TestModels.Smooth model = new TestModels.Smooth(new double[] {0.3, -0.7, 1.1, 0.2},
                org.explain4j.model.OutputActivation.SOFTMAX, org.explain4j.model.Score.LOGIT);
        FloatTensor x = MetricFixtures.repeat(X, 5);
        Attribution a = Saliency.builder().absolute(false).build().explain(model, x, Target.of(1));
        model.forwardBatches.clear();
        Infidelity.Result small = Infidelity.builder().samples(10).batchSize(16).build().compute(model, a);
        assertEquals(50, model.forwardBatches.stream().mapToInt(Integer::intValue).sum());
        assertTrue(model.forwardBatches.stream().allMatch(b -> b <= 16));
        Infidelity.Result big = Infidelity.builder().samples(10).batchSize(1000).build().compute(model, a);
        assertArrayEquals(big.infidelity(), small.infidelity(), 0);
    }
}
