package org.explain4j.explain;

import org.explain4j.ExplainException;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoreFunctionTest {

    private static final float[] LOGITS = {0.3f, -1.2f, 2.1f, 0.0f, 1.5f, -0.7f, 0.25f, 0.8f};

    private static FloatTensor logits() {
        return new FloatTensor(new long[] {2, 4}, LOGITS.clone());
    }

    @Test
    void logitCotangentIsOneHot() {
        ScoreFunction.Evaluation e = ScoreFunction.of(Score.LOGIT, OutputActivation.SOFTMAX)
                .evaluate(logits(), new int[] {2, 0});
        assertArrayEquals(new double[] {2.1f, 1.5f}, e.scores());
        assertArrayEquals(new double[] {0, 0, 1, 0, 1, 0, 0, 0}, e.cotangent());
        assertArrayEquals(new float[] {0, 0, 1, 0, 1, 0, 0, 0}, e.cotangentTensor().data());
        assertArrayEquals(e.cotangentTensor().data(), ScoreFunction.oneHot(new int[] {2, 0}, 4).data());
    }

    @Test
    void softmaxCotangentIsTheFiniteDifferenceOfTheProbability() {
        checkAgainstFiniteDifferences(OutputActivation.SOFTMAX);
    }

    @Test
    void sigmoidCotangentIsTheFiniteDifferenceOfTheProbability() {
        checkAgainstFiniteDifferences(OutputActivation.SIGMOID);
    }

    private static void checkAgainstFiniteDifferences(OutputActivation act) {
        ScoreFunction sf = ScoreFunction.of(Score.PROBABILITY, act);
        for (int target = 0; target < 4; target++) {
            ScoreFunction.Evaluation e = sf.evaluate(logits(), new int[] {target, (target + 1) % 4});
            for (int i = 0; i < 2; i++) {
                int t = i == 0 ? target : (target + 1) % 4;
                double[] y = new double[4];
                for (int k = 0; k < 4; k++) {
                    y[k] = LOGITS[i * 4 + k];
                }
                assertEquals(TestModels.probability(y, t, act), e.scores()[i], 1e-15);
                double h = 1e-5;
                for (int k = 0; k < 4; k++) {
                    double[] up = y.clone();
                    double[] down = y.clone();
                    up[k] += h;
                    down[k] -= h;
                    double fd = (TestModels.probability(up, t, act) - TestModels.probability(down, t, act)) / (2 * h);
                    assertEquals(fd, e.cotangent()[i * 4 + k], 1e-9, act + " target " + t + " column " + k);
                }
            }
        }
    }

    @Test
    void largeLogitsStayFinite() {
        FloatTensor y = new FloatTensor(new long[] {1, 3}, new float[] {1000f, -1000f, 0f});
        ScoreFunction.Evaluation soft = ScoreFunction.of(Score.PROBABILITY, OutputActivation.SOFTMAX)
                .evaluate(y, new int[] {0});
        assertEquals(1.0, soft.scores()[0], 0.0);
        for (double w : soft.cotangent()) {
            assertTrue(Double.isFinite(w));
        }
        // σ(−800) underflows in a naive 1/(1+e^800); here p and p(1−p) stay positive and accurate.
        FloatTensor z = new FloatTensor(new long[] {1, 2}, new float[] {-30f, 30f});
        ScoreFunction.Evaluation sig = ScoreFunction.of(Score.PROBABILITY, OutputActivation.SIGMOID)
                .evaluate(z, new int[] {1});
        double p = 1.0 / (1.0 + Math.exp(-30));
        assertEquals(Math.exp(-30) / (1 + Math.exp(-30)) * p, sig.cotangent()[1], 1e-28);
        assertEquals(0.0, sig.cotangent()[0], 0.0);
        assertTrue(sig.cotangent()[1] > 0);
    }

    @Test
    void probabilityWithoutActivationNamesTheSidecar() {
        ExplainException e = assertThrows(ExplainException.class,
                () -> ScoreFunction.of(Score.PROBABILITY, OutputActivation.NONE));
        assertTrue(e.getMessage().contains("sidecar declares no output activation"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void targetOutOfRangeAndBadOutputsAreRejected() {
        ScoreFunction sf = ScoreFunction.of(Score.LOGIT, OutputActivation.NONE);
        ExplainException e = assertThrows(ExplainException.class, () -> sf.evaluate(logits(), new int[] {0, 4}));
        assertTrue(e.getMessage().contains("valid: 0..3"), e.getMessage());
        assertThrows(ExplainException.class, () -> sf.evaluate(logits(), new int[] {0}));
        assertThrows(ExplainException.class,
                () -> sf.evaluate(new FloatTensor(new long[] {1, 2}, new float[] {Float.NaN, 0}), new int[] {0}));
        assertThrows(ExplainException.class,
                () -> sf.evaluate(new FloatTensor(new long[] {1, 2, 1}, new float[] {1, 0}), new int[] {0}));
    }
}
