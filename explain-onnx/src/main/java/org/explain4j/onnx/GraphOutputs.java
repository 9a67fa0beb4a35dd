package org.explain4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import org.explain4j.ExplainException;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The graph pass that exposes intermediate tensors: it adds named values as extra graph outputs
 * so that a session built from the rewritten model returns them. Works on a copy; the model's
 * file is never touched.
 */
public final class GraphOutputs {

    private GraphOutputs() {
    }

    /** Parses an ONNX model; {@code location} names it in errors. */
    public static ModelProto parse(byte[] bytes, String location) {
        try {
            return ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ExplainException(location + " is not a readable ONNX model: " + OrtErrors.firstLine(e));
        }
    }

    /**
     * Every tensor a run can return, in graph order: the graph's inputs (not its weights) and the
     * outputs of its nodes.
     */
    public static Set<String> tensorNames(GraphProto graph) {
        Set<String> initializers = new HashSet<>();
        for (TensorProto t : graph.getInitializerList()) {
            initializers.add(t.getName());
        }
        Set<String> names = new LinkedHashSet<>();
        for (ValueInfoProto v : graph.getInputList()) {
            if (!initializers.contains(v.getName())) {
                names.add(v.getName());
            }
        }
        for (NodeProto node : graph.getNodeList()) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty()) {
                    names.add(out);
                }
            }
        }
        return names;
    }

    /**
     * A copy of {@code model} whose graph also outputs {@code names} (those not outputs yet),
     * as {@link org.explain4j.onnx.graph.ExtraOutputs#withOutputs} makes it: a declared type is
     * kept, otherwise none is given and ONNX Runtime infers element type and shape, so integer
     * tensors come out right and any batch size runs.
     */
    public static ModelProto withOutputs(ModelProto model, Collection<String> names) {
        return org.explain4j.onnx.graph.ExtraOutputs.withOutputs(model, names);
    }
}
