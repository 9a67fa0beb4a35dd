package org.explain4j.explain.gradient;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Baseline;
import org.explain4j.explain.Target;
import org.explain4j.explain.TestModels;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntegratedGradientsTest {
    private static final double[] A = {0.9, -0.6, 1.3};
    // a·x ≈ 2.9 at the first sample: the sine bends strongly along the path from 0
    private static final double[][] X = {{0.8, -1.1, 1.2}, {-0.5, 0.7, 0.4}, {1.5, 0.2, -0.3}};

    private static TestModels.Smooth smooth(OutputActivation act) {
        return new TestModels.Smooth(A, act, Score.LOGIT);
    }

    private static IntegratedGradients ig(IntegrationRule rule, int steps) {
        return IntegratedGradients.builder().rule(rule).steps(steps).build();
    }

    @Test
    void onALinearModelIgIsTheInputDifferenceTimesTheWeights() {
        var model = SaliencyTest.linear(OutputActivation.SOFTMAX, Score.LOGIT);
        FloatTensor x = TestModels.batch(new double[] {1, 2, 3}, new double[] {-1, 0.5, 4});
        FloatTensor given = TestModels.batch(new double[] {0.5, -1, 2});
        FloatTensor background = TestModels.batch(new double[] {0, 1, 2}, new double[] {2, 1, 0}, new double[] {1, -2, 1});
        double[] mean = {1, 0, 1};
        for (IntegrationRule rule : IntegrationRule.values()) {
            for (Baseline baseline : List.of(Baseline.zero(), Baseline.of(given), Baseline.meanOf(background))) {
                Attribution a = IntegratedGradients.builder().rule(rule).steps(7).baseline(baseline).build()
                        .explain(model, x, Target.of(1));
                double[] ref = baseline instanceof Baseline.Zero ? new double[3]
                        : baseline instanceof Baseline.Given ? TestModels.toDouble(given.data()) : mean;
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 3; j++) {
                        double expected = (x.data()[i * 3 + j] - ref[j]) * SaliencyTest.W[1][j];
                        assertEquals(expected, a.values().data()[i * 3 + j], 1e-6 * Math.max(1, Math.abs(expected)),
                                rule + " " + baseline.name());
                    }
                    assertEquals(0, a.diagnostics().get("completeness_gap")[i], 1e-5);
                }
            }
        }
    }

    @Test
    void theCompletenessGapShrinksWithStepsAndGaussLegendreWins() {
        var model = smooth(OutputActivation.SOFTMAX);
        FloatTensor x = TestModels.batch(X);
        for (IntegrationRule rule : List.of(IntegrationRule.RIEMANN_MIDDLE, IntegrationRule.RIEMANN_TRAPEZOID,
                IntegrationRule.RIEMANN_LEFT)) {
            double previous = Double.POSITIVE_INFINITY;
            for (int steps : new int[] {4, 16, 64}) {
                double gap = Math.abs(ig(rule, steps).explain(model, x, Target.of(1))
                        .diagnostics().get("relative_completeness_gap")[0]);
                // Riemann errors fall like 1/m (left) or 1/m² (middle, trapezoid): at least 3× per 4× steps
                assertTrue(gap < previous / 3, rule + " " + steps + " steps: " + gap + " vs " + previous);
                previous = gap;
            }
        }
        for (int steps : new int[] {4, 8, 16}) {
            double gl = Math.abs(ig(IntegrationRule.GAUSS_LEGENDRE, steps).explain(model, x, Target.of(1))
                    .diagnostics().get("relative_completeness_gap")[0]);
            double mid = Math.abs(ig(IntegrationRule.RIEMANN_MIDDLE, steps).explain(model, x, Target.of(1))
                    .diagnostics().get("relative_completeness_gap")[0]);
            double trap = Math.abs(ig(IntegrationRule.RIEMANN_TRAPEZOID, steps).explain(model, x, Target.of(1))
                    .diagnostics().get("relative_completeness_gap")[0]);
            assertTrue(gl < mid / 10 && gl < trap / 10, steps + " steps: GL " + gl + ", middle " + mid + ", trapezoid " + trap);
        }
        // With 16 Gauss–Legendre nodes the quadrature error is far below float rounding.
        Attribution a = ig(IntegrationRule.GAUSS_LEGENDRE, 16).explain(model, x, Target.of(1));
        for (double g : a.diagnostics().get("relative_completeness_gap")) {
            assertTrue(Math.abs(g) < 1e-5, "gap " + g);
        }
    }

    @Test
    void diagnosticsHoldTheScoresAndTheGap() {
        var model = smooth(OutputActivation.SOFTMAX);
        FloatTensor x = TestModels.batch(X);
        Attribution a = IntegratedGradients.create().explain(model, x, Target.of(1));
        for (int i = 0; i < 3; i++) {
            double sx = model.logits(TestModels.toDouble(x.sampleData(i)))[1];
            assertEquals(sx, a.diagnostics().get("score_at_input")[i], 1e-6);
            assertEquals(0.0, a.diagnostics().get("score_at_baseline")[i], 0.0);
            double sum = 0;
            for (float v : a.values().sampleData(i)) {
                sum += v;
            }
            double gap = a.diagnostics().get("completeness_gap")[i];
            assertEquals(sum - (a.diagnostics().get("score_at_input")[i] - a.diagnostics().get("score_at_baseline")[i]),
                    gap, 1e-6);
            assertEquals(gap / Math.abs(sx), a.diagnostics().get("relative_completeness_gap")[i], 1e-6);
        }
        assertEquals("integrated_gradients", a.method());
        assertEquals(50, a.parameters().get("steps"));
        assertEquals("gausslegendre", a.parameters().get("rule"));
        assertEquals("zero", a.parameters().get("baseline"));
        assertEquals(64, a.parameters().get("batch_size"));
        assertEquals("logit", a.parameters().get("score"));
    }

    @Test
    void probabilityIgIsCompleteForTheProbability() {
        for (OutputActivation act : new OutputActivation[] {OutputActivation.SOFTMAX, OutputActivation.SIGMOID}) {
            var model = smooth(act);
            FloatTensor x = TestModels.batch(X);
            Attribution a = IntegratedGradients.builder().steps(64).score(Score.PROBABILITY).build()
                    .explain(model, x, Target.of(1));
            for (int i = 0; i < 3; i++) {
                double[] xi = TestModels.toDouble(x.sampleData(i));
                double px = TestModels.probability(model.logits(xi), 1, act);
                double p0 = TestModels.probability(model.logits(new double[3]), 1, act);
                assertEquals(px, a.diagnostics().get("score_at_input")[i], 1e-7);
                assertEquals(p0, a.diagnostics().get("score_at_baseline")[i], 1e-7);
                assertTrue(Math.abs(a.diagnostics().get("completeness_gap")[i]) < 1e-6,
                        act + " gap " + a.diagnostics().get("completeness_gap")[i]);
            }
        }
    }

    @Test
    void batchingDoesNotChangeTheResultAndStreamsAcrossSamples() {
        FloatTensor x = TestModels.batch(X);
        float[] reference = null;
        for (int batch : new int[] {1, 7, 64}) {
            var model = smooth(OutputActivation.SOFTMAX);
            Attribution a = IntegratedGradients.builder().steps(10).batchSize(batch).build()
                    .explain(model, x, Target.predicted());
            if (reference == null) {
                reference = a.values().data();
            } else {
                assertArrayEquals(reference, a.values().data(), "batch " + batch);
            }
            int rows = model.vjpBatches.stream().mapToInt(Integer::intValue).sum();
            assertEquals(30, rows, "every (sample, step) point once");
            assertTrue(model.vjpBatches.stream().allMatch(b -> b <= batch), model.vjpBatches.toString());
            if (batch == 7) {
                assertEquals(List.of(7, 7, 7, 7, 2), model.vjpBatches);
            }
        }
    }

    @Test
    void badBaselinesAndStepsAreExplained() {
        var model = smooth(OutputActivation.SOFTMAX);
        FloatTensor x = TestModels.batch(X);
        ExplainException shape = assertThrows(ExplainException.class, () -> IntegratedGradients.builder()
                .baseline(Baseline.of(TestModels.batch(new double[] {1, 2}))).build().explain(model, x, Target.of(0)));
        assertTrue(shape.getMessage().contains("sample shape [2]"), shape.getMessage());
        ExplainException count = assertThrows(ExplainException.class, () -> IntegratedGradients.builder()
                .baseline(Baseline.of(TestModels.batch(new double[3], new double[3]))).build()
                .explain(model, x, Target.of(0)));
        assertTrue(count.getMessage().contains("2 samples for 3 inputs"), count.getMessage());
        assertThrows(ExplainException.class,
                () -> IntegratedGradients.builder().rule(IntegrationRule.RIEMANN_TRAPEZOID).steps(1).build());
        assertThrows(ExplainException.class, () -> IntegratedGradients.builder().steps(0).build());
        assertThrows(ExplainException.class, () -> IntegratedGradients.builder().batchSize(0).build());
        assertThrows(ExplainException.class, () -> IntegratedGradients.create().explain(model, x, Target.of(2)));
    }
}
