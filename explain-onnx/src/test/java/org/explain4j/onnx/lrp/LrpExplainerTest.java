package org.explain4j.onnx.lrp;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.lrp.Composite;
import org.explain4j.lrp.OutputInit;
import org.explain4j.lrp.Rule;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.VjpResult;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.onnx.graph.TinyModel;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LrpExplainerTest {

    @Test
    void commandLineOptionsBuildTheExplainer() {
        LrpExplainer e = LrpExplainer.fromOptions(LrpFixtures.options("--lrp-composite", "epsilon-plus-flat",
                "--lrp-epsilon", "0.001", "--lrp-bias-factor", "1", "--lrp-output-init", "softmax", "batch_size", "8"));
        assertEquals("epsilon-plus-flat", e.composite().name());
        assertEquals(Rule.epsilon(0.001), e.composite().ruleFor(Composite.LayerKind.DENSE, "Gemm", List.of(), false));
        assertEquals(1.0, e.biasFactor());
        assertEquals(OutputInit.SOFTMAX, e.outputInit());
        LrpExplainer r = LrpExplainer.fromOptions(Map.of("rule", "zplus"));
        assertEquals(Rule.zPlus(), r.composite().ruleFor(Composite.LayerKind.DENSE, "Gemm", List.of(), false));
        LrpExplainer d = LrpExplainer.fromOptions(Map.of());
        assertEquals(Rule.epsilon(LrpExplainer.DEFAULT_EPSILON),
                d.composite().ruleFor(Composite.LayerKind.CONV, "Conv", List.of(), true));
        assertEquals(OutputInit.LOGIT, d.outputInit());
    }

    @Test
    void badOptionsAreNamed() {
        ExplainException both = assertThrows(ExplainException.class, () -> LrpExplainer.fromOptions(
                Map.of("lrp-rule", "zplus", "lrp-composite", "epsilon")));
        assertEquals("give either --lrp-rule (one rule everywhere) or --lrp-composite, not both", both.getMessage());
        ExplainException unknown = assertThrows(ExplainException.class, () -> LrpExplainer.fromOptions(
                Map.of("steps", "5")));
        assertTrue(unknown.getMessage().startsWith("method lrp does not take --lrp-steps; it takes --lrp-rule,"),
                unknown.getMessage());
        assertThrows(ExplainException.class, () -> LrpExplainer.fromOptions(Map.of("lrp-bias-factor", "2")));
        assertThrows(ExplainException.class, () -> LrpExplainer.fromOptions(Map.of("lrp-epsilon", "-1")));
        assertThrows(ExplainException.class, () -> LrpExplainer.fromOptions(Map.of("lrp-output-init", "prob")));
    }

    @Test
    void modelWithoutAnOnnxGraphIsRefused() {
        ExplainableModel other = new ExplainableModel() {
            @Override
            public ModelInfo info() {
                return null;
            }

            @Override
            public FloatTensor forward(FloatTensor input) {
                return input;
            }

            @Override
            public boolean supportsGradients() {
                return false;
            }

            @Override
            public VjpResult vjp(FloatTensor input, FloatTensor cotangent) {
                return null;
            }

            @Override
            public Map<String, FloatTensor> activations(FloatTensor input, Collection<String> names) {
                return Map.of();
            }

            @Override
            public void close() {
            }
        };
        ExplainException e = assertThrows(ExplainException.class, () -> LrpExplainer.builder().build()
                .explain(other, FloatTensor.zeros(1, 2), Target.of(0)));
        assertTrue(e.getMessage().startsWith("LRP reads the model's ONNX graph; open the model with the ONNX Runtime"),
                e.getMessage());
    }

    /** x [N,3] → Gemm (w = (1, −1, 0.5), b = −3) → Sigmoid. */
    private static ModelProto sigmoidModel() {
        TinyModel m = new TinyModel(17).input("x", DataType.FLOAT_VALUE, -1, 3)
                .initializer(Tensors.ofFloats("W", new long[] {3, 1}, new float[] {1, -1, 0.5f}))
                .initializer(Tensors.ofFloats("b", new long[] {1}, new float[] {-3}))
                .node("Gemm", List.of("x", "W", "b"), List.of("z"))
                .node("Sigmoid", List.of("z"), List.of("y"));
        return m.output("y").build();
    }

    @Test
    void sigmoidStartsMaskTheLastLayersContributions() {
        // x = (2, 1, 1): contributions (2, −1, 0.5), sum 1.5, logit −1.5 (S < 0.5, yet S > S(0) = σ(−3))
        FloatTensor x = new FloatTensor(new long[] {1, 3}, new float[] {2, 1, 1});
        try (OrtModel model = LrpFixtures.open(sigmoidModel(), "sigmoid")) {
            Attribution decision = LrpExplainer.builder().outputInit(OutputInit.SIGMOID_DECISION).build()
                    .explain(model, x, Target.of(0));
            assertEquals(List.of(2f, 0f, 0.5f), boxed(decision.values().data()));
            assertEquals(2.5, decision.diagnostics().get("lrp_output_relevance")[0], 1e-6);
            assertEquals(-1.5, decision.diagnostics().get("lrp_logit")[0], 1e-6);
            Attribution logitSign = LrpExplainer.builder().outputInit(OutputInit.SIGMOID_LOGIT_SIGN).build()
                    .explain(model, x, Target.of(0));
            assertEquals(List.of(0f, -1f, 0f), boxed(logitSign.values().data()));
            // the plain logit: ε = 0.01 rule over the three inputs, bias absorbed
            Attribution logit = LrpExplainer.builder().build().explain(model, x, Target.of(0));
            double den = -1.5 - 0.01;
            float[] v = logit.values().data();
            assertEquals((2 - 0.01 / 3) / den * -1.5, v[0], 1e-6);
            assertEquals((-1 - 0.01 / 3) / den * -1.5, v[1], 1e-6);
            ExplainException e = assertThrows(ExplainException.class, () -> LrpExplainer.builder()
                    .outputInit(OutputInit.SOFTMAX).build().explain(model, x, Target.of(0)));
            assertTrue(e.getMessage().startsWith("output init 'softmax' needs a softmax output"), e.getMessage());
        }
        try (OrtModel mlp = LrpFixtures.reference("breast_cancer_mlp")) {
            ExplainException e = assertThrows(ExplainException.class, () -> LrpExplainer.builder()
                    .outputInit(OutputInit.SIGMOID_DECISION).build()
                    .explain(mlp, LrpFixtures.goldenInputs("breast_cancer_mlp"), Target.of(0)));
            assertTrue(e.getMessage().startsWith("output init 'sigmoid-decision' needs a sigmoid output"),
                    e.getMessage());
            // the sidecar declares softmax: the softmax start is the logit start
            Attribution s = LrpExplainer.builder().outputInit(OutputInit.SOFTMAX).build()
                    .explain(mlp, LrpFixtures.goldenInputs("breast_cancer_mlp"), Target.predicted());
            Attribution l = LrpExplainer.builder().build()
                    .explain(mlp, LrpFixtures.goldenInputs("breast_cancer_mlp"), Target.predicted());
            assertEquals(boxed(l.values().data()), boxed(s.values().data()));
        }
    }

    @Test
    void compositeChoosesRulesPerLayerAndRecordsThem() {
        try (OrtModel cnn = LrpFixtures.reference("synthetic_cnn1d")) {
            LrpExplainer e = LrpExplainer.fromOptions(Map.of("lrp-composite",
                    "epsilon-plus-flat, node:/fc/Gemm=epsilon(0.25)"));
            Attribution a = e.explain(cnn, LrpFixtures.goldenInputs("synthetic_cnn1d"), Target.predicted());
            @SuppressWarnings("unchecked")
            List<String> layers = (List<String>) a.parameters().get("layers");
            assertEquals(List.of("Gemm '/fc/Gemm' epsilon(0.25)", "ReduceMean '/ReduceMean' epsilon(0.01)",
                    "Relu '/Relu_2'", "Conv '/conv3/Conv' zplus", "MaxPool '/pool/MaxPool'", "Relu '/Relu_1'",
                    "Conv '/conv2/Conv' zplus", "Relu '/Relu'", "Conv '/conv1/Conv' flat"), layers);
            assertEquals(List.of("/conv1/Conv + /bn1/BatchNormalization"), a.parameters().get("batchnorm_folded"));
            assertEquals("lrp", a.method());
            int n = a.batchSize();
            assertEquals(n, a.diagnostics().get("lrp_conservation_residual").length);
        }
    }

    @Test
    void batchesAreExplainedInChunksWithPerSampleTargets() {
        try (OrtModel mlp = LrpFixtures.reference("breast_cancer_mlp")) {
            FloatTensor x = LrpFixtures.goldenInputs("breast_cancer_mlp");
            Attribution whole = LrpExplainer.builder().build().explain(mlp, x, Target.perSample(0, 1, 0, 1, 1));
            Attribution chunked = LrpExplainer.builder().batchSize(2).build().explain(mlp, x,
                    Target.perSample(0, 1, 0, 1, 1));
            assertEquals(boxed(whole.values().data()), boxed(chunked.values().data()));
            assertEquals(List.of(0, 1, 0, 1, 1), java.util.Arrays.stream(chunked.targets()).boxed().toList());
            assertThrows(ExplainException.class, () -> LrpExplainer.builder().build().explain(mlp, x,
                    Target.perSample(0, 1)));
        }
    }

    @Test
    void oneExplainerServesSeveralThreads() throws Exception {
        try (OrtModel cnn = LrpFixtures.reference("synthetic_cnn1d")) {
            FloatTensor x = LrpFixtures.goldenInputs("synthetic_cnn1d");
            LrpExplainer e = LrpExplainer.fromOptions(Map.of("lrp-composite", "epsilon-plus"));
            List<Float> expected = boxed(e.explain(cnn, x, Target.predicted()).values().data());
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<List<Float>>> runs = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    runs.add(pool.submit(() -> boxed(e.explain(cnn, x, Target.predicted()).values().data())));
                }
                for (java.util.concurrent.Future<List<Float>> f : runs) {
                    assertEquals(expected, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static List<Float> boxed(float[] v) {
        List<Float> out = new java.util.ArrayList<>();
        for (float f : v) {
            out.add(f);
        }
        return out;
    }
}
