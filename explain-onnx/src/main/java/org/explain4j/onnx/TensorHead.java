package org.explain4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import org.explain4j.ExplainException;
import org.explain4j.model.ModelSource;
import org.explain4j.onnx.graph.ExtraOutputs;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.Pruning;

import java.util.List;

/**
 * A model cut after one intermediate tensor: same input, that tensor as its only output. Its
 * {@code vjp} is {@code cotangent · ∂tensor/∂input}, which unit visualisation needs.
 * ({@link OrtModel#layerVjp} is not that: its cotangent weights the model's final output and it
 * returns {@code ∂output/∂tensor}.)
 */
public final class TensorHead {

    private TensorHead() {
    }

    /**
     * Opens {@code model}'s graph up to {@code tensorName} as a model of its own, on the CPU.
     *
     * @throws ExplainException when the tensor is not computed by a node of the model (listing candidates)
     */
    public static OrtModel open(OrtModel model, String tensorName) {
        ModelProto proto = model.onnxModel();
        OnnxGraph g = OnnxGraph.of(proto);
        List<String> candidates = ExtraOutputs.nodeOutputs(g);
        if (!candidates.contains(tensorName)) {
            throw new ExplainException("model '" + model.info().name() + "' has no intermediate tensor named '"
                    + tensorName + "'; candidates: " + String.join(", ", candidates.size() > 40
                    ? candidates.subList(0, 40) : candidates) + (candidates.size() > 40 ? ", ..." : ""));
        }
        ModelProto exposing = ExtraOutputs.withOutputs(proto, List.of(tensorName));
        GraphProto.Builder b = exposing.getGraph().toBuilder().clearOutput();
        for (ValueInfoProto out : exposing.getGraph().getOutputList()) {
            if (out.getName().equals(tensorName)) {
                b.addOutput(out);
            }
        }
        ModelProto head = Pruning.withoutDeadNodes(exposing.toBuilder().setGraph(b).build());
        return OrtModel.open(ModelSource.ofBytes(model.info().name() + ":" + tensorName, head.toByteArray(), null, null));
    }
}
