package org.explain4j.explain.gradient;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.explain.TestModels;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saliency and gradient × input against hand-computed gradients and finite differences. */
class SaliencyTest {
    static final double[][] W = {{0.5, -2.0, 1.0}, {-1.5, 0.25, 3.0}, {0.0, 1.0, -0.75}};
    static final double[] B = {0.1, -0.2, 0.3};

    static TestModels.Linear linear(OutputActivation act, Score defaultScore) {
        return new TestModels.Linear(W, B, act, defaultScore);
    }

    @Test
    void signedSaliencyOfALinearLogitIsItsWeightRow() {
        var model = linear(OutputActivation.SOFTMAX, Score.LOGIT);
        FloatTensor x = TestModels.batch(new double[] {1, 2, 3}, new double[] {-1, 0.5, 0});
        Attribution a = Saliency.builder().absolute(false).build().explain(model, x, Target.perSample(1, 2));
        assertArrayEquals(new float[] {-1.5f, 0.25f, 3.0f, 0f, 1f, -0.75f}, a.values().data());
        assertArrayEquals(new int[] {1, 2}, a.targets());
        assertEquals("saliency", a.method());
        assertEquals(Score.LOGIT, a.score());
        assertEquals(false, a.parameters().get("absolute"));
        assertEquals("logit", a.parameters().get("score"));
        assertEquals("linear", a.provenance().modelName());
        assertEquals("sha256-test", a.provenance().modelChecksum());
        assertArrayEquals(model.forward(x).data(), a.outputs().data());
        // S = y_1 = −1.5 + 0.5 + 9 + (−0.2) at the first sample
        assertEquals(-1.5 + 0.5 + 9 - 0.2, a.diagnostics().get("score_at_input")[0], 1e-6);
    }

    @Test
    void defaultSaliencyIsTheAbsoluteGradient() {
        var model = linear(OutputActivation.SOFTMAX, Score.LOGIT);
        FloatTensor x = TestModels.batch(new double[] {1, 2, 3});
        Attribution a = Saliency.create().explain(model, x, Target.of(0));
        assertArrayEquals(new float[] {0.5f, 2.0f, 1.0f}, a.values().data());
        assertEquals(true, a.parameters().get("absolute"));
    }

    @Test
    void saliencyOfTheSmoothModelIsItsAnalyticGradient() {
        double[] av = {0.7, -0.4, 1.1};
        var model = new TestModels.Smooth(av, OutputActivation.SOFTMAX, Score.LOGIT);
        double[] x = {0.3, -1.2, 0.8};
        FloatTensor in = TestModels.batch(x, x);
        Attribution a = Saliency.builder().absolute(false).build().explain(model, in, Target.perSample(0, 1));
        double dot = 0;
        for (int j = 0; j < 3; j++) {
            dot += av[j] * (float) x[j];
        }
        for (int j = 0; j < 3; j++) {
            assertEquals(2 * (float) x[j], a.values().data()[j], 1e-6);
            assertEquals(av[j] * Math.cos(dot), a.values().data()[3 + j], 1e-6);
        }
    }

    @Test
    void probabilitySaliencyIsTheFiniteDifferenceOfTheProbability() {
        for (OutputActivation act : new OutputActivation[] {OutputActivation.SOFTMAX, OutputActivation.SIGMOID}) {
            var model = new TestModels.Smooth(new double[] {0.7, -0.4, 1.1}, act, Score.LOGIT);
            double[] x = {0.3, -1.2, 0.2}; // a·x = 0.91: away from the zero of cos
            for (int t = 0; t < 2; t++) {
                Attribution a = Saliency.builder().absolute(false).score(Score.PROBABILITY).build()
                        .explain(model, TestModels.batch(x), Target.of(t));
                assertEquals(Score.PROBABILITY, a.score());
                double[] xf = TestModels.toDouble(TestModels.batch(x).data());
                double[] fd = new double[3];
                for (int j = 0; j < 3; j++) {
                    double h = 1e-6;
                    double[] up = xf.clone();
                    double[] down = xf.clone();
                    up[j] += h;
                    down[j] -= h;
                    fd[j] = (TestModels.probability(model.logits(up), t, act)
                            - TestModels.probability(model.logits(down), t, act)) / (2 * h);
                }
                double scale = TestModels.maxAbs(fd);
                assertTrue(scale > 1e-3, "a non-trivial gradient");
                for (int j = 0; j < 3; j++) {
                    assertEquals(fd[j], a.values().data()[j], 1e-5 * scale, act + " target " + t + " feature " + j);
                }
                assertEquals(TestModels.probability(model.logits(xf), t, act),
                        a.diagnostics().get("score_at_input")[0], 1e-6);
            }
        }
    }

