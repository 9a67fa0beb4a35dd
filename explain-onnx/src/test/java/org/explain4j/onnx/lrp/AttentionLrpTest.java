package org.explain4j.onnx.lrp;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.explain.gradient.GradientTimesInput;
import org.explain4j.lrp.Rule;
import org.explain4j.model.GradientGraphSpec;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.onnx.autodiff.GradientGraphBuilder;
import org.explain4j.onnx.autodiff.GradientOptions;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.onnx.graph.TinyModel;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LRP through self-attention with the attention weights held constant (AH rule, Ali et al. 2022):
 * a tiny single-head attention worked out by hand, and the per-lead attention model ecg_perlead.
 */
class AttentionLrpTest {

    private static final double EPS = 0.01;

    // x [1, 2 tokens, 2 features]; q = x Wq, k = x Wk, v = x Wv; A = softmax(q kᵀ / 2); o = A v
    private static final double[][] X = {{1, 2}, {0.5, -1}};
    private static final double[][] WQ = {{0.5, -1}, {1, 0.25}};
    private static final double[][] WK = {{1, 0.5}, {-0.5, 1}};
    private static final double[][] WV = {{1, -1}, {2, 0.5}};

    private static TinyModel attention(boolean scoresOut) {
        TinyModel m = new TinyModel(17).input("x", DataType.FLOAT_VALUE, -1, 2, 2);
        m.initializer(Tensors.ofFloats("Wq", new long[] {2, 2}, flat(WQ)));
        m.initializer(Tensors.ofFloats("Wk", new long[] {2, 2}, flat(WK)));
        m.initializer(Tensors.ofFloats("Wv", new long[] {2, 2}, flat(WV)));
        m.initializer(Tensors.ofFloats("two", new long[] {}, new float[] {2f}));
        m.node("MatMul", List.of("x", "Wq"), List.of("q"))
                .node("MatMul", List.of("x", "Wk"), List.of("k"))
                .node("MatMul", List.of("x", "Wv"), List.of("v"))
                .node("Transpose", List.of("k"), List.of("kt"), Attrs.ints("perm", 0, 2, 1))
                .node("MatMul", List.of("q", "kt"), List.of("s"));
        if (scoresOut) {
            return m.node("Flatten", List.of("s"), List.of("y")).output("y");
        }
        m.node("Div", List.of("s", "two"), List.of("sd"))
                .node("Softmax", List.of("sd"), List.of("a"), Attrs.i("axis", -1));
        return m.node("MatMul", List.of("a", "v"), List.of("o"))
                .node("Flatten", List.of("o"), List.of("y")).output("y");
    }

    /** The same attention written {@code oᵀ = vᵀ Aᵀ}: the attention (transposed) on the right. */
    private static TinyModel attentionOnTheRight() {
        TinyModel m = attention(true);
        TinyModel r = new TinyModel(17).input("x", DataType.FLOAT_VALUE, -1, 2, 2);
        m.build().getGraph().getInitializerList().forEach(r::initializer);
        m.build().getGraph().getNodeList().stream().filter(n -> !n.getOpType().equals("Flatten"))
                .forEach(n -> r.node(n.getOpType(), n.getInputList(), n.getOutputList(),
                        n.getAttributeList().toArray(new ai.onnx.proto.OnnxMl.AttributeProto[0])));
        return r.node("Div", List.of("s", "two"), List.of("sd"))
                .node("Softmax", List.of("sd"), List.of("a"), Attrs.i("axis", -1))
                .node("Transpose", List.of("a"), List.of("at"), Attrs.ints("perm", 0, 2, 1))
                .node("Transpose", List.of("v"), List.of("vt"), Attrs.ints("perm", 0, 2, 1))
                .node("MatMul", List.of("vt", "at"), List.of("ot"))
                .node("Flatten", List.of("ot"), List.of("y")).output("y");
    }

