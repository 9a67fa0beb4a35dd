package org.explain4j.metrics;

import org.explain4j.explain.Attribution;
import org.explain4j.explain.Provenance;
import org.explain4j.explain.Target;
import org.explain4j.explain.TestModels;
import org.explain4j.explain.gradient.IntegratedGradients;
import org.explain4j.explain.gradient.Saliency;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletenessTest {

    @Test
    void integratedGradientsResidualIsPassedThroughAndIsTheSumMinusTheScoreChange() {
        TestModels.Smooth model = new TestModels.Smooth(new double[] {0.4, -0.3, 0.9}, OutputActivation.SOFTMAX,
                Score.LOGIT);
        FloatTensor x = TestModels.batch(new double[] {0.5, 1.0, -0.7}, new double[] {1.5, -0.2, 0.3});
        Attribution ig = IntegratedGradients.builder().steps(8).build().explain(model, x, Target.of(1));
        Completeness.Residual r = Completeness.of(ig).orElseThrow();
        assertEquals("ig_completeness", r.law());
        for (int i = 0; i < 2; i++) {
            // independent: Σ attr − (sin(a·x) − sin(0))
            double[] xi = TestModels.toDouble(x.sampleData(i));
            double sum = 0;
            for (float v : ig.values().sampleData(i)) {
                sum += v;
            }
            double delta = Math.sin(0.4 * xi[0] - 0.3 * xi[1] + 0.9 * xi[2]);
            assertEquals(sum - delta, r.absolute()[i], 1e-5);
            assertEquals((sum - delta) / Math.abs(delta), r.relative()[i], 1e-4);
        }
        assertTrue(Completeness.of(Saliency.create().explain(model, x, Target.of(1))).isEmpty());
    }

    @Test
    void lrpResidualIsMadeRelativeToTheExplainedLogit() {
        TestModels.Linear model = MetricFixtures.linear(1, 2);
        FloatTensor x = TestModels.batch(new double[] {1, 1}, new double[] {2, 0});
        Attribution a = new Attribution(FloatTensor.zeros(2, 2), x, model.forward(x), new int[] {0, 0}, Score.LOGIT,
                "lrp", Map.of(), Map.of("lrp_logit", new double[] {4, -2}, "lrp_conservation_residual",
                new double[] {0.2, 0.1}), Provenance.of(model.info(), OptionalLong.empty()));
        Completeness.Residual r = Completeness.of(a).orElseThrow();
        assertEquals("lrp_conservation", r.law());
        assertArrayEquals(new double[] {0.2, 0.1}, r.absolute(), 0);
        assertArrayEquals(new double[] {0.05, 0.05}, r.relative(), 1e-12);
    }
}
