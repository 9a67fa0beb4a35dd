package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.explain4j.ExplainException;
import org.explain4j.onnx.graph.ConstantFolder;
import org.explain4j.onnx.graph.GraphEmitter;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.OnnxNode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Control flow in the forward graph. Loop and Scan are refused; an If whose condition is a
 * build-time constant is replaced by the nodes of the branch it takes (exporters leave such
 * Ifs behind for shape checks); any other If is refused.
 */
final class ControlFlow {

    private ControlFlow() {
    }

    /** Refuses Loop, Scan and If nodes whose condition is not constant. */
    static void check(OnnxGraph g) {
        ConstantFolder consts = new ConstantFolder(g);
        for (OnnxNode n : g.nodes()) {
            boolean onnx = n.domain().isEmpty() || n.domain().equals("ai.onnx");
            if (onnx && (n.op().equals("Loop") || n.op().equals("Scan"))
                    || onnx && n.op().equals("If") && condition(consts, n).isEmpty()
                    || !n.op().equals("If") && n.hasSubgraph()) {
                throw new ExplainException("the model has control flow (" + n.op() + " node '" + n.label()
                        + "'), which the gradient graph builder does not support (an If with a constant "
                        + "condition is); export the model without data-dependent control flow, or supply an "
                        + "exported gradient graph");
            }
        }
    }

    private static Optional<Boolean> condition(ConstantFolder consts, OnnxNode n) {
        return consts.value(n.input(0)).filter(c -> c.size() == 1).map(c -> c.longs()[0] != 0);
    }

    /** {@code model} with every constant-condition If replaced by its taken branch. */
    static ModelProto inlineConstantIfs(ModelProto model) {
        OnnxGraph g = OnnxGraph.of(model);
        if (g.nodes().stream().noneMatch(n -> n.op().equals("If"))) {
            return model;
        }
        ConstantFolder consts = new ConstantFolder(g);
        GraphEmitter out = new GraphEmitter(model.getGraph(), "if_");
        out.builder().clearNode();
        for (OnnxNode n : g.nodes()) {
            if (!n.op().equals("If")) {
                out.node(n.proto());
                continue;
            }
            boolean taken = condition(consts, n).orElseThrow();
            GraphProto branch = n.attribute(taken ? "then_branch" : "else_branch").orElseThrow().getG();
            inline(out, n, branch);
        }
        return model.toBuilder().setGraph(out.build()).build();
    }

    private static void inline(GraphEmitter out, OnnxNode ifNode, GraphProto branch) {
        Map<String, String> rename = new HashMap<>();
        for (TensorProto t : branch.getInitializerList()) {
            String name = out.fresh(t.getName());
            rename.put(t.getName(), name);
            out.addInitializer(t.toBuilder().setName(name).build());
        }
        for (NodeProto bn : branch.getNodeList()) {
            if (new OnnxNode(bn).hasSubgraph()) {
                throw new ExplainException("If node '" + ifNode.label() + "' has nested control flow in its branch, "
                        + "which the gradient graph builder does not support");
            }
            NodeProto.Builder b = bn.toBuilder().setName(out.fresh(bn.getName().isEmpty() ? "branch" : bn.getName()));
            for (int i = 0; i < bn.getInputCount(); i++) {
                b.setInput(i, rename.getOrDefault(bn.getInput(i), bn.getInput(i)));
            }
            for (int i = 0; i < bn.getOutputCount(); i++) {
                if (!bn.getOutput(i).isEmpty()) {
                    String name = out.fresh(bn.getOutput(i));
                    rename.put(bn.getOutput(i), name);
                    b.setOutput(i, name);
                }
            }
            out.node(b.build());
        }
        for (int i = 0; i < ifNode.outputCount(); i++) {
            String src = branch.getOutput(i).getName();
            out.node("Identity", List.of(rename.getOrDefault(src, src)), List.of(ifNode.output(i)));
        }
    }
}