    private static float[] flat(double[][] m) {
        float[] out = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                out[i * m[0].length + j] = (float) m[i][j];
            }
        }
        return out;
    }

    private static double[][] mul(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b[0].length; j++) {
                for (int k = 0; k < b.length; k++) {
                    out[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return out;
    }

    private static double sign(double z) {
        return z >= 0 ? 1 : -1;
    }

    @Test
    void relevanceReachesTheInputOnlyThroughTheValues() {
        double[][] q = mul(X, WQ);
        double[][] k = mul(X, WK);
        double[][] v = mul(X, WV);
        double[][] a = new double[2][2];
        for (int t = 0; t < 2; t++) {
            double s0 = (q[t][0] * k[0][0] + q[t][1] * k[0][1]) / 2;
            double s1 = (q[t][0] * k[1][0] + q[t][1] * k[1][1]) / 2;
            double e0 = Math.exp(s0);
            double e1 = Math.exp(s1);
            a[t][0] = e0 / (e0 + e1);
            a[t][1] = e1 / (e0 + e1);
        }
        // target o[0, 1] (output 1): its relevance is its value
        double z = a[0][0] * v[0][1] + a[0][1] * v[1][1];
        // ε rule on o = A v with A constant, over the 2 values v[s, 1]; the ε share spread evenly
        double[] rv = new double[2];
        for (int s = 0; s < 2; s++) {
            rv[s] = (a[0][s] * v[s][1] + EPS * sign(z) / 2) / (z + EPS * sign(z)) * z;
        }
        // ε rule on v[s, 1] = Σ_i x[s, i] Wv[i, 1]: only row s of x feeds it
        double[] expected = new double[4];
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < 2; i++) {
                expected[s * 2 + i] = (X[s][i] * WV[i][1] + EPS * sign(v[s][1]) / 2)
                        / (v[s][1] + EPS * sign(v[s][1])) * rv[s];
            }
        }
        try (OrtModel model = LrpFixtures.open(attention(false).build(), "tiny-attention")) {
            LrpExplainer lrp = LrpExplainer.builder().rule(Rule.epsilon(EPS)).biasFactor(0).build();
            Attribution at = lrp.explain(model, new FloatTensor(new long[] {1, 2, 2}, flat(X)), Target.of(1));
            float[] got = at.values().data();
            for (int i = 0; i < 4; i++) {
                assertEquals(expected[i], got[i], 1e-5, "input " + i + ": " + Arrays.toString(got));
            }
            // no biases: everything the output held reaches x (the ε shares included)
            double total = 0;
            for (float g : got) {
                total += g;
            }
            assertEquals(z, total, 1e-5);
            assertEquals(0, at.diagnostics().get("lrp_conservation_residual")[0], 1e-5);
            assertTrue(lrp.plan(model).layers().stream().anyMatch(l -> l.contains("attention 'a' held constant")),
                    lrp.plan(model).layers().toString());
        }
        // oᵀ[1, 0] = o[0, 1] (output 2): the same relevance with the attention on the right of the MatMul
        try (OrtModel model = LrpFixtures.open(attentionOnTheRight().build(), "tiny-attention-right")) {
            LrpExplainer lrp = LrpExplainer.builder().rule(Rule.epsilon(EPS)).biasFactor(0).build();
            float[] got = lrp.explain(model, new FloatTensor(new long[] {1, 2, 2}, flat(X)), Target.of(2)).values()
                    .data();
            for (int i = 0; i < 4; i++) {
                assertEquals(expected[i], got[i], 1e-5, "input " + i + " (attention on the right): "
                        + Arrays.toString(got));
            }
        }
    }

    @Test
    void productOfTwoComputedTensorsWithoutSoftmaxIsAnError() {
        try (OrtModel model = LrpFixtures.open(attention(true).build(), "tiny-scores")) {
            LrpExplainer lrp = LrpExplainer.builder().rule(Rule.epsilon(EPS)).build();
            ExplainException e = assertThrows(ExplainException.class, () -> lrp.explain(model,
                    new FloatTensor(new long[] {1, 2, 2}, flat(X)), Target.of(0)));
            assertTrue(e.getMessage().contains("MatMul node") && e.getMessage().contains("attention weights"),
                    e.getMessage());
        }
    }

    @Test
    void ecgPerLeadIsExplainedAndConservesWithoutBiases() {
        Random rnd = new Random(7);
        float[] x = new float[2 * 12 * 2048];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (Math.sin(i * 0.05) + 0.3 * rnd.nextGaussian());
        }
        FloatTensor batch = new FloatTensor(new long[] {2, 12, 2048}, x);
        LrpExplainer lrp = LrpExplainer.builder().rule(Rule.epsilon(1e-9)).biasFactor(0).build();
        try (OrtModel model = LrpFixtures.reference("ecg_perlead")) {
            Attribution a = lrp.explain(model, batch, Target.predicted());
            double[] res = a.diagnostics().get("lrp_conservation_residual");
            double[] logit = a.diagnostics().get("lrp_logit");
            System.out.println("ecg_perlead (biases kept, absorbed): logit " + Arrays.toString(logit)
                    + ", conservation residual " + Arrays.toString(res));
            for (int s = 0; s < 2; s++) {
                assertTrue(Double.isFinite(res[s]), "residual " + res[s]);
                assertTrue(LrpFixtures.maxAbs(Arrays.copyOfRange(a.values().data(), s * 12 * 2048,
                        (s + 1) * 12 * 2048)) > 0, "relevance of sample " + s + " is all zero");
            }
        }
        ModelProto biasless = LrpFixtures.withoutBiases(LrpFixtures.referenceGraph("ecg_perlead")).model();
        try (OrtModel model = LrpFixtures.open(biasless, "ecg_perlead-nobias")) {
            Attribution a = lrp.explain(model, batch, Target.predicted());
            double[] res = a.diagnostics().get("lrp_conservation_residual");
            double[] logit = a.diagnostics().get("lrp_logit");
            System.out.println("ecg_perlead without biases: logit " + Arrays.toString(logit)
                    + ", conservation residual " + Arrays.toString(res));
            for (int s = 0; s < 2; s++) {
                assertTrue(Math.abs(res[s]) <= 1e-4 * Math.max(1, Math.abs(logit[s])),
                        "sample " + s + ": residual " + res[s] + " of logit " + logit[s]);
            }
        }
    }

    /**
     * With the attention held constant the model is a ReLU network in x: ε-LRP with ε = 0 and the
     * biases zeroed must equal gradient × input of the same network with this sample's attention
     * matrix written in as a constant (gradient from the project's reverse-mode graph, run in ONNX Runtime).
     */
    @Test
    void ecgPerLeadLrpZeroEqualsGradientTimesInputWithFrozenAttention() {
        Random rnd = new Random(3);
        float[] x = new float[12 * 2048];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (Math.sin(i * 0.03) + 0.3 * rnd.nextGaussian());
        }
        FloatTensor one = new FloatTensor(new long[] {1, 12, 2048}, x);
        ModelProto biasless = LrpFixtures.withoutBiases(LrpFixtures.referenceGraph("ecg_perlead")).model();
        try (OrtModel model = LrpFixtures.open(biasless, "ecg_perlead-nobias")) {
            FloatTensor att = model.activations(one, List.of("/Softmax_output_0")).get("/Softmax_output_0");
            ModelProto frozen = frozenAttention(biasless, att);
            ModelProto grad = GradientGraphBuilder.build(frozen, GradientOptions.defaults().withGradName("grad_x"));
            ModelDescription desc = new ModelDescription("ecg_perlead-frozen", "", null, List.of(),
                    OutputActivation.NONE, List.of(), Score.LOGIT, Optional.of(new GradientGraphSpec("", 1, "x", "w",
                    "y", "grad_x")), null);
            try (OrtModel fm = LrpFixtures.open(frozen, grad, desc, "ecg_perlead-frozen")) {
                for (int c : new int[] {0, 4}) {
                    float[] lrp = LrpExplainer.builder().rule(Rule.epsilon(0)).build()
                            .explain(model, one, Target.of(c)).values().data();
                    float[] gxi = GradientTimesInput.builder().build().explain(fm, one, Target.of(c)).values().data();
                    double scale = LrpFixtures.maxAbs(gxi);
                    double worst = 0;
                    for (int i = 0; i < gxi.length; i++) {
                        worst = Math.max(worst, Math.abs(gxi[i] - lrp[i]) / scale);
                    }
                    System.out.println("ecg_perlead class " + c + ": LRP-0 vs gradient x input (attention frozen),"
                            + " largest difference " + worst + " of the largest value " + scale);
                    assertTrue(scale > 0 && worst <= 1e-4, "class " + c + ": largest difference " + worst);
                }
            }
        }
    }

    /** The model with the MatMul's attention input replaced by {@code att} and the q·kᵀ branch removed. */
    private static ModelProto frozenAttention(ModelProto m, FloatTensor att) {
        GraphProto g = m.getGraph();
        GraphProto.Builder b = g.toBuilder().clearNode()
                .addInitializer(Tensors.ofFloats("att_frozen", att.shape(), att.data()));
        List<String> dead = List.of("/q/MatMul", "/q/Add", "/k/MatMul", "/k/Add", "/Transpose", "/MatMul",
                "/Constant_1", "/Div", "/Softmax");
        for (NodeProto n : g.getNodeList()) {
            if (dead.contains(n.getName())) {
                continue;
            }
            if (n.getName().equals("/MatMul_1")) {
                assertEquals("/Softmax_output_0", n.getInput(0));
                n = n.toBuilder().setInput(0, "att_frozen").build();
            }
            b.addNode(n);
        }
        return m.toBuilder().setGraph(b).build();
    }
}
