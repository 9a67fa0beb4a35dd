package org.explain4j.onnx.lrp;

import org.explain4j.ExplainException;
import org.explain4j.onnx.graph.OnnxNode;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MaxPool and GlobalMaxPool: winner takes all. Each output's relevance goes to the input that
 * was the maximum of its window (the first one on ties), as the gradient does.
 */
final class MaxPoolStep extends ElementwiseRouteStep {
    private final int[] kernel;
    private final Map<ShapeKey, Windows.Table> tables = new ConcurrentHashMap<>();

    MaxPoolStep(OnnxNode n) {
        super(n);
        if (n.op().equals("MaxPool")) {
            long[] ks = n.attrInts("kernel_shape");
            if (ks == null) {
                throw new ExplainException("MaxPool node '" + n.label() + "' lacks kernel_shape");
            }
            kernel = LinearStep.toInts(ks);
        } else {
            kernel = null;
        }
    }

    @Override
    double[] inputRelevance(LrpPass pass, double[] r) {
        Tensor64 x = pass.activation(node().input(0));
        long[] in = x.shape();
        long[] out = pass.activation(node().output(0)).shape();
        Windows.Table t = tables.computeIfAbsent(new ShapeKey(in, out), k -> table(in, out));
        int planes = x.dim(0) * x.dim(1);
        double[] result = new double[x.size()];
        double[] xv = x.data();
        for (int p = 0; p < planes; p++) {
            int inBase = p * t.inPlane();
            int outBase = p * t.outPlane();
            for (int j = 0; j < t.outPlane(); j++) {
                double rj = r[outBase + j];
                if (rj == 0 || t.start()[j] == t.start()[j + 1]) {
                    continue;
                }
                int best = t.taps()[t.start()[j]];
                for (int q = t.start()[j] + 1; q < t.start()[j + 1]; q++) {
                    int tap = t.taps()[q];
                    if (xv[inBase + tap] > xv[inBase + best]) {
                        best = tap;
                    }
                }
                result[inBase + best] += rj;
            }
        }
        return result;
    }

    private Windows.Table table(long[] in, long[] out) {
        long[] inSp = Arrays.copyOfRange(in, 2, in.length);
        long[] outSp = Arrays.copyOfRange(out, 2, out.length);
        if (kernel == null) { // global: one window over the whole plane
            int[] k = LinearStep.toInts(inSp);
            Windows.Geometry g = new Windows.Geometry(k, ones(k.length), new int[k.length], new int[k.length],
                    ones(k.length));
            return Windows.table(inSp, outSp, g);
        }
        return Windows.table(inSp, outSp, Windows.geometry(node(), inSp, outSp, kernel));
    }

    private static int[] ones(int r) {
        int[] o = new int[r];
        Arrays.fill(o, 1);
        return o;
    }
}
