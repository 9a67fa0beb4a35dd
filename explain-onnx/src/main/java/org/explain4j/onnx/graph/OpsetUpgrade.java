package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.explain4j.ExplainException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Raises a model's default opset to a newer version, rewriting the nodes whose signature
 * changed on the way so that they compute the same thing: axes and sizes that moved from
 * attributes to inputs (Squeeze, Unsqueeze, ReduceSum and Split at 13, the other reductions at
 * 18, Pad at 11, Slice at 10, Clip at 11), Softmax/LogSoftmax/Hardmax's "flatten to 2-D"
 * semantics before 13, and attributes that were dropped (BatchNormalization's spatial,
 * Dropout's ratio). Passes that emit opset-13+ nodes run on the upgraded model, so they read
 * one form of every op. Models older than opset 7 (legacy broadcasting) are refused.
 */
public final class OpsetUpgrade {

    /** The oldest default opset this pass reads. */
    public static final int MIN_OPSET = 7;

    private static final Set<String> REDUCE_18 = Set.of("ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
            "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");

    private OpsetUpgrade() {
    }

    /**
     * {@code model} at default opset {@code target}, or {@code model} itself when it is there
     * already or newer.
     *
     * @param floatType element type of a value, for constants that must match it (Clip's bounds);
     *                  may be {@code null} to assume float
     */
    public static ModelProto upgrade(ModelProto model, int target, ToIntFunction<String> floatType) {
        int from = OnnxGraph.opsetVersion(model, OnnxGraph.ONNX_DOMAIN);
        if (from == 0) {
            from = 1; // a model that imports no default opset uses none of its ops
        }
        if (from >= target) {
            return model;
        }
        if (from < MIN_OPSET) {
            throw new ExplainException("the model uses ONNX opset " + from + "; opset " + MIN_OPSET
                    + " or newer is supported (re-export it, or convert it with onnx.version_converter)");
        }
        ToIntFunction<String> types = floatType == null ? v -> DataType.FLOAT_VALUE : floatType;
        GraphEmitter out = new GraphEmitter(model.getGraph().toBuilder().clearNode().build(), "upg_");
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx")) {
                rewrite(new OnnxNode(n), from, target, out, types);
            } else {
                out.node(n);
            }
        }
        ModelProto.Builder m = model.toBuilder().setGraph(out.build()).clearOpsetImport();
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            boolean onnx = o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx");
            m.addOpsetImport(onnx ? o.toBuilder().setVersion(target).build() : o);
        }
        m.setIrVersion(Math.max(model.getIrVersion(), irVersionFor(target)));
        return m.build();
    }

    /** The IR version that introduced default opset {@code opset}. */
    public static long irVersionFor(int opset) {
        if (opset <= 8) {
            return 3;
        }
        if (opset <= 10) {
            return 5;
        }
        if (opset <= 12) {
            return 6;
        }
        if (opset <= 14) {
            return 7;
        }
        if (opset <= 18) {
            return 8;
        }
        if (opset <= 20) {
            return 9;
        }
        return 10;
    }

    private static void rewrite(OnnxNode n, int from, int target, GraphEmitter out, ToIntFunction<String> types) {
        String op = n.op();
        NodeProto p = n.proto();
        if (from < 13 && target >= 13 && (op.equals("Squeeze") || op.equals("Unsqueeze") || op.equals("ReduceSum"))
                || from < 18 && target >= 18 && REDUCE_18.contains(op)) {
            long[] axes = n.attrInts("axes");
            NodeProto.Builder b = without(p, "axes");
            if (axes != null) {
                b.clearInput().addInput(n.input(0)).addInput(out.longs(axes));
            }
            out.node(b.build());
            return;
        }
        if (op.equals("Split") && from < 13 && target >= 13) {
            long[] split = n.attrInts("split");
            NodeProto.Builder b = without(p, "split");
            if (split != null) {
                b.clearInput().addInput(n.input(0)).addInput(out.longs(split));
            } else if (target >= 18) {
                b.addAttribute(Attrs.i("num_outputs", n.outputCount()));
            }
            out.node(b.build());
            return;
        }
        if (op.equals("Split") && from < 18 && target >= 18 && !n.hasInput(1)) {
            out.node(p.toBuilder().addAttribute(Attrs.i("num_outputs", n.outputCount())).build());
            return;
        }
        if ((op.equals("Softmax") || op.equals("LogSoftmax") || op.equals("Hardmax")) && from < 13 && target >= 13) {
            // Before 13 these normalise over all axes from `axis` on (the input flattened to 2-D there).
            long axis = n.attrInt("axis", 1);
            String flat = out.op("Flatten", List.of(n.input(0)), Attrs.i("axis", axis));
            String normalized = out.op(op, List.of(flat), Attrs.i("axis", -1));
            String shape = out.op("Shape", List.of(n.input(0)));
            out.node("Reshape", List.of(normalized, shape), List.of(n.output(0)));
            return;
        }
        if (op.equals("Pad") && from < 11 && target >= 11) {
            long[] pads = n.attrInts("pads");
            float value = n.attrFloat("value", 0f);
            String mode = n.attrString("mode", "constant");
            List<String> inputs = new ArrayList<>(List.of(n.input(0), out.longs(pads)));
            if (mode.equals("constant")) {
                inputs.add(out.scalar(value, types.applyAsInt(n.input(0))));
            }
            out.node(NodeProto.newBuilder(p).clearAttribute().addAttribute(Attrs.s("mode", mode))
                    .clearInput().addAllInput(inputs).build());
            return;
        }
        if (op.equals("Slice") && from < 10 && target >= 10) {
            List<String> inputs = new ArrayList<>(List.of(n.input(0), out.longs(n.attrInts("starts")),
                    out.longs(n.attrInts("ends"))));
            if (n.hasAttribute("axes")) {
                inputs.add(out.longs(n.attrInts("axes")));
            }
            out.node(NodeProto.newBuilder(p).clearAttribute().clearInput().addAllInput(inputs).build());
            return;
        }
        if (op.equals("Clip") && from < 11 && target >= 11) {
            int type = types.applyAsInt(n.input(0));
            List<String> inputs = new ArrayList<>(List.of(n.input(0)));
            inputs.add(n.hasAttribute("min") ? out.scalar(n.attrFloat("min", 0f), type) : "");
            if (n.hasAttribute("max")) {
                inputs.add(out.scalar(n.attrFloat("max", 0f), type));
            }
            out.node(NodeProto.newBuilder(p).clearAttribute().clearInput().addAllInput(inputs).build());
            return;
        }
        if (op.equals("Dropout") && from < 12) {
            out.node(without(without(p, "ratio").build(), "is_test").build());
            return;
        }
        if (op.equals("BatchNormalization") && from < 9) {
            if (n.attrInt("spatial", 1) == 0) {
                throw new ExplainException("BatchNormalization node '" + n.label()
                        + "' uses spatial=0 (per-element statistics), which newer opsets dropped; re-export the model");
            }
            NodeProto.Builder b = without(without(p, "spatial").build(), "is_test");
            b.clearOutput().addOutput(n.output(0));
            out.node(b.build());
            return;
        }
        if (op.equals("Upsample") && target >= 10) {
            throw new ExplainException("Upsample node '" + n.label() + "' was removed from ONNX at opset 10; "
                    + "re-export the model with Resize");
        }
        out.node(p);
    }

    private static NodeProto.Builder without(NodeProto p, String attribute) {
        NodeProto.Builder b = p.toBuilder().clearAttribute();
        for (AttributeProto a : p.getAttributeList()) {
            if (!a.getName().equals(attribute)) {
                b.addAttribute(a);
            }
        }
        return b;
    }
}
