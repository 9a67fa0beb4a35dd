package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import org.explain4j.ExplainException;
import org.explain4j.onnx.graph.ConstantFolder;
import org.explain4j.onnx.graph.GraphEmitter;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.onnx.graph.ValueShapes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode accumulation over a forward graph. Values that depend on a source (the input,
 * or a requested intermediate) and have a floating type are "active"; the sweep visits nodes in
 * reverse topological order and applies the op's {@link VjpRule} to every node that has an
 * active input and a gradient on some output. Nodes off those paths (shape arithmetic, branches
 * that do not reach the output) emit nothing. Gradients reaching a value from several consumers
 * are summed once, when the value's producer asks for them.
 *
 * <p>The forward graph handed in must list its nodes in topological order (the emitter starts
 * from it, so node {@code i} of {@link OnnxGraph#nodes()} is node {@code i} of the emitter's
 * graph; {@link #addForwardOutput} relies on that).
 */
final class ReverseSweep {

    private final OnnxGraph graph;
    private final ValueShapes shapes;
    private final ConstantFolder consts;
    private final GraphEmitter emitter;
    private final GradientOptions options;
    private final Set<String> active = new HashSet<>();
    private final Map<String, List<String>> contributions = new HashMap<>();
    private final Map<String, String> shapeNodes = new HashMap<>();
    private final Map<OnnxNode, Integer> nodeIndex = new IdentityHashMap<>();

    ReverseSweep(OnnxGraph graph, ValueShapes shapes, GraphEmitter emitter, GradientOptions options) {
        this.graph = graph;
        this.shapes = shapes;
        this.consts = new ConstantFolder(graph, shapes::shapeOrNull);
        this.emitter = emitter;
        this.options = options;
        List<OnnxNode> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            nodeIndex.put(nodes.get(i), i);
        }
    }

    /**
     * Runs the sweep from {@code output} (seeded with {@code cotangent}) back to {@code sources};
     * returns each source's gradient value name, or {@code null} for a source the output does
     * not depend on.
     */
    Map<String, String> run(String output, String cotangent, List<String> sources) {
        markActive(sources);
        contributions.computeIfAbsent(output, k -> new ArrayList<>()).add(cotangent);
        List<OnnxNode> nodes = graph.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            OnnxNode n = nodes.get(i);
            boolean hasGrad = n.outputs().stream().anyMatch(o -> !o.isEmpty() && contributions.containsKey(o));
            boolean hasActiveInput = n.inputs().stream().anyMatch(active::contains);
            if (!hasGrad || !hasActiveInput) {
                continue;
            }
            VjpRule rule = VjpRules.rule(n);
            rule.apply(new NodeGradient(this, n));
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (String s : sources) {
            result.put(s, total(s));
        }
        return result;
    }

    private void markActive(List<String> sources) {
        active.addAll(sources);
        for (OnnxNode n : graph.nodes()) {
            if (n.inputs().stream().anyMatch(active::contains)) {
                for (String o : n.outputs()) {
                    if (!o.isEmpty() && shapes.info(o).map(i -> Tensors.isFloating(i.elemType())).orElse(false)) {
                        active.add(o);
                    }
                }
            }
        }
    }

    boolean isActive(String value) {
        return active.contains(value);
    }

    /** The summed gradient of {@code value}, or {@code null} when it has none. */
    String total(String value) {
        List<String> parts = contributions.get(value);
        if (parts == null || parts.isEmpty()) {
            return null;
        }
        if (parts.size() > 1) {
            String sum = emitter.op("Sum", parts);
            parts.clear();
            parts.add(sum);
        }
        return parts.get(0);
    }

    void contribute(String value, String gradient) {
        if (!active.contains(value)) {
            return; // a constant operand: its gradient is never needed
        }
        contributions.computeIfAbsent(value, k -> new ArrayList<>()).add(gradient);
    }

    /** A Shape node over {@code value}, shared by all rules. */
    String shapeOf(String value) {
        return shapeNodes.computeIfAbsent(value, v -> emitter.op("Shape", List.of(v)));
    }

    /**
     * Gives forward node {@code n} a further output at position {@code index} (MaxPool's
     * Indices) and returns its name; an existing output is returned as is.
     */
    String addForwardOutput(OnnxNode n, int index) {
        if (n.hasOutput(index)) {
            return n.output(index);
        }
        Integer at = nodeIndex.get(n);
        if (at == null) {
            throw new IllegalStateException("node not in the forward graph: " + n);
        }
        NodeProto.Builder b = emitter.builder().getNodeBuilder(at);
        String name = emitter.fresh(n.op().toLowerCase(java.util.Locale.ROOT) + "_out" + index);
        while (b.getOutputCount() < index) {
            b.addOutput("");
        }
        if (b.getOutputCount() == index) {
            b.addOutput(name);
        } else {
            b.setOutput(index, name);
        }
        return name;
    }

    ValueShapes shapes() {
        return shapes;
    }

    ConstantFolder consts() {
        return consts;
    }

    GraphEmitter emitter() {
        return emitter;
    }

    GradientOptions options() {
        return options;
    }

    OnnxGraph graph() {
        return graph;
    }

    static ExplainException noRule(OnnxNode n) {
        if (Set.of("If", "Loop", "Scan").contains(n.op())) {
            return new ExplainException("the model has control flow (" + n.op() + " node '" + n.label()
                    + "'), which the gradient graph builder does not support; export the model without "
                    + "data-dependent control flow, or supply an exported gradient graph");
        }
        return new ExplainException("no gradient rule for op " + (n.domain().isEmpty() ? "" : n.domain() + ".")
                + n.op() + " (node '" + n.label() + "'); supported ops: " + String.join(", ", VjpRules.supported()));
    }
}
