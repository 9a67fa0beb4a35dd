package org.explain4j.explain;

import org.explain4j.ExplainException;
import org.explain4j.explain.cam.Deconvnet;
import org.explain4j.explain.cam.GradCam;
import org.explain4j.explain.cam.GuidedBackprop;
import org.explain4j.explain.cam.GuidedGradCam;
import org.explain4j.explain.gradient.GradientTimesInput;
import org.explain4j.explain.gradient.IntegratedGradients;
import org.explain4j.explain.gradient.IntegrationRule;
import org.explain4j.explain.gradient.Saliency;
import org.explain4j.explain.gradient.SmoothGrad;
import org.explain4j.model.Score;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExplainersTest {

    private static Map<String, String> opts(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void integratedGradientsFromCommandLineOptions() {
        Explainer e = Explainers.byName("ig", opts("--steps", "64", "rule", "riemann_trapezoid", "batch_size", "16",
                "score", "probability", "baseline", "zero"));
        IntegratedGradients ig = assertInstanceOf(IntegratedGradients.class, e);
        assertEquals(64, ig.steps());
        assertEquals(IntegrationRule.RIEMANN_TRAPEZOID, ig.rule());
        assertEquals(16, ig.batchSize());
        assertEquals(Score.PROBABILITY, ig.score());
        assertEquals("zero", ig.baseline().name());
        IntegratedGradients defaults = assertInstanceOf(IntegratedGradients.class,
                Explainers.byName("integrated_gradients", Map.of()));
        assertEquals(50, defaults.steps());
        assertEquals(IntegrationRule.GAUSS_LEGENDRE, defaults.rule());
        assertNull(defaults.score());
    }

    @Test
    void meanBaselineAveragesTheBackground() {
        var bg = TestModels.batch(new double[] {0, 2}, new double[] {2, 4});
        IntegratedGradients ig = assertInstanceOf(IntegratedGradients.class,
                Explainers.byName("ig", opts("baseline", "mean"), bg));
        Baseline.Mean mean = assertInstanceOf(Baseline.Mean.class, ig.baseline());
        assertArrayEquals(new float[] {1, 3}, mean.mean().data());
        ExplainException e = assertThrows(ExplainException.class, () -> Explainers.byName("ig", opts("baseline", "mean")));
        assertTrue(e.getMessage().contains("background"), e.getMessage());
    }

    @Test
    void saliencySmoothGradAndGradientTimesInput() {
        assertTrue(assertInstanceOf(Saliency.class, Explainers.byName("saliency", Map.of())).absolute());
        assertFalse(assertInstanceOf(Saliency.class, Explainers.byName("saliency", opts("signed", ""))).absolute());
        assertTrue(assertInstanceOf(Saliency.class, Explainers.byName("saliency", opts("absolute", ""))).absolute());
        assertInstanceOf(GradientTimesInput.class, Explainers.byName("gradxinput", opts("score", "logit")));
        SmoothGrad sg = assertInstanceOf(SmoothGrad.class, Explainers.byName("smoothgrad",
                opts("noise", "0.1", "samples", "50", "seed", "7", "batch-size", "32", "squared", "true")));
        assertEquals(0.1, sg.noiseLevel());
        assertEquals(50, sg.samples());
        assertEquals(7, sg.seed());
        assertEquals(32, sg.batchSize());
        assertTrue(sg.squared());
        assertFalse(sg.multiplyByInput());
    }

    @Test
    void perturbationNamesAreBuiltByPerturbationExplainers() {
        Explainer lime = Explainers.byName("lime", Map.of("seed", "9", "samples", "300"));
        assertTrue(lime instanceof org.explain4j.perturb.LimeExplainer, lime.toString());
        assertEquals(9, ((org.explain4j.perturb.LimeExplainer) lime).seed());
        assertEquals("feature_ablation", Explainers.byName("ablation", Map.of()).method());
        assertTrue(Explainers.knows("Kernel-SHAP") && Explainers.knows("ig") && !Explainers.knows("lrp"));
        ExplainException e = assertThrows(ExplainException.class,
                () -> Explainers.byName("kernelshap", Map.of("steps", "3")));
        assertTrue(e.getMessage().contains("method kernelshap does not take --steps"), e.getMessage());
    }

    @Test
    void camAndGuidedMethodsFromCommandLineOptions() {
        GradCam cam = assertInstanceOf(GradCam.class, Explainers.byName("gradcam",
                opts("layer", "a", "lead_groups", "12", "cam-scale", "per-lead", "relu", "false")));
        assertEquals(12, cam.leadGroups());
        assertEquals(GradCam.Scale.PER_LEAD, cam.scale());
        assertFalse(cam.relu());
        GradCam old = assertInstanceOf(GradCam.class, Explainers.byName("gradcam",
                opts("layer", "a", "min-max-scale", "", "no-relu", "")));
        assertEquals(GradCam.Scale.GLOBAL, old.scale());
        assertEquals(0, old.leadGroups());
        assertFalse(old.relu());
        assertEquals(GradCam.Scale.NONE, ((GradCam) Explainers.byName("gradcam", opts("layer", "a"))).scale());
        assertInstanceOf(GuidedBackprop.class, Explainers.byName("guidedbackprop", Map.of()));
        assertInstanceOf(GuidedBackprop.class, Explainers.byName("guided-backprop", opts("score", "logit")));
        assertInstanceOf(Deconvnet.class, Explainers.byName("deconvnet", Map.of()));
        GuidedGradCam g = assertInstanceOf(GuidedGradCam.class, Explainers.byName("guided_gradcam",
                opts("layer", "b", "scale", "global")));
        assertEquals("b", g.gradCam().layer());
        assertEquals(GradCam.Scale.GLOBAL, g.gradCam().scale());
        assertMessage("guided_gradcam needs --layer <tensor name>", "guided_gradcam", "score", "logit");
        assertMessage("unknown Grad-CAM scale 'lead'; expected none, global or per-lead", "gradcam", "layer", "a",
                "cam-scale", "lead");
        assertMessage("--lead-groups must be a positive whole number; got '0'", "gradcam", "layer", "a",
                "lead-groups", "0");
        assertMessage("gradcam: --relu true contradicts --no-relu", "gradcam", "layer", "a", "relu", "true",
                "no-relu", "");
        assertMessage("gradcam: --min-max-scale contradicts --cam-scale none", "gradcam", "layer", "a",
                "min-max-scale", "", "cam-scale", "none");
        assertMessage("method deconvnet does not take --layer", "deconvnet", "layer", "a");
    }

    @Test
    void unknownMethodsAndBadValuesAreExplained() {
        ExplainException unknown = assertThrows(ExplainException.class, () -> Explainers.byName("magic", Map.of()));
        assertTrue(unknown.getMessage().contains("saliency, gradxinput, integrated_gradients, smoothgrad, gradcam, guided_backprop, deconvnet,"
                + " guided_gradcam, lime,"
                + " kernelshap, occlusion, feature_ablation"), unknown.getMessage());
        ExplainException lrp = assertThrows(ExplainException.class, () -> Explainers.byName("lrp", Map.of()));
        assertTrue(lrp.getMessage().contains("LrpExplainer (explain-onnx)"), lrp.getMessage());
        assertMessage("--steps must be a positive whole number; got 'abc'", "ig", "steps", "abc");
        assertMessage("--steps must be a positive whole number; got '-3'", "ig", "steps", "-3");
        assertMessage("unknown integration rule 'simpson'", "ig", "rule", "simpson");
        assertMessage("unknown baseline 'median'", "ig", "baseline", "median");
        assertMessage("unknown score 'logits'", "ig", "score", "logits");
        assertMessage("--noise must be a finite number >= 0; got '-1'", "smoothgrad", "noise", "-1");
        assertMessage("--seed must be a whole number", "smoothgrad", "seed", "x");
        assertMessage("method saliency does not take --steps", "saliency", "steps", "5");
        assertMessage("--squared takes no value or true/false", "smoothgrad", "squared", "maybe");
        assertThrows(ExplainException.class, () -> Explainers.byName("saliency", opts("signed", "", "absolute", "")));
    }

    private static void assertMessage(String expected, String method, String... kv) {
        ExplainException e = assertThrows(ExplainException.class, () -> Explainers.byName(method, opts(kv)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
