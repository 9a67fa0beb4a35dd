package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.OrtRun.Arr;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.onnx.graph.TinyModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE;

/**
 * Finite-difference checks of the elementwise rules in double precision. Both operands of a
 * binary op derive from the input, one of them broadcast (size-1 axes and a missing leading
 * axis), so both gradient paths and the reduction back to the operand shape are exercised.
 */
class ElementwiseGradientTest {

    private final Random random = new Random(5);

    /** y = op(x, s1) + op(s0, x) style: s1 = ReduceSum(x, [0,2], keepdims) [1,3,1]; s0 = ReduceSum(x,[0]) [3,4]. */
    @ParameterizedTest
    @ValueSource(strings = {"Add", "Sub", "Mul", "Div", "Pow"})
    void binaryOpsWithBroadcasting(String op) {
        ModelProto m = new TinyModel(13).input("x", DOUBLE_VALUE, 2, 3, 4)
                .initializer(Tensors.ofDoubles("one", new long[] {}, new double[] {1.0}))
                .node("ReduceSum", List.of("x", "axes02"), List.of("s1"), Attrs.i("keepdims", 1))
                .initializer(Tensors.ofLongs("axes02", new long[] {2}, new long[] {0, 2}))
                .initializer(Tensors.ofLongs("axes0", new long[] {1}, new long[] {0}))
                .node("ReduceSum", List.of("x", "axes0"), List.of("s0"), Attrs.i("keepdims", 0))
                .node("Mul", List.of("s1", "tenth"), List.of("s1small"))
                .initializer(Tensors.ofDoubles("tenth", new long[] {}, new double[] {0.1}))
                .node(op, List.of("x", "s1small"), List.of("a"))
                .node(op, List.of("s0", "x"), List.of("b"))
                .node("Add", List.of("a", "b"), List.of("y"))
                .output("y").build();
        GradientCheck.check(m, Map.of("x", GradientCheck.random(random, OnnxJavaType.DOUBLE, 0.5, 1.5, 2, 3, 4)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Abs", "Identity"})
    void unaryOps(String op) {
        ModelProto m = new TinyModel(13).input("x", DOUBLE_VALUE, 3, 5)
                .node(op, List.of("x"), List.of("y")).output("y").build();
        double lo = op.equals("Abs") ? -1.5 : 0.2;
        GradientCheck.check(m, Map.of("x", GradientCheck.random(random, OnnxJavaType.DOUBLE, lo, 1.5, 3, 5)));
    }

    /** ONNX Runtime's CPU Erf is float-only (smooth: Richardson-extrapolated differences). */
    @Test
    void erfInFloat() {
        ModelProto m = new TinyModel(13).input("x", 1, 3, 5)
                .node("Erf", List.of("x"), List.of("y")).output("y").build();
        GradientCheck.checkSmooth(m, Map.of("x", GradientCheck.random(random, OnnxJavaType.FLOAT, -1.5, 1.5, 3, 5)));
    }

    @Test
    void powWithConstantExponentAndSum() {
        ModelProto m = new TinyModel(15).input("x", DOUBLE_VALUE, 4, 3)
                .initializer(Tensors.ofDoubles("p", new long[] {3}, new double[] {2.5, -1.0, 3.0}))
                .node("Pow", List.of("x", "p"), List.of("a"))
                .node("Sum", List.of("a", "x", "p"), List.of("y")).output("y").build();
        GradientCheck.check(m, Map.of("x", GradientCheck.random(random, OnnxJavaType.DOUBLE, 0.3, 1.5, 4, 3)));
    }

    @Test
    void clipWhereExpandCastAndDropout() {
        ModelProto m = new TinyModel(13).input("x", DOUBLE_VALUE, 2, 6)
                .initializer(Tensors.ofDoubles("lo", new long[] {}, new double[] {-0.4}))
                .initializer(Tensors.ofDoubles("hi", new long[] {}, new double[] {0.5}))
                .initializer(Tensors.ofDoubles("zero", new long[] {}, new double[] {0.0}))
                .initializer(Tensors.ofLongs("shape", new long[] {3}, new long[] {3, 2, 6}))
                .node("Clip", List.of("x", "lo", "hi"), List.of("c"))
                .node("Greater", List.of("x", "zero"), List.of("pos"))
                .node("Exp", List.of("x"), List.of("e"))
                .node("Where", List.of("pos", "c", "e"), List.of("picked"))
                .node("Expand", List.of("picked", "shape"), List.of("ex"))
                .node("Dropout", List.of("ex"), List.of("y")).output("y").build();
        // Values away from the clip bounds and from 0, where the function is not differentiable.
        double[] x = {-0.9, -0.3, 0.2, 0.45, 0.7, 1.1, -0.1, -0.6, 0.3, 0.8, -0.2, 0.05};
        GradientCheck.check(m, Map.of("x", Arr.of(x, 2, 6)));
    }

    /** float input, computed in double and cast back: the rule casts the gradient each way. */
    @Test
    void castRoundTrip() {
        ModelProto m = new TinyModel(13).input("x", 1, 2, 3)
                .node("Cast", List.of("x"), List.of("d"), Attrs.i("to", DOUBLE_VALUE))
                .node("Exp", List.of("d"), List.of("e"))
                .node("Cast", List.of("e"), List.of("y"), Attrs.i("to", 1)).output("y").build();
        GradientCheck.checkSmooth(m, Map.of("x", GradientCheck.random(random, OnnxJavaType.FLOAT, -1, 1, 2, 3)));
    }
}
