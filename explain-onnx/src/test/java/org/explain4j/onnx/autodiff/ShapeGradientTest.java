package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import org.explain4j.onnx.graph.Attrs;
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

/**
 * Finite-difference checks (double precision) of the data-movement and reduction rules. Every
 * model ends in a nonlinearity (Tanh or Mul with itself) so that a wrong routing of gradient
 * elements shows up.
 */
class ShapeGradientTest {

    private final Random random = new Random(23);

    private Map<String, Arr> x(long... shape) {
        return Map.of("x", GradientCheck.random(random, OnnxJavaType.DOUBLE, -1, 1, shape));
    }

    private static TinyModel model(int opset, long... shape) {
        return new TinyModel(opset).input("x", DOUBLE_VALUE, shape);
    }

    @Test
    void reshapeFlattenTransposeSqueezeUnsqueezeOpset13() {
        ModelProto m = model(13, 2, 3, 4)
                .initializer(Tensors.ofLongs("shape", new long[] {3}, new long[] {4, 0, -1}))
                .initializer(Tensors.ofLongs("ax", new long[] {2}, new long[] {0, 3}))
                .node("Tanh", List.of("x"), List.of("t"))
                .node("Reshape", List.of("t", "shape"), List.of("r"))               // [4,3,2]
                .node("Transpose", List.of("r"), List.of("tr"), Attrs.ints("perm", 2, 0, 1)) // [2,4,3]
                .node("Unsqueeze", List.of("tr", "ax"), List.of("u"))                // [1,2,4,1,3]
                .node("Squeeze", List.of("u", "ax"), List.of("s"))                   // [2,4,3]
                .node("Flatten", List.of("s"), List.of("f"), Attrs.i("axis", 2))     // [8,3]
                .node("Mul", List.of("f", "f"), List.of("y")).output("y").build();
        GradientCheck.check(m, x(2, 3, 4));
    }

