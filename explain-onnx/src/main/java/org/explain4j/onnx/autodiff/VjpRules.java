package org.explain4j.onnx.autodiff;

import org.explain4j.onnx.graph.OnnxNode;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The registry of reverse-mode rules, by op type of the default ONNX domain. */
final class VjpRules {

    private static final Map<String, VjpRule> RULES = new TreeMap<>();

    static {
        ElementwiseRules.register(RULES);
        ActivationRules.register(RULES);
        LinearRules.register(RULES);
        ConvPoolRules.register(RULES);
        ShapeRules.register(RULES);
    }

    private VjpRules() {
    }

    /** The rule of {@code node}'s op, or an error naming the op, the node and the supported ops. */
    static VjpRule rule(OnnxNode node) {
        boolean onnx = node.domain().isEmpty() || node.domain().equals("ai.onnx");
        VjpRule r = onnx ? RULES.get(node.op()) : null;
        if (r == null) {
            throw ReverseSweep.noRule(node);
        }
        return r;
    }

    /**
     * Ops with a rule, sorted, plus those handled before the sweep (LSTM and GRU are unrolled
     * into cell ops; Constant, Shape and other integer-valued ops never carry gradients).
     */
    static List<String> supported() {
        List<String> ops = new java.util.ArrayList<>(RULES.keySet());
        ops.add("LSTM (unrolled)");
        ops.add("GRU (unrolled)");
        return ops;
    }
}
