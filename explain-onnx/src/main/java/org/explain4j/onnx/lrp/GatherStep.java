package org.explain4j.onnx.lrp;

import org.explain4j.ExplainException;
import org.explain4j.onnx.graph.ConstTensor;
import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.onnx.graph.ShapeMath;

/** Gather with constant indices: each gathered element's relevance is added back to its source. */
final class GatherStep extends ElementwiseRouteStep {
    private final ConstTensor indices;

    GatherStep(OnnxNode n, GraphConstants consts) {
        super(n);
        this.indices = consts.value(n.input(1)).orElseThrow(() -> new ExplainException("Gather node '" + n.label()
                + "' takes its indices from '" + n.input(1) + "', computed at run time; LRP covers Gather with"
                + " constant indices"));
    }

    private int axis(int rank) {
        return (int) ShapeMath.normalizeAxis(node().attrInt("axis", 0), rank);
    }

    @Override
    double[] inputRelevance(LrpPass pass, double[] r) {
        long[] in = pass.activation(node().input(0)).shape();
        int axis = axis(in.length);
        int outer = Tensor64.product(in, 0, axis);
        int inner = Tensor64.product(in, axis + 1, in.length);
        int len = (int) in[axis];
        long[] idx = indices.longs();
        double[] result = new double[Tensor64.product(in, 0, in.length)];
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < idx.length; q++) {
                long k = idx[q] < 0 ? idx[q] + len : idx[q];
                if (k < 0 || k >= len) {
                    throw new ExplainException("Gather node '" + node().label() + "' index " + idx[q]
                            + " is out of range for an axis of " + len);
                }
                int src = (o * idx.length + q) * inner;
                int dst = (int) ((o * len + k) * inner);
                for (int i = 0; i < inner; i++) {
                    result[dst + i] += r[src + i];
                }
            }
        }
        return result;
    }

    @Override
    int outputBatchAxis(String output, LrpPass pass) {
        int a = pass.batchAxis(node().input(0));
        int axis = axis(pass.activation(node().input(0)).rank());
        if (a < 0 || a == axis) {
            return -1;
        }
        return a < axis ? a : a + indices.rank() - 1;
    }
}
