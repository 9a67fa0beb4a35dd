package org.explain4j.onnx.lrp;

import org.explain4j.ExplainException;
import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.onnx.graph.ShapeMath;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Relevance passes through unchanged, element by element: element-wise activations (Relu,
 * Tanh, Sigmoid, ...; Softmax inside the graph), an element-wise shift or scale by a constant
 * (input standardisation, an unfolded batch-norm), and the shape operations that keep the
 * elements (Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout). When the data input was
 * broadcast to a larger output, the relevance of its copies is summed back.
 */
final class ElementwiseStep extends Step {
    private final int dataInput;

    ElementwiseStep(OnnxNode n, int dataInput) {
        super(List.of(n));
        this.dataInput = dataInput;
    }

    @Override
    List<String> outputs() {
        return List.of(node().output(0));
    }

    @Override
    List<String> relevanceInputs() {
        return List.of(node().input(dataInput));
    }

    @Override
    Map<String, double[]> backward(LrpPass pass) {
        double[] r = pass.relevance(node().output(0));
        if (r == null) {
            return Map.of();
        }
        String in = node().input(dataInput);
        long[] inShape = pass.activation(in).shape();
        long[] outShape = pass.activation(node().output(0)).shape();
        int inSize = Tensor64.product(inShape, 0, inShape.length);
        if (inSize == r.length) {
            return Map.of(in, r.clone());
        }
        long[] b;
        try {
            b = ShapeMath.broadcast(inShape, outShape);
        } catch (ExplainException e) {
            b = null;
        }
        if (b == null || !Arrays.equals(b, outShape)) {
            throw new ExplainException(describe() + ": input " + Arrays.toString(inShape) + " and output "
                    + Arrays.toString(outShape) + " are neither the same elements nor a broadcast");
        }
        double[] out = new double[inSize];
        for (int j = 0; j < r.length; j++) {
            out[ShapeMath.broadcastIndex(j, outShape, inShape)] += r[j];
        }
        return Map.of(in, out);
    }

    @Override
    int outputBatchAxis(String output, LrpPass pass) {
        String in = node().input(dataInput);
        return followBatchAxis(pass.batchAxis(in), pass.activation(in).shape(), pass.activation(output).shape());
    }

    /**
     * The batch axis after a reshape: the output axis whose size and whose leading element count
     * equal the input batch axis's.
     */
    static int followBatchAxis(int a, long[] in, long[] out) {
        if (a < 0) {
            return -1;
        }
        if (Arrays.equals(in, out)) {
            return a;
        }
        long before = Tensor64.product(in, 0, a);
        long acc = 1;
        for (int k = 0; k < out.length; k++) {
            if (acc == before && out[k] == in[a]) {
                return k;
            }
            acc *= out[k];
        }
        return -1;
    }
}
