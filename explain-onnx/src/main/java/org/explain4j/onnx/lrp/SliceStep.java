package org.explain4j.onnx.lrp;

import org.explain4j.ExplainException;
import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.onnx.graph.ShapeMath;

/** Slice: the picked elements' relevance is scattered back to where they were picked. */
final class SliceStep extends ElementwiseRouteStep {
    private final long[] starts;
    private final long[] ends;
    private final long[] axes;
    private final long[] steps;

    SliceStep(OnnxNode n, GraphConstants consts) {
        super(n);
        if (n.hasAttribute("starts")) { // opset < 10
            starts = n.attrInts("starts");
            ends = n.attrInts("ends");
            axes = n.attrInts("axes");
            steps = null;
        } else {
            starts = consts.longsOrNull(n, 1, "starts");
            ends = consts.longsOrNull(n, 2, "ends");
            axes = consts.longsOrNull(n, 3, "axes");
            steps = consts.longsOrNull(n, 4, "steps");
        }
        if (starts == null || ends == null || starts.length != ends.length) {
            throw new ExplainException("Slice node '" + n.label() + "' lacks matching starts and ends");
        }
    }

    @Override
    double[] inputRelevance(LrpPass pass, double[] r) {
        long[] in = pass.activation(node().input(0)).shape();
        int rank = in.length;
        int[][] picks = new int[rank][];
        for (int d = 0; d < rank; d++) {
            picks[d] = ShapeMath.sliceIndices(in[d], 0, in[d], 1);
        }
        for (int q = 0; q < starts.length; q++) {
            int d = (int) ShapeMath.normalizeAxis(axes == null ? q : axes[q], rank);
            picks[d] = ShapeMath.sliceIndices(in[d], starts[q], ends[q], steps == null ? 1 : steps[q]);
        }
        return scatterBack(r, in, picks);
    }
}
