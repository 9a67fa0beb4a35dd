package org.explain4j.onnx;

import org.explain4j.model.VjpResult;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ONNX Runtime backend against the float64 PyTorch autograd values exported with each
 * reference model: forward logits and the vector-Jacobian product of each class logit.
 * Float32 against float64: agreement is asked to 1e-5 of the largest magnitude involved.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrtModelReferenceTest {

    private static final double REL_TOL = 1e-5;

    private final Map<String, OrtModel> models = new HashMap<>();

    static List<String> names() {
        return ReferenceModels.namesWithGoldenJson();
    }

    @BeforeAll
    void open() {
        for (String name : names()) {
            models.put(name, OrtModel.open(ReferenceModels.source(name), OrtOptions.defaults().withIntraOpThreads(1)));
        }
    }

    @AfterAll
    void close() {
        models.values().forEach(OrtModel::close);
    }

    @Test
    void allThreeReferenceModelsAreEmbeddedWithGradientGraphs() {
        assertTrue(names().containsAll(List.of("breast_cancer_mlp", "synthetic_cnn1d", "synthetic_bilstm")), names()::toString);
        for (String name : names()) {
            assertTrue(models.get(name).supportsGradients(), name);
            assertEquals(32, models.get(name).gradientBatch(), name);
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void forwardLogitsEqualPyTorchFloat64(String name) {
        GoldenSamples golden = GoldenSamples.load(name);
        FloatTensor y = models.get(name).forward(golden.inputs());
        assertArrayEquals(new long[] {golden.samples().size(), golden.classes()}, y.shape());
        double scale = 0;
        for (GoldenSamples.Sample s : golden.samples()) {
            scale = Math.max(scale, GoldenSamples.maxAbs(s.logits()));
        }
        for (int i = 0; i < golden.samples().size(); i++) {
            double[] want = golden.samples().get(i).logits();
            for (int c = 0; c < golden.classes(); c++) {
                assertEquals(want[c], y.get(i * golden.classes() + c), REL_TOL * scale,
                        name + " sample " + i + " logit " + c);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void vjpOfOneHotCotangentEqualsPyTorchLogitGradient(String name) {
        GoldenSamples golden = GoldenSamples.load(name);
        FloatTensor x = golden.inputs();
        int n = x.batchSize();
        for (int c = 0; c < golden.classes(); c++) {
            int target = c;
            VjpResult r = models.get(name).vjp(x, oneHot(n, golden.classes(), i -> target));
            assertArrayEquals(x.shape(), r.inputGradient().shape());
            assertArrayEquals(new long[] {n, golden.classes()}, r.output().shape());
            for (int i = 0; i < n; i++) {
                double[] want = golden.samples().get(i).gradLogit()[c];
                double tol = REL_TOL * GoldenSamples.maxAbs(want);
                float[] got = r.inputGradient().sampleData(i);
                for (int j = 0; j < want.length; j++) {
                    assertEquals(want[j], got[j], tol, name + " sample " + i + " class " + c + " element " + j);
                }
                // The gradient graph's own forward output is the model output too.
                double[] logits = golden.samples().get(i).logits();
                for (int k = 0; k < golden.classes(); k++) {
                    assertEquals(logits[k], r.output().get(i * golden.classes() + k), REL_TOL * GoldenSamples.maxAbs(logits));
                }
            }
        }
    }

    /** Batches that fit, fill, overflow and span several fixed-batch (32) gradient runs. */
    @ParameterizedTest
    @MethodSource("names")
    void anyBatchSizeGivesTheSamePerSampleResults(String name) {
        OrtModel model = models.get(name);
        GoldenSamples golden = GoldenSamples.load(name);
        int classes = golden.classes();
        FloatTensor all = golden.tiled(70);
        // Row i explains class (i mod C): padding and splitting must keep rows and targets aligned.
        FloatTensor w = oneHot(70, classes, i -> i % classes);
        VjpResult whole = model.vjp(all, w);
        FloatTensor forward = model.forward(all);
        for (int n : new int[] {1, 31, 32, 33, 70}) {
            VjpResult part = model.vjp(all.slice(0, n), w.slice(0, n));
            FloatTensor y = model.forward(all.slice(0, n));
            for (int i = 0; i < n; i++) {
                VjpResult single = model.vjp(all.sample(i), w.sample(i));
                assertArrayEquals(single.inputGradient().data(), part.inputGradient().sampleData(i),
                        name + " batch " + n + " sample " + i);
                assertArrayEquals(single.inputGradient().data(), whole.inputGradient().sampleData(i));
                assertArrayEquals(single.output().data(), part.output().sampleData(i));
                assertClose(forward.sampleData(i), y.sampleData(i), name + " forward, batch " + n + " sample " + i);
            }
        }
    }

    /**
     * Forward runs the whole batch at once (dynamic batch axis), so a different batch size may
     * make the CPU kernels sum in a different order: allow float32 rounding, 1e-6 relative.
     */
    private static void assertClose(float[] want, float[] got, String what) {
        double scale = 0;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int j = 0; j < want.length; j++) {
            assertEquals(want[j], got[j], 1e-6 * scale, what + " element " + j);
        }
    }

    static FloatTensor oneHot(int n, int classes, java.util.function.IntUnaryOperator classOfRow) {
        float[] w = new float[n * classes];
        for (int i = 0; i < n; i++) {
            w[i * classes + classOfRow.applyAsInt(i)] = 1f;
        }
        return new FloatTensor(new long[] {n, classes}, w);
    }
}
