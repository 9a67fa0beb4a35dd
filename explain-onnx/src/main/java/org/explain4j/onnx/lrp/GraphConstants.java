package org.explain4j.onnx.lrp;

import ai.onnx.proto.OnnxMl.TensorProto;
import org.explain4j.ExplainException;
import org.explain4j.onnx.graph.ConstTensor;
import org.explain4j.onnx.graph.ConstantFolder;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.OnnxNode;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Values of a graph known without running it: initializers and Constant nodes of any size
 * (weights), and the small arithmetic {@link ConstantFolder} evaluates (axes, shapes, indices).
 */
final class GraphConstants {
    private final OnnxGraph graph;
    private final ConstantFolder folder;
    private final Map<String, Optional<ConstTensor>> memo = new HashMap<>();

    GraphConstants(OnnxGraph graph) {
        this.graph = graph;
        this.folder = new ConstantFolder(graph);
    }

    /** The value of {@code name} when the graph fixes it. */
    Optional<ConstTensor> value(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        return memo.computeIfAbsent(name, this::compute);
    }

    boolean isConstant(String name) {
        return value(name).isPresent();
    }

    private Optional<ConstTensor> compute(String name) {
        Optional<TensorProto> init = graph.initializer(name);
        if (init.isPresent()) {
            return Optional.of(ConstTensor.of(init.get()));
        }
        Optional<OnnxNode> producer = graph.producer(name);
        if (producer.isPresent() && producer.get().op().equals("Constant")) {
            Optional<TensorProto> t = producer.get().attrTensor("value");
            if (t.isPresent()) {
                return Optional.of(ConstTensor.of(t.get()));
            }
        }
        if (producer.isPresent() && producer.get().op().equals("Identity")) {
            return value(producer.get().input(0));
        }
        return folder.value(name);
    }

    /** A floating constant's values, or an error naming the node that needs it. */
    double[] doubles(String name, OnnxNode node, String what) {
        return require(name, node, what).doubles();
    }

    ConstTensor require(String name, OnnxNode node, String what) {
        return value(name).orElseThrow(() -> new ExplainException(node.op() + " node '" + node.label() + "' takes its "
                + what + " from '" + name + "', which is computed at run time; LRP needs it to be a constant"
                + " (an initializer or Constant)"));
    }

    /** Integer values of an optional constant input, or {@code null} when the input is absent. */
    long[] longsOrNull(OnnxNode node, int input, String what) {
        if (!node.hasInput(input)) {
            return null;
        }
        return require(node.input(input), node, what).longs();
    }
}
