package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Removes nodes whose outputs no graph output needs (initializers and inputs stay). */
public final class Pruning {

    private Pruning() {
    }

    public static ModelProto withoutDeadNodes(ModelProto model) {
        GraphProto g = model.getGraph();
        Set<String> needed = new HashSet<>();
        g.getOutputList().forEach(v -> needed.add(v.getName()));
        List<NodeProto> nodes = new ArrayList<>(g.getNodeList());
        List<NodeProto> kept = new ArrayList<>();
        // Reverse file order is a reverse topological order for graphs written in order; the
        // sort makes sure of it.
        List<OnnxNode> order = new ArrayList<>(OnnxGraph.of(model).nodes());
        Collections.reverse(order);
        for (OnnxNode n : order) {
            boolean live = n.outputs().stream().anyMatch(needed::contains);
            if (live) {
                kept.add(n.proto());
                needed.addAll(OnnxGraph.dependencies(n.proto()));
            }
        }
        Collections.reverse(kept);
        if (kept.size() == nodes.size()) {
            return model;
        }
        GraphProto.Builder b = g.toBuilder().clearNode().addAllNode(kept).clearValueInfo();
        for (ValueInfoProto v : g.getValueInfoList()) {
            if (needed.contains(v.getName())) {
                b.addValueInfo(v);
            }
        }
        return model.toBuilder().setGraph(b).build();
    }
}
