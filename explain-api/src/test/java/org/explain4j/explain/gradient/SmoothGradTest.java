package org.explain4j.explain.gradient;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.explain.TestModels;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmoothGradTest {
    private static final double[] A = {0.9, -0.6, 1.3};
    private static final double[][] X = {{0.8, -1.1, 1.2}, {-0.5, 0.7, 0.4}, {1.5, 0.2, -0.3}};

    private static TestModels.Smooth model() {
        return new TestModels.Smooth(A, OutputActivation.SOFTMAX, Score.LOGIT);
    }

    @Test
    void sameSeedAndAnyBatchSizeGiveIdenticalResults() {
        FloatTensor x = TestModels.batch(X);
        float[] reference = SmoothGrad.builder().samples(20).seed(7).batchSize(64).build()
                .explain(model(), x, Target.of(1)).values().data();
        for (int batch : new int[] {1, 3, 7, 64}) {
            var m = model();
            float[] v = SmoothGrad.builder().samples(20).seed(7).batchSize(batch).build()
                    .explain(m, x, Target.of(1)).values().data();
            assertArrayEquals(reference, v, "batch " + batch);
            assertTrue(m.vjpBatches.stream().allMatch(b -> b <= batch));
            assertEquals(60, m.vjpBatches.stream().mapToInt(Integer::intValue).sum());
        }
        float[] other = SmoothGrad.builder().samples(20).seed(8).build().explain(model(), x, Target.of(1)).values().data();
        assertFalse(Arrays.equals(reference, other), "another seed draws other noise");
        // A sample's noise depends on its position only: the first two samples alone give the same rows.
        float[] firstTwo = SmoothGrad.builder().samples(20).seed(7).batchSize(5).build()
                .explain(model(), x.slice(0, 2), Target.of(1)).values().data();
        assertArrayEquals(Arrays.copyOf(reference, 6), firstTwo);
    }

    @Test
    void theMeanGradientMatchesTheAnalyticGradientAtTheDocumentedNoise() {
        // Rebuild the documented noise: sample i uses the i-th split of SplittableRandom(seed),
        // σ_i = level · (max − min), draws in order; the gradient is the model's analytic one.
        FloatTensor x = TestModels.batch(X);
        int n = 30;
        double level = 0.2;
        long seed = 11;
        for (boolean squared : new boolean[] {false, true}) {
            for (boolean times : new boolean[] {false, true}) {
                Attribution a = SmoothGrad.builder().samples(n).noiseLevel(level).seed(seed).batchSize(16)
                        .squared(squared).multiplyByInput(times).build().explain(model(), x, Target.of(1));
                SplittableRandom root = new SplittableRandom(seed);
                for (int i = 0; i < 3; i++) {
                    float[] xi = x.sampleData(i);
                    double sigma = level * (max(xi) - min(xi));
                    assertEquals(sigma, a.diagnostics().get("noise_sigma")[i], 1e-12);
                    SplittableRandom rng = root.split();
                    double[] sum = new double[3];
                    for (int d = 0; d < n; d++) {
                        double[] noisy = new double[3];
                        for (int j = 0; j < 3; j++) {
                            noisy[j] = (float) (xi[j] + sigma * rng.nextGaussian());
                        }
                        double dot = A[0] * noisy[0] + A[1] * noisy[1] + A[2] * noisy[2];
                        for (int j = 0; j < 3; j++) {
                            double g = A[j] * Math.cos(dot);
                            sum[j] += squared ? g * g : g;
                        }
                    }
                    for (int j = 0; j < 3; j++) {
                        double expected = sum[j] / n * (times ? xi[j] : 1.0);
                        assertEquals(expected, a.values().data()[i * 3 + j], 1e-6, "sample " + i + " feature " + j);
                    }
                }
                assertEquals(seed, a.provenance().seed().getAsLong());
                assertEquals(seed, a.parameters().get("seed"));
                assertEquals(squared, a.parameters().get("squared"));
            }
        }
    }

    @Test
    void withoutNoiseItIsTheGradientAndOnALinearModelTheWeights() {
        FloatTensor x = TestModels.batch(X);
        float[] plain = Saliency.builder().absolute(false).build().explain(model(), x, Target.of(0)).values().data();
        float[] smooth = SmoothGrad.builder().noiseLevel(0).samples(5).build().explain(model(), x, Target.of(0))
                .values().data();
        assertArrayEquals(plain, smooth, 1e-6f);
        var linear = SaliencyTest.linear(OutputActivation.SOFTMAX, Score.LOGIT);
        float[] w = SmoothGrad.create().explain(linear, x, Target.of(2)).values().data();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(SaliencyTest.W[2][j], w[i * 3 + j], 1e-6);
            }
        }
    }

    @Test
    void badParametersAreExplained() {
        assertThrows(ExplainException.class, () -> SmoothGrad.builder().samples(0).build());
        ExplainException e = assertThrows(ExplainException.class, () -> SmoothGrad.builder().noiseLevel(-0.1).build());
        assertTrue(e.getMessage().contains("noise level -0.1"), e.getMessage());
        assertThrows(ExplainException.class, () -> SmoothGrad.builder().noiseLevel(Double.NaN).build());
        assertThrows(ExplainException.class, () -> SmoothGrad.builder().batchSize(-1).build());
    }

    private static double max(float[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (float f : v) {
            m = Math.max(m, f);
        }
        return m;
    }

    private static double min(float[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (float f : v) {
            m = Math.min(m, f);
        }
        return m;
    }
}
