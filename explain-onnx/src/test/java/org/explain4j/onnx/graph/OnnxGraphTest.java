package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.explain4j.models.ReferenceModels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxGraphTest {

    @Test
    void readsTheReferenceCnn() {
        OnnxGraph g = OnnxGraph.parse(ReferenceModels.source("synthetic_cnn1d").readModel(), "cnn");
        assertEquals(List.of("x"), g.inputNames());
        assertEquals(List.of("y"), g.outputNames());
        assertEquals(14, g.opsetVersion());
        assertTrue(g.isInitializer("conv1.weight"));
        OnnxNode conv = g.producer("/conv1/Conv_output_0").orElseThrow();
        assertEquals("Conv", conv.op());
        assertEquals(7, conv.attrInts("kernel_shape")[0]);
        assertEquals(1, conv.attrInt("group", 1));
        assertEquals(List.of("BatchNormalization"), g.consumers("/conv1/Conv_output_0").stream().map(OnnxNode::op).toList());
        assertEquals(8, Tensors.toFloats(g.initializer("conv1.bias").orElseThrow()).length);
        assertEquals("Gemm", g.nodes().get(g.nodes().size() - 1).op());
    }

    @Test
    void sortsShuffledNodesTopologically() {
        TinyModel m = new TinyModel(13).input("x", DataType.FLOAT_VALUE, 2, 3);
        String prev = "x";
        for (int i = 0; i < 20; i++) {
            m.node(i % 2 == 0 ? "Relu" : "Neg", List.of(prev), List.of("v" + i));
            prev = "v" + i;
        }
        ModelProto model = m.output(prev).build();
        List<NodeProto> shuffled = new ArrayList<>(model.getGraph().getNodeList());
        Collections.shuffle(shuffled, new Random(3));
        ModelProto scrambled = model.toBuilder().setGraph(GraphProto.newBuilder(model.getGraph()).clearNode()
                .addAllNode(shuffled)).build();
        List<OnnxNode> order = OnnxGraph.of(scrambled).nodes();
        for (int i = 0; i < 20; i++) {
            assertEquals("v" + i, order.get(i).output(0));
        }
    }

    @Test
    void initializersListedAsInputsAreNotInputs() {
        ModelProto model = new TinyModel(8).input("x", DataType.FLOAT_VALUE, 1, 2)
                .input("b", DataType.FLOAT_VALUE, 2)
                .initializer(Tensors.ofFloats("b", new long[] {2}, new float[] {1, 2}))
                .node("Add", List.of("x", "b"), List.of("y")).output("y").build();
        ModelProto aiOnnx = model.toBuilder().clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx").setVersion(8)).build();
        OnnxGraph g = OnnxGraph.of(aiOnnx);
        assertEquals(List.of("x"), g.inputNames());
        assertEquals(8, g.opsetVersion());
        assertFalse(g.producer("b").isPresent());
        assertTrue(g.valueNames().containsAll(List.of("x", "b", "y")));
    }
}