    @Test
    void theSidecarDefaultScoreIsUsedWhenNoneIsAsked() {
        var model = linear(OutputActivation.SIGMOID, Score.PROBABILITY);
        FloatTensor x = TestModels.batch(new double[] {0.2, 0.1, -0.3});
        Attribution a = Saliency.builder().absolute(false).build().explain(model, x, Target.of(2));
        assertEquals(Score.PROBABILITY, a.score());
        double y = model.logits(TestModels.toDouble(x.data()))[2];
        double p = 1 / (1 + Math.exp(-y));
        for (int j = 0; j < 3; j++) {
            assertEquals(p * (1 - p) * W[2][j], a.values().data()[j], 1e-7);
        }
    }

    @Test
    void gradientTimesInputIsInputTimesWeight() {
        var model = linear(OutputActivation.SOFTMAX, Score.LOGIT);
        FloatTensor x = TestModels.batch(new double[] {1, 2, 3}, new double[] {-1, 0.5, 4});
        Attribution a = GradientTimesInput.create().explain(model, x, Target.of(1));
        assertArrayEquals(new float[] {-1.5f, 0.5f, 9f, 1.5f, 0.125f, 12f}, a.values().data());
        assertEquals("gradxinput", a.method());
        assertEquals("logit", a.parameters().get("score"));
    }

    @Test
    void predictedTargetIsTheArgmaxLogit() {
        var model = linear(OutputActivation.SOFTMAX, Score.LOGIT);
        FloatTensor x = TestModels.batch(new double[] {1, 2, 3}, new double[] {2, -1, 0});
        Attribution a = GradientTimesInput.create().explain(model, x, Target.predicted());
        // y(x1) = [-0.4, 7.8, 0.05], y(x2) = [3.1, -3.45, -0.7]
        assertArrayEquals(new int[] {1, 0}, a.targets());
    }

    @Test
    void errorsNameWhatIsWrong() {
        var model = linear(OutputActivation.NONE, Score.LOGIT);
        FloatTensor x = TestModels.batch(new double[] {1, 2, 3});
        ExplainException range = assertThrows(ExplainException.class,
                () -> Saliency.create().explain(model, x, Target.of(3)));
        assertTrue(range.getMessage().contains("out of range"), range.getMessage());
        ExplainException prob = assertThrows(ExplainException.class,
                () -> Saliency.builder().score(Score.PROBABILITY).build().explain(model, x, Target.of(0)));
        assertTrue(prob.getMessage().contains("declares no output activation"), prob.getMessage());
        ExplainException shape = assertThrows(ExplainException.class,
                () -> Saliency.create().explain(model, TestModels.batch(new double[] {1, 2}), Target.of(0)));
        assertTrue(shape.getMessage().contains("expects [N,3]"), shape.getMessage());
        ExplainException nan = assertThrows(ExplainException.class,
                () -> Saliency.create().explain(model, TestModels.batch(new double[] {1, Double.NaN, 2}), Target.of(0)));
        assertTrue(nan.getMessage().contains("[0,1]"), nan.getMessage());
        assertFalse(range.getMessage().contains("\n"));
    }

    @Test
    void aModelWithoutGradientsFailsWithItsOwnMessage() {
        var model = new TestModels.ForwardOnly();
        FloatTensor x = TestModels.batch(new double[] {1, 2});
        ExplainException e = assertThrows(ExplainException.class,
                () -> Saliency.create().explain(model, x, Target.of(0)));
        assertTrue(e.getMessage().contains("has no gradient graph"), e.getMessage());
        assertThrows(ExplainException.class, () -> IntegratedGradients.create().explain(model, x, Target.of(0)));
        assertThrows(ExplainException.class, () -> SmoothGrad.create().explain(model, x, Target.of(0)));
    }
}
