package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.explain4j.onnx.graph.GraphCut;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.OrtRun;
import org.explain4j.onnx.graph.OrtRun.Arr;
import org.explain4j.onnx.graph.ValueShapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real third-party CNTK MNIST model (ONNX model zoo mnist-8, opset 8, batch fixed to 1; no
 * PyTorch source exists for it, so no exported gradient graph either): the Java-built gradient
 * graph against finite differences on a real digit 7 (lightly dithered, see {@link #build}), for
 * the input (saliency) and for the last convolution's output (the Grad-CAM feature map), two ways:
 * <ol>
 * <li>differences of the ONNX model itself, run by ONNX Runtime in float32
 * ({@link PiecewiseLinearDifferences}): tolerance 2.5e-2 of max |FD| for the input (float
 * rounding of the logit over a 1e-2 step, plus ReLU kinks too small to detect within the step;
 * measured 1.3e-2) and 1e-3 for the feature map (every third of its 3136 values; measured
 * 1.9e-4);</li>
 * <li>directional differences in double precision (64 random directions) of the same network
 * re-implemented in Java ({@link MnistReplica}, its logits equal to ONNX Runtime's): tolerance
 * 1e-5.</li>
 * </ol>
 */
class MnistGradientTest {

    private static final String INPUT = "Input3";
    private static final String LOGITS = "Plus214_Output_0";
    private static final String LAST_CONV = "Convolution110_Output_0";

    /** Float32 differences of the model itself: rounding of the logit and kinks closer than the step. */
    private static final double ORT_FD_TOLERANCE = 2.5e-2;
    /** Double-precision differences of the Java replica against the float32 gradient graph. */
    private static final double REPLICA_TOLERANCE = 1e-5;
    private static final int DIRECTIONS = 64;
    private static final double DOUBLE_STEP = 1e-7;

    private static ModelProto forward;
    private static double[] digit;
    private static ModelProto gradient;

    @BeforeAll
    static void build() throws IOException {
        try (InputStream in = MnistGradientTest.class.getClassLoader()
                .getResourceAsStream("explain4j/thirdparty/mnist-cntk.onnx")) {
            forward = OnnxGraph.parseModel(in.readAllBytes(), "mnist-cntk.onnx");
        }
        try (InputStream in = MnistGradientTest.class.getResourceAsStream("/explain4j/mnist/digit7.txt")) {
            digit = java.util.Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+"))
                    .mapToDouble(Double::parseDouble).toArray();
        }
        // The digit's constant background gives identical first-layer activations, so max-pool
        // windows there hold exact ties, where the network has no derivative and differences are
        // meaningless. A small seeded dither (Gaussian, σ = 0.02 on the 0..1 grey scale) breaks them.
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < digit.length; i++) {
            digit[i] = (float) (digit[i] + 0.02 * r.nextGaussian());
        }
        gradient = GradientGraphBuilder.build(forward, GradientOptions.defaults().withIntermediates(List.of(LAST_CONV)));
        // Weights stay initializers; the CNTK file also lists them as inputs (IR 3), the gradient graph does not.
        assertEquals(List.of(INPUT, "w"), gradient.getGraph().getInputList().stream().map(v -> v.getName()).toList());
        assertEquals(List.of(LOGITS, "grad_" + INPUT, "grad_" + LAST_CONV),
                gradient.getGraph().getOutputList().stream().map(v -> v.getName()).toList());
        assertTrue(OnnxGraph.of(gradient).isInitializer("Parameter87"));
    }

    /**
     * Directional derivatives along {@value #DIRECTIONS} random Gaussian directions v: the
     * difference quotient (f(x + h·v) − f(x))/h in double (exact: the network is piecewise linear
     * and h = 1e-7 stays inside the linear piece) against ⟨grad, v⟩; max error over max |quotient|.
     */
    private static double directionalError(double[] x, double[] grad, java.util.function.ToDoubleFunction<double[]> f) {
        java.util.Random r = new java.util.Random(19);
        double f0 = f.applyAsDouble(x);
        double[] fd = new double[DIRECTIONS];
        double[] dot = new double[DIRECTIONS];
        for (int k = 0; k < DIRECTIONS; k++) {
            double[] moved = x.clone();
            for (int i = 0; i < x.length; i++) {
                double v = r.nextGaussian();
                moved[i] += DOUBLE_STEP * v;
                dot[k] += grad[i] * v;
            }
            fd[k] = (f.applyAsDouble(moved) - f0) / DOUBLE_STEP;
        }
        return GradientCheck.relativeError(fd, dot);
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static double[] oneHot(int c) {
        double[] w = new double[10];
        w[c] = 1;
        return w;
    }

    private Map<String, Arr> run(int target) {
        try (OrtRun g = new OrtRun(gradient)) {
            return g.run(Map.of(INPUT, Arr.ofFloat(digit, 1, 1, 28, 28), "w", Arr.ofFloat(oneHot(target), 1, 10)));
        }
    }

    @Test
    void inputGradientMatchesFiniteDifferencesOnARealSeven() {
        Map<String, Arr> out = run(7);
        double[] logits = out.get(LOGITS).data();
        int predicted = 0;
        for (int c = 1; c < 10; c++) {
            predicted = logits[c] > logits[predicted] ? c : predicted;
        }
        assertEquals(7, predicted, "the model reads the digit as a 7");
        double[] grad = out.get("grad_" + INPUT).data();
        try (OrtRun f = new OrtRun(forward)) {
            assertArrayEquals(f.run(Map.of(INPUT, Arr.ofFloat(digit, 1, 1, 28, 28))).get(LOGITS).data(), logits, 1e-5);

            // 1. Differences of the model itself, run by ONNX Runtime in float32.
            PiecewiseLinearDifferences fd = PiecewiseLinearDifferences.of(f, Map.of(INPUT, Arr.ofFloat(digit, 1, 1, 28,
                    28)), INPUT, LOGITS, oneHot(7), 1e-2);
            double rel = fd.relativeError(grad);
            assertTrue(rel <= ORT_FD_TOLERANCE, "saliency vs FD of the ONNX model: relative error " + rel
                    + ", kinks " + fd.kinks);
            assertTrue(fd.kinks <= 784 / 5, "pixels at a kink: " + fd.kinks);
        }

        // 2. Differences in double precision of the same network re-implemented in Java.
        MnistReplica replica = new MnistReplica(OnnxGraph.of(forward));
        assertArrayEquals(logits, replica.logits(digit), 1e-4 * maxAbs(logits), "replica logits = ONNX Runtime's");
        double rel = directionalError(digit, grad, v -> replica.logits(v)[7]);
        assertTrue(rel <= REPLICA_TOLERANCE, "saliency vs double-precision FD: relative error " + rel);
    }

    @Test
    void lastConvolutionGradientMatchesFiniteDifferencesThroughTheCut() {
        Map<String, Arr> out = run(7);
        ValueShapes shapes = ValueShapes.probe(forward, Map.of());
        ModelProto tail = GraphCut.from(forward, List.of(LAST_CONV), shapes);
        assertEquals(List.of(LAST_CONV), OnnxGraph.of(tail).inputNames());
        double[] features;
        try (OrtRun f = new OrtRun(org.explain4j.onnx.graph.ExtraOutputs.withOutputs(forward, List.of(LAST_CONV)))) {
            features = f.run(Map.of(INPUT, Arr.ofFloat(digit, 1, 1, 28, 28))).get(LAST_CONV).data();
        }
        double[] grad = out.get("grad_" + LAST_CONV).data();
        assertEquals(16 * 14 * 14, grad.length);
        try (OrtRun t = new OrtRun(tail)) {
            PiecewiseLinearDifferences fd = PiecewiseLinearDifferences.of(t,
                    Map.of(LAST_CONV, Arr.ofFloat(features, 1, 16, 14, 14)), LAST_CONV, LOGITS, oneHot(7), 1e-2, 3);
            double rel = fd.relativeError(grad);
            assertTrue(rel <= 1e-3, "Grad-CAM feature gradient vs FD: relative error " + rel + ", kinks " + fd.kinks);
            assertTrue(fd.kinks <= 16, "features on a kink: " + fd.kinks);
        }
        MnistReplica replica = new MnistReplica(OnnxGraph.of(forward));
        double[] exact = replica.conv2(digit);
        assertArrayEquals(features, exact, 1e-4 * maxAbs(exact), "replica features = ONNX Runtime's");
        double rel = directionalError(exact, grad, v -> replica.tail(v)[7]);
        assertTrue(rel <= REPLICA_TOLERANCE, "Grad-CAM feature gradient vs double-precision FD: relative error " + rel);
    }
}
