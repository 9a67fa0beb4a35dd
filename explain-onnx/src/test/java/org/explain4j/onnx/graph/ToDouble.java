package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Test helper: the same model computing in double precision: float inputs, outputs,
 * initializers, Constant/ConstantOfShape values and Cast targets become double. Lets a graph of
 * float-only-looking origin (e.g. an unrolled LSTM) be finite-differenced tightly.
 */
public final class ToDouble {

    private ToDouble() {
    }

    public static ModelProto convert(ModelProto model) {
        GraphProto g = model.getGraph();
        GraphProto.Builder b = g.toBuilder().clearInput().clearOutput().clearInitializer().clearNode().clearValueInfo();
        g.getInputList().forEach(v -> b.addInput(value(v)));
        g.getOutputList().forEach(v -> b.addOutput(value(v)));
        g.getInitializerList().forEach(t -> b.addInitializer(tensor(t)));
        for (NodeProto n : g.getNodeList()) {
            NodeProto.Builder nb = n.toBuilder().clearAttribute();
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasT()) {
                    nb.addAttribute(a.toBuilder().setT(tensor(a.getT())));
                } else if (n.getOpType().equals("Cast") && a.getName().equals("to") && a.getI() == DataType.FLOAT_VALUE) {
                    nb.addAttribute(a.toBuilder().setI(DataType.DOUBLE_VALUE));
                } else {
                    nb.addAttribute(a);
                }
            }
            b.addNode(nb);
        }
        return model.toBuilder().setGraph(b).build();
    }

    private static ValueInfoProto value(ValueInfoProto v) {
        if (v.getType().hasTensorType() && v.getType().getTensorType().getElemType() == DataType.FLOAT_VALUE) {
            ValueInfoProto.Builder b = v.toBuilder();
            b.getTypeBuilder().getTensorTypeBuilder().setElemType(DataType.DOUBLE_VALUE);
            return b.build();
        }
        return v;
    }

    private static TensorProto tensor(TensorProto t) {
        if (t.getDataType() != DataType.FLOAT_VALUE) {
            return t;
        }
        return Tensors.ofDoubles(t.getName(), Tensors.dims(t), Tensors.toDoubles(t));
    }
}
