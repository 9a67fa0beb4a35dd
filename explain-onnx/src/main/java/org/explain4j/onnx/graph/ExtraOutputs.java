package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import org.explain4j.ExplainException;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The pass that exposes chosen values as extra graph outputs, so that a session built from the
 * new model returns them. A new output carries the type the file declares for the value (its
 * value_info) when it has one, and no type otherwise: ONNX Runtime then infers the element type
 * and shape itself, so integer and double tensors come out right and any batch size runs.
 */
public final class ExtraOutputs {

    private ExtraOutputs() {
    }

    /**
     * A copy of {@code model} that also outputs {@code names}, in order, after its own outputs
     * (names already outputs are skipped).
     *
     * @throws ExplainException when a name is not a value of the graph
     */
    public static ModelProto withOutputs(ModelProto model, Collection<String> names) {
        OnnxGraph g = OnnxGraph.of(model);
        GraphProto.Builder b = model.getGraph().toBuilder();
        Set<String> present = new HashSet<>(g.outputNames());
        for (String name : names) {
            if (!g.hasValue(name)) {
                throw new ExplainException("'" + name + "' is not a tensor of the model; its tensors include "
                        + String.join(", ", g.valueNames().stream().limit(12).toList())
                        + (g.valueNames().size() > 12 ? ", ..." : ""));
            }
            if (present.add(name)) {
                b.addOutput(g.declared(name).filter(v -> v.getType().hasTensorType()
                                && v.getType().getTensorType().getElemType() != 0)
                        .map(v -> ValueInfoProto.newBuilder().setName(name).setType(v.getType()).build())
                        .orElse(ValueInfoProto.newBuilder().setName(name).build()));
            }
        }
        return model.toBuilder().setGraph(b).build();
    }

    /** Every value a node computes, in topological order (the names {@link ValueShapes} probes). */
    public static java.util.List<String> nodeOutputs(OnnxGraph g) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (OnnxNode n : g.nodes()) {
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    out.add(o);
                }
            }
        }
        return out;
    }
}
