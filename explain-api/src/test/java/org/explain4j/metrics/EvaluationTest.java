package org.explain4j.metrics;

import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Provenance;
import org.explain4j.explain.Target;
import org.explain4j.explain.TestModels;
import org.explain4j.explain.gradient.GradientTimesInput;
import org.explain4j.explain.gradient.IntegratedGradients;
import org.explain4j.explain.gradient.Saliency;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluationTest {
    private static final double[] W = {2.0, -1.0, 0.5, 3.0, -2.5, 1.5};

    /** Gaussian noise as an "explanation": the floor every metric should put real methods above. */
    static final class RandomExplainer implements Explainer {
        @Override
        public String method() {
            return "random";
        }

        @Override
        public Attribution explain(ExplainableModel model, FloatTensor inputs, Target target) {
            FloatTensor y = model.forward(inputs);
            float[] v = MetricFixtures.gaussian(inputs.size(), 17 + inputs.size());
            return new Attribution(new FloatTensor(inputs.shape(), v), inputs, y, target.resolve(y), Score.LOGIT,
                    method(), Map.of(), Map.of(), Provenance.of(model.info(), OptionalLong.empty()));
        }
    }

    private static FloatTensor data(int n) {
        float[] v = MetricFixtures.gaussian(n * W.length, 5);
        return new FloatTensor(new long[] {n, W.length}, v);
    }

    /** Cause cells: the 2 cells with the largest |w_j x_j|, known to the test only. */
    private static GroundTruth truth(FloatTensor x) {
        StringBuilder sb = new StringBuilder("{\"samples\":[");
        for (int i = 0; i < x.batchSize(); i++) {
            float[] phi = new float[W.length];
            for (int j = 0; j < W.length; j++) {
                phi[j] = (float) (W[j] * x.sampleData(i)[j]);
            }
            int[] top = PerturbationCurve.rank(phi, 0, W.length, true);
            sb.append(i == 0 ? "" : ",").append("{\"mask\":[");
            for (int j = 0; j < W.length; j++) {
                sb.append(j == 0 ? "" : ",").append(j == top[0] || j == top[1] ? 1 : 0);
            }
            sb.append("]}");
        }
        return GroundTruth.parse(new ByteArrayInputStream(sb.append("]}").toString().getBytes(StandardCharsets.UTF_8)),
                "truth");
    }

    @Test
    void exactAttributionsWinEveryMetricAgainstRandomOnes(@TempDir Path dir) throws Exception {
        TestModels.Linear model = MetricFixtures.linear(W);
        FloatTensor x = data(24);
        Evaluation ev = Evaluation.builder().steps(6).neighbours(4).infidelitySamples(16)
                .scale(PerturbationScale.unit()).build();
        List<Explainer> methods = List.of(Saliency.builder().absolute(false).build(), GradientTimesInput.builder().build(),
                IntegratedGradients.builder().steps(4).build(), new RandomExplainer());
        List<Evaluation.MethodResult> rs = ev.evaluateAll(model, methods, x, Target.of(0), truth(x));
        Evaluation.MethodResult sal = rs.get(0);
        Evaluation.MethodResult gxi = rs.get(1);
        Evaluation.MethodResult ig = rs.get(2);
        Evaluation.MethodResult rnd = rs.get(3);

        assertEquals(1.0, sal.metrics().get("consistency_cosine").mean(), 1e-12);
        assertEquals(1.0, sal.metrics().get("consistency_spearman").mean(), 1e-12);
        assertEquals(0.0, sal.metrics().get("sensitivity_max").mean(), 0);
        assertTrue(sal.metrics().get("relative_infidelity").mean() < 1e-6);
        assertTrue(gxi.metrics().get("deletion_auc").mean() < rnd.metrics().get("deletion_auc").mean() - 0.5);
        assertTrue(gxi.metrics().get("insertion_auc").mean() > rnd.metrics().get("insertion_auc").mean() + 0.5);
        assertEquals(1.0, gxi.metrics().get("gt_topk_precision").mean(), 0);
        assertEquals(24, gxi.metrics().get("gt_topk_precision").count());
        assertTrue(rnd.metrics().get("gt_topk_precision").mean() < 0.7);
        // IG on a linear model is exact: completeness residual at float rounding
        assertTrue(ig.metrics().get("ig_completeness_residual").mean() < 1e-4);
        assertFalse(gxi.metrics().containsKey("ig_completeness_residual"));
        assertTrue(gxi.timingsMs().containsKey("explain") && gxi.timingsMs().containsKey("curves"));

        EvaluationReport report = new EvaluationReport("linear", Map.of("model", "linear"), ev.settings(), rs, null);
        report.writeCsv(dir.resolve("metrics.csv"));
        report.writeMarkdown(dir.resolve("metrics.md"));
        report.writeChart(dir.resolve("metrics.png"));
        List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
        assertEquals(5, csv.size());
        List<String> header = List.of(csv.get(0).split(","));
        int col = header.indexOf("deletion_auc");
        assertTrue(col > 0);
        assertEquals(gxi.metrics().get("deletion_auc").mean(), Double.parseDouble(csv.get(2).split(",", -1)[col]), 0);
        assertTrue(csv.get(4).startsWith("random,24,"));
        String md = Files.readString(dir.resolve("metrics.md"));
        assertTrue(md.contains("| metric | saliency | gradxinput | integrated_gradients | random |"), md);
        assertTrue(md.contains("| deletion AUC ↓ |"));
        for (String line : md.lines().filter(l -> l.startsWith("| ")).toList()) {
            assertEquals(6, line.chars().filter(ch -> ch == '|').count(), "one cell per method: " + line);
        }
        BufferedImage png = ImageIO.read(dir.resolve("metrics.png").toFile());
        assertNotNull(png);
        assertTrue(png.getWidth() > 500 && png.getHeight() > 400);
    }
}
