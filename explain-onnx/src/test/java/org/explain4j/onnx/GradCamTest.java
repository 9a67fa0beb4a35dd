package org.explain4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.explain.cam.GradCam;
import org.explain4j.model.ModelSource;
import org.explain4j.model.Score;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Grad-CAM (METHODS §3) through the SPI's layer gradients, on ONNX Runtime. */
class GradCamTest {

    private static final OrtOptions ONE_THREAD = OrtOptions.defaults().withIntraOpThreads(1);
    /** synthetic_cnn1d: conv3 → ReLU → ReduceMean over time → Gemm (fc) = y. */
    private static final String CONV3 = "/conv3/Conv_output_0";
    private static final String CONV3_RELU = "/Relu_2_output_0";

    /**
     * The head after conv3 is exact and small: y_c = Σ_k W[c,k] · mean_l ReLU(A_kl) + b_c, so
     * ∂y_c/∂A_kl = W[c,k]/L · 1[A_kl > 0] (and W[c,k]/L w.r.t. the ReLU's output). The maps from
     * the hand formula on {@code activations} and fc.weight must match Grad-CAM's to float rounding.
     */
    @Test
    void cnn1dMatchesHandComputation() {
        FloatTensor x = GoldenSamples.load("synthetic_cnn1d").inputs();
        try (OrtModel m = OrtModel.open(ReferenceModels.source("synthetic_cnn1d"), ONE_THREAD)) {
            OnnxGraph g = OnnxGraph.of(m.onnxModel());
            NodeProto gemm = g.producer("y").orElseThrow().proto();
            assertEquals("Gemm", gemm.getOpType());
            long transB = gemm.getAttributeList().stream().filter(a -> a.getName().equals("transB"))
                    .mapToLong(AttributeProto::getI).findFirst().orElse(0);
            assertEquals(1, transB, "fc.weight is [classes, channels]");
            float[] weight = Tensors.toFloats(g.initializer(gemm.getInput(1)).orElseThrow());
            int[] targets = Target.predicted().resolve(m.forward(x));
            for (String layer : List.of(CONV3, CONV3_RELU)) {
                FloatTensor a = m.activations(x, List.of(layer)).get(layer);
                int n = a.batchSize();
                int k = (int) a.dim(1);
                int len = (int) a.dim(2);
                assertEquals(k * 3, weight.length);
                double[] expected = new double[n * len];
                for (int i = 0; i < n; i++) {
                    for (int ch = 0; ch < k; ch++) {
                        double alpha = 0;
                        for (int l = 0; l < len; l++) {
                            float v = a.data()[(i * k + ch) * len + l];
                            boolean passes = layer.equals(CONV3_RELU) || v > 0;
                            alpha += passes ? weight[targets[i] * k + ch] / (double) len : 0;
                        }
                        alpha /= len;
                        for (int l = 0; l < len; l++) {
                            expected[i * len + l] += alpha * a.data()[(i * k + ch) * len + l];
                        }
                    }
                }
                for (int p = 0; p < expected.length; p++) {
                    expected[p] = Math.max(0, expected[p]);
                }
                GradCam cam = GradCam.builder(layer).score(Score.LOGIT).build();
                float[] got = cam.layerMaps(m, x, Target.predicted()).maps().data();
                assertClose(expected, got, 1e-5, layer);

                // Upsampled (linear, half-pixel centres) to the input's length, repeated over its 3 channels.
                Attribution attr = cam.explain(m, x, Target.predicted());
                assertArrayEquals(x.shape(), attr.values().shape());
                int t = (int) x.dim(2);
                assertEquals(0, t % len, "the cnn1d's conv3 length divides the input length");
                int s = t / len;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < t; j++) {
                        double src = Math.max(0, (j + 0.5) / s - 0.5);
                        int lo = (int) Math.floor(src);
                        int hi = Math.min(lo + 1, len - 1);
                        double f = src - lo;
                        double want = (1 - f) * expected[i * len + lo] + f * expected[i * len + hi];
                        for (int c = 0; c < 3; c++) {
                            assertEquals(want, attr.values().data()[(i * 3 + c) * t + j], 1e-5 * (1 + Math.abs(want)),
                                    layer + " sample " + i + " channel " + c + " position " + j);
                        }
                    }
                }
            }
        }
    }

    /**
     * The real MNIST model's last convolution ([1,16,14,14] before its pooling, bilinear ×2 to 28×28),
     * its output and its ReLU's: shaped like the input, non-negative with the ReLU, and (on the
     * rectified maps) the evidence sits on the digit: the share of the map's
     * mass inside the digit's bounding box (grey > 0.1, grown by 2 pixels, the cell of one feature-map
     * position) is over 60%, and its mass per pixel there is over twice that outside the box
     * (measured 2.83 for the 7 and 2.53 for the 3).
     */
    @Test
    void mnistLastConvLayerConcentratesOnTheDigit() {
        FloatTensor x = JavaBuiltGradientsTest.digits();
        try (OrtModel m = OrtModel.open(ModelSource.fromClasspath("explain4j/thirdparty/mnist-cntk"), ONE_THREAD)) {
            // The convolution's raw output runs, but its Grad-CAM sum is negative almost everywhere
            // (measured: 0 and 1 of 196 positions positive), so after the ReLU the map is ~empty.
            Attribution raw = GradCam.builder("Convolution110_Output_0").score(Score.LOGIT).build()
                    .explain(m, x, Target.predicted());
            assertArrayEquals(new long[] {2, 1, 28, 28}, raw.values().shape());
            assertEquals("[14, 14]", raw.parameters().get("layer_shape"));
            for (float v : raw.values().data()) {
                assertTrue(v >= 0, "ReLU'd map is non-negative");
            }
            // The layer's rectified feature maps (as the paper's VGG layers are) localise the digit.
            Attribution a = GradCam.builder("ReLU114_Output_0").score(Score.LOGIT).build()
                    .explain(m, x, Target.predicted());
            assertArrayEquals(new long[] {2, 1, 28, 28}, a.values().shape());
            for (int i = 0; i < 2; i++) {
                int top = 28, bottom = -1, left = 28, right = -1;
                for (int r = 0; r < 28; r++) {
                    for (int c = 0; c < 28; c++) {
                        if (x.data()[i * 784 + r * 28 + c] > 0.1f) {
                            top = Math.min(top, r);
                            bottom = Math.max(bottom, r);
                            left = Math.min(left, c);
                            right = Math.max(right, c);
                        }
                    }
                }
                top = Math.max(0, top - 2);
                left = Math.max(0, left - 2);
                bottom = Math.min(27, bottom + 2);
                right = Math.min(27, right + 2);
                double inside = 0, total = 0;
                for (int r = 0; r < 28; r++) {
                    for (int c = 0; c < 28; c++) {
                        float v = a.values().data()[i * 784 + r * 28 + c];
                        assertTrue(v >= 0, "ReLU'd map is non-negative");
                        total += v;
                        if (r >= top && r <= bottom && c >= left && c <= right) {
                            inside += v;
                        }
                    }
                }
                double boxShare = (bottom - top + 1) * (right - left + 1) / 784.0;
                double massShare = inside / total;
                // Mass per pixel inside the box over mass per pixel outside it: 1 for a map blind to the digit.
                double density = (massShare / boxShare) / ((1 - massShare) / (1 - boxShare));
                System.out.printf("mnist Grad-CAM sample %d: box %.3f of the image, %.3f of the mass, density ratio %.2f%n",
                        i, boxShare, massShare, density);
                assertTrue(total > 0, "the map is not empty");
                assertTrue(massShare > 0.6 && density > 2,
                        "mass share " + massShare + " for a box share " + boxShare + " (density ratio " + density + ")");
            }
        }
    }

    @Test
    void unknownLayerAndWrongRank() {
        FloatTensor x = GoldenSamples.load("breast_cancer_mlp").inputs();
        try (OrtModel m = OrtModel.open(ReferenceModels.source("breast_cancer_mlp"), ONE_THREAD)) {
            ExplainException e = assertThrows(ExplainException.class,
                    () -> GradCam.builder("nope").build().explain(m, x, Target.predicted()));
            assertTrue(e.getMessage().startsWith("Grad-CAM needs a channels-first input"), e.getMessage());
            ExplainException e2 = assertThrows(ExplainException.class,
                    () -> m.layerVjp(x, FloatTensor.zeros(5, 2), "nope"));
            assertTrue(e2.getMessage().startsWith("model 'breast_cancer_mlp' has no tensor named 'nope'"), e2.getMessage());
        }
    }

    static void assertClose(double[] ref, float[] got, double relative, String what) {
        assertEquals(ref.length, got.length, what);
        double scale = 0;
        for (double v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 0, what + ": reference map is all zero");
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], got[i], relative * scale, what + " element " + i);
        }
    }

    /** A layer named by its node ("/conv3/Conv", as ONNX viewers show) is that node's output. */
    @Test
    void aLayerMayBeNamedByItsNode() {
        FloatTensor x = GoldenSamples.load("synthetic_cnn1d").inputs();
        try (OrtModel m = OrtModel.open(ReferenceModels.source("synthetic_cnn1d"), ONE_THREAD)) {
            assertEquals(CONV3, OnnxGraph.of(m.onnxModel()).producer(CONV3).orElseThrow().proto().getOutput(0));
            String node = OnnxGraph.of(m.onnxModel()).producer(CONV3).orElseThrow().proto().getName();
            assertEquals("/conv3/Conv", node);
            float[] byValue = GradCam.builder(CONV3).build().explain(m, x, Target.predicted()).values().data();
            float[] byNode = GradCam.builder(node).build().explain(m, x, Target.predicted()).values().data();
            assertArrayEquals(byValue, byNode);
            assertArrayEquals(m.activations(x, List.of(CONV3)).get(CONV3).data(),
                    m.activations(x, List.of(node)).get(node).data());
        }
    }

}
