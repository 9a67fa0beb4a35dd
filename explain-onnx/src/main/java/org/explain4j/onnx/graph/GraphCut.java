package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import org.explain4j.ExplainException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tail of a model from chosen intermediate tensors on: those tensors become graph inputs,
 * the nodes that computed them are removed, and whatever the outputs no longer need is pruned.
 * Used to evaluate (or finite-difference) a model as a function of an inner activation.
 */
public final class GraphCut {

    private GraphCut() {
    }

    /**
     * @param cutAt  intermediate tensors that become inputs, with their types and shapes
     *               ({@code -1} for a free dimension)
     * @param shapes types and shapes of the model's values (from {@link ValueShapes#probe})
     */
    public static ModelProto from(ModelProto model, List<String> cutAt, ValueShapes shapes) {
        OnnxGraph g = OnnxGraph.of(model);
        Set<String> cut = new HashSet<>(cutAt);
        GraphProto.Builder b = model.getGraph().toBuilder().clearNode();
        for (OnnxNode n : g.nodes()) {
            if (n.outputs().stream().noneMatch(cut::contains)) {
                b.addNode(n.proto());
            }
        }
        for (String name : cutAt) {
            if (g.producer(name).isEmpty()) {
                throw new ExplainException("'" + name + "' is not computed by a node of the model; cannot cut there");
            }
            ValueShapes.Info info = shapes.require(name);
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (long d : info.shape()) {
                shape.addDim(d >= 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(d)
                        : TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
            }
            b.addInput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(info.elemType()).setShape(shape))));
        }
        ModelProto pruned = Pruning.withoutDeadNodes(model.toBuilder().setGraph(b).build());
        // Inputs and initializers nothing reads any more (the original input, the weights of the
        // removed head) are dropped.
        OnnxGraph p = OnnxGraph.of(pruned);
        Set<String> read = new HashSet<>(pruned.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList());
        for (OnnxNode n : p.nodes()) {
            read.addAll(n.inputs());
        }
        GraphProto.Builder pb = pruned.getGraph().toBuilder().clearInput().clearInitializer();
        for (ValueInfoProto in : pruned.getGraph().getInputList()) {
            if (read.contains(in.getName())) {
                pb.addInput(in);
            }
        }
        for (var t : pruned.getGraph().getInitializerList()) {
            if (read.contains(t.getName())) {
                pb.addInitializer(t);
            }
        }
        return pruned.toBuilder().setGraph(pb).build();
    }
}
