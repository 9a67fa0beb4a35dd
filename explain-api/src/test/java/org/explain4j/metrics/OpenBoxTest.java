package org.explain4j.metrics;

import org.explain4j.ExplainException;
import org.explain4j.explain.TestModels;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenBoxTest {
    // 3 inputs → 5 hidden ReLUs → 2 logits; every hidden unit reaches both outputs
    private static final double[][] A = {{1.0, -0.5, 0.3}, {-0.8, 1.2, 0.1}, {0.4, 0.4, -1.0}, {0.2, -1.1, 0.7},
        {-0.6, 0.3, 0.9}};
    private static final double[] AB = {0.1, -0.2, 0.3, 0.05, -0.1};
    private static final double[][] V = {{1.5, -0.7, 0.8, 1.1, -0.9}, {-0.4, 1.3, -1.2, 0.6, 0.7}};
    private static final double[] VB = {0.2, -0.3};

    private static MetricFixtures.ReluNet net() {
        return new MetricFixtures.ReluNet(A, AB, V, VB);
    }

    private static final FloatTensor X = TestModels.batch(new double[] {0.5, -0.3, 0.8}, new double[] {-1.0, 0.7, 0.2},
            new double[] {2.0, 1.5, -0.5});

    @Test
    void theLinearModelIsTheActivePathsProductAndReproducesTheOutput() {
        MetricFixtures.ReluNet net = net();
        OpenBox.LinearModel[] lm = OpenBox.builder().build().linearize(net, X);
        for (int i = 0; i < 3; i++) {
            double[] x = TestModels.toDouble(X.sampleData(i));
            double[] z = net.pre(x);
            for (int c = 0; c < 2; c++) {
                double b = VB[c];
                for (int h = 0; h < 5; h++) {
                    if (z[h] > 0) {
                        b += V[c][h] * AB[h];
                    }
                }
                assertEquals(b, lm[i].bias()[c], 1e-5, "b_r, independent: c + V diag(active) a");
                for (int j = 0; j < 3; j++) {
                    double w = 0;
                    for (int h = 0; h < 5; h++) {
                        if (z[h] > 0) {
                            w += V[c][h] * A[h][j];
                        }
                    }
                    assertEquals(w, lm[i].weights()[c * 3 + j], 1e-6, "W_r, independent: V diag(active) A");
                }
            }
            double[] y = net.logits(x);
            double[] p = lm[i].predict(X.data(), i * 3);
            for (int c = 0; c < 2; c++) {
                assertEquals(y[c], p[c], 1e-5);
            }
        }
    }

    @Test
    void theRegionRadiusIsTheDistanceToTheFirstKink() {
        MetricFixtures.ReluNet net = net();
        OpenBox.Result r = OpenBox.builder().directions(6).refinements(30).maxRadius(20).build().compute(net, X);
        for (int i = 0; i < 3; i++) {
            double[] x = TestModels.toDouble(X.sampleData(i));
            for (int k = 0; k < 6; k++) {
                double[] d = TestModels.toDouble(r.directions()[i * 6 + k]);
                double kink = net.firstKink(x, d);
                double radius = r.radius()[i][k];
                if (kink >= 20) {
                    assertTrue(r.censored()[i][k]);
                    continue;
                }
                // the Jacobian jumps at the kink: found to the bisection's precision
                assertEquals(kink, radius, 1e-5 * kink + 1e-6, "direction " + k + " of input " + i);
            }
            assertTrue(r.reproductionError()[i] < 1e-5, "reproduction " + r.reproductionError()[i]);
            assertEquals(0.0, r.jacobianChange()[i], 1e-6, "same linear model everywhere in the region");
        }
        assertTrue(OpenBoxSummary.of(r, "test", 1).maxRelativeReproduction() < 1e-5);
    }

    @Test
    void aCurvedModelHoldsItsLinearModelOnlyClose() {
        TestModels.Smooth model = new TestModels.Smooth(new double[] {0.4, -0.3, 0.9}, OutputActivation.SOFTMAX,
                Score.LOGIT);
        OpenBox.Result r = OpenBox.builder().directions(4).tolerance(1e-4).build().compute(model, X);
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 4; k++) {
                // Σx² departs from its tangent by s²·|u|²: the radius is about √(tol · (1 + max|f|))
                assertTrue(r.radius()[i][k] < 0.5, "radius " + r.radius()[i][k]);
                assertTrue(!r.censored()[i][k]);
            }
            assertTrue(r.jacobianChange()[i] > 0);
        }
    }

    @Test
    void everythingIsBatched() {
        MetricFixtures.ReluNet net = net();
        OpenBox.builder().directions(5).refinements(3).batchSize(8).build().compute(net, X);
        assertTrue(net.forwardBatches.stream().allMatch(b -> b <= 8));
        assertTrue(net.vjpBatches.stream().allMatch(b -> b <= 8));
        // Jacobians (2 rows per point): 3 inputs, 15 pairs × (24 grid points + 3 bisections + 1 midpoint)
        assertEquals(2 * (3 + 15 * (24 + 3 + 1)), net.vjpBatches.stream().mapToInt(Integer::intValue).sum());
        net.vjpBatches.clear();
        OpenBox.Result outputsOnly = OpenBox.builder().directions(5).refinements(3).batchSize(8).checkJacobian(false)
                .build().compute(net, X);
        assertEquals(6, net.vjpBatches.stream().mapToInt(Integer::intValue).sum(), "only the linear models");
        assertTrue(Double.isNaN(outputsOnly.jacobianChange()[0]));
    }

    @Test
    void aModelWithoutGradientsIsRefused() {
        ExplainException e = assertThrows(ExplainException.class,
                () -> OpenBox.builder().build().linearize(new TestModels.ForwardOnly(),
                        TestModels.batch(new double[] {1, 2})));
        assertTrue(e.getMessage().startsWith("OpenBox needs the model's gradients"), e.getMessage());
    }
}
