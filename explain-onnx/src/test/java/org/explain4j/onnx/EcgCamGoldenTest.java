package org.explain4j.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.explain.cam.Deconvnet;
import org.explain4j.explain.cam.GradCam;
import org.explain4j.explain.cam.GuidedBackprop;
import org.explain4j.model.LayerGradient;
import org.explain4j.model.ModelSource;
import org.explain4j.model.Score;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ECG models ({@code models-onnx/python/train_ecg.py}) against their PyTorch float64 golden
 * values ({@code golden/<name>/golden.json} + float64 .npy): Grad-CAM on {@code gradcam_act} raw,
 * with ReLU, upsampled (linear, half-pixel) and, for ecg_perlead, per lead (12 groups of the
 * layer's channels); guided backpropagation and deconvnet (Captum's ReLU hooks). All golden
 * samples in one batch, each explaining its golden target's logit; |Δ| ≤ 1e-5 · max(1, max |ref|).
 * The layer gradients come from the exported {@code <name>.cam.grad.onnx} (sidecar
 * {@code layer_gradient}) and agree with a Java-built graph on the same model.
 */
class EcgCamGoldenTest {

    private static final String LAYER = "gradcam_act";
    private static final double TOL = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"ecg_resnet", "ecg_perlead"})
    void camAndGuidedMethodsEqualTheGoldenValues(String name) throws IOException {
        JsonNode golden = json("explain4j/golden/" + name + "/golden.json");
        JsonNode samples = golden.get("samples");
        int n = samples.size();
        int[] t = new int[n];
        // The golden inputs are the rows of the model's example .npy (float32; the references use its float64 copy).
        double[] examples = npyResource("explain4j/models/" + name + "/" + golden.get("x_file").asText());
        assertTrue(examples.length >= n * 12 * 2048, "example rows");
        float[] x = new float[n * 12 * 2048];
        for (int i = 0; i < n; i++) {
            t[i] = samples.get(i).get("target").asInt();
        }
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) examples[j];
        }
        FloatTensor inputs = new FloatTensor(new long[] {n, 12, 2048}, x);
        Target targets = Target.perSample(t);
        boolean perLead = name.equals("ecg_perlead");
        try (OrtModel m = OrtModel.open(source(name), OrtOptions.defaults().withIntraOpThreads(2))) {
            assertEquals(name + ".cam.grad.onnx", m.layerGradientSource(LAYER), "the exported layer-gradient graph");
            GradCam raw = GradCam.builder(LAYER).score(Score.LOGIT).relu(false).build();
            GradCam.LayerMaps lm = raw.layerMaps(m, inputs, targets);
            int len = (int) lm.maps().dim(1);
            Attribution up = raw.explain(m, inputs, targets);
            FloatTensor relu = GradCam.builder(LAYER).score(Score.LOGIT).build().layerMaps(m, inputs, targets).maps();
            float[] guided = new GuidedBackprop(Score.LOGIT).explain(m, inputs, targets).values().data();
            float[] deconv = new Deconvnet(Score.LOGIT).explain(m, inputs, targets).values().data();
            double[] worst = new double[6];
            for (int i = 0; i < n; i++) {
                JsonNode s = samples.get(i);
                worst[0] = Math.max(worst[0], check(npy(name, s, "gradcam_raw"), lm.maps().data(), i * len, "raw"));
                worst[1] = Math.max(worst[1], check(npy(name, s, "gradcam_relu"), relu.data(), i * len, "relu"));
                double[] upRef = npy(name, s, "gradcam_upsampled_raw");
                for (int c = 0; c < 12; c++) {
                    worst[2] = Math.max(worst[2], check(upRef, up.values().data(), (i * 12 + c) * 2048, "upsampled"));
                }
                worst[3] = Math.max(worst[3], check(npy(name, s, "guided_backprop"), guided, i * 12 * 2048, "guided"));
                worst[4] = Math.max(worst[4], check(npy(name, s, "deconvnet"), deconv, i * 12 * 2048, "deconvnet"));
            }
            if (perLead) {
                GradCam lead = GradCam.builder(LAYER).score(Score.LOGIT).relu(false).leadGroups(12).build();
                FloatTensor maps = lead.layerMaps(m, inputs, targets).maps();
                assertArrayEquals(new long[] {n, 12, len}, maps.shape());
                Attribution a = lead.explain(m, inputs, targets);
                for (int i = 0; i < n; i++) {
                    double[] ref = npy(name, samples.get(i), "gradcam_per_lead_raw");
                    worst[5] = Math.max(worst[5], check(ref, maps.data(), i * 12 * len, "per lead"));
                    // Upsampled by hand (linear, half-pixel centres, edges clamped) from the golden per-lead map.
                    double[] want = new double[12 * 2048];
                    for (int g = 0; g < 12; g++) {
                        for (int j = 0; j < 2048; j++) {
                            double src = Math.max(0, (j + 0.5) * len / 2048.0 - 0.5);
                            int lo = (int) Math.floor(src);
                            int hi = Math.min(lo + 1, len - 1);
                            double f = src - lo;
                            want[g * 2048 + j] = (1 - f) * ref[g * len + lo] + f * ref[g * len + hi];
                        }
                    }
                    worst[5] = Math.max(worst[5], check(want, a.values().data(), i * 12 * 2048, "per lead upsampled"));
                }
            }
            System.out.printf("%s vs PyTorch float64, max |Δ|: gradcam raw %.3g, relu %.3g, upsampled %.3g, guided %.3g,"
                    + " deconvnet %.3g, per-lead %.3g%n", name, worst[0], worst[1], worst[2], worst[3], worst[4], worst[5]);

            // Exported layer-gradient graph vs one built in Java on the same forward graph (no sidecar).
            FloatTensor w = FloatTensor.zeros(n, 6);
            for (int i = 0; i < n; i++) {
                w.data()[i * 6 + t[i]] = 1;
            }
            LayerGradient exported = m.layerVjp(inputs, w, LAYER);
            try (OrtModel built = OrtModel.open(ModelSource.ofBytes(name, source(name).readModel(), null,
                    null), OrtOptions.defaults().withIntraOpThreads(2))) {
                assertEquals(OrtModel.BUILT_GRADIENT_SOURCE, built.layerGradientSource(LAYER));
                LayerGradient java = built.layerVjp(inputs, w, LAYER);
                double da = check(toDouble(exported.activation().data()), java.activation().data(), 0, "act");
                double dg = check(toDouble(exported.gradient().data()), java.gradient().data(), 0, "grad_act");
                System.out.printf("%s exported vs Java-built layer gradient: max |Δ| act %.3g, grad %.3g%n", name, da, dg);
            }
        }
    }

    /**
     * The same golden samples for what every model is held to: the logits, the saliency of the
     * target logit through the exported {@code .grad.onnx} and through a graph built in Java, and
     * Integrated Gradients (zero baseline, Gauss-Legendre 64) with its completeness gap.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ecg_resnet", "ecg_perlead"})
    void logitsGradientsAndIntegratedGradientsEqualTheGoldenValues(String name) throws IOException {
        JsonNode golden = json("explain4j/golden/" + name + "/golden.json");
        JsonNode samples = golden.get("samples");
        int n = samples.size();
        int d = 12 * 2048;
        double[] examples = npyResource("explain4j/models/" + name + "/" + golden.get("x_file").asText());
        float[] x = new float[n * d];
        int[] t = new int[n];
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) examples[j];
        }
        for (int i = 0; i < n; i++) {
            t[i] = samples.get(i).get("target").asInt();
        }
        FloatTensor inputs = new FloatTensor(new long[] {n, 12, 2048}, x);
        Target targets = Target.perSample(t);
        try (OrtModel m = OrtModel.open(source(name), OrtOptions.defaults().withIntraOpThreads(2));
             OrtModel built = OrtModel.open(ModelSource.ofBytes(name, source(name).readModel(), null, null),
                     OrtOptions.defaults().withIntraOpThreads(2))) {
            float[] logits = m.forward(inputs).data();
            Attribution exported = org.explain4j.explain.gradient.Saliency.builder().absolute(false)
                    .score(Score.LOGIT).build().explain(m, inputs, targets);
            Attribution java = org.explain4j.explain.gradient.Saliency.builder().absolute(false)
                    .score(Score.LOGIT).build().explain(built, inputs, targets);
            Attribution ig = org.explain4j.explain.gradient.IntegratedGradients.builder()
                    .rule(org.explain4j.explain.gradient.IntegrationRule.GAUSS_LEGENDRE).steps(64)
                    .score(Score.LOGIT).build().explain(m, inputs, targets);
            double[] worst = new double[4];
            for (int i = 0; i < n; i++) {
                JsonNode s = samples.get(i);
                double[] ref = new double[6];
                for (int c = 0; c < 6; c++) {
                    ref[c] = s.get("logits").get(c).asDouble();
                }
                worst[0] = Math.max(worst[0], check(ref, logits, i * 6, "logits"));
                double[] grad = npy(name, s, "grad_logit");
                worst[1] = Math.max(worst[1], check(grad, exported.values().data(), i * d, "saliency (exported graph)"));
                worst[2] = Math.max(worst[2], check(grad, java.values().data(), i * d, "saliency (Java-built graph)"));
                double[] igRef = npy(name, s, "ig_gausslegendre_64");
                // 64 float32 gradients along the path: where a ReLU's input is within float32 rounding
                // of 0 at some path point, float32 and float64 take different sides of the kink, so IG
                // is held to 1e-4 of its scale (saliency at the input itself holds at 1e-5)
                worst[3] = Math.max(worst[3], check(igRef, ig.values().data(), i * d, "integrated gradients", 1e-4));
                // completeness of the reference itself: Σ IG ≈ y(x) − y(0), the gap PyTorch also has
                double sum = 0;
                for (double v : igRef) {
                    sum += v;
                }
                double delta = s.get("ig_logit_at_x").asDouble() - s.get("ig_logit_at_baseline").asDouble();
                assertEquals(delta, sum, 0.05 * Math.max(1, Math.abs(delta)), "IG completeness of sample " + i);
            }
            System.out.printf("%s vs PyTorch float64, max |Δ|: logits %.3g, saliency exported %.3g, Java-built %.3g,"
                    + " IG-64 %.3g%n", name, worst[0], worst[1], worst[2], worst[3]);
        }
    }

    private static ModelSource source(String name) {
        return ModelSource.fromClasspath("explain4j/models/" + name + "/" + name, ReferenceModels.class.getClassLoader());
    }

    /** Max |ref − got[offset..]|, asserted ≤ TOL · max(1, max |ref|). */
    private static double check(double[] ref, float[] got, int offset, String what) {
        return check(ref, got, offset, what, TOL);
    }

    /** Max |ref − got[offset..]|, asserted ≤ tol · max(1, max |ref|). */
    private static double check(double[] ref, float[] got, int offset, String what, double tol) {
        double scale = 1;
        for (double v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        double max = 0;
        for (int j = 0; j < ref.length; j++) {
            max = Math.max(max, Math.abs(ref[j] - got[offset + j]));
        }
        assertTrue(max <= tol * scale, what + ": max |Δ| " + max + " (scale " + scale + ")");
        return max;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static JsonNode json(String resource) throws IOException {
        try (InputStream in = ReferenceModels.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            return new ObjectMapper().readTree(in);
        }
    }

    /** A golden array of the sample, flat. */
    private static double[] npy(String name, JsonNode sample, String key) {
        return npyResource("explain4j/golden/" + name + "/" + sample.get("files").get(key).asText());
    }

    private static double[] npyResource(String resource) {
        return org.explain4j.models.GoldenSamples.npyResource(resource);
    }
}
