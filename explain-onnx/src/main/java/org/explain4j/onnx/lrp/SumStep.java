package org.explain4j.onnx.lrp;

import org.explain4j.lrp.Composite.LayerKind;
import org.explain4j.lrp.LinearMap;
import org.explain4j.lrp.LinearRules;
import org.explain4j.lrp.SparseMap;
import org.explain4j.onnx.graph.ConstTensor;
import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.onnx.graph.ShapeMath;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sum of computed tensors (Add or Sub of two branches, Sum of several, e.g. a residual
 * connection): a linear layer with weights ±1 over the branches, so the rule splits each
 * output's relevance by the branches' contributions; constant addends act as its bias.
 * Broadcast branches collect the relevance of all their copies.
 */
final class SumStep extends Step {
    private final List<String> operands = new ArrayList<>();
    private final List<Double> signs = new ArrayList<>();
    private final List<ConstTensor> constants = new ArrayList<>();
    private final List<Double> constantSigns = new ArrayList<>();
    private final Map<ShapeKey, LinearMap> maps = new ConcurrentHashMap<>();

    SumStep(OnnxNode n, GraphConstants consts) {
        super(List.of(n));
        for (int i = 0; i < n.inputCount(); i++) {
            String in = n.input(i);
            if (in.isEmpty()) {
                continue;
            }
            double sign = n.op().equals("Sub") && i == 1 ? -1 : 1;
            if (consts.isConstant(in)) {
                constants.add(consts.value(in).get());
                constantSigns.add(sign);
            } else {
                operands.add(in);
                signs.add(sign);
            }
        }
    }

    @Override
    List<String> outputs() {
        return List.of(node().output(0));
    }

    @Override
    List<String> relevanceInputs() {
        return operands.stream().distinct().toList();
    }

    @Override
    LayerKind kind() {
        return LayerKind.SUM;
    }

    @Override
    Map<String, double[]> backward(LrpPass pass) {
        double[] r = pass.relevance(node().output(0));
        if (r == null) {
            return Map.of();
        }
        long[] out = pass.activation(node().output(0)).shape();
        List<long[]> shapes = new ArrayList<>();
        shapes.add(out);
        for (String s : operands) {
            shapes.add(pass.activation(s).shape());
        }
        LinearMap map = maps.computeIfAbsent(new ShapeKey(shapes.toArray(new long[0][])),
                k -> build(out, shapes.subList(1, shapes.size())));
        double[] a = new double[map.inSize()];
        int off = 0;
        for (String s : operands) {
            double[] v = pass.activation(s).data();
            System.arraycopy(v, 0, a, off, v.length);
            off += v.length;
        }
        // one "sample": the whole tensor (the layer is element-wise, so samples never mix)
        double[] rin = LinearRules.propagate(rule(), map, a, r, 1, pass.biasFactor(),
                pass.activation(node().output(0)).data());
        Map<String, double[]> result = new LinkedHashMap<>();
        off = 0;
        for (String s : operands) {
            int len = pass.activation(s).size();
            double[] part = Arrays.copyOfRange(rin, off, off + len);
            result.merge(s, part, (x, y) -> {
                double[] z = x.clone();
                for (int i = 0; i < z.length; i++) {
                    z[i] += y[i];
                }
                return z;
            });
            off += len;
        }
        return result;
    }

    private LinearMap build(long[] out, List<long[]> shapes) {
        int outSize = Tensor64.product(out, 0, out.length);
        int[] offsets = new int[shapes.size()];
        int inSize = 0;
        for (int k = 0; k < shapes.size(); k++) {
            offsets[k] = inSize;
            inSize += Tensor64.product(shapes.get(k), 0, shapes.get(k).length);
        }
        SparseMap.Builder b = new SparseMap.Builder(inSize, outSize);
        for (int j = 0; j < outSize; j++) {
            for (int k = 0; k < shapes.size(); k++) {
                b.add(j, offsets[k] + ShapeMath.broadcastIndex(j, out, shapes.get(k)), signs.get(k));
            }
        }
        double[] bias = null;
        if (!constants.isEmpty()) {
            bias = new double[outSize];
            for (int c = 0; c < constants.size(); c++) {
                ConstTensor t = constants.get(c);
                for (int j = 0; j < outSize; j++) {
                    bias[j] += constantSigns.get(c) * t.doubles()[ShapeMath.broadcastIndex(j, out, t.dims())];
                }
            }
        }
        return b.build(bias);
    }
}
