package org.explain4j.onnx.autodiff;

import org.explain4j.onnx.graph.Attrs;

import java.util.List;
import java.util.Map;

/** Rules of Gemm and MatMul (batched, broadcast, and with 1-D operands). */
final class LinearRules {

    private LinearRules() {
    }

    static void register(Map<String, VjpRule> rules) {
        rules.put("Gemm", LinearRules::gemm);
        rules.put("MatMul", LinearRules::matMul);
    }

    /**
     * Y = α·op(A)·op(B) + β·C with op(X) = Xᵀ when trans is set. With G = ∂L/∂Y:
     * ∂op(A) = α·G·op(B)ᵀ and ∂op(B) = α·op(A)ᵀ·G, transposed back where the operand was;
     * each is one Gemm with suitable trans flags.
     */
    private static void gemm(NodeGradient n) {
        String g = n.grad();
        float alpha = n.node().attrFloat("alpha", 1f);
        float beta = n.node().attrFloat("beta", 1f);
        long transA = n.node().attrInt("transA", 0);
        long transB = n.node().attrInt("transB", 0);
        String a = n.in(0);
        String b = n.in(1);
        if (n.wants(0)) {
            n.add(0, transA == 0
                    ? n.op("Gemm", g, b, Attrs.f("alpha", alpha), Attrs.i("transA", 0), Attrs.i("transB", 1 - transB))
                    : n.op("Gemm", b, g, Attrs.f("alpha", alpha), Attrs.i("transA", transB), Attrs.i("transB", 1)));
        }
        if (n.wants(1)) {
            n.add(1, transB == 0
                    ? n.op("Gemm", a, g, Attrs.f("alpha", alpha), Attrs.i("transA", 1 - transA), Attrs.i("transB", 0))
                    : n.op("Gemm", g, a, Attrs.f("alpha", alpha), Attrs.i("transA", 1), Attrs.i("transB", transA)));
        }
        if (n.wants(2)) {
            String scaled = beta == 1f ? g : n.op("Mul", g, n.scalar(beta, n.out(0)));
            n.add(2, n.unbroadcast(scaled, n.shape(n.out(0)), n.in(2)));
        }
    }

    /**
     * numpy matmul: 1-D operands are promoted (A to a row, B to a column) and the promoted axis
     * dropped from the result; leading (batch) axes broadcast. ∂A = G·Bᵀ and ∂B = Aᵀ·G on the
     * last two axes, then reduced over broadcast batch axes and un-promoted.
     */
    private static void matMul(NodeGradient n) {
        String a = n.in(0);
        String b = n.in(1);
        long[] as = n.shape(a);
        long[] bs = n.shape(b);
        long[] ys = n.shape(n.out(0));
        String g = n.grad();
        String a2 = a;
        String b2 = b;
        long[] as2 = as;
        long[] bs2 = bs;
        long[] gs2 = ys;
        String g2 = g;
        if (as.length == 1) {
            a2 = n.op("Unsqueeze", a, n.longs(0));
            as2 = new long[] {1, as[0]};
        }
        if (bs.length == 1) {
            b2 = n.op("Unsqueeze", b, n.longs(1));
            bs2 = new long[] {bs[0], 1};
        }
        if (as.length == 1 && bs.length == 1) {
            g2 = n.op("Reshape", g, n.longs(1, 1));
            gs2 = new long[] {1, 1};
        } else if (as.length == 1) {
            g2 = n.op("Unsqueeze", g, n.longs(ys.length - 1));
            gs2 = insert(ys, ys.length - 1);
        } else if (bs.length == 1) {
            g2 = n.op("Unsqueeze", g, n.longs(ys.length));
            gs2 = insert(ys, ys.length);
        }
        int r = gs2.length;
        if (n.wants(0)) {
            String ga = n.op("MatMul", g2, swapLast(n, b2, bs2.length));
            long[] gaShape = gs2.clone();
            gaShape[r - 1] = as2[as2.length - 1];
            String reduced = n.unbroadcastTo(ga, gaShape, as2, a2);
            n.add(0, as.length == 1 ? n.op("Reshape", reduced, n.targetShape(a)) : reduced);
        }
        if (n.wants(1)) {
            String gb = n.op("MatMul", swapLast(n, a2, as2.length), g2);
            long[] gbShape = gs2.clone();
            gbShape[r - 2] = bs2[bs2.length - 2];
            String reduced = n.unbroadcastTo(gb, gbShape, bs2, b2);
            n.add(1, bs.length == 1 ? n.op("Reshape", reduced, n.targetShape(b)) : reduced);
        }
    }

    private static String swapLast(NodeGradient n, String x, int rank) {
        long[] perm = new long[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        perm[rank - 1] = rank - 2;
        perm[rank - 2] = rank - 1;
        return n.emit().op("Transpose", List.of(x), Attrs.ints("perm", perm));
    }

    private static long[] insert(long[] shape, int at) {
        long[] out = new long[shape.length + 1];
        for (int i = 0, j = 0; i < out.length; i++) {
            out[i] = i == at ? 1 : shape[j++];
        }
        return out;
    }
}
