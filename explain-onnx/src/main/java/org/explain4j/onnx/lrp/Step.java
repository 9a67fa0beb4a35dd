package org.explain4j.onnx.lrp;

import org.explain4j.lrp.Composite;
import org.explain4j.lrp.Rule;
import org.explain4j.onnx.graph.OnnxNode;

import java.util.List;
import java.util.Map;

/**
 * One backward step of the LRP pass: a node (or a few fused nodes, e.g. MatMul + Add) that turns
 * the relevance of its outputs into relevance of its data inputs. Weights and attributes are
 * read when the plan is built; activations come from the pass.
 */
abstract class Step {
    private final List<OnnxNode> nodes;
    private Rule rule;
    private boolean firstLayer;
    private String diagnosticKey;

    Step(List<OnnxNode> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** The node that names the step (the last of fused nodes, e.g. the Add after a MatMul, is listed second). */
    final OnnxNode node() {
        return nodes.get(0);
    }

    final List<OnnxNode> nodes() {
        return nodes;
    }

    final String op() {
        return node().op();
    }

    final String label() {
        return node().label();
    }

    final List<String> nodeNames() {
        return nodes.stream().map(OnnxNode::name).filter(s -> !s.isEmpty()).toList();
    }

    /** Values whose relevance the step reads. */
    abstract List<String> outputs();

    /** Data inputs the step gives relevance to (never constants). */
    abstract List<String> relevanceInputs();

    /** Further values the step reads at run time (e.g. an LSTM's initial state); none by default. */
    List<String> extraActivations() {
        return List.of();
    }

    /** The kind of layer a composite chooses a rule for, or {@code null} when the step takes no rule. */
    Composite.LayerKind kind() {
        return null;
    }

    final boolean weighted() {
        Composite.LayerKind k = kind();
        return k == Composite.LayerKind.DENSE || k == Composite.LayerKind.CONV || k == Composite.LayerKind.RECURRENT;
    }

    final Rule rule() {
        return rule;
    }

    final boolean firstLayer() {
        return firstLayer;
    }

    final void assignRule(Composite composite, boolean first) {
        this.firstLayer = first;
        if (kind() != null) {
            this.rule = composite.ruleFor(kind(), op(), nodeNames(), first);
        }
        this.diagnosticKey = "lrp_residual " + describe();
    }

    /** The key of this step's residual in the attribution's diagnostics. */
    final String diagnosticKey() {
        return diagnosticKey;
    }

    /**
     * Relevance of the data inputs, each shaped like the input's activation. Inputs that get
     * nothing may be left out.
     */
    abstract Map<String, double[]> backward(LrpPass pass);

    /**
     * The batch axis of {@code output} given its inputs' (−1 when unknown), for per-sample
     * diagnostics. By default the first input's axis when the rank is kept.
     */
    int outputBatchAxis(String output, LrpPass pass) {
        String in = relevanceInputs().get(0);
        int a = pass.batchAxis(in);
        long[] inShape = pass.activation(in).shape();
        long[] outShape = pass.activation(output).shape();
        if (a < 0) {
            return -1;
        }
        if (inShape.length == outShape.length) {
            return a;
        }
        return a == 0 && outShape.length > 0 && outShape[0] == inShape[0] ? 0 : -1;
    }

    /** e.g. {@code Conv '/conv1/Conv' zplus}. */
    String describe() {
        String fused = nodes.size() > 1 ? " + " + String.join(" + ", nodes.subList(1, nodes.size()).stream()
                .map(OnnxNode::op).toList()) : "";
        return op() + fused + " '" + label() + "'" + (rule != null ? " " + rule.text() : "");
    }

    @Override
    public String toString() {
        return describe();
    }
}
