package org.explain4j.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.explain.cam.Deconvnet;
import org.explain4j.explain.cam.GradCam;
import org.explain4j.explain.cam.GuidedBackprop;
import org.explain4j.explain.cam.GuidedGradCam;
import org.explain4j.model.BackwardRule;
import org.explain4j.model.Score;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guided backpropagation, deconvnet, Grad-CAM and guided Grad-CAM on synthetic_cnn1d (conv → BN →
 * ReLU → conv → ReLU → max-pool → grouped conv → ReLU → GAP → linear) against the PyTorch float64
 * reference {@code golden/synthetic_cnn1d.guided.json} ({@code models-onnx/python/guided_reference.py}:
 * Captum's ReLU backward hooks, {@code F.interpolate(linear, align_corners=False)}), all 5 golden
 * samples in one batch, each explaining its golden predicted class's logit: within 1e-5.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuidedReferenceTest {

    private static final double TOL = 1e-5;
    private static final String LAYER = "/Relu_2_output_0";

    private OrtModel model;
    private JsonNode ref;
    private FloatTensor x;
    private Target targets;

    @BeforeAll
    void open() throws IOException {
        model = OrtModel.open(ReferenceModels.source("synthetic_cnn1d"), OrtOptions.defaults().withIntraOpThreads(1));
        try (InputStream in = ReferenceModels.class.getClassLoader()
                .getResourceAsStream("explain4j/golden/synthetic_cnn1d.guided.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        x = GoldenSamples.load("synthetic_cnn1d").inputs();
        int[] t = new int[ref.get("samples").size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = ref.get("samples").get(i).get("target").asInt();
        }
        targets = Target.perSample(t);
    }

    @AfterAll
    void close() {
        model.close();
    }

    @Test
    void guidedBackpropMatchesPyTorch() {
        Attribution a = new GuidedBackprop(Score.LOGIT).explain(model, x, targets);
        assertArrayEquals(x.shape(), a.values().shape());
        assertEquals("guided_backprop", a.method());
        assertEquals("guided_backprop", a.parameters().get("relu_rule"));
        report("guided backprop", compare("guided_backprop", a.values().data(), 0));
        // The exported gradient graph (true ReLU derivative) is still what plain vjp runs.
        assertEquals("synthetic_cnn1d.grad.onnx", model.info().gradientSource());
    }

    @Test
    void deconvnetMatchesPyTorch() {
        Attribution a = new Deconvnet(Score.LOGIT).explain(model, x, targets);
        assertArrayEquals(x.shape(), a.values().shape());
        report("deconvnet", compare("deconvnet", a.values().data(), 0));
    }

    @Test
    void gradCamRawAndReluMatchPyTorch() {
        for (boolean relu : new boolean[] {false, true}) {
            GradCam cam = GradCam.builder(LAYER).score(Score.LOGIT).relu(relu).build();
            String suffix = relu ? "" : "_raw";
            GradCam.LayerMaps lm = cam.layerMaps(model, x, targets);
            assertArrayEquals(new long[] {5, 32}, lm.maps().shape());
            report("gradcam layer" + suffix, compare("gradcam_layer" + suffix, lm.maps().data(), 0));
            Attribution a = cam.explain(model, x, targets);
            for (int c = 0; c < 3; c++) {
                report("gradcam upsampled" + suffix + " ch" + c,
                        compare("gradcam_upsampled" + suffix, a.values().data(), c));
            }
        }
    }

    /** Guided Grad-CAM against PyTorch, and by hand as the product of this library's two parts. */
    @Test
    void guidedGradCamMatchesPyTorchAndIsTheProduct() {
        GradCam cam = GradCam.builder(LAYER).score(Score.LOGIT).build();
        Attribution a = new GuidedGradCam(cam).explain(model, x, targets);
        assertArrayEquals(x.shape(), a.values().shape());
        assertEquals(LAYER, a.parameters().get("layer"));
        report("guided gradcam", compare("guided_gradcam", a.values().data(), 0));
        float[] guided = new GuidedBackprop(Score.LOGIT).explain(model, x, targets).values().data();
        float[] map = cam.explain(model, x, targets).values().data();
        for (int i = 0; i < guided.length; i++) {
            assertEquals(guided[i] * map[i], a.values().data()[i], 0f, "element " + i);
        }
    }

    @Test
    void rulesDifferAndGradientRuleIsThePlainVjp() {
        FloatTensor w = FloatTensor.zeros(5, 3);
        for (int i = 0; i < 5; i++) {
            w.data()[i * 3 + ref.get("samples").get(i).get("target").asInt()] = 1;
        }
        float[] plain = model.vjp(x, w).inputGradient().data();
        assertArrayEquals(plain, model.vjp(x, w, BackwardRule.GRADIENT).inputGradient().data(), 0f);
        float[] guided = model.vjp(x, w, BackwardRule.GUIDED_BACKPROP).inputGradient().data();
        float[] deconv = model.vjp(x, w, BackwardRule.DECONVNET).inputGradient().data();
        assertNotEquals(java.util.Arrays.toString(plain), java.util.Arrays.toString(guided));
        assertNotEquals(java.util.Arrays.toString(guided), java.util.Arrays.toString(deconv));
        // The true gradient agrees with the golden autograd gradient too (the same model as the reference).
        JsonNode s0 = ReferenceModels.goldenJson("synthetic_cnn1d").get("samples").get(0);
        int t0 = s0.get("predicted").asInt();
        for (int j = 0; j < 384; j++) {
            assertEquals(s0.get("grad_logit").get(t0).get(j).asDouble(), plain[j], TOL);
        }
    }

    /**
     * Max |Java − reference| over all samples; {@code channel} picks the input channel of a
     * per-sample reference shaped [T] (upsampled maps), else the reference has the Java shape.
     */
    private double compare(String key, float[] got, int channel) {
        double max = 0;
        int per = got.length / 5;
        for (int i = 0; i < 5; i++) {
            JsonNode r = ref.get("samples").get(i).get(key);
            boolean map = key.startsWith("gradcam_upsampled");
            int len = r.size();
            assertEquals(map ? per / 3 : per, len, key);
            for (int j = 0; j < len; j++) {
                float v = map ? got[i * per + channel * len + j] : got[i * per + j];
                double d = Math.abs(v - r.get(j).asDouble());
                max = Math.max(max, d);
                assertTrue(d <= TOL, key + " sample " + i + " element " + j + ": " + v + " vs " + r.get(j).asDouble());
            }
        }
        return max;
    }

    private static void report(String what, double maxAbs) {
        System.out.printf("%s vs PyTorch float64: max |Δ| = %.3g%n", what, maxAbs);
    }
}
