package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.explain4j.models.ReferenceModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConstantFolderTest {

    @Test
    void foldsTheLstmInitialStateShapeOnlyWhenTheBatchIsKnown() {
        var model = ReferenceModels.source("synthetic_bilstm").readModel();
        OnnxGraph g = OnnxGraph.parse(model, "bilstm");
        // Exported chain: Shape(x) -> Gather(1) -> Unsqueeze -> Concat([2], N, [8]) -> ConstantOfShape.
        ConstantFolder dynamic = new ConstantFolder(g, ValueShapes.probe(g.model(), Map.of())::shapeOrNull);
        assertTrue(dynamic.value("/lstm/Concat_output_0").isEmpty(), "batch is free: shape not constant");
        assertArrayEquals(new long[] {24, -1, 16}, ValueShapes.probe(g.model(), Map.of()).shape("/lstm/Reshape_output_0"));

        ConstantFolder fixed = new ConstantFolder(g,
                ValueShapes.probe(g.model(), Map.of("x", new long[] {5, 24, 4}))::shapeOrNull);
        assertArrayEquals(new long[] {2, 5, 8}, fixed.longs("/lstm/Concat_output_0"));
        ConstTensor zeros = fixed.value("/lstm/ConstantOfShape_output_0").orElseThrow();
        assertEquals(80, zeros.size());
        assertEquals(DataType.FLOAT_VALUE, zeros.dataType());
        // Slice parameters (here the start of Slice [Gather, start, end, axes, steps]) are plain constants.
        assertArrayEquals(new long[] {0}, dynamic.longs("/Constant_2_output_0"));
        assertArrayEquals(new long[] {Long.MAX_VALUE}, dynamic.longs("/Constant_7_output_0"));
        assertArrayEquals(new long[] {0, 0, -1}, dynamic.longs("/lstm/Constant_4_output_0"));
    }

    @Test
    void foldsIntegerArithmeticAndConstantAttributes() {
        TinyModel m = new TinyModel(13).input("x", DataType.FLOAT_VALUE, -1, 6, 4)
                .node("Constant", List.of(), List.of("k"), Attrs.ints("value_ints", 2, 3))
                .node("Shape", List.of("x"), List.of("s"))
                .node("Constant", List.of(), List.of("one"), Attrs.i("value_int", 1))
                .node("Constant", List.of(), List.of("end"), Attrs.t("value",
                        Tensors.ofLongs("", new long[] {1}, new long[] {Long.MAX_VALUE})))
                .node("Slice", List.of("s", "k0", "end"), List.of("tail"))
                .node("Constant", List.of(), List.of("k0"), Attrs.t("value",
                        Tensors.ofLongs("", new long[] {1}, new long[] {1})))
                .node("ReduceProd", List.of("tail"), List.of("p"))
                .node("Mul", List.of("k", "one"), List.of("k2"))
                .node("Concat", List.of("k2", "tail"), List.of("cat"), Attrs.i("axis", 0))
                .node("Cast", List.of("cat"), List.of("catf"), Attrs.i("to", DataType.FLOAT_VALUE))
                .node("Reshape", List.of("x", "cat"), List.of("y"))
                .output("y");
        OnnxGraph g = OnnxGraph.of(m.build());
        ConstantFolder f = new ConstantFolder(g, v -> v.equals("x") ? new long[] {-1, 6, 4} : null);
        assertArrayEquals(new long[] {6, 4}, f.longs("tail"));
        assertArrayEquals(new long[] {2, 3, 6, 4}, f.longs("cat"));
        assertArrayEquals(new double[] {2, 3, 6, 4}, f.value("catf").orElseThrow().doubles());
        assertTrue(f.value("s").isEmpty(), "Shape(x) has a free batch dimension");
        assertTrue(f.value("p").isEmpty(), "ReduceProd is not folded");
        assertTrue(f.value("y").isEmpty(), "depends on the input");
    }
}
