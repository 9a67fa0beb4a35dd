package org.explain4j.onnx.lrp;

import ai.onnx.proto.OnnxMl.ModelProto;
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
import org.explain4j.onnx.GraphOutputs;
import org.explain4j.onnx.OrtModel;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Laws on every reference model and the real third-party MNIST network: with biases off and
 * ε → 0 relevance is conserved from the logit to the input; LRP-0 on a ReLU network without
 * biases is gradient × input (the gradient from the exported gradient graph with the same
 * biases zeroed, or from finite differences where the model has none).
 */
class LrpConservationTest {

    private static final double EPS_TO_ZERO = 1e-9;

    @ParameterizedTest
    @ValueSource(strings = {"breast_cancer_mlp", "synthetic_cnn1d", "synthetic_bilstm"})
    void relevanceIsConservedWithoutBiasesOnReferenceModels(String name) {
        ModelProto biasless = LrpFixtures.withoutBiases(LrpFixtures.referenceGraph(name)).model();
        try (OrtModel model = LrpFixtures.open(biasless, name + "-nobias")) {
            assertConserved(model, LrpFixtures.goldenInputs(name));
        }
    }

    @Test
    void relevanceIsConservedWithoutBiasesOnMnist() {
        ModelProto mnist = GraphOutputs.parse(LrpFixtures.mnistSource().readModel(), "mnist");
        try (OrtModel model = LrpFixtures.open(LrpFixtures.withoutBiases(mnist).model(), "mnist-nobias")) {
            assertConserved(model, digits(3));
        }
    }

