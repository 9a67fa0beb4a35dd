package org.explain4j.onnx.lrp;

import org.explain4j.onnx.graph.OnnxNode;

import java.util.List;
import java.util.Map;

/**
 * A step with one data input and one output that only moves elements (Pad, Slice, Gather,
 * Transpose, MaxPool): each output element's relevance goes back to the input element it came
 * from, so the step needs no rule, only the routing.
 */
abstract class ElementwiseRouteStep extends Step {

    ElementwiseRouteStep(OnnxNode n) {
        super(List.of(n));
    }

    @Override
    final List<String> outputs() {
        return List.of(node().output(0));
    }

    @Override
    final List<String> relevanceInputs() {
        return List.of(node().input(0));
    }

    @Override
    final Map<String, double[]> backward(LrpPass pass) {
        double[] r = pass.relevance(node().output(0));
        if (r == null) {
            return Map.of();
        }
        return Map.of(node().input(0), inputRelevance(pass, r));
    }

    /** The relevance of the input, given {@code r}, the relevance of the output. */
    abstract double[] inputRelevance(LrpPass pass, double[] r);

    /**
     * Adds output element {@code j}'s relevance to the input element it was taken from, where
     * {@code source[d][o]} is the input index along axis {@code d} of output index {@code o}
     * ({@code -1}: not taken from the input, e.g. padding, whose relevance is absorbed).
     */
    static double[] scatterBack(double[] r, long[] in, int[][] source) {
        int rank = in.length;
        int[] strides = Tensor64.strides(in);
        double[] result = new double[Tensor64.product(in, 0, rank)];
        int[] idx = new int[rank];
        for (int j = 0; j < r.length; j++) {
            int dst = 0;
            boolean inside = true;
            for (int d = 0; d < rank; d++) {
                int i = source[d][idx[d]];
                if (i < 0) {
                    inside = false;
                    break;
                }
                dst += i * strides[d];
            }
            if (inside) {
                result[dst] += r[j];
            }
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < source[d].length) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return result;
    }
}
