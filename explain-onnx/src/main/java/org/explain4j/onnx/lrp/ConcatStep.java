package org.explain4j.onnx.lrp;

import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.onnx.graph.ShapeMath;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Concat: the relevance is split back by position along the axis; a constant part's share is
 * absorbed.
 */
final class ConcatStep extends Step {
    /** Per input: its constant value's shape, or {@code null} for a computed input (resolved once, at build time). */
    private final List<long[]> constantShapes = new ArrayList<>();
    private final List<String> computed = new ArrayList<>();

    ConcatStep(OnnxNode n, GraphConstants consts) {
        super(List.of(n));
        for (String s : n.inputs()) {
            if (s.isEmpty()) {
                constantShapes.add(null);
                continue;
            }
            boolean constant = consts.isConstant(s);
            constantShapes.add(constant ? consts.value(s).get().dims() : null);
            if (!constant && !computed.contains(s)) {
                computed.add(s);
            }
        }
    }

    @Override
    List<String> outputs() {
        return List.of(node().output(0));
    }

    @Override
    List<String> relevanceInputs() {
        return computed;
    }

    @Override
    Map<String, double[]> backward(LrpPass pass) {
        double[] r = pass.relevance(node().output(0));
        if (r == null) {
            return Map.of();
        }
        long[] outShape = pass.activation(node().output(0)).shape();
        int axis = (int) ShapeMath.normalizeAxis(node().attrInt("axis", 1), outShape.length);
        int outer = Tensor64.product(outShape, 0, axis);
        int inner = Tensor64.product(outShape, axis + 1, outShape.length);
        int outAxis = (int) outShape[axis];
        Map<String, double[]> result = new LinkedHashMap<>();
        int offset = 0;
        for (int k = 0; k < node().inputCount(); k++) {
            String s = node().input(k);
            if (s.isEmpty()) {
                continue;
            }
            long[] constant = constantShapes.get(k);
            long[] shape = constant != null ? constant : pass.activation(s).shape();
            int len = (int) shape[axis];
            if (constant == null) {
                double[] part = result.computeIfAbsent(s, key -> new double[outer * len * inner]);
                for (int o = 0; o < outer; o++) {
                    for (int a = 0; a < len; a++) {
                        int src = (o * outAxis + offset + a) * inner;
                        int dst = (o * len + a) * inner;
                        for (int i = 0; i < inner; i++) {
                            part[dst + i] += r[src + i];
                        }
                    }
                }
            }
            offset += len;
        }
        return result;
    }
}