    private static void assertConserved(OrtModel model, FloatTensor x) {
        LrpExplainer lrp = LrpExplainer.builder().rule(Rule.epsilon(EPS_TO_ZERO)).biasFactor(0).build();
        Attribution a = lrp.explain(model, x, Target.predicted());
        double[] logit = a.diagnostics().get("lrp_logit");
        int per = x.sampleSize();
        for (int s = 0; s < x.batchSize(); s++) {
            double total = LrpFixtures.sum(a.values().data(), s * per, (s + 1) * per);
            double rel = Math.abs(total - logit[s]) / Math.max(1e-12, Math.abs(logit[s]));
            assertTrue(rel <= 1e-4, model.info().name() + " sample " + s + ": relevance sums to " + total
                    + " but the logit is " + logit[s] + " (relative " + rel + ")");
            assertEquals(logit[s] - total, a.diagnostics().get("lrp_conservation_residual")[s],
                    1e-6 * Math.max(1, Math.abs(logit[s])));
        }
        // every layer passes on what it gets
        a.diagnostics().forEach((k, v) -> {
            if (k.startsWith("lrp_residual ")) {
                for (double r : v) {
                    assertTrue(Math.abs(r) <= 1e-4 * Math.max(1, maxAbs(logit)), k + " residual " + r);
                }
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"breast_cancer_mlp", "synthetic_cnn1d"})
    void lrpZeroEqualsGradientTimesInputOnBiasFreeReluNets(String name) {
        LrpFixtures.Biasless fwd = LrpFixtures.withoutBiases(LrpFixtures.referenceGraph(name));
        ModelProto grad = LrpFixtures.zeroMatching(LrpFixtures.referenceGradient(name), fwd.zeroed());
        try (OrtModel model = LrpFixtures.open(fwd.model(), grad, null, name + "-nobias")) {
            FloatTensor x = LrpFixtures.goldenInputs(name);
            // the gradient graph really is the bias-free model: same outputs
            assertArrayEquals(model.forward(x).data(), model.vjp(x, onehot(x.batchSize(), model.info().classCount()))
                    .output().data(), 1e-4f);
            for (int c = 0; c < model.info().classCount(); c++) {
                Attribution lrp = LrpExplainer.builder().rule(Rule.epsilon(0)).build().explain(model, x, Target.of(c));
                Attribution gxi = GradientTimesInput.builder().build().explain(model, x, Target.of(c));
                assertClose(gxi.values().data(), lrp.values().data(), 1e-5, name + " class " + c);
            }
        }
    }

    /**
     * MNIST ships no gradient graph: the gradient comes from the project's Java reverse-mode
     * differentiation of the same bias-free graph (an implementation independent of LRP), run in
     * ONNX Runtime.
     */
    @Test
    void lrpZeroEqualsGradientTimesInputOnBiasFreeMnist() {
        ModelProto mnist = GraphOutputs.parse(LrpFixtures.mnistSource().readModel(), "mnist");
        ModelProto biasless = LrpFixtures.withoutBiases(mnist).model();
        ModelProto grad = GradientGraphBuilder.build(biasless, GradientOptions.defaults().withGradName("grad_x"));
        ModelDescription desc = new ModelDescription("mnist-nobias", "", null, List.of(), OutputActivation.NONE,
                List.of(), Score.LOGIT, Optional.of(new GradientGraphSpec("", 1, "Input3", "w", "Plus214_Output_0",
                "grad_x")), null);
        try (OrtModel model = LrpFixtures.open(biasless, grad, desc, "mnist-nobias")) {
            FloatTensor x = digits(2);
            for (int c : new int[] {1, 7, 3}) {
                Attribution lrp = LrpExplainer.builder().rule(Rule.epsilon(0)).build().explain(model, x, Target.of(c));
                Attribution gxi = GradientTimesInput.builder().build().explain(model, x, Target.of(c));
                assertClose(gxi.values().data(), lrp.values().data(), 1e-5, "mnist class " + c);
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, double rel, String what) {
        double scale = Math.max(1e-12, LrpFixtures.maxAbs(expected));
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]) / scale;
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        assertTrue(worst <= rel, what + ": largest difference " + worst + " of the largest value " + scale
                + " at " + at + " (expected " + (at < 0 ? 0 : expected[at]) + ", got " + (at < 0 ? 0 : actual[at]) + ")");
    }

    private static FloatTensor onehot(int n, int c) {
        float[] w = new float[n * c];
        for (int i = 0; i < n; i++) {
            w[i * c] = 1;
        }
        return new FloatTensor(new long[] {n, c}, w);
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }

    /**
     * Digit-like images in the 0..255 scale: strokes of a "7" and a "1" drawn with soft edges,
     * plus a little noise (the network was trained on such strokes, not on random pixels).
     */
    static FloatTensor digits(int n) {
        float[] all = new float[n * 784];
        Random r = new Random(11);
        for (int s = 0; s < n; s++) {
            float[] img = new float[784];
            if (s % 2 == 0) {
                stroke(img, 6, 7, 6, 21);     // top bar
                stroke(img, 6, 21, 22, 12);   // diagonal
            } else {
                stroke(img, 5, 14, 23, 14);   // vertical
            }
            for (int i = 0; i < 784; i++) {
                img[i] = Math.min(255f, img[i] + 8f * r.nextFloat() + s);
            }
            System.arraycopy(img, 0, all, s * 784, 784);
        }
        return new FloatTensor(new long[] {n, 1, 28, 28}, all);
    }

    private static void stroke(float[] img, int r0, int c0, int r1, int c1) {
        int steps = 64;
        for (int k = 0; k <= steps; k++) {
            double rr = r0 + (r1 - r0) * k / (double) steps;
            double cc = c0 + (c1 - c0) * k / (double) steps;
            for (int dr = -2; dr <= 2; dr++) {
                for (int dc = -2; dc <= 2; dc++) {
                    int pr = (int) Math.round(rr) + dr;
                    int pc = (int) Math.round(cc) + dc;
                    if (pr < 0 || pr >= 28 || pc < 0 || pc >= 28) {
                        continue;
                    }
                    double d = Math.hypot(pr - rr, pc - cc);
                    float v = (float) Math.max(0, 255 * (1 - d / 2.2));
                    img[pr * 28 + pc] = Math.max(img[pr * 28 + pc], v);
                }
            }
        }
    }
}
