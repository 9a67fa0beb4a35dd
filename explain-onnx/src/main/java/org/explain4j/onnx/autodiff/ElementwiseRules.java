package org.explain4j.onnx.autodiff;

import org.explain4j.onnx.graph.Attrs;

import java.util.List;
import java.util.Map;

/**
 * Rules of elementwise arithmetic and simple unary functions. Binary ops broadcast numpy-style,
 * so each operand's gradient is reduced back to the operand's shape
 * ({@link NodeGradient#unbroadcast}).
 */
final class ElementwiseRules {

    private ElementwiseRules() {
    }

    static void register(Map<String, VjpRule> rules) {
        rules.put("Identity", ElementwiseRules::identity);
        rules.put("Dropout", ElementwiseRules::identity); // inference: the identity (mask is not differentiable)
        rules.put("Cast", ElementwiseRules::cast);
        rules.put("CastLike", ElementwiseRules::cast);
        rules.put("Add", n -> addSub(n, false));
        rules.put("Sub", n -> addSub(n, true));
        rules.put("Sum", ElementwiseRules::sum);
        rules.put("Mul", ElementwiseRules::mul);
        rules.put("Div", ElementwiseRules::div);
        rules.put("Neg", n -> n.add(0, n.op("Neg", n.grad())));
        rules.put("Exp", n -> n.add(0, n.op("Mul", n.grad(), n.out(0))));
        rules.put("Log", n -> n.add(0, n.op("Div", n.grad(), n.in(0))));
        rules.put("Sqrt", n -> n.add(0, n.op("Div", n.grad(), n.op("Mul", n.out(0), n.scalar(2, n.out(0))))));
        rules.put("Reciprocal", n -> n.add(0, n.op("Neg", n.op("Mul", n.grad(), n.op("Mul", n.out(0), n.out(0))))));
        rules.put("Abs", n -> n.add(0, n.op("Mul", n.grad(), n.op("Sign", n.in(0)))));
        rules.put("Pow", ElementwiseRules::pow);
        rules.put("Erf", ElementwiseRules::erf);
        rules.put("Clip", ElementwiseRules::clip);
        rules.put("Where", ElementwiseRules::where);
        rules.put("Expand", n -> n.add(0, n.unbroadcast(n.grad(), n.shape(n.out(0)), n.in(0))));
        for (String op : List.of("Floor", "Ceil", "Round", "Sign")) {
            rules.put(op, n -> {
                // Piecewise constant: the derivative is zero wherever it exists, so nothing flows back.
            });
        }
    }

    private static void identity(NodeGradient n) {
        n.add(0, n.grad());
    }

    private static void cast(NodeGradient n) {
        if (!n.isFloating(n.in(0))) {
            return;
        }
        n.add(0, n.op("Cast", n.grad(), Attrs.i("to", n.dtype(n.in(0)))));
    }

    private static void addSub(NodeGradient n, boolean subtract) {
        String g = n.grad();
        long[] ys = n.shape(n.out(0));
        if (n.wants(0)) {
            n.add(0, n.unbroadcast(g, ys, n.in(0)));
        }
        if (n.wants(1)) {
            n.add(1, n.unbroadcast(subtract ? n.op("Neg", g) : g, ys, n.in(1)));
        }
    }

    private static void sum(NodeGradient n) {
        long[] ys = n.shape(n.out(0));
        for (int i = 0; i < n.node().inputCount(); i++) {
            if (n.wants(i)) {
                n.add(i, n.unbroadcast(n.grad(), ys, n.in(i)));
            }
        }
    }

    private static void mul(NodeGradient n) {
        String g = n.grad();
        long[] ys = n.shape(n.out(0));
        if (n.wants(0)) {
            n.add(0, n.unbroadcast(n.op("Mul", g, n.in(1)), ys, n.in(0)));
        }
        if (n.wants(1)) {
            n.add(1, n.unbroadcast(n.op("Mul", g, n.in(0)), ys, n.in(1)));
        }
    }

    private static void div(NodeGradient n) {
        String g = n.grad();
        long[] ys = n.shape(n.out(0));
        String gOverB = n.op("Div", g, n.in(1));
        if (n.wants(0)) {
            n.add(0, n.unbroadcast(gOverB, ys, n.in(0)));
        }
        if (n.wants(1)) {
            // d(a/b)/db = -a/b² = -y/b
            n.add(1, n.unbroadcast(n.op("Neg", n.op("Mul", gOverB, n.out(0))), ys, n.in(1)));
        }
    }

    private static void pow(NodeGradient n) {
        String g = n.grad();
        long[] ys = n.shape(n.out(0));
        String base = n.in(0);
        // The exponent may have another numeric type (Pow's T1/T2); compute in the base's type.
        String exponent = n.dtype(n.in(1)) == n.dtype(base) ? n.in(1) : n.op("CastLike", n.in(1), base);
        if (n.wants(0)) {
            String pm1 = n.op("Sub", exponent, n.scalar(1, base));
            String d = n.op("Mul", exponent, n.op("Pow", base, pm1));
            n.add(0, n.unbroadcast(n.op("Mul", g, d), ys, base));
        }
        if (n.wants(1)) {
            String d = n.op("Mul", n.out(0), n.op("Log", base));
            n.add(1, n.unbroadcast(n.op("Mul", g, d), ys, n.in(1)));
        }
    }

    private static void erf(NodeGradient n) {
        // d erf(x)/dx = 2/√π · exp(-x²)
        String x = n.in(0);
        String e = n.op("Exp", n.op("Neg", n.op("Mul", x, x)));
        n.add(0, n.op("Mul", n.grad(), n.op("Mul", e, n.scalar(2 / Math.sqrt(Math.PI), x))));
    }

    private static void clip(NodeGradient n) {
        // Gradient passes where min <= x <= max (PyTorch's clamp convention at the bounds).
        String x = n.in(0);
        String mask = null;
        if (n.node().hasInput(1)) {
            mask = n.op("GreaterOrEqual", x, n.in(1));
        }
        if (n.node().hasInput(2)) {
            String upper = n.op("LessOrEqual", x, n.in(2));
            mask = mask == null ? upper : n.op("And", mask, upper);
        }
        n.add(0, mask == null ? n.grad() : n.masked(mask, n.grad(), x));
    }

    private static void where(NodeGradient n) {
        String g = n.grad();
        long[] ys = n.shape(n.out(0));
        String zero = n.scalar(0, n.out(0));
        if (n.wants(1)) {
            n.add(1, n.unbroadcast(n.op("Where", List.of(n.in(0), g, zero)), ys, n.in(1)));
        }
        if (n.wants(2)) {
            n.add(2, n.unbroadcast(n.op("Where", List.of(n.in(0), zero, g)), ys, n.in(2)));
        }
    }
}
