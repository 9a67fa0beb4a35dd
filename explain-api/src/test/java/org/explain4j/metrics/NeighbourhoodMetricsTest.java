package org.explain4j.metrics;

import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Target;
import org.explain4j.explain.TestModels;
import org.explain4j.explain.gradient.GradientTimesInput;
import org.explain4j.explain.gradient.Saliency;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NeighbourhoodMetricsTest {
    private static final double[] W = {2.0, -1.0, 0.5, 3.0, -0.25};
    private static final float[] X = {1.0f, 2.0f, -1.0f, 0.5f, 4.0f};

    @Test
    void theGradientOfALinearModelIsPerfectlyConsistent() {
        TestModels.Linear model = MetricFixtures.linear(W);
        Explainer saliency = Saliency.builder().absolute(false).build();
        FloatTensor x = MetricFixtures.repeat(X, 4);
        Attribution a = saliency.explain(model, x, Target.of(0));
        Neighbourhood.Explained nb = Neighbourhood.builder().count(6).radius(0.3).build().explain(model, saliency, a);
        Consistency.Result c = Consistency.of(nb);
        double[] sens = SensitivityMax.of(nb);
        for (int i = 0; i < 4; i++) {
            assertEquals(1.0, c.cosine()[i], 1e-12);
            assertEquals(1.0, c.spearman()[i], 1e-12);
            assertEquals(0.0, sens[i], 0);
        }
    }

    @Test
    void gradientTimesInputMovesExactlyWithTheInput() {
        // φ(y) − φ(x) = w ⊙ (y − x): sensitivity-max from the neighbours themselves
        TestModels.Linear model = MetricFixtures.linear(W);
        Explainer gxi = GradientTimesInput.builder().build();
        FloatTensor x = MetricFixtures.repeat(X, 2);
        Attribution a = gxi.explain(model, x, Target.of(0));
        Neighbourhood.Explained nb = Neighbourhood.builder().count(5).radius(0.1).build().explain(model, gxi, a);
        double[] sens = SensitivityMax.of(nb);
        float[] y = nb.neighbours().data();
        for (int i = 0; i < 2; i++) {
            double norm = 0;
            for (int j = 0; j < 5; j++) {
                norm += W[j] * X[j] * W[j] * X[j];
            }
            double worst = 0;
            for (int k = 0; k < 5; k++) {
                double s = 0;
                for (int j = 0; j < 5; j++) {
                    double diff = W[j] * (y[(i * 5 + k) * 5 + j] - X[j]);
                    s += diff * diff;
                }
                worst = Math.max(worst, Math.sqrt(s));
            }
            assertEquals(worst / Math.sqrt(norm), sens[i], 1e-5);
            assertTrue(sens[i] > 0);
        }
    }

    @Test
    void neighboursLieInTheScaledBoxAndKeepTheInputsTarget() {
        TestModels.Smooth model = new TestModels.Smooth(new double[] {0.3, -0.7, 1.1, 0.2, 0.5}, OutputActivation.SOFTMAX,
                Score.LOGIT);
        Explainer saliency = Saliency.builder().absolute(false).build();
        FloatTensor x = MetricFixtures.repeat(X, 3);
        Attribution a = saliency.explain(model, x, Target.of(0)); // ∂(Σx²)/∂x = 2x turns with x
        float[] scale = {1, 2, 0.5f, 1, 10};
        Neighbourhood.Explained nb = Neighbourhood.builder().count(7).radius(0.05).chunk(4)
                .scale(PerturbationScale.perCell(new FloatTensor(new long[] {1, 5}, scale))).build()
                .explain(model, saliency, a);
        float[] y = nb.neighbours().data();
        for (int r = 0; r < 21; r++) {
            for (int j = 0; j < 5; j++) {
                assertTrue(Math.abs(y[r * 5 + j] - X[j]) <= 0.05 * scale[j] + 1e-6);
            }
        }
        // a curved model: the gradient turns, so consistency is below 1 and sensitivity above 0
        Consistency.Result c = Consistency.of(nb);
        double[] sens = SensitivityMax.of(nb);
        for (int i = 0; i < 3; i++) {
            assertTrue(c.cosine()[i] < 1 && c.cosine()[i] > 0.9, "cosine " + c.cosine()[i]);
            assertTrue(sens[i] > 0);
        }
    }

    @Test
    void spearmanAveragesTiedRanks() {
        float[] a = {1, 2, 3, 4, 5};
        float[] b = {5, 6, 7, 8, 7};
        // ranks of b: 1, 2, 3.5, 5, 3.5 → ρ = 8 / √(10 · 9.5)
        assertEquals(8 / Math.sqrt(95), Similarity.spearman(a, 0, b, 0, 5), 1e-12);
        assertEquals(-1.0, Similarity.spearman(a, 0, new float[] {9, 7, 5, 3, 1}, 0, 5), 1e-12);
        assertTrue(Double.isNaN(Similarity.spearman(a, 0, new float[] {2, 2, 2, 2, 2}, 0, 5)));
        assertEquals(0.0, Similarity.cosine(new float[] {1, 0}, 0, new float[] {0, 3}, 0, 2), 0);
        assertTrue(Double.isNaN(Similarity.cosine(new float[] {0, 0}, 0, new float[] {0, 3}, 0, 2)));
    }
}
