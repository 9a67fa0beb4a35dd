package org.explain4j.onnx.lrp;

import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.onnx.graph.ShapeMath;

import java.util.List;
import java.util.Map;

/** Split: the outputs' relevance is put back side by side along the axis. */
final class SplitStep extends Step {

    SplitStep(OnnxNode n) {
        super(List.of(n));
    }

    @Override
    List<String> outputs() {
        return node().outputs().stream().filter(s -> !s.isEmpty()).toList();
    }

    @Override
    List<String> relevanceInputs() {
        return List.of(node().input(0));
    }

    @Override
    Map<String, double[]> backward(LrpPass pass) {
        long[] in = pass.activation(node().input(0)).shape();
        int axis = (int) ShapeMath.normalizeAxis(node().attrInt("axis", 0), in.length);
        int outer = Tensor64.product(in, 0, axis);
        int inner = Tensor64.product(in, axis + 1, in.length);
        int inAxis = (int) in[axis];
        double[] result = new double[Tensor64.product(in, 0, in.length)];
        int offset = 0;
        boolean any = false;
        for (String o : node().outputs()) {
            if (o.isEmpty()) {
                continue;
            }
            int len = (int) pass.activation(o).shape()[axis];
            double[] r = pass.relevance(o);
            if (r != null) {
                any = true;
                for (int p = 0; p < outer; p++) {
                    for (int a = 0; a < len; a++) {
                        System.arraycopy(r, (p * len + a) * inner, result, (p * inAxis + offset + a) * inner, inner);
                    }
                }
            }
            offset += len;
        }
        return any ? Map.of(node().input(0), result) : Map.of();
    }
}
