package org.explain4j.djl;

import org.explain4j.model.ExplainableModel;
import org.explain4j.model.VjpResult;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.onnx.OrtModel;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance check of the DJL backend: on every reference model with a TorchScript copy,
 * ONNX Runtime (explain-onnx), DJL's ONNX Runtime engine and DJL's PyTorch engine agree with
 * each other and with the float64 PyTorch autograd values of the golden file: logits to 1e-5
 * and input gradients to 1e-4, absolute (golden logits reach about 10 in magnitude, gradient
 * entries about 180). The differences found are printed for the record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackendAgreementTest {

    static final double FORWARD_TOL = 1e-5;
    static final double GRADIENT_TOL = 1e-4;

    /** backend name → model, per reference model. */
    private final Map<String, Map<String, ExplainableModel>> models = new HashMap<>();

    static List<String> names() {
        return ReferenceModels.names().stream().filter(n -> TorchScriptSources.hasCopy(ReferenceModels.source(n)))
                .toList();
    }

    @BeforeAll
    void open() {
        DjlEngines.preloadOnnxRuntime(); // DJL must start ONNX Runtime before the ort backend does
        for (String name : names()) {
            Map<String, ExplainableModel> backends = new LinkedHashMap<>();
            backends.put("ort", OrtModel.open(ReferenceModels.source(name)));
            backends.put("djl-ort", DjlModel.openOnnx(ReferenceModels.source(name)));
            backends.put("djl-pytorch", DjlModel.openTorchScript(TorchScriptSources.beside(ReferenceModels.source(name))));
            models.put(name, backends);
        }
    }

    @AfterAll
    void close() {
        models.values().forEach(m -> m.values().forEach(ExplainableModel::close));
    }

    @Test
    void everyReferenceModelHasATorchScriptCopy() {
        assertEquals(ReferenceModels.names(), names(), "reference models without a TorchScript copy");
        assertFalse(names().isEmpty());
    }

    @ParameterizedTest
    @MethodSource("names")
    void logitsAgreeAcrossBackendsAndWithGolden(String name) {
        GoldenSamples golden = GoldenSamples.load(name);
        double tol = FORWARD_TOL;
        FloatTensor reference = null;
        for (Map.Entry<String, ExplainableModel> e : models.get(name).entrySet()) {
            FloatTensor y = e.getValue().forward(golden.inputs());
            assertArrayEquals(new long[] {golden.samples().size(), golden.classes()}, y.shape(), e.getKey());
            // float32 logits carry a relative error: the ECG models' logits reach 25-60, so the
            // tolerance is 1e-5 of max(1, the largest golden logit)
            double scale = 1;
            double vsGolden = 0;
            for (int i = 0; i < golden.samples().size(); i++) {
                scale = Math.max(scale, GoldenSamples.maxAbs(golden.samples().get(i).logits()));
                for (int c = 0; c < golden.classes(); c++) {
                    vsGolden = Math.max(vsGolden, Math.abs(golden.samples().get(i).logits()[c] - y.get(i * golden.classes() + c)));
                }
            }
            tol = FORWARD_TOL * scale;
            report(name, e.getKey(), "logits vs golden", vsGolden, tol);
            assertTrue(vsGolden <= tol, name + " " + e.getKey() + ": logits differ from golden by " + vsGolden);
            if (reference == null) {
                reference = y;
            } else {
                double d = maxAbsDiff(reference, y);
                report(name, e.getKey(), "logits vs ort", d, tol);
                assertTrue(d <= tol, name + " " + e.getKey() + ": logits differ from ort by " + d);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void logitGradientsAgreeAcrossBackendsAndWithGolden(String name) {
        GoldenSamples golden = GoldenSamples.load(name);
        double tol = GRADIENT_TOL;
        FloatTensor x = golden.inputs();
        int n = x.batchSize();
        int s = x.sampleSize();
        for (int c = 0; c < golden.classes(); c++) {
            FloatTensor w = oneHot(n, golden.classes(), c);
            FloatTensor reference = null;
            for (Map.Entry<String, ExplainableModel> e : models.get(name).entrySet()) {
                VjpResult r = e.getValue().vjp(x, w);
                assertArrayEquals(x.shape(), r.inputGradient().shape());
                double vsGolden = 0;
                for (int i = 0; i < n; i++) {
                    double[] want = golden.samples().get(i).gradLogit()[c];
                    if (want == null) {
                        continue; // the ECG golden files hold the explained target's gradient only
                    }
                    for (int j = 0; j < s; j++) {
                        vsGolden = Math.max(vsGolden, Math.abs(want[j] - r.inputGradient().get(i * s + j)));
                    }
                }
                report(name, e.getKey(), "grad class " + c + " vs golden", vsGolden, tol);
                assertTrue(vsGolden <= tol, name + " " + e.getKey() + " class " + c + ": gradient differs from golden by "
                        + vsGolden);
                if (reference == null) {
                    reference = r.inputGradient();
                } else {
                    double d = maxAbsDiff(reference, r.inputGradient());
                    assertTrue(d <= tol, name + " " + e.getKey() + " class " + c + ": gradient differs from ort by " + d);
                }
            }
        }
    }

    /** 40 samples: the gradient graph (batch 32) runs twice, the second time padded; PyTorch in one go. */
    @ParameterizedTest
    @MethodSource("names")
    void batchesLargerThanTheGradientGraphsAgree(String name) {
        GoldenSamples golden = GoldenSamples.load(name);
        FloatTensor x = golden.tiled(40);
        int classes = golden.classes();
        float[] mix = new float[40 * classes];
        for (int i = 0; i < mix.length; i++) {
            mix[i] = (i % 3 == 0 ? -0.5f : 1f) / (1 + i % classes); // a mix of classes, not one-hot
        }
        FloatTensor w = new FloatTensor(new long[] {40, classes}, mix);
        List<VjpResult> results = new ArrayList<>();
        models.get(name).values().forEach(m -> results.add(m.vjp(x, w)));
        double yTol = FORWARD_TOL * Math.max(1, maxAbs(results.get(0).output()));
        double gTol = GRADIENT_TOL;
        for (VjpResult r : results.subList(1, results.size())) {
            assertArrayEquals(x.shape(), r.inputGradient().shape());
            assertTrue(maxAbsDiff(results.get(0).output(), r.output()) <= yTol, name + " outputs differ");
            assertTrue(maxAbsDiff(results.get(0).inputGradient(), r.inputGradient()) <= gTol, name + " gradients differ");
        }
    }

    static FloatTensor oneHot(int n, int classes, int c) {
        float[] w = new float[n * classes];
        for (int i = 0; i < n; i++) {
            w[i * classes + c] = 1f;
        }
        return new FloatTensor(new long[] {n, classes}, w);
    }

    static double maxAbs(FloatTensor a) {
        double m = 0;
        for (int i = 0; i < a.size(); i++) {
            m = Math.max(m, Math.abs(a.get(i)));
        }
        return m;
    }

    static double maxAbsDiff(FloatTensor a, FloatTensor b) {
        assertArrayEquals(a.shape(), b.shape());
        double m = 0;
        for (int i = 0; i < a.size(); i++) {
            m = Math.max(m, Math.abs((double) a.get(i) - b.get(i)));
        }
        return m;
    }

    private static void report(String model, String backend, String what, double diff, double tol) {
        System.out.printf("%-18s %-12s %-24s max|Δ| = %.3e (tolerance %.1e)%n", model, backend, what, diff, tol);
    }
}
