package org.explain4j.onnx.lrp;

import org.explain4j.ExplainException;
import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.onnx.graph.ShapeMath;

import java.util.List;
import java.util.Map;

/** Pad with a constant: the relevance of the padding is absorbed, the rest goes back to its element. */
final class PadStep extends Step {
    private final long[] pads;
    private final long[] axes;

    PadStep(OnnxNode n, GraphConstants consts) {
        super(List.of(n));
        String mode = n.attrString("mode", "constant");
        if (!mode.equals("constant")) {
            throw new ExplainException("Pad node '" + n.label() + "' pads in mode '" + mode + "'; LRP covers constant"
                    + " padding");
        }
        long[] p = n.attrInts("pads");
        if (p == null) {
            p = n.attrInts("paddings"); // opset 1
        }
        if (p == null) {
            p = consts.longsOrNull(n, 1, "pads");
        }
        if (p == null) {
            throw new ExplainException("Pad node '" + n.label() + "' lacks pads");
        }
        this.pads = p;
        this.axes = consts.longsOrNull(n, 3, "axes");
    }

    @Override
    List<String> outputs() {
        return List.of(node().output(0));
    }

    @Override
    List<String> relevanceInputs() {
        return List.of(node().input(0));
    }

    @Override
    Map<String, double[]> backward(LrpPass pass) {
        double[] r = pass.relevance(node().output(0));
        if (r == null) {
            return Map.of();
        }
        long[] in = pass.activation(node().input(0)).shape();
        long[] out = pass.activation(node().output(0)).shape();
        int rank = in.length;
        int[] begin = new int[rank];
        int k = axes == null ? rank : axes.length;
        for (int q = 0; q < k; q++) {
            int d = axes == null ? q : (int) ShapeMath.normalizeAxis(axes[q], rank);
            begin[d] = (int) pads[q];
        }
        int[] strides = Tensor64.strides(in);
        double[] result = new double[Tensor64.product(in, 0, rank)];
        int[] idx = new int[rank];
        for (int j = 0; j < r.length; j++) {
            int dst = 0;
            boolean inside = true;
            for (int d = 0; d < rank; d++) {
                int i = idx[d] - begin[d];
                if (i < 0 || i >= in[d]) {
                    inside = false;
                    break;
                }
                dst += i * strides[d];
            }
            if (inside) {
                result[dst] += r[j];
            }
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < out[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return Map.of(node().input(0), result);
    }
}
