package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.JsonNode;
import org.explain4j.models.ReferenceModels;
import org.explain4j.onnx.graph.ExtraOutputs;
import org.explain4j.onnx.graph.GraphCut;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.OrtRun;
import org.explain4j.onnx.graph.OrtRun.Arr;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.onnx.graph.ValueShapes;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients with respect to intermediate tensors of the reference CNN (what Grad-CAM needs),
 * requested together with the input gradient, on a batch of three golden samples:
 * <ul>
 * <li>the last convolution's output, against the closed form of the head that follows it
 * (ReLU → mean over time → linear): {@code ∂/∂a[n,k,t] = [a>0]·Σ_c w[n,c]·W_fc[c,k]/T};</li>
 * <li>the second convolution's output, against finite differences of the model cut there
 * ({@link GraphCut}, float32, {@link PiecewiseLinearDifferences} from a step of 0.1): each
 * coordinate within 1e-4 of max |FD| plus its float rounding bound (16 ulps of the objective over
 * the step);</li>
 * <li>and the input gradient is the same as without the extra outputs.</li>
 * </ul>
 */
class IntermediateGradientTest {

    private static final String CONV2 = "/conv2/Conv_output_0";
    private static final String CONV3 = "/conv3/Conv_output_0";

    @Test
    void lastConvolutionsOfTheReferenceCnn() {
        ModelProto forward = OnnxGraph.parseModel(ReferenceModels.source("synthetic_cnn1d").readModel(), "cnn");
        ModelProto withFeatures = GradientGraphBuilder.build(forward, GradientOptions.defaults()
                .withIntermediates(List.of(CONV3, CONV2)));
        ModelProto plain = GradientGraphBuilder.build(forward, GradientOptions.defaults());
        JsonNode samples = ReferenceModels.goldenJson("synthetic_cnn1d").get("samples");
        int n = 3;
        double[] x = new double[n * 384];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 384; j++) {
                x[i * 384 + j] = samples.get(i).get("x").get(j).asDouble();
            }
        }
        double[] w = {1, 0, 0, 0, 1, 0, 0.5, 0, -2};
        Map<String, Arr> in = Map.of("x", Arr.ofFloat(x, n, 3, 128), "w", Arr.ofFloat(w, n, 3));
        Map<String, Arr> out;
        try (OrtRun g = new OrtRun(withFeatures); OrtRun p = new OrtRun(plain)) {
            out = g.run(in);
            assertArrayEquals(p.run(in).get("grad_x").data(), out.get("grad_x").data(), 0, "grad_x unchanged");
        }
        double[] a;
        double[] conv2;
        try (OrtRun f = new OrtRun(ExtraOutputs.withOutputs(forward, List.of(CONV3, CONV2)))) {
            Map<String, Arr> acts = f.run(Map.of("x", in.get("x")));
            a = acts.get(CONV3).data();
            conv2 = acts.get(CONV2).data();
        }

        // Closed form for the last convolution: [N,16,32].
        double[] fc = Tensors.toDoubles(OnnxGraph.of(forward).initializer("fc.weight").orElseThrow()); // [3,16]
        double[] expected = new double[n * 16 * 32];
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < 16; k++) {
                double back = 0;
                for (int c = 0; c < 3; c++) {
                    back += w[s * 3 + c] * fc[c * 16 + k];
                }
                for (int t = 0; t < 32; t++) {
                    int i = (s * 16 + k) * 32 + t;
                    expected[i] = a[i] > 0 ? back / 32 : 0;
                }
            }
        }
        double rel = GradientCheck.relativeError(expected, out.get("grad_" + CONV3).data());
        assertTrue(rel <= 1e-6, "last conv gradient vs closed form: relative error " + rel);

        // Finite differences through the model cut at the second convolution, first sample.
        ModelProto tail = GraphCut.from(forward, List.of(CONV2), ValueShapes.probe(forward, Map.of()));
        double[] first = java.util.Arrays.copyOf(conv2, 16 * 64);
        double[] firstW = java.util.Arrays.copyOf(w, 3);
        try (OrtRun t = new OrtRun(tail)) {
            PiecewiseLinearDifferences fd = PiecewiseLinearDifferences.of(t, Map.of(CONV2, Arr.ofFloat(first, 1, 16, 64)),
                    CONV2, "y", firstW, 0.1);
            double[] grad = java.util.Arrays.copyOf(out.get("grad_" + CONV2).data(), 16 * 64);
            double excess = fd.excess(grad, 1e-4);
            assertTrue(excess <= 0, "conv2 gradient vs FD through the cut: off by " + excess + " beyond 1e-4 of max |FD| "
                    + "plus rounding noise (relative error " + fd.relativeError(grad) + "), kinks " + fd.kinks);
            assertTrue(fd.kinks <= 16, "kinks: " + fd.kinks);
        }
    }
}
