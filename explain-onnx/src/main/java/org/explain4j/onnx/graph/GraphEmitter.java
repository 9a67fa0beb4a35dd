package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Appends nodes and constant initializers to a copy of a graph, with value and node names that
 * cannot clash with the graph's own ({@code prefix} + counter, skipping names in use).
 * Identical constants are stored once.
 */
public final class GraphEmitter {

    private final GraphProto.Builder graph;
    private final String prefix;
    private final Set<String> used = new HashSet<>();
    private final Map<String, String> constants = new HashMap<>();
    private int counter;

    public GraphEmitter(GraphProto base, String prefix) {
        this.graph = base.toBuilder();
        this.prefix = prefix;
        base.getInputList().forEach(v -> used.add(v.getName()));
        base.getOutputList().forEach(v -> used.add(v.getName()));
        base.getValueInfoList().forEach(v -> used.add(v.getName()));
        base.getInitializerList().forEach(t -> used.add(t.getName()));
        for (NodeProto n : base.getNodeList()) {
            used.addAll(n.getOutputList());
            used.add(n.getName());
        }
    }

    /** A value name not used in the graph yet, built from {@code hint}. */
    public String fresh(String hint) {
        String base = prefix + hint;
        String name = base;
        while (used.contains(name)) {
            name = base + "_" + (++counter);
        }
        used.add(name);
        return name;
    }

    /** Reserves {@code name} so that {@link #fresh} never returns it; false when it is taken already. */
    public boolean reserve(String name) {
        return used.add(name);
    }

    /** Appends a node with one output and returns the output's name. */
    public String op(String opType, List<String> inputs, AttributeProto... attrs) {
        return op(opType, inputs, 1, attrs)[0];
    }

    /** Appends a node with {@code outputs} outputs and returns their names. */
    public String[] op(String opType, List<String> inputs, int outputs, AttributeProto... attrs) {
        String[] outs = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            outs[i] = fresh(opType.toLowerCase(java.util.Locale.ROOT));
        }
        node(opType, inputs, Arrays.asList(outs), attrs);
        return outs;
    }

    /** Appends a node writing the given outputs (empty strings leave optional outputs out). */
    public void node(String opType, List<String> inputs, List<String> outputs, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(fresh(opType + "_node"))
                .addAllInput(inputs).addAllOutput(outputs);
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        for (String o : outputs) {
            used.add(o);
        }
        graph.addNode(n);
    }

    /** Appends a prepared node as is. */
    public void node(NodeProto node) {
        used.addAll(node.getOutputList());
        used.add(node.getName());
        graph.addNode(node);
    }

    /** A constant initializer holding {@code value}; equal constants share one initializer. */
    public String constant(ConstTensor value) {
        String key = value.toString();
        String name = constants.get(key);
        if (name == null) {
            name = fresh("const");
            graph.addInitializer(value.toProto(name));
            constants.put(key, name);
        }
        return name;
    }

    /** A 1-D int64 constant. */
    public String longs(long... values) {
        return constant(ConstTensor.ofLongs(values));
    }

    /** A 0-D int64 constant. */
    public String scalarLong(long value) {
        return constant(new ConstTensor(DataType.INT64_VALUE, new long[0], new long[] {value}, null));
    }

    /** A 0-D constant of floating type {@code dataType}. */
    public String scalar(double value, int dataType) {
        return constant(new ConstTensor(dataType, new long[0], null, new double[] {value}));
    }

    /** Adds a graph input. */
    public void addInput(ValueInfoProto input) {
        used.add(input.getName());
        graph.addInput(input);
    }

    /** Adds an initializer as given (the caller picks a fresh name). */
    public void addInitializer(TensorProto t) {
        used.add(t.getName());
        graph.addInitializer(t);
    }

    public GraphProto.Builder builder() {
        return graph;
    }

    /** Names of the nodes appended and present, for inspection. */
    public List<String> nodeNames() {
        List<String> names = new ArrayList<>();
        graph.getNodeList().forEach(n -> names.add(n.getName()));
        return names;
    }

    public GraphProto build() {
        return graph.build();
    }
}
