package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.OrtRun;
import org.explain4j.onnx.graph.OrtRun.Arr;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.onnx.graph.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE;
import static ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Finite-difference checks of activation and softmax rules, and the ReLU variants by formula. */
class ActivationGradientTest {

    private final Random random = new Random(9);

    /** Inputs avoid the kinks (|x| ≥ 0.05 from 0 and from HardSigmoid's corners at ±2.5). */
    private Arr awayFromKinks(OnnxJavaType type, long... shape) {
        Arr a = GradientCheck.random(random, type, -2, 2, shape);
        double[] v = a.data();
        for (int i = 0; i < v.length; i++) {
            if (Math.abs(v[i]) < 0.05) {
                v[i] += 0.1;
            }
        }
        return a.with(v);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Relu", "Sigmoid", "Tanh"})
    void doubleActivations(String op) {
        ModelProto m = new TinyModel(13).input("x", DOUBLE_VALUE, 3, 7)
                .node(op, List.of("x"), List.of("y")).output("y").build();
        GradientCheck.check(m, Map.of("x", awayFromKinks(OnnxJavaType.DOUBLE, 3, 7)));
    }

    /** Float-only in ONNX Runtime's CPU provider; smooth (Elu: away from 0), so Richardson differences. */
    @ParameterizedTest
    @ValueSource(strings = {"Softplus", "Elu"})
    void floatSmoothActivations(String op) {
        ModelProto m = new TinyModel(13).input("x", FLOAT_VALUE, 3, 7)
                .node(op, List.of("x"), List.of("y")).output("y").build();
        Arr x = GradientCheck.random(random, OnnxJavaType.FLOAT, 0.1, 2, 3, 7);
        double[] v = x.data();
        for (int i = 0; i < v.length; i += 2) {
            v[i] = -v[i]; // both signs, at least 0.1 from Elu's kink, farther than 2ε
        }
        GradientCheck.checkSmooth(m, Map.of("x", x.with(v)));
    }

    /** ONNX Runtime's CPU LeakyRelu and HardSigmoid are float-only; both are piecewise linear, so FD is exact. */
    @ParameterizedTest
    @ValueSource(strings = {"LeakyRelu", "HardSigmoid"})
    void floatPiecewiseLinearActivations(String op) {
        AttributeProto alpha = Attrs.f("alpha", op.equals("LeakyRelu") ? 0.07f : 0.3f);
        ModelProto m = new TinyModel(13).input("x", FLOAT_VALUE, 3, 7)
                .node(op, List.of("x"), List.of("y"), alpha).output("y").build();
        GradientCheck.check(m, Map.of("x", awayFromKinks(OnnxJavaType.FLOAT, 3, 7)));
    }

    @Test
    void preluWithPerChannelSlope() {
        // Float-only in ONNX Runtime's CPU provider; piecewise linear, so FD is exact up to rounding.
        ModelProto m = new TinyModel(13).input("x", FLOAT_VALUE, 2, 3, 4)
                .initializer(Tensors.ofFloats("slope", new long[] {3, 1}, new float[] {0.1f, -0.2f, 0.3f}))
                .node("PRelu", List.of("x", "slope"), List.of("y")).output("y").build();
        GradientCheck.check(m, Map.of("x", awayFromKinks(OnnxJavaType.FLOAT, 2, 3, 4)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, -1})
    void softmaxAndLogSoftmaxOverEachAxis(int axis) {
        ModelProto m = new TinyModel(13).input("x", DOUBLE_VALUE, 2, 3, 4)
                .node("Softmax", List.of("x"), List.of("s"), Attrs.i("axis", axis))
                .node("LogSoftmax", List.of("x"), List.of("l"), Attrs.i("axis", axis))
                .node("Mul", List.of("s", "l"), List.of("y")).output("y").build();
        GradientCheck.check(m, Map.of("x", GradientCheck.random(random, OnnxJavaType.DOUBLE, -2, 2, 2, 3, 4)));
    }

    /** Opset 11 Softmax normalises over all axes from `axis` on (the input flattened to 2-D). */
    @Test
    void opset11SoftmaxIsUpgradedFaithfully() {
        ModelProto m = new TinyModel(11).input("x", DOUBLE_VALUE, 2, 3, 4)
                .node("Softmax", List.of("x"), List.of("y"), Attrs.i("axis", 1)).output("y").build();
        GradientCheck.check(m, Map.of("x", GradientCheck.random(random, OnnxJavaType.DOUBLE, -2, 2, 2, 3, 4)));
    }

    /** Guided backprop: max(g,0)·[x>0]; deconvnet: max(g,0), by hand on a Relu → Neg chain. */
    @Test
    void guidedBackpropAndDeconvnetVariants() {
        ModelProto m = new TinyModel(13).input("x", DOUBLE_VALUE, 1, 4)
                .node("Relu", List.of("x"), List.of("r"))
                .node("Neg", List.of("r"), List.of("y")).output("y").build();
        double[] x = {-1, 2, -3, 4};
        double[] w = {1, 1, -1, -1}; // gradient arriving at the Relu output: -w
        Map<String, Arr> in = Map.of("x", Arr.of(x, 1, 4), "w", Arr.of(w, 1, 4));
        assertArrayEquals(new double[] {0, -1, 0, 1}, gradient(m, ReluRule.GRADIENT, in), 0);
        assertArrayEquals(new double[] {0, 0, 0, 1}, gradient(m, ReluRule.GUIDED_BACKPROP, in), 0);
        assertArrayEquals(new double[] {0, 0, 1, 1}, gradient(m, ReluRule.DECONVNET, in), 0);
    }

    private static double[] gradient(ModelProto m, ReluRule rule, Map<String, Arr> in) {
        ModelProto g = GradientGraphBuilder.build(m, GradientOptions.defaults().withReluRule(rule));
        try (OrtRun run = new OrtRun(g)) {
            return run.run(in).get("grad_x").data();
        }
    }
}
