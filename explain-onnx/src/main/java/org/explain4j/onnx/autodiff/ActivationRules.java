package org.explain4j.onnx.autodiff;

import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.ShapeMath;

import java.util.List;
import java.util.Map;

/** Rules of activation functions and (log-)softmax. */
final class ActivationRules {

    private ActivationRules() {
    }

    static void register(Map<String, VjpRule> rules) {
        rules.put("Relu", ActivationRules::relu);
        rules.put("LeakyRelu", ActivationRules::leakyRelu);
        rules.put("PRelu", ActivationRules::prelu);
        rules.put("Sigmoid", ActivationRules::sigmoid);
        rules.put("HardSigmoid", ActivationRules::hardSigmoid);
        rules.put("Tanh", ActivationRules::tanh);
        rules.put("Softplus", n -> n.add(0, n.op("Mul", n.grad(), n.op("Sigmoid", n.in(0)))));
        rules.put("Elu", ActivationRules::elu);
        rules.put("Softmax", ActivationRules::softmax);
        rules.put("LogSoftmax", ActivationRules::logSoftmax);
    }

    /** ReLU, or its guided-backprop / deconvnet variant chosen in the options. */
    private static void relu(NodeGradient n) {
        String g = n.grad();
        String x = n.in(0);
        String positive = n.op("Greater", x, n.scalar(0, x));
        switch (n.options().reluRule()) {
            case GRADIENT -> n.add(0, n.masked(positive, g, x));
            case GUIDED_BACKPROP -> n.add(0, n.masked(positive, n.op("Relu", g), x));
            case DECONVNET -> n.add(0, n.op("Relu", g));
            default -> throw new IllegalStateException();
        }
    }

    private static void leakyRelu(NodeGradient n) {
        String x = n.in(0);
        float alpha = n.node().attrFloat("alpha", 0.01f);
        String g = n.grad();
        String positive = n.op("Greater", x, n.scalar(0, x));
        n.add(0, n.op("Where", List.of(positive, g, n.op("Mul", g, n.scalar(alpha, x)))));
    }

    private static void prelu(NodeGradient n) {
        String x = n.in(0);
        String g = n.grad();
        String positive = n.op("Greater", x, n.scalar(0, x));
        long[] ys = n.shape(n.out(0));
        if (n.wants(0)) {
            n.add(0, n.op("Where", List.of(positive, g, n.op("Mul", g, n.in(1)))));
        }
        if (n.wants(1)) {
            String gx = n.masked(n.op("Not", positive), n.op("Mul", g, x), x);
            n.add(1, n.unbroadcast(gx, ys, n.in(1)));
        }
    }

    private static void sigmoid(NodeGradient n) {
        String y = n.out(0);
        String dy = n.op("Mul", y, n.op("Sub", n.scalar(1, y), y));
        n.add(0, n.op("Mul", n.grad(), dy));
    }

    private static void hardSigmoid(NodeGradient n) {
        // y = max(0, min(1, αx + β)): slope α strictly inside the linear part.
        String x = n.in(0);
        float alpha = n.node().attrFloat("alpha", 0.2f);
        float beta = n.node().attrFloat("beta", 0.5f);
        String v = n.op("Add", n.op("Mul", x, n.scalar(alpha, x)), n.scalar(beta, x));
        String inside = n.op("And", n.op("Greater", v, n.scalar(0, x)), n.op("Less", v, n.scalar(1, x)));
        n.add(0, n.masked(inside, n.op("Mul", n.grad(), n.scalar(alpha, x)), x));
    }

    private static void tanh(NodeGradient n) {
        String y = n.out(0);
        String dy = n.op("Sub", n.scalar(1, y), n.op("Mul", y, y));
        n.add(0, n.op("Mul", n.grad(), dy));
    }

    private static void elu(NodeGradient n) {
        // x > 0: 1; else α·eˣ = y + α
        String x = n.in(0);
        float alpha = n.node().attrFloat("alpha", 1f);
        String positive = n.op("Greater", x, n.scalar(0, x));
        String g = n.grad();
        String negative = n.op("Mul", g, n.op("Add", n.out(0), n.scalar(alpha, x)));
        n.add(0, n.op("Where", List.of(positive, g, negative)));
    }

    /** Softmax over one axis (opset 13 semantics; older models are upgraded first): y ⊙ (g − Σ g⊙y). */
    private static void softmax(NodeGradient n) {
        String y = n.out(0);
        String g = n.grad();
        long axis = ShapeMath.normalizeAxis(n.node().attrInt("axis", -1), n.rank(y));
        String dot = n.op("ReduceSum", n.op("Mul", g, y), n.longs(axis), Attrs.i("keepdims", 1));
        n.add(0, n.op("Mul", y, n.op("Sub", g, dot)));
    }

    /** LogSoftmax: g − softmax ⊙ Σ g. */
    private static void logSoftmax(NodeGradient n) {
        String y = n.out(0);
        String g = n.grad();
        long axis = ShapeMath.normalizeAxis(n.node().attrInt("axis", -1), n.rank(y));
        String total = n.op("ReduceSum", g, n.longs(axis), Attrs.i("keepdims", 1));
        n.add(0, n.op("Sub", g, n.op("Mul", n.op("Exp", y), total)));
    }
}
