package org.explain4j.onnx;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.explain.gradient.IntegratedGradients;
import org.explain4j.explain.gradient.IntegrationRule;
import org.explain4j.explain.gradient.Saliency;
import org.explain4j.io.ExplanationJson;
import org.explain4j.model.ModelSource;
import org.explain4j.model.Score;
import org.explain4j.model.VjpResult;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gradient graph {@link OrtModel} builds in Java when no exported one is supplied, run
 * through the backend and the explainers: equal to the exported PyTorch gradient graph on the
 * reference models, and usable on the real third-party MNIST model (which has none).
 */
class JavaBuiltGradientsTest {

    private static final OrtOptions ONE_THREAD = OrtOptions.defaults().withIntraOpThreads(1);

    @TempDir
    Path tmp;

    /**
     * The forward file alone (no sidecar, no grad graph) against the exported graph, same
     * inputs and a dense cotangent (mixing every class): 1e-5 of max |exported gradient|, the
     * float32 rounding of two differently ordered graphs of the same function.
     */
    @ParameterizedTest
    @ValueSource(strings = {"breast_cancer_mlp", "synthetic_cnn1d", "synthetic_bilstm"})
    void builtGraphEqualsExportedGraph(String name) throws IOException {
        Path forwardOnly = tmp.resolve(name + ".onnx");
        Files.write(forwardOnly, ReferenceModels.source(name).readModel());
        GoldenSamples golden = GoldenSamples.load(name);
        FloatTensor x = golden.inputs();
        int n = x.batchSize();
        int c = golden.classes();
        float[] w = new float[n * c];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(1.0 + 0.7 * i); // any weights: the VJP is linear in them
        }
        FloatTensor cotangent = new FloatTensor(new long[] {n, c}, w);
        try (OrtModel exported = OrtModel.open(ReferenceModels.source(name), ONE_THREAD);
             OrtModel built = OrtModel.open(ModelSource.fromPath(forwardOnly), ONE_THREAD)) {
            VjpResult ref = exported.vjp(x, cotangent);
            VjpResult got = built.vjp(x, cotangent);
            assertEquals(OrtModel.BUILT_GRADIENT_SOURCE, built.info().gradientSource());
            assertEquals(name + ".grad.onnx", exported.info().gradientSource());
            assertClose(ref.output().data(), got.output().data(), 1e-5, name + " output");
            assertClose(ref.inputGradient().data(), got.inputGradient().data(), 1e-5, name + " gradient");
        }
    }

    /**
     * Saliency and IG on two real digits through the explainers. IG's completeness (Σ attributions
     * = S(x) − S(0)) is an independent check of the built gradients along the whole path: with 64
     * Gauss–Legendre nodes on this piecewise-linear net the gap is bounded by the kinks the nodes
     * straddle; measured 0.07% (digit 7) and 0.17% (digit 3) of |S(x) − S(0)|, asserted below 1%.
     */
    @Test
    void saliencyAndIntegratedGradientsOnMnist() {
        FloatTensor x = digits();
        try (OrtModel m = OrtModel.open(ModelSource.fromClasspath("explain4j/thirdparty/mnist-cntk"), ONE_THREAD)) {
            int[] predicted = Target.predicted().resolve(m.forward(x));
            assertArrayEquals(new int[] {7, 3}, predicted, "the model reads both digits right");

            Attribution sal = Saliency.builder().absolute(false).score(Score.LOGIT).build().explain(m, x, Target.predicted());
            FloatTensor w = OrtModelReferenceTest.oneHot(2, 10, i -> predicted[i]);
            assertArrayEquals(m.vjp(x, w).inputGradient().data(), sal.values().data());
            assertEquals(OrtModel.BUILT_GRADIENT_SOURCE, sal.provenance().gradientSource());
            ObjectNode json = ExplanationJson.build(sal, m.info(), null, Map.of());
            assertEquals(OrtModel.BUILT_GRADIENT_SOURCE, json.get("provenance").get("gradient_source").asText());

            Attribution ig = IntegratedGradients.builder().steps(64).rule(IntegrationRule.GAUSS_LEGENDRE)
                    .score(Score.LOGIT).build().explain(m, x, Target.predicted());
            double[] relative = ig.diagnostics().get("relative_completeness_gap");
            double[] atInput = ig.diagnostics().get("score_at_input");
            double[] atBaseline = ig.diagnostics().get("score_at_baseline");
            for (int i = 0; i < 2; i++) {
                System.out.printf("mnist IG digit %d: S(x)=%.4f S(0)=%.4f relative completeness gap %.3e%n",
                        predicted[i], atInput[i], atBaseline[i], relative[i]);
                assertTrue(Math.abs(relative[i]) < 0.01, "relative completeness gap " + relative[i]);
            }
        }
    }

    /** The real digits 7 and 3 as a batch [2,1,28,28]. */
    static FloatTensor digits() {
        float[] both = new float[2 * 784];
        System.arraycopy(PerturbationMnistTest.digit(7), 0, both, 0, 784);
        System.arraycopy(PerturbationMnistTest.digit(3), 0, both, 784, 784);
        return new FloatTensor(new long[] {2, 1, 28, 28}, both);
    }

    static void assertClose(float[] ref, float[] got, double relative, String what) {
        assertEquals(ref.length, got.length, what);
        double scale = 0;
        for (float v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 0, what + ": reference is all zero");
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], got[i], relative * scale, what + " element " + i);
        }
    }
}
