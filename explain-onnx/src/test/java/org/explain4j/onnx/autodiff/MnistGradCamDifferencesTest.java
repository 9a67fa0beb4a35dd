package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.explain4j.explain.Target;
import org.explain4j.explain.cam.GradCam;
import org.explain4j.model.ModelSource;
import org.explain4j.model.Score;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.OrtOptions;
import org.explain4j.onnx.graph.GraphCut;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.OrtRun;
import org.explain4j.onnx.graph.OrtRun.Arr;
import org.explain4j.onnx.graph.ValueShapes;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Grad-CAM on the real third-party MNIST model (no exported gradient graph: the gradient to its
 * last convolution's output comes from a graph built in Java) against an independent estimate:
 * the model cut at that tensor ({@link GraphCut}: A → ReLU → MaxPool → Reshape → Times → Plus =
 * logits) and finite-differenced in each of A's 16×14×14 coordinates
 * ({@link PiecewiseLinearDifferences}, float32, from a step of 0.01). The weights
 * {@code α_k = mean_p ∂y_c/∂A_kp} and the raw map {@code Σ_k α_k A^k} from the differences equal
 * Grad-CAM's within 1e-3 of the map's largest magnitude: float32 differences of the logit over
 * a step of 0.01 carry about 1e-4 relative noise (measured max |Δ| 2.2e-5 of max |map| 0.154).
 * No coordinate lies within the smallest step of a kink (asserted), so every derivative exists.
 */
class MnistGradCamDifferencesTest {

    private static final String LAYER = "Convolution110_Output_0";
    private static final String LOGITS = "Plus214_Output_0";

    @Test
    void alphaAndMapAgreeWithDifferencesThroughTheCutModel() throws IOException {
        ModelProto forward;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("explain4j/thirdparty/mnist-cntk.onnx")) {
            forward = OnnxGraph.parseModel(in.readAllBytes(), "mnist-cntk.onnx");
        }
        float[] digit = new float[784];
        try (InputStream in = getClass().getResourceAsStream("/explain4j/mnist/digit7.txt")) {
            String[] t = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+");
            // A seeded dither (σ = 0.02) breaks the exact max-pool ties of the constant background, as in MnistGradientTest.
            java.util.Random r = new java.util.Random(7);
            for (int i = 0; i < 784; i++) {
                digit[i] = (float) (Double.parseDouble(t[i]) + 0.02 * r.nextGaussian());
            }
        }
        FloatTensor x = new FloatTensor(new long[] {1, 1, 28, 28}, digit);
        try (OrtModel m = OrtModel.open(ModelSource.fromClasspath("explain4j/thirdparty/mnist-cntk"),
                OrtOptions.defaults().withIntraOpThreads(1))) {
            int target = Target.predicted().resolve(m.forward(x))[0];
            assertEquals(7, target);
            float[] a = m.activations(x, List.of(LAYER)).get(LAYER).data();
            assertEquals(16 * 196, a.length);
            float[] cam = GradCam.builder(LAYER).relu(false).score(Score.LOGIT).build()
                    .layerMaps(m, x, Target.of(target)).maps().data();

            ModelProto tail = GraphCut.from(forward, List.of(LAYER), ValueShapes.probe(forward, Map.of()));
            double[] w = new double[10];
            w[target] = 1;
            double[] av = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                av[i] = a[i];
            }
            PiecewiseLinearDifferences fd;
            try (OrtRun t = new OrtRun(tail)) {
                fd = PiecewiseLinearDifferences.of(t, Map.of(LAYER, Arr.ofFloat(av, 1, 16, 14, 14)), LAYER, LOGITS, w, 0.01);
            }
            assertEquals(0, fd.kinks, "no coordinate of A within a step of a ReLU or max-pool kink");
            double[] alpha = new double[16];
            double[] map = new double[196];
            for (int k = 0; k < 16; k++) {
                for (int p = 0; p < 196; p++) {
                    alpha[k] += fd.derivative[k * 196 + p] / 196;
                }
                for (int p = 0; p < 196; p++) {
                    map[p] += alpha[k] * a[k * 196 + p];
                }
            }
            double scale = 0;
            double err = 0;
            for (int p = 0; p < 196; p++) {
                scale = Math.max(scale, Math.abs(map[p]));
                err = Math.max(err, Math.abs(map[p] - cam[p]));
            }
            System.out.printf("mnist Grad-CAM (%s, class %d) vs finite differences through the cut: max |Δ| %.3g"
                    + " of max |map| %.3g%n", LAYER, target, err, scale);
            assertTrue(scale > 0);
            assertTrue(err <= 1e-3 * scale, "map error " + err + " of " + scale);
        }
    }

    /** A misspelt layer lists the graph's conv/activation/pool outputs, nearest first, for activations and gradients. */
    @Test
    void misspeltLayerListsTheNearestFeatureMaps() {
        FloatTensor x = FloatTensor.zeros(1, 1, 28, 28);
        try (OrtModel m = OrtModel.open(ModelSource.fromClasspath("explain4j/thirdparty/mnist-cntk"),
                OrtOptions.defaults().withIntraOpThreads(1))) {
            String want = "model 'mnist-cntk' has no tensor named 'Relu114_Output'; nearest conv/activation/pool"
                    + " outputs: ReLU114_Output_0, ";
            org.explain4j.ExplainException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.explain4j.ExplainException.class, () -> m.layerVjp(x, FloatTensor.zeros(1, 10), "Relu114_Output"));
            assertTrue(e.getMessage().startsWith(want), e.getMessage());
            assertTrue(e.getMessage().contains("Convolution110_Output_0"), e.getMessage());
            org.explain4j.ExplainException e2 = org.junit.jupiter.api.Assertions.assertThrows(
                    org.explain4j.ExplainException.class, () -> m.activations(x, List.of("Relu114_Output")));
            assertTrue(e2.getMessage().startsWith(want), e2.getMessage());
        }
    }
}
