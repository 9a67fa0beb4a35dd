package org.explain4j.visualize;

import org.explain4j.ExplainException;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.TensorInfo;
import org.explain4j.model.VjpResult;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gradient ascent on a linear model y = W x + b, whose regularised optimum is known: I* = w_c / (2λ). */
class ClassVisualizationLinearTest {

    private static final float[][] W = {{0.5f, -1.0f, 0.25f, 2.0f}, {-0.75f, 0.3f, 1.5f, -0.2f}, {0.1f, 0.1f, -0.4f, 0.9f}};
    private static final float[] B = {0.3f, -0.1f, 0.7f};

    /** Pure-Java linear model with hand-written gradients: vjp = cotangentᵀ W per row. */
    static final class Linear implements ExplainableModel {
        private final ModelInfo info;

        Linear() {
            TensorInfo in = new TensorInfo("x", new long[]{-1, W[0].length}, "float32");
            info = new ModelInfo("linear", List.of(in), List.of(new TensorInfo("y", new long[]{-1, W.length}, "float32")),
                    ModelDescription.inferred("linear", in), "sha256-test", "java", "cpu");
        }

        @Override
        public ModelInfo info() {
            return info;
        }

        @Override
        public FloatTensor forward(FloatTensor x) {
            int n = x.batchSize();
            float[] y = new float[n * W.length];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < W.length; c++) {
                    double s = B[c];
                    for (int f = 0; f < W[c].length; f++) {
                        s += W[c][f] * x.data()[i * W[c].length + f];
                    }
                    y[i * W.length + c] = (float) s;
                }
            }
            return new FloatTensor(new long[]{n, W.length}, y);
        }

        @Override
        public boolean supportsGradients() {
            return true;
        }

        @Override
        public VjpResult vjp(FloatTensor x, FloatTensor cotangent) {
            int n = x.batchSize();
            int f = W[0].length;
            float[] g = new float[n * f];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < W.length; c++) {
                    for (int j = 0; j < f; j++) {
                        g[i * f + j] += cotangent.data()[i * W.length + c] * W[c][j];
                    }
                }
            }
            return new VjpResult(forward(x), new FloatTensor(x.shape(), g));
        }

        @Override
        public Map<String, FloatTensor> activations(FloatTensor input, Collection<String> tensorNames) {
            throw new ExplainException("no intermediate tensors");
        }

        @Override
        public void close() {
        }
    }

    @Test
    void optimumIsWeightsOverTwoLambda() {
        float lambda = 0.5f;
        // α·2λ = 0.2: the error shrinks by 0.8 per step, 0.8^300 ≈ 1e-29.
        VisualizationOptions o = VisualizationOptions.defaults().withLambda(lambda).withStepSize(0.2f).withIterations(300);
        ClassVisualization.Result r = new ClassVisualization(new Linear(), InputLayout.FEATURES, null, o).classes(0, 2, 1);
        int[] classes = {0, 2, 1};
        for (int k = 0; k < 3; k++) {
            float[] expected = new float[W[0].length];
            double bestObjective = B[classes[k]];
            for (int j = 0; j < expected.length; j++) {
                expected[j] = W[classes[k]][j] / (2 * lambda);
                bestObjective += W[classes[k]][j] * W[classes[k]][j] / (4 * lambda);
            }
            assertArrayEquals(expected, r.inputs().sampleData(k), 1e-4f, "class " + classes[k]);
            assertEquals(bestObjective, r.objectives()[k][300], 1e-4, "objective at the optimum");
            for (int t = 1; t <= 300; t++) {
                assertTrue(r.objectives()[k][t] >= r.objectives()[k][t - 1] - 1e-5, "objective rises at step " + t);
            }
        }
    }

    @Test
    void trainingMeanIsAddedToTheDeviation() {
        float lambda = 0.5f;
        float[] mean = {1f, 2f, 3f, 4f};
        VisualizationOptions o = VisualizationOptions.defaults().withLambda(lambda).withStepSize(0.2f).withIterations(300)
                .withTrainingMean(new FloatTensor(new long[]{4}, mean)).withStart(VisualizationOptions.Start.MEAN, 0, 0);
        ClassVisualization.Result r = new ClassVisualization(new Linear(), InputLayout.FEATURES, null, o).classes(1);
        for (int j = 0; j < 4; j++) {
            assertEquals(mean[j] + W[1][j] / (2 * lambda), r.inputs().data()[j], 1e-4);
        }
    }

    @Test
    void noiseStartIsReproducibleBySeed() {
        VisualizationOptions o = VisualizationOptions.defaults().withIterations(3)
                .withStart(VisualizationOptions.Start.NOISE, 42L, 1f);
        float[] a = new ClassVisualization(new Linear(), InputLayout.FEATURES, null, o).classes(0).inputs().data();
        float[] b = new ClassVisualization(new Linear(), InputLayout.FEATURES, null, o).classes(0).inputs().data();
        float[] c = new ClassVisualization(new Linear(), InputLayout.FEATURES, null,
                o.withStart(VisualizationOptions.Start.NOISE, 43L, 1f)).classes(0).inputs().data();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void badInputGivesOneLineErrors() {
        ExplainException e = assertThrows(ExplainException.class, () -> VisualizationOptions.defaults().withLambda(-0.1f));
        assertTrue(e.getMessage().contains("lambda") && e.getMessage().contains(">= 0"), e.getMessage());
        ExplainException c = assertThrows(ExplainException.class, () -> new ClassVisualization(new Linear(),
                InputLayout.FEATURES, null, VisualizationOptions.defaults()).classes(3));
        assertTrue(c.getMessage().contains("0..2"), c.getMessage());
        // Unit visualisation on a model whose first output is the tensor: the linear output has 3 units.
        ExplainException u = assertThrows(ExplainException.class, () -> new ClassVisualization(new Linear(),
                InputLayout.FEATURES, null, VisualizationOptions.defaults()).units("y", 5));
        assertTrue(u.getMessage().contains("unit 5 is out of range") && u.getMessage().contains("3 units"), u.getMessage());
        for (String m : List.of(e.getMessage(), c.getMessage(), u.getMessage())) {
            assertFalse(m.contains("\n"), m);
        }
    }

    @Test
    void oneHotGroupsStayProbabilityVectorsAndMasksStayInUnitRange() {
        ValidRange range = ValidRange.ofGroups(List.of(new int[]{0, 1, 2}, new int[]{3}), new int[]{4});
        float[] x = {0.9f, 0.8f, -0.3f, 7f, 1.7f, 0.1f, 0.1f, 0.1f, -2f, -0.5f};
        range.project(x, 0, 5, 2);
        // Hand-computed: (0.9, 0.8, -0.3) → θ = 0.35 → (0.55, 0.45, 0); (0.1,0.1,0.1) → 1/3 each.
        assertArrayEquals(new float[]{0.55f, 0.45f, 0f, 7f, 1f, 1f / 3, 1f / 3, 1f / 3, -2f, 0f}, x, 1e-6f);
    }
}
