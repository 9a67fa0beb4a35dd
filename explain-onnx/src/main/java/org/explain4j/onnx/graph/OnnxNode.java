package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.explain4j.ExplainException;

import java.util.List;
import java.util.Optional;

/**
 * A read-only view of one ONNX node with typed attribute accessors. Optional inputs that the
 * model leaves out are empty strings in ONNX; {@link #input(int)} returns {@code ""} for them
 * and for positions past the end, so rules can test {@link #hasInput(int)}.
 */
public record OnnxNode(NodeProto proto) {

    public String op() {
        return proto.getOpType();
    }

    /** The node's name; empty when the exporter left it out (see {@link #label()}). */
    public String name() {
        return proto.getName();
    }

    /** The name to show in messages: the node name, or its first output when it has none. */
    public String label() {
        if (!proto.getName().isEmpty()) {
            return proto.getName();
        }
        return proto.getOutputCount() > 0 ? "producing " + proto.getOutput(0) : "(unnamed)";
    }

    public String domain() {
        return proto.getDomain();
    }

    public List<String> inputs() {
        return proto.getInputList();
    }

    public List<String> outputs() {
        return proto.getOutputList();
    }

    public int inputCount() {
        return proto.getInputCount();
    }

    public int outputCount() {
        return proto.getOutputCount();
    }

    /** Input {@code i}, or {@code ""} when absent. */
    public String input(int i) {
        return i < proto.getInputCount() ? proto.getInput(i) : "";
    }

    public boolean hasInput(int i) {
        return !input(i).isEmpty();
    }

    /** Output {@code i}, or {@code ""} when absent. */
    public String output(int i) {
        return i < proto.getOutputCount() ? proto.getOutput(i) : "";
    }

    public boolean hasOutput(int i) {
        return !output(i).isEmpty();
    }

    public boolean hasAttribute(String name) {
        return attribute(name).isPresent();
    }

    public Optional<AttributeProto> attribute(String name) {
        for (AttributeProto a : proto.getAttributeList()) {
            if (a.getName().equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    public long attrInt(String name, long fallback) {
        return attribute(name).map(AttributeProto::getI).orElse(fallback);
    }

    public float attrFloat(String name, float fallback) {
        return attribute(name).map(AttributeProto::getF).orElse(fallback);
    }

    public String attrString(String name, String fallback) {
        return attribute(name).map(a -> a.getS().toStringUtf8()).orElse(fallback);
    }

    /** An INTS attribute, or {@code null} when absent. */
    public long[] attrInts(String name) {
        return attribute(name).map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray()).orElse(null);
    }

    /** A FLOATS attribute, or {@code null} when absent. */
    public float[] attrFloats(String name) {
        return attribute(name).map(a -> {
            float[] f = new float[a.getFloatsCount()];
            for (int i = 0; i < f.length; i++) {
                f[i] = a.getFloats(i);
            }
            return f;
        }).orElse(null);
    }

    /** A STRINGS attribute, or {@code null} when absent. */
    public List<String> attrStrings(String name) {
        return attribute(name).map(a -> a.getStringsList().stream().map(s -> s.toStringUtf8()).toList()).orElse(null);
    }

    public Optional<TensorProto> attrTensor(String name) {
        return attribute(name).filter(AttributeProto::hasT).map(AttributeProto::getT);
    }

    /** An INT attribute that must be present. */
    public long requireInt(String name) {
        return attribute(name).map(AttributeProto::getI).orElseThrow(() -> new ExplainException(
                op() + " node '" + label() + "' lacks its required attribute '" + name + "'"));
    }

    /** Whether any attribute holds a subgraph (If, Loop, Scan and custom control flow). */
    public boolean hasSubgraph() {
        for (AttributeProto a : proto.getAttributeList()) {
            if (a.hasG() || a.getGraphsCount() > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return op() + " '" + label() + "' " + inputs() + " -> " + outputs();
    }
}
