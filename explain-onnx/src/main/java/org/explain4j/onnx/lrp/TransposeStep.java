package org.explain4j.onnx.lrp;

import org.explain4j.onnx.graph.OnnxNode;

/** Transpose: each element's relevance goes back to where it came from. */
final class TransposeStep extends ElementwiseRouteStep {

    TransposeStep(OnnxNode n) {
        super(n);
    }

    private int[] perm(int rank) {
        long[] p = node().attrInts("perm");
        int[] out = new int[rank];
        for (int d = 0; d < rank; d++) {
            out[d] = p == null ? rank - 1 - d : (int) p[d];
        }
        return out;
    }

    @Override
    double[] inputRelevance(LrpPass pass, double[] r) {
        long[] in = pass.activation(node().input(0)).shape();
        int rank = in.length;
        int[] perm = perm(rank);
        int[] inStrides = Tensor64.strides(in);
        long[] out = new long[rank];
        int[] step = new int[rank]; // input stride of each output axis
        for (int d = 0; d < rank; d++) {
            out[d] = in[perm[d]];
            step[d] = inStrides[perm[d]];
        }
        double[] result = new double[r.length];
        int[] idx = new int[rank];
        int src = 0;
        for (int j = 0; j < r.length; j++) {
            result[src] = r[j];
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                src += step[d];
                if (idx[d] < out[d]) {
                    break;
                }
                src -= step[d] * idx[d];
                idx[d] = 0;
            }
        }
        return result;
    }

    @Override
    int outputBatchAxis(String output, LrpPass pass) {
        int a = pass.batchAxis(node().input(0));
        int[] perm = perm(pass.activation(node().input(0)).rank());
        for (int d = 0; d < perm.length; d++) {
            if (perm[d] == a) {
                return d;
            }
        }
        return -1;
    }
}
