package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.explain4j.models.ReferenceModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphCutTest {

    /** The MLP cut after its first hidden layer computes the same logits from that layer's activations. */
    @Test
    void tailFromAnActivationReproducesTheOutput() {
        ModelProto mlp = OnnxGraph.parseModel(ReferenceModels.source("breast_cancer_mlp").readModel(), "mlp");
        String hidden = "/net/net.1/Relu_output_0";
        ModelProto tail = GraphCut.from(mlp, List.of(hidden), ValueShapes.probe(mlp, Map.of()));
        OnnxGraph t = OnnxGraph.of(tail);
        assertEquals(List.of(hidden), t.inputNames());
        assertEquals(List.of("Gemm", "Relu", "Gemm"), t.nodes().stream().map(OnnxNode::op).toList());
        assertTrue(t.initializer("net.0.weight").isEmpty(), "the head's weights are gone");

        Random r = new Random(3);
        double[] x = new double[2 * 30];
        for (int i = 0; i < x.length; i++) {
            x[i] = 10 + 5 * r.nextGaussian();
        }
        try (OrtRun full = new OrtRun(ExtraOutputs.withOutputs(mlp, List.of(hidden))); OrtRun cut = new OrtRun(tail)) {
            Map<String, OrtRun.Arr> out = full.run(Map.of("x", OrtRun.Arr.ofFloat(x, 2, 30)));
            OrtRun.Arr h = out.get(hidden);
            assertArrayEquals(out.get("y").data(), cut.run(Map.of(hidden, h)).get("y").data(), 0);
        }
    }

    @Test
    void pruningDropsNodesNoOutputNeeds() {
        ModelProto m = new TinyModel(13).input("x", 1, 2)
                .node("Relu", List.of("x"), List.of("a"))
                .node("Neg", List.of("x"), List.of("unused"))
                .node("Neg", List.of("a"), List.of("y")).output("y").build();
        ModelProto p = Pruning.withoutDeadNodes(m);
        assertEquals(List.of("Relu", "Neg"), OnnxGraph.of(p).nodes().stream().map(OnnxNode::op).toList());
        assertEquals(List.of("y"), OnnxGraph.of(p).nodes().get(1).outputs());
    }
}
