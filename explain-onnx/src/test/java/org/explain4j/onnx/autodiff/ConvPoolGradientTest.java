package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.OrtRun.Arr;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.onnx.graph.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE;
import static ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE;

/**
 * Finite-difference checks of Conv, pooling and batch normalization. ONNX Runtime's CPU Conv,
 * ConvTranspose and AveragePool are float-only; these ops are linear (or piecewise linear) in
 * the input, so float32 central differences with ε = 1e-2 are exact up to rounding.
 */
class ConvPoolGradientTest {

    private final Random random = new Random(17);

    private ModelProto convModel(long[] x, long[] w, AttributeProto... attrs) {
        double[] weights = GradientCheck.random(random, OnnxJavaType.FLOAT, -1, 1, w).data();
        float[] f = new float[weights.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) weights[i];
        }
        return new TinyModel(13).input("x", FLOAT_VALUE, x)
                .initializer(Tensors.ofFloats("kernel", w, f))
                .node("Conv", List.of("x", "kernel"), List.of("y"), attrs).output("y").build();
    }

    @Test
    void conv1dStridedPaddedDilatedGrouped() {
        // stride 2 with a length that leaves the last input positions outside every window.
        ModelProto m = convModel(new long[] {2, 4, 13}, new long[] {6, 2, 3}, Attrs.ints("strides", 2),
                Attrs.ints("pads", 1, 2), Attrs.ints("dilations", 2), Attrs.i("group", 2));
        GradientCheck.check(m, Map.of("x", GradientCheck.random(random, OnnxJavaType.FLOAT, -1, 1, 2, 4, 13)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SAME_UPPER", "SAME_LOWER", "VALID", "NOTSET"})
    void conv2dAutoPadAndStrides(String autoPad) {
        List<AttributeProto> attrs = new ArrayList<>(List.of(Attrs.ints("strides", 2, 1), Attrs.s("auto_pad", autoPad)));
        if (autoPad.equals("NOTSET")) {
            attrs.add(Attrs.ints("pads", 0, 2, 1, 1));
        }
        ModelProto m = convModel(new long[] {1, 2, 7, 6}, new long[] {3, 2, 3, 4}, attrs.toArray(new AttributeProto[0]));
        GradientCheck.check(m, Map.of("x", GradientCheck.random(random, OnnxJavaType.FLOAT, -1, 1, 1, 2, 7, 6)));
    }

    @Test
    void conv2dDepthwiseWithBiasAndDilation() {
        ModelProto m = new TinyModel(13).input("x", FLOAT_VALUE, 2, 3, 6, 6)
                .initializer(Tensors.ofFloats("kernel", new long[] {3, 1, 2, 2}, new float[] {1, -2, 3, .5f, -1, 2, .25f, 1,
                        .75f, -.5f, 1.5f, 2}))
                .initializer(Tensors.ofFloats("b", new long[] {3}, new float[] {0.1f, -0.2f, 0.3f}))
                .node("Conv", List.of("x", "kernel", "b"), List.of("y"), Attrs.i("group", 3), Attrs.ints("dilations", 2, 1),
                        Attrs.ints("strides", 1, 2))
                .output("y").build();
        GradientCheck.check(m, Map.of("x", GradientCheck.random(random, OnnxJavaType.FLOAT, -1, 1, 2, 3, 6, 6)));
    }

    /** Max pooling: distinct random values, so the argmax is stable under ±ε moves of one element. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void maxPool1dAnd2d(int ceilMode) {
        ModelProto m1 = new TinyModel(13).input("x", FLOAT_VALUE, 2, 3, 11)
                .node("MaxPool", List.of("x"), List.of("y"), Attrs.ints("kernel_shape", 3), Attrs.ints("strides", 2),
                        Attrs.ints("pads", 1, 0), Attrs.i("ceil_mode", ceilMode)).output("y").build();
        GradientCheck.check(m1, Map.of("x", spread(2, 3, 11)));
        ModelProto m2 = new TinyModel(13).input("x", FLOAT_VALUE, 1, 2, 7, 5)
                .node("MaxPool", List.of("x"), List.of("y"), Attrs.ints("kernel_shape", 2, 3), Attrs.ints("strides", 2, 1),
                        Attrs.ints("dilations", 1, 2), Attrs.i("ceil_mode", ceilMode)).output("y").build();
        GradientCheck.check(m2, Map.of("x", spread(1, 2, 7, 5)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0,0", "1,0", "0,1", "1,1"})
    void averagePoolDivisorPolicies(String flags) {
        int countIncludePad = flags.charAt(0) - '0';
        int ceilMode = flags.charAt(2) - '0';
        ModelProto m = new TinyModel(19).input("x", FLOAT_VALUE, 2, 2, 8, 7)
                .node("AveragePool", List.of("x"), List.of("y"), Attrs.ints("kernel_shape", 3, 2),
                        Attrs.ints("strides", 2, 2), Attrs.ints("pads", 1, 0, 1, 1),
                        Attrs.i("count_include_pad", countIncludePad), Attrs.i("ceil_mode", ceilMode))
                .output("y").build();
        GradientCheck.check(m, Map.of("x", GradientCheck.random(random, OnnxJavaType.FLOAT, -1, 1, 2, 2, 8, 7)));
    }

    @Test
    void averagePool1dSameUpper() {
        ModelProto m = new TinyModel(13).input("x", FLOAT_VALUE, 1, 3, 10)
                .node("AveragePool", List.of("x"), List.of("y"), Attrs.ints("kernel_shape", 4),
                        Attrs.ints("strides", 3), Attrs.s("auto_pad", "SAME_UPPER")).output("y").build();
        GradientCheck.check(m, Map.of("x", GradientCheck.random(random, OnnxJavaType.FLOAT, -1, 1, 1, 3, 10)));
    }

    @Test
    void globalAveragePool() {
        ModelProto m = new TinyModel(13).input("x", FLOAT_VALUE, 2, 3, 4, 5)
                .node("GlobalAveragePool", List.of("x"), List.of("y")).output("y").build();
        GradientCheck.check(m, Map.of("x", GradientCheck.random(random, OnnxJavaType.FLOAT, -1, 1, 2, 3, 4, 5)));
    }

    @Test
    void batchNormInDouble() {
        ModelProto m = new TinyModel(15).input("x", DOUBLE_VALUE, 2, 3, 4, 5)
                .initializer(Tensors.ofDoubles("scale", new long[] {3}, new double[] {1.5, -0.5, 2}))
                .initializer(Tensors.ofDoubles("bias", new long[] {3}, new double[] {0.1, 0.2, 0.3}))
                .initializer(Tensors.ofDoubles("mean", new long[] {3}, new double[] {0.5, -1, 0}))
                .initializer(Tensors.ofDoubles("var", new long[] {3}, new double[] {0.25, 2, 1}))
                .node("BatchNormalization", List.of("x", "scale", "bias", "mean", "var"), List.of("b"),
                        Attrs.f("epsilon", 1e-3f))
                .node("Tanh", List.of("b"), List.of("t"))
                .node("ReduceMean", List.of("t"), List.of("y"), Attrs.ints("axes", 2, 3)).output("y").build();
        GradientCheck.check(m, Map.of("x", GradientCheck.random(random, OnnxJavaType.DOUBLE, -1, 1, 2, 3, 4, 5)));
    }

    /** A random permutation of evenly spaced values: no ties, gaps ≫ ε. */
    private Arr spread(long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            v.add(-1 + 2.0 * i / n);
        }
        java.util.Collections.shuffle(v, random);
        return Arr.ofFloat(v.stream().mapToDouble(Double::doubleValue).toArray(), shape);
    }
}
