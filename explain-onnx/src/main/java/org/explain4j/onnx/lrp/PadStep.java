package org.explain4j.onnx.lrp;

import org.explain4j.ExplainException;
import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.onnx.graph.ShapeMath;

/** Pad with a constant: the relevance of the padding is absorbed, the rest goes back to its element. */
final class PadStep extends ElementwiseRouteStep {
    private final long[] pads;
    private final long[] axes;

    PadStep(OnnxNode n, GraphConstants consts) {
        super(n);
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
    double[] inputRelevance(LrpPass pass, double[] r) {
        long[] in = pass.activation(node().input(0)).shape();
        long[] out = pass.activation(node().output(0)).shape();
        int rank = in.length;
        int[] begin = new int[rank];
        int k = axes == null ? rank : axes.length;
        for (int q = 0; q < k; q++) {
            int d = axes == null ? q : (int) ShapeMath.normalizeAxis(axes[q], rank);
            begin[d] = (int) pads[q];
        }
        int[][] source = new int[rank][];
        for (int d = 0; d < rank; d++) {
            source[d] = new int[(int) out[d]];
            for (int o = 0; o < source[d].length; o++) {
                int i = o - begin[d];
                source[d][o] = i < 0 || i >= in[d] ? -1 : i;
            }
        }
        return scatterBack(r, in, source);
    }
}
