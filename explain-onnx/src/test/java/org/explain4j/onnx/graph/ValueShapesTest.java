package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.explain4j.models.ReferenceModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ValueShapesTest {

    @Test
    void marksTheBatchDimensionFreeAndTheRestStatic() {
        ModelProto cnn = OnnxGraph.parseModel(ReferenceModels.source("synthetic_cnn1d").readModel(), "cnn");
        ValueShapes s = ValueShapes.probe(cnn, Map.of());
        assertArrayEquals(new long[] {-1, 3, 128}, s.shape("x"));
        assertArrayEquals(new long[] {-1, 8, 128}, s.shape("/conv1/Conv_output_0"));
        assertArrayEquals(new long[] {-1, 16, 64}, s.shape("/conv2/Conv_output_0"));
        assertArrayEquals(new long[] {-1, 16, 32}, s.shape("/pool/MaxPool_output_0"));
        assertArrayEquals(new long[] {-1, 3}, s.shape("y"));
        assertArrayEquals(new long[] {8, 3, 7}, s.shape("conv1.weight"));
        assertEquals(DataType.FLOAT_VALUE, s.elemType("y"));

        ValueShapes fixed = ValueShapes.probe(cnn, Map.of("x", new long[] {4, 3, 128}));
        assertArrayEquals(new long[] {4, 16, 64}, fixed.shape("/conv2/Conv_output_0"));
    }

    @Test
    void readsTypesOfIntegerAndDoubleValues() {
        ModelProto m = new TinyModel(13).input("x", DataType.DOUBLE_VALUE, -1, 5)
                .node("Shape", List.of("x"), List.of("s"))
                .node("Exp", List.of("x"), List.of("e"))
                .node("ReduceSum", List.of("e"), List.of("y"), Attrs.i("keepdims", 0))
                .output("y").build();
        ValueShapes s = ValueShapes.probe(m, Map.of());
        assertEquals(DataType.INT64_VALUE, s.elemType("s"));
        assertArrayEquals(new long[] {2}, s.shape("s"));
        assertEquals(DataType.DOUBLE_VALUE, s.elemType("e"));
        assertArrayEquals(new long[] {-1, 5}, s.shape("e"));
        assertArrayEquals(new long[] {}, s.shape("y"));
    }
}