    @Test
    void squeezeUnsqueezeReduceSumWithAttributeAxesOpset11() {
        ModelProto m = model(11, 2, 1, 3)
                .node("Squeeze", List.of("x"), List.of("s"), Attrs.ints("axes", 1))
                .node("Unsqueeze", List.of("s"), List.of("u"), Attrs.ints("axes", 0, 3))  // [1,2,3,1]
                .node("Tanh", List.of("u"), List.of("t"))
                .node("ReduceSum", List.of("t"), List.of("r"), Attrs.ints("axes", 1), Attrs.i("keepdims", 0))
                .node("Mul", List.of("r", "r"), List.of("y")).output("y").build();
        GradientCheck.check(m, x(2, 1, 3));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void reduceSumAndMean(int keepDims) {
        ModelProto m = model(18, 2, 3, 4)
                .initializer(Tensors.ofLongs("axes", new long[] {2}, new long[] {0, -1}))
                .node("ReduceMean", List.of("x", "axes"), List.of("m"), Attrs.i("keepdims", keepDims))
                .node("ReduceSum", List.of("x", "axes"), List.of("s"), Attrs.i("keepdims", keepDims))
                .node("ReduceMean", List.of("x"), List.of("all"), Attrs.i("keepdims", keepDims))
                .node("Mul", List.of("m", "s"), List.of("ms"))
                .node("Add", List.of("ms", "all"), List.of("y")).output("y").build();
        GradientCheck.check(m, x(2, 3, 4));
    }

    @Test
    void reduceMeanWithAttributeAxesOpset13() {
        ModelProto m = model(13, 3, 5)
                .node("ReduceMean", List.of("x"), List.of("m"), Attrs.ints("axes", 1), Attrs.i("keepdims", 1))
                .node("Sub", List.of("x", "m"), List.of("c"))
                .node("Mul", List.of("c", "c"), List.of("y")).output("y").build();
        GradientCheck.check(m, x(3, 5));
    }

    @Test
    void concatOfTheInputWithItselfAndAConstant() {
        ModelProto m = model(13, 2, 3)
                .initializer(Tensors.ofDoubles("k", new long[] {2, 2}, new double[] {1, 2, 3, 4}))
                .node("Tanh", List.of("x"), List.of("t"))
                .node("Concat", List.of("x", "k", "t"), List.of("c"), Attrs.i("axis", -1))  // [2,8]
                .node("Mul", List.of("c", "c"), List.of("y")).output("y").build();
        GradientCheck.check(m, x(2, 3));
    }

    /** Opset 13 Split with sizes as input, one output unused; opset 18 Split by num_outputs. */
    @ParameterizedTest
    @ValueSource(ints = {13, 18})
    void split(int opset) {
        TinyModel t = model(opset, 2, 7);
        if (opset == 13) {
            t.initializer(Tensors.ofLongs("sizes", new long[] {3}, new long[] {2, 4, 1}))
                    .node("Split", List.of("x", "sizes"), List.of("a", "b", "unused"), Attrs.i("axis", 1));
        } else {
            t.node("Split", List.of("x"), List.of("a", "b", "unused"), Attrs.i("axis", 1), Attrs.i("num_outputs", 3));
        }
        ModelProto m = t.node("Tanh", List.of("b"), List.of("tb"))
                .node("ReduceSum", List.of("a"), List.of("sa"), Attrs.i("keepdims", 1))
                .node("Mul", List.of("tb", "sa"), List.of("y")).output("y").build();
        GradientCheck.check(m, x(2, 7));
    }

    @Test
    void sliceWithNegativeStepsAndAxes() {
        ModelProto m = model(13, 3, 8)
                .initializer(Tensors.ofLongs("starts", new long[] {2}, new long[] {-1, 1}))
                .initializer(Tensors.ofLongs("ends", new long[] {2}, new long[] {-100, 7}))
                .initializer(Tensors.ofLongs("axes", new long[] {2}, new long[] {1, 0}))
                .initializer(Tensors.ofLongs("steps", new long[] {2}, new long[] {-3, 1}))
                .node("Slice", List.of("x", "starts", "ends", "axes", "steps"), List.of("s"))  // [2,3]
                .node("Mul", List.of("s", "s"), List.of("y")).output("y").build();
        GradientCheck.check(m, x(3, 8));
    }

    /** Constant indices with a repeat and a negative index: the repeated element gets both gradients. */
    @Test
    void gatherAccumulatesRepeatedIndices() {
        ModelProto m = model(13, 3, 5)
                .initializer(Tensors.ofLongs("idx", new long[] {2, 2}, new long[] {4, 0, -1, 2}))
                .node("Gather", List.of("x", "idx"), List.of("g"), Attrs.i("axis", 1))    // [3,2,2]
                .node("Gather", List.of("x", "zero"), List.of("row"), Attrs.i("axis", 0)) // [5]
                .initializer(Tensors.ofLongs("zero", new long[] {}, new long[] {0}))
                .node("ReduceSum", List.of("row"), List.of("total"), Attrs.i("keepdims", 0))
                .node("Tanh", List.of("g"), List.of("tg"))
                .node("Mul", List.of("tg", "total"), List.of("y")).output("y").build();
        GradientCheck.check(m, x(3, 5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"constant", "reflect", "edge"})
    void padModes(String mode) {
        ModelProto m = model(13, 2, 4)
                .initializer(Tensors.ofLongs("pads", new long[] {4}, new long[] {1, 2, 0, 3}))
                .initializer(Tensors.ofDoubles("v", new long[] {}, new double[] {0.5}))
                .node("Pad", mode.equals("constant") ? List.of("x", "pads", "v") : List.of("x", "pads"),
                        List.of("p"), Attrs.s("mode", mode))
                .node("Mul", List.of("p", "p"), List.of("y")).output("y").build();
        GradientCheck.check(m, x(2, 4));
    }

    @Test
    void tileAndIdentity() {
        ModelProto m = model(13, 2, 3)
                .initializer(Tensors.ofLongs("reps", new long[] {2}, new long[] {2, 3}))
                .node("Tile", List.of("x", "reps"), List.of("t"))
                .node("Identity", List.of("t"), List.of("i"))
                .node("Mul", List.of("i", "i"), List.of("y")).output("y").build();
        GradientCheck.check(m, x(2, 3));
    }

    /** Shape arithmetic (Shape → Gather → Unsqueeze → Concat → Reshape) is not differentiated, only followed. */
    @Test
    void shapeArithmeticIsPrunedAndBatchStaysFree() {
        ModelProto m = model(13, -1, 3, 4)
                .node("Shape", List.of("x"), List.of("s"))
                .node("Constant", List.of(), List.of("zero"), Attrs.t("value",
                        Tensors.ofLongs("", new long[] {}, new long[] {0})))
                .node("Gather", List.of("s", "zero"), List.of("n"), Attrs.i("axis", 0))
                .node("Constant", List.of(), List.of("ax"), Attrs.t("value", Tensors.ofLongs("", new long[] {1},
                        new long[] {0})))
                .node("Unsqueeze", List.of("n", "ax"), List.of("n1"))
                .node("Constant", List.of(), List.of("minus1"), Attrs.t("value", Tensors.ofLongs("", new long[] {1},
                        new long[] {-1})))
                .node("Concat", List.of("n1", "minus1"), List.of("target"), Attrs.i("axis", 0))
                .node("Reshape", List.of("x", "target"), List.of("r"))
                .node("Cast", List.of("n"), List.of("nf"), Attrs.i("to", DOUBLE_VALUE))
                .node("Mul", List.of("r", "nf"), List.of("rn"))
                .node("Tanh", List.of("rn"), List.of("y")).output("y").build();
        GradientCheck.check(m, x(2, 3, 4));
        GradientCheck.check(m, x(5, 3, 4));
    }
}
