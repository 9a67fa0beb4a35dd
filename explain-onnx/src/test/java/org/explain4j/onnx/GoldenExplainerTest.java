package org.explain4j.onnx;

import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.explain.gradient.GradientTimesInput;
import org.explain4j.explain.gradient.IntegratedGradients;
import org.explain4j.explain.gradient.IntegrationRule;
import org.explain4j.explain.gradient.Saliency;
import org.explain4j.model.Score;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.GoldenSamples.Sample;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * The gradient explainers, run through the real ONNX Runtime backend on the reference models,
 * against the float64 PyTorch autograd values in each model's golden file: saliency of each class
 * logit and probability, gradient × input, and Integrated Gradients (zero baseline, the predicted
 * class) with three quadrature rules. Float32 against float64: agreement is asked to 1e-5 of the
 * largest reference magnitude of each sample.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoldenExplainerTest {

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

    @ParameterizedTest
    @MethodSource("names")
    void saliencyAndGradientTimesInputEqualAutogradForEveryClass(String name) {
        GoldenSamples golden = golden(name);
        OrtModel model = models.get(name);
        FloatTensor x = golden.inputs();
        double worst = 0;
        for (int c = 0; c < golden.classes(); c++) {
            Attribution logit = Saliency.builder().absolute(false).score(Score.LOGIT).build()
                    .explain(model, x, Target.of(c));
            Attribution prob = Saliency.builder().absolute(false).score(Score.PROBABILITY).build()
                    .explain(model, x, Target.of(c));
            Attribution absolute = Saliency.create().explain(model, x, Target.of(c));
            Attribution gxi = GradientTimesInput.builder().score(Score.LOGIT).build().explain(model, x, Target.of(c));
            for (int i = 0; i < golden.samples().size(); i++) {
                Sample s = golden.samples().get(i);
                String where = name + " sample " + i + " class " + c;
                worst = Math.max(worst, assertClose(s.gradLogit()[c], logit.values().sampleData(i), where + " saliency (logit)"));
                worst = Math.max(worst, assertClose(s.gradProb()[c], prob.values().sampleData(i), where + " saliency (probability)"));
                double[] abs = new double[s.x().length];
                double[] times = new double[s.x().length];
                for (int j = 0; j < s.x().length; j++) {
                    abs[j] = Math.abs(s.gradLogit()[c][j]);
                    times[j] = s.x()[j] * s.gradLogit()[c][j];
                }
                assertClose(abs, absolute.values().sampleData(i), where + " |saliency|");
                worst = Math.max(worst, assertClose(times, gxi.values().sampleData(i), where + " gradient x input"));
                assertEquals(s.probs()[c], prob.diagnostics().get("score_at_input")[i], REL_TOL, where + " probability");
            }
        }
        System.out.printf("%s saliency/gradxinput max error / max|reference|: %.1e%n", name, worst);
    }

    @ParameterizedTest
    @MethodSource("names")
    void integratedGradientsEqualAutogradForEachRule(String name) {
        GoldenSamples golden = golden(name);
        OrtModel model = models.get(name);
        FloatTensor x = golden.inputs();
        int[] targets = golden.samples().stream().mapToInt(s -> s.ig().target()).toArray();
        Map<String, IntegratedGradients> rules = Map.of(
                "gausslegendre_64", IntegratedGradients.builder().rule(IntegrationRule.GAUSS_LEGENDRE).steps(64).build(),
                "riemann_trapezoid_64", IntegratedGradients.builder().rule(IntegrationRule.RIEMANN_TRAPEZOID).steps(64).build(),
                "riemann_middle_50", IntegratedGradients.builder().rule(IntegrationRule.RIEMANN_MIDDLE).steps(50).build());
        StringBuilder line = new StringBuilder(name + " IG max error / max|reference|:");
        rules.forEach((key, ig) -> {
            Attribution a = ig.explain(model, x, Target.perSample(targets));
            double worst = 0;
            assertArrayEquals(targets, a.targets());
            for (int i = 0; i < golden.samples().size(); i++) {
                Sample s = golden.samples().get(i);
                String where = name + " sample " + i + " " + key;
                worst = Math.max(worst, assertClose(s.ig().byRule().get(key), a.values().sampleData(i), where));
                double scale = Math.max(Math.abs(s.ig().logitAtX()), Math.abs(s.ig().logitAtBaseline()));
                assertEquals(s.ig().logitAtX(), a.diagnostics().get("score_at_input")[i], REL_TOL * scale, where + " S(x)");
                assertEquals(s.ig().logitAtBaseline(), a.diagnostics().get("score_at_baseline")[i], REL_TOL * scale,
                        where + " S(x')");
            }
            line.append(String.format(" %s %.1e", key, worst));
        });
        System.out.println(line);
    }

    /**
     * The completeness gap at 64 Gauss–Legendre steps equals the golden one (so the diagnostic is
     * right), and on the MLP it is within 1% of {@code S(x) − S(x')}. ReLU kinks and the LSTM's
     * saturation keep the other models' gaps from vanishing; their numbers are printed.
     */
    @ParameterizedTest
    @MethodSource("names")
    void completenessGapMatchesTheGoldenGap(String name) {
        GoldenSamples golden = golden(name);
        int[] targets = golden.samples().stream().mapToInt(s -> s.ig().target()).toArray();
        Attribution a = IntegratedGradients.builder().steps(64).build()
                .explain(models.get(name), golden.inputs(), Target.perSample(targets));
        double[] gap = a.diagnostics().get("completeness_gap");
        double[] relative = a.diagnostics().get("relative_completeness_gap");
        StringBuilder line = new StringBuilder(name + " IG gausslegendre_64 relative completeness gap:");
        for (int i = 0; i < golden.samples().size(); i++) {
            Sample s = golden.samples().get(i);
            double delta = s.ig().logitAtX() - s.ig().logitAtBaseline();
            double goldenGap = sum(s.ig().byRule().get("gausslegendre_64")) - delta;
            assertEquals(goldenGap, gap[i], 1e-4 * Math.max(1, Math.abs(delta)), name + " sample " + i);
            double ourDelta = a.diagnostics().get("score_at_input")[i] - a.diagnostics().get("score_at_baseline")[i];
            assertEquals(gap[i] / Math.abs(ourDelta), relative[i], 1e-15);
            line.append(String.format(" %.3e", relative[i]));
            if (name.equals("breast_cancer_mlp")) {
                assertTrue(Math.abs(gap[i]) <= 0.01 * Math.abs(delta),
                        name + " sample " + i + ": gap " + gap[i] + " of " + delta);
            }
        }
        System.out.println(line);
    }

    /** Checks {@code got} to REL_TOL of the largest reference value; returns the error in those units. */
    private static double assertClose(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + " size");
        double scale = GoldenSamples.maxAbs(want);
        double worst = 0;
        for (int j = 0; j < want.length; j++) {
            assertEquals(want[j], got[j], REL_TOL * scale, what + " element " + j);
            worst = Math.max(worst, Math.abs(want[j] - got[j]) / scale);
        }
        return worst;
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s;
    }

    /** The model's golden values; every Integrated Gradients reference was taken from the zero baseline. */
    private static GoldenSamples golden(String name) {
        GoldenSamples golden = GoldenSamples.load(name);
        for (Sample s : golden.samples()) {
            assertEquals("zero", s.ig().baseline());
        }
        return golden;
    }
}
