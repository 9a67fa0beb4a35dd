package org.explain4j.onnx;

import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exported gradient graph against central finite differences of the forward graph, on the
 * breast-cancer MLP: an independent check that needs nothing from PyTorch.
 *
 * <p>Step: the MLP standardises its raw features inside the graph, so each feature is stepped
 * by 1% of its standard deviation in the data ({@code h_j = 0.01 sd_j}), i.e. 0.01 in the units
 * the first layer sees, and gradients are compared in those units ({@code g_j sd_j}).
 * The model is piecewise linear (ReLU), so inside one linear piece a difference quotient is exact
 * but for float32 rounding of the logits: a few ulp of |y| ~ 5 over h = 0.01, about 1e-4 of
 * the largest standardised gradient. Tolerance: 1e-3 of that largest component.
 *
 * <p>Kinks: where the forward and backward one-sided quotients disagree by more than the
 * tolerance, a ReLU switches within h of x and the central quotient averages two pieces. There
 * the gradient must equal one of the one-sided quotients (the one whose interval holds no kink
 * lies in x's own piece). At least 80% of the elements must be checked the central way, so the
 * test cannot pass by calling everything a kink (about 4% are kinks at this step).
 */
class OrtModelFiniteDifferenceTest {

    private static final double STEP_IN_SD = 0.01;
    private static final double REL_TOL = 1e-3;

    @Test
    void vjpMatchesCentralDifferencesOfForward() {
        ReferenceModels.Dataset data = ReferenceModels.breastCancer();
        double[] sd = standardDeviations(data.features());
        GoldenSamples golden = GoldenSamples.load("breast_cancer_mlp");
        FloatTensor x = golden.inputs();
        int n = x.batchSize();
        int f = x.sampleSize();
        int linear = 0;
        int checked = 0;
        try (OrtModel model = OrtModel.open(ReferenceModels.source("breast_cancer_mlp"),
                OrtOptions.defaults().withIntraOpThreads(1))) {
            // All 2·F stepped copies of every sample, then the samples themselves, in one forward batch.
            int steppedRows = n * 2 * f;
            float[] stepped = new float[(steppedRows + n) * f];
            System.arraycopy(x.data(), 0, stepped, steppedRows * f, n * f);
            float[] xPlus = new float[n * f];
            float[] xMinus = new float[n * f];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < f; j++) {
                    float xi = x.get(i * f + j);
                    float plus = (float) (xi + STEP_IN_SD * sd[j]);
                    float minus = (float) (xi - STEP_IN_SD * sd[j]);
                    xPlus[i * f + j] = plus; // the steps float32 really took
                    xMinus[i * f + j] = minus;
                    int row = (i * f + j) * 2;
                    System.arraycopy(x.data(), i * f, stepped, row * f, f);
                    System.arraycopy(x.data(), i * f, stepped, (row + 1) * f, f);
                    stepped[row * f + j] = plus;
                    stepped[(row + 1) * f + j] = minus;
                }
            }
            FloatTensor y = model.forward(new FloatTensor(new long[] {steppedRows + n, f}, stepped));
            int classes = model.info().classCount();
            for (int c = 0; c < classes; c++) {
                int target = c;
                FloatTensor grad = model.vjp(x, OrtModelReferenceTest.oneHot(n, classes, r -> target)).inputGradient();
                for (int i = 0; i < n; i++) {
                    double scale = 0;
                    for (int j = 0; j < f; j++) {
                        scale = Math.max(scale, Math.abs(grad.get(i * f + j) * sd[j]));
                    }
                    assertTrue(scale > 0, "a zero gradient would make this test vacuous");
                    double tol = REL_TOL * scale;
                    for (int j = 0; j < f; j++) {
                        int row = (i * f + j) * 2;
                        double y0 = y.get((steppedRows + i) * classes + c);
                        double yPlus = y.get(row * classes + c);
                        double yMinus = y.get((row + 1) * classes + c);
                        double xij = x.get(i * f + j);
                        double forwardQ = (yPlus - y0) / (xPlus[i * f + j] - xij) * sd[j];
                        double backwardQ = (y0 - yMinus) / (xij - xMinus[i * f + j]) * sd[j];
                        double centralQ = (yPlus - yMinus) / (xPlus[i * f + j] - xMinus[i * f + j]) * sd[j];
                        double g = grad.get(i * f + j) * sd[j];
                        String what = "sample " + i + " class " + c + " feature " + j;
                        if (Math.abs(forwardQ - backwardQ) <= tol) {
                            assertEquals(centralQ, g, tol, what);
                            linear++;
                        } else {
                            assertTrue(Math.min(Math.abs(forwardQ - g), Math.abs(backwardQ - g)) <= tol,
                                    what + ": near a kink, gradient " + g + " matches neither one-sided quotient "
                                            + forwardQ + ", " + backwardQ);
                        }
                        checked++;
                    }
                }
            }
        }
        assertTrue(linear >= 0.8 * checked, linear + " of " + checked + " elements away from kinks");
    }

    private static double[] standardDeviations(FloatTensor features) {
        int n = features.batchSize();
        int f = features.sampleSize();
        double[] sd = new double[f];
        for (int j = 0; j < f; j++) {
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                double v = features.get(i * f + j);
                sum += v;
                sumSq += v * v;
            }
            double mean = sum / n;
            sd[j] = Math.sqrt(Math.max(sumSq / n - mean * mean, 0));
        }
        return sd;
    }
}
