package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.explain4j.ExplainException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Old-opset models and their upgrades run in ONNX Runtime and give the same numbers. */
class OpsetUpgradeTest {

    @Test
    void opset11AttributeFormsBecomeInputs() {
        ModelProto old = new TinyModel(11).input("x", DataType.FLOAT_VALUE, 2, 3, 4)
                .node("Unsqueeze", List.of("x"), List.of("u"), Attrs.ints("axes", 0))
                .node("Squeeze", List.of("u"), List.of("s"), Attrs.ints("axes", 0))
                .node("Split", List.of("s"), List.of("a", "b"), Attrs.i("axis", 2), Attrs.ints("split", 1, 3))
                .node("ReduceSum", List.of("b"), List.of("r"), Attrs.ints("axes", 2), Attrs.i("keepdims", 1))
                .node("Mul", List.of("a", "r"), List.of("m"))
                .node("Softmax", List.of("m"), List.of("y"), Attrs.i("axis", 1)) // coerced 2-D: over axes 1..2
                .output("y").build();
        assertSameOutputs(old, OpsetUpgrade.upgrade(old, 13, null), new long[] {2, 3, 4});
        assertSameOutputs(old, OpsetUpgrade.upgrade(old, 18, null), new long[] {2, 3, 4});
        assertEquals(13, OnnxGraph.of(OpsetUpgrade.upgrade(old, 13, null)).opsetVersion());
    }

    @Test
    void opset9PadSliceClipAndSoftmax() {
        ModelProto old = new TinyModel(9).input("x", DataType.FLOAT_VALUE, 2, 5)
                .node("Pad", List.of("x"), List.of("p"), Attrs.ints("pads", 0, 1, 0, 2), Attrs.f("value", 0.5f))
                .node("Slice", List.of("p"), List.of("s"), Attrs.ints("starts", 1), Attrs.ints("ends", 7),
                        Attrs.ints("axes", 1))
                .node("Clip", List.of("s"), List.of("c"), Attrs.f("min", -0.3f), Attrs.f("max", 0.4f))
                .node("LogSoftmax", List.of("c"), List.of("y"))
                .output("y").build();
        assertSameOutputs(old, OpsetUpgrade.upgrade(old, 17, null), new long[] {2, 5});
    }

    @Test
    void tooOldOpsetsAreRefused() {
        ModelProto ancient = new TinyModel(6).input("x", DataType.FLOAT_VALUE, 2)
                .node("Relu", List.of("x"), List.of("y")).output("y").build();
        ExplainException e = assertThrows(ExplainException.class, () -> OpsetUpgrade.upgrade(ancient, 13, null));
        assertEquals(true, e.getMessage().contains("opset 6"), e.getMessage());
    }

    private static void assertSameOutputs(ModelProto a, ModelProto b, long[] shape) {
        Random r = new Random(1);
        double[] x = new double[(int) Tensors.elementCount(shape)];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        Map<String, OrtRun.Arr> in = Map.of("x", OrtRun.Arr.ofFloat(x, shape));
        try (OrtRun ra = new OrtRun(a); OrtRun rb = new OrtRun(b)) {
            OrtRun.Arr ya = ra.run(in).get("y");
            OrtRun.Arr yb = rb.run(in).get("y");
            assertArrayEquals(ya.shape(), yb.shape());
            assertArrayEquals(ya.data(), yb.data(), 1e-6);
        }
    }
}
