package org.explain4j.onnx.lrp;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.ConstTensor;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.onnx.graph.Tensors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The LRP canonizer that folds an inference-mode BatchNormalization into the Conv or Gemm right
 * before it: {@code y = s⊙(W x + b − μ) + β} with {@code s = γ / sqrt(σ² + eps)} becomes one
 * layer with weights {@code s⊙W} and bias {@code s⊙(b − μ) + β}, so the rules see one linear
 * layer (a batch-norm has no relevance rule of its own). Works on a copy; the folded layer
 * writes the batch-norm's output name, so every other value keeps its name (and the model the
 * user opened still computes them all). A batch-norm whose input is read elsewhere, is a graph
 * output, or has weights computed at run time is left alone.
 */
public final class BatchNormFolding {

    private BatchNormFolding() {
    }

    /** What was folded: the linear node's label and the batch-norm's, in graph order. */
    public record Result(ModelProto model, List<String> folded) {
        public Result {
            folded = List.copyOf(folded);
        }
    }

    public static Result fold(ModelProto model) {
        OnnxGraph g = OnnxGraph.of(model);
        GraphConstants constants = new GraphConstants(g);
        Set<String> used = new HashSet<>(g.valueNames());
        Map<NodeProto, NodeProto> replaced = new HashMap<>();
        Set<NodeProto> removed = new HashSet<>();
        List<TensorProto> added = new ArrayList<>();
        List<String> folded = new ArrayList<>();
        Set<String> graphOutputs = new HashSet<>(g.outputNames());
        for (OnnxNode bn : g.nodes()) {
            if (!bn.op().equals("BatchNormalization") || !isDefaultDomain(bn) || bn.attrInt("training_mode", 0) != 0) {
                continue;
            }
            if (bn.hasOutput(1) || bn.hasOutput(2) || bn.hasOutput(3) || bn.hasOutput(4)) {
                continue; // training-mode outputs
            }
            Optional<OnnxNode> producer = g.producer(bn.input(0));
            if (producer.isEmpty() || !isDefaultDomain(producer.get()) || removed.contains(producer.get().proto())
                    || replaced.containsKey(producer.get().proto())) {
                continue;
            }
            OnnxNode lin = producer.get();
            String mid = bn.input(0);
            if (g.consumers(mid).size() != 1 || graphOutputs.contains(mid)) {
                continue;
            }
            Optional<ConstTensor> gamma = constants.value(bn.input(1));
            Optional<ConstTensor> beta = constants.value(bn.input(2));
            Optional<ConstTensor> mean = constants.value(bn.input(3));
            Optional<ConstTensor> var = constants.value(bn.input(4));
            if (gamma.isEmpty() || beta.isEmpty() || mean.isEmpty() || var.isEmpty()) {
                continue;
            }
            double eps = bn.attrFloat("epsilon", 1e-5f);
            int m = gamma.get().size();
            double[] scale = new double[m];
            double[] shift = new double[m];
            for (int c = 0; c < m; c++) {
                scale[c] = gamma.get().doubles()[c] / Math.sqrt(var.get().doubles()[c] + eps);
                shift[c] = beta.get().doubles()[c] - scale[c] * mean.get().doubles()[c];
            }
            NodeProto folded1 = switch (lin.op()) {
                case "Conv" -> foldConv(lin, bn, constants, scale, shift, used, added);
                case "Gemm" -> foldGemm(lin, bn, constants, scale, shift, used, added);
                default -> null;
            };
            if (folded1 != null) {
                replaced.put(lin.proto(), folded1);
                removed.add(bn.proto());
                folded.add(lin.label() + " + " + bn.label());
            }
        }
        if (folded.isEmpty()) {
            return new Result(model, folded);
        }
        GraphProto.Builder out = model.getGraph().toBuilder().clearNode();
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (removed.contains(n)) {
                continue;
            }
            out.addNode(replaced.getOrDefault(n, n));
        }
        out.addAllInitializer(added);
        return new Result(model.toBuilder().setGraph(out).build(), folded);
    }

    private static NodeProto foldConv(OnnxNode conv, OnnxNode bn, GraphConstants constants, double[] scale,
                                      double[] shift, Set<String> used, List<TensorProto> added) {
        Optional<ConstTensor> w = constants.value(conv.input(1));
        if (w.isEmpty() || w.get().dims()[0] != scale.length) {
            return null;
        }
        Optional<ConstTensor> b = conv.hasInput(2) ? constants.value(conv.input(2)) : Optional.empty();
        if (conv.hasInput(2) && b.isEmpty()) {
            return null;
        }
        int m = scale.length;
        double[] wv = w.get().doubles().clone();
        int per = wv.length / m;
        for (int c = 0; c < m; c++) {
            for (int k = 0; k < per; k++) {
                wv[c * per + k] *= scale[c];
            }
        }
        double[] bias = new double[m];
        for (int c = 0; c < m; c++) {
            bias[c] = scale[c] * (b.isPresent() ? b.get().doubles()[c] : 0) + shift[c];
        }
        String wName = fresh(used, conv.label() + "_bnfold_W");
        String bName = fresh(used, conv.label() + "_bnfold_B");
        added.add(Tensors.ofType(wName, w.get().dataType(), w.get().dims(), wv));
        added.add(Tensors.ofType(bName, w.get().dataType(), new long[] {m}, bias));
        return conv.proto().toBuilder().clearInput().addInput(conv.input(0)).addInput(wName)
                .addInput(bName).setOutput(0, bn.output(0)).build();
    }

    private static NodeProto foldGemm(OnnxNode gemm, OnnxNode bn, GraphConstants constants, double[] scale,
                                      double[] shift, Set<String> used, List<TensorProto> added) {
        Optional<ConstTensor> b = constants.value(gemm.input(1));
        if (b.isEmpty() || b.get().rank() != 2) {
            return null;
        }
        boolean transB = gemm.attrInt("transB", 0) != 0;
        long[] dims = b.get().dims();
        int m = (int) (transB ? dims[0] : dims[1]);
        int k = (int) (transB ? dims[1] : dims[0]);
        if (m != scale.length) {
            return null;
        }
        double alpha = gemm.attrFloat("alpha", 1f);
        double beta = gemm.attrFloat("beta", 1f);
        double[] c = new double[m];
        if (gemm.hasInput(2)) {
            Optional<ConstTensor> ct = constants.value(gemm.input(2));
            if (ct.isEmpty() || (ct.get().size() != m && ct.get().size() != 1)) {
                return null; // a bias per row cannot be folded
            }
            for (int j = 0; j < m; j++) {
                c[j] = beta * ct.get().doubles()[ct.get().size() == 1 ? 0 : j];
            }
        }
        double[] wv = b.get().doubles().clone();
        for (int j = 0; j < m; j++) {
            for (int i = 0; i < k; i++) {
                int idx = transB ? j * k + i : i * m + j;
                wv[idx] *= alpha * scale[j];
            }
        }
        double[] bias = new double[m];
        for (int j = 0; j < m; j++) {
            bias[j] = scale[j] * c[j] + shift[j];
        }
        String wName = fresh(used, gemm.label() + "_bnfold_B");
        String bName = fresh(used, gemm.label() + "_bnfold_C");
        added.add(Tensors.ofType(wName, b.get().dataType(), dims, wv));
        added.add(Tensors.ofType(bName, b.get().dataType(), new long[] {m}, bias));
        NodeProto.Builder nb = gemm.proto().toBuilder().clearInput().addInput(gemm.input(0)).addInput(wName)
                .addInput(bName).setOutput(0, bn.output(0)).clearAttribute();
        for (AttributeProto a : gemm.proto().getAttributeList()) {
            if (!a.getName().equals("alpha") && !a.getName().equals("beta")) {
                nb.addAttribute(a);
            }
        }
        nb.addAttribute(Attrs.f("alpha", 1f)).addAttribute(Attrs.f("beta", 1f));
        return nb.build();
    }

    private static boolean isDefaultDomain(OnnxNode n) {
        return n.domain().isEmpty() || n.domain().equals("ai.onnx");
    }

    private static String fresh(Set<String> used, String hint) {
        String base = "lrp_" + hint.replaceAll("[^A-Za-z0-9_./-]", "_");
        String name = base;
        int k = 1;
        while (!used.add(name)) {
            name = base + "_" + (++k);
        }
        return name;
    }
}
