package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import org.explain4j.ExplainException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A read-only view of an ONNX model's main graph: nodes in topological order, initializers,
 * the graph's real inputs (those that are not initializers), producers and consumers of every
 * value, and the opset. Built once; the model itself is never changed (passes return new
 * models).
 */
public final class OnnxGraph {

    /** The default operator set domain; ONNX writes it as {@code ""} or {@code "ai.onnx"}. */
    public static final String ONNX_DOMAIN = "";

    private final ModelProto model;
    private final List<OnnxNode> nodes;
    private final Map<String, TensorProto> initializers;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, OnnxNode> producers;
    private final Map<String, List<OnnxNode>> consumers;
    private final Map<String, ValueInfoProto> declared;

    private OnnxGraph(ModelProto model) {
        this.model = model;
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            inits.put(t.getName(), t);
        }
        this.initializers = Collections.unmodifiableMap(inits);
        List<String> in = new ArrayList<>();
        Map<String, ValueInfoProto> decl = new HashMap<>();
        for (ValueInfoProto v : g.getInputList()) {
            decl.put(v.getName(), v);
            if (!inits.containsKey(v.getName())) {
                in.add(v.getName());
            }
        }
        for (ValueInfoProto v : g.getValueInfoList()) {
            decl.putIfAbsent(v.getName(), v);
        }
        for (ValueInfoProto v : g.getOutputList()) {
            decl.put(v.getName(), v);
        }
        this.declared = Collections.unmodifiableMap(decl);
        this.inputs = List.copyOf(in);
        this.outputs = g.getOutputList().stream().map(ValueInfoProto::getName).toList();
        this.nodes = List.copyOf(topologicalOrder(g));
        Map<String, OnnxNode> prod = new HashMap<>();
        Map<String, List<OnnxNode>> cons = new HashMap<>();
        for (OnnxNode n : nodes) {
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    prod.put(o, n);
                }
            }
            for (String i : dependencies(n.proto())) {
                cons.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            }
        }
        this.producers = Collections.unmodifiableMap(prod);
        cons.replaceAll((k, v) -> List.copyOf(v));
        this.consumers = Collections.unmodifiableMap(cons);
    }

    public static OnnxGraph of(ModelProto model) {
        return new OnnxGraph(model);
    }

    /** Parses model bytes; {@code location} names the model in the error. */
    public static OnnxGraph parse(byte[] bytes, String location) {
        return of(parseModel(bytes, location));
    }

    /** Parses model bytes into a {@link ModelProto}. */
    public static ModelProto parseModel(byte[] bytes, String location) {
        try {
            ModelProto m = ModelProto.parseFrom(bytes);
            if (!m.hasGraph()) {
                throw new ExplainException(location + " holds no ONNX graph; expected an .onnx model file");
            }
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new ExplainException(location + " is not a readable ONNX model: " + e.getMessage());
        }
    }

    public ModelProto model() {
        return model;
    }

    public GraphProto graph() {
        return model.getGraph();
    }

    /** All nodes in a topological order (the file's order wherever it already is one). */
    public List<OnnxNode> nodes() {
        return nodes;
    }

    /** Graph inputs that are not initializers, in declaration order. */
    public List<String> inputNames() {
        return inputs;
    }

    public List<String> outputNames() {
        return outputs;
    }

    public Map<String, TensorProto> initializers() {
        return initializers;
    }

    public boolean isInitializer(String name) {
        return initializers.containsKey(name);
    }

    public Optional<TensorProto> initializer(String name) {
        return Optional.ofNullable(initializers.get(name));
    }

    /** The node that computes {@code value}; empty for inputs, initializers and unknown names. */
    public Optional<OnnxNode> producer(String value) {
        return Optional.ofNullable(producers.get(value));
    }

    /** Nodes that read {@code value} (including through a subgraph), in topological order. */
    public List<OnnxNode> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /** The declared input, output or value_info entry of {@code value}, when the file has one. */
    public Optional<ValueInfoProto> declared(String value) {
        return Optional.ofNullable(declared.get(value));
    }

    /** Every tensor name: inputs, initializers and node outputs, in graph order. */
    public Set<String> valueNames() {
        Set<String> names = new LinkedHashSet<>(inputs);
        names.addAll(initializers.keySet());
        for (OnnxNode n : nodes) {
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    names.add(o);
                }
            }
        }
        return names;
    }

    /** Whether {@code value} is an input, an initializer or a node output of the graph. */
    public boolean hasValue(String value) {
        return producers.containsKey(value) || initializers.containsKey(value) || declared.containsKey(value);
    }

    /** The version of the default ONNX operator set the model imports. */
    public int opsetVersion() {
        return opsetVersion(ONNX_DOMAIN);
    }

    /** The version of operator set {@code domain} the model imports, or 0 when it imports none. */
    public int opsetVersion(String domain) {
        return opsetVersion(model, domain);
    }

    static int opsetVersion(ModelProto model, String domain) {
        String d = normalize(domain);
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (normalize(o.getDomain()).equals(d)) {
                return (int) o.getVersion();
            }
        }
        return 0;
    }

    private static String normalize(String domain) {
        return "ai.onnx".equals(domain) ? "" : domain;
    }

    /**
     * Values a node reads: its inputs and, for control-flow nodes, the outer-scope values its
     * subgraphs use.
     */
    static Set<String> dependencies(NodeProto node) {
        Set<String> deps = new LinkedHashSet<>();
        for (String i : node.getInputList()) {
            if (!i.isEmpty()) {
                deps.add(i);
            }
        }
        for (AttributeProto a : node.getAttributeList()) {
            if (a.hasG()) {
                deps.addAll(outerReferences(a.getG()));
            }
            for (GraphProto sub : a.getGraphsList()) {
                deps.addAll(outerReferences(sub));
            }
        }
        return deps;
    }

    private static Set<String> outerReferences(GraphProto g) {
        Set<String> defined = new HashSet<>();
        g.getInputList().forEach(v -> defined.add(v.getName()));
        g.getInitializerList().forEach(t -> defined.add(t.getName()));
        Set<String> used = new LinkedHashSet<>();
        for (NodeProto n : g.getNodeList()) {
            for (String i : dependencies(n)) {
                if (!defined.contains(i)) {
                    used.add(i);
                }
            }
            defined.addAll(n.getOutputList());
        }
        g.getOutputList().forEach(v -> {
            if (!defined.contains(v.getName())) {
                used.add(v.getName());
            }
        });
        return used;
    }

    /** Kahn's algorithm, taking ready nodes in file order so sorted files keep their order. */
    private static List<OnnxNode> topologicalOrder(GraphProto g) {
        List<NodeProto> all = g.getNodeList();
        Map<String, Integer> producerIndex = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            for (String o : all.get(i).getOutputList()) {
                if (!o.isEmpty()) {
                    producerIndex.put(o, i);
                }
            }
        }
        int[] pending = new int[all.size()];
        List<List<Integer>> dependents = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            dependents.add(new ArrayList<>());
        }
        for (int i = 0; i < all.size(); i++) {
            for (String dep : dependencies(all.get(i))) {
                Integer p = producerIndex.get(dep);
                if (p != null && p != i) {
                    pending[i]++;
                    dependents.get(p).add(i);
                }
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < all.size(); i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<OnnxNode> order = new ArrayList<>(all.size());
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(new OnnxNode(all.get(i)));
            for (int d : dependents.get(i)) {
                if (--pending[d] == 0) {
                    ready.add(d);
                }
            }
        }
        if (order.size() != all.size()) {
            throw new ExplainException("the ONNX graph has a cycle among its nodes; a model graph must be acyclic");
        }
        return order;
    }
}
