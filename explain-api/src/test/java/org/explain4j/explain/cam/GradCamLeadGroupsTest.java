package org.explain4j.explain.cam;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.InputLayout;
import org.explain4j.model.LayerGradient;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.model.TensorInfo;
import org.explain4j.model.VjpResult;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-lead Grad-CAM and its scalings on a tiny model whose layer and gradient are written down:
 * input [1,2,4] (2 leads), layer A [1,4,2] (4 channels = 2 lead groups of 2), y = Σ V·A (one class),
 * so ∂y/∂A = V. Expected maps by hand below.
 */
class GradCamLeadGroupsTest {

    // A[k][l] and V[k][l] (the gradient), k = 0..3, l = 0..1.
    private static final double[][] A = {{1, 2}, {3, -1}, {0.5, 4}, {-2, 1}};
    private static final double[][] V = {{1, 3}, {-1, -1}, {2, 0}, {0.5, 0.5}};

    /**
     * Group 0 (channels 0,1): α = (2, -1); map = 2·(1,2) − (3,−1) = (−1, 5).
     * Group 1 (channels 2,3): α = (1, 0.5); map = (0.5,4) + 0.5·(−2,1) = (−0.5, 4.5).
     * Shared (all 4): (−1.5, 9.5). Upsampled 2 → 4, half-pixel centres: source positions
     * max(0,(j+½)/2−½) = 0, 0.25, 0.75, 1 (edge clamped), so m ↦ (m0, .75m0+.25m1, .25m0+.75m1, m1).
     */
    private static double[] up(double m0, double m1) {
        return new double[] {m0, 0.75 * m0 + 0.25 * m1, 0.25 * m0 + 0.75 * m1, m1};
    }

    @Test
    void onePerLeadMapPerGroup() {
        Tiny m = new Tiny();
        FloatTensor x = FloatTensor.zeros(1, 2, 4);
        GradCam raw = GradCam.builder("A").relu(false).leadGroups(2).build();
        GradCam.LayerMaps lm = raw.layerMaps(m, x, Target.of(0));
        assertArrayEquals(new long[] {1, 2, 2}, lm.maps().shape());
        assertArrayEquals(new float[] {-1, 5, -0.5f, 4.5f}, lm.maps().data(), 1e-6f);

        Attribution a = raw.explain(m, x, Target.of(0));
        assertArrayEquals(concat(up(-1, 5), up(-0.5, 4.5)), toDouble(a.values().data()), 1e-6);
        assertEquals(2, a.parameters().get("lead_groups"));

        // ReLU per lead map: (0, 5) and (0, 4.5).
        Attribution r = GradCam.builder("A").leadGroups(2).build().explain(m, x, Target.of(0));
        assertArrayEquals(concat(up(0, 5), up(0, 4.5)), toDouble(r.values().data()), 1e-6);

        // Global min-max over both leads: lo −1, hi 5.
        double[] raw2 = concat(up(-1, 5), up(-0.5, 4.5));
        double[] global = new double[8];
        for (int i = 0; i < 8; i++) {
            global[i] = (raw2[i] + 1) / 6;
        }
        Attribution g = GradCam.builder("A").relu(false).leadGroups(2).scale(GradCam.Scale.GLOBAL).build()
                .explain(m, x, Target.of(0));
        assertArrayEquals(global, toDouble(g.values().data()), 1e-6);
        // Per lead: lead 0 over [−1, 5], lead 1 over [−0.5, 4.5].
        double[] perLead = new double[8];
        for (int i = 0; i < 4; i++) {
            perLead[i] = (raw2[i] + 1) / 6;
            perLead[4 + i] = (raw2[4 + i] + 0.5) / 5;
        }
        Attribution p = GradCam.builder("A").relu(false).leadGroups(2).scale(GradCam.Scale.PER_LEAD).build()
                .explain(m, x, Target.of(0));
        assertArrayEquals(perLead, toDouble(p.values().data()), 1e-6);
        assertEquals("per_lead", p.parameters().get("scale"));
    }

    @Test
    void sharedMapAndMinMaxScaleAsBefore() {
        Tiny m = new Tiny();
        FloatTensor x = FloatTensor.zeros(1, 2, 4);
        Attribution a = GradCam.builder("A").relu(false).build().explain(m, x, Target.of(0));
        assertArrayEquals(concat(up(-1.5, 9.5), up(-1.5, 9.5)), toDouble(a.values().data()), 1e-6);
        Attribution s = GradCam.builder("A").relu(false).minMaxScale(true).build().explain(m, x, Target.of(0));
        double[] u = up(-1.5, 9.5);
        for (int i = 0; i < 4; i++) {
            u[i] = (u[i] + 1.5) / 11;
        }
        assertArrayEquals(concat(u, u), toDouble(s.values().data()), 1e-6);
        assertEquals(true, s.parameters().get("min_max_scale"));
    }

    @Test
    void groupsMustDivideTheChannelsAndMatchTheInput() {
        Tiny m = new Tiny();
        ExplainException e = assertThrows(ExplainException.class,
                () -> GradCam.builder("A").leadGroups(3).build().layerMaps(m, FloatTensor.zeros(1, 2, 4), Target.of(0)));
        assertTrue(e.getMessage().startsWith("Grad-CAM layer 'A' has 4 channels, which do not split into 3 equal lead"
                + " groups"), e.getMessage());
        ExplainException e2 = assertThrows(ExplainException.class,
                () -> GradCam.builder("A").leadGroups(4).build().explain(m, FloatTensor.zeros(1, 2, 4), Target.of(0)));
        assertTrue(e2.getMessage().startsWith("per-lead Grad-CAM with 4 lead groups needs an input with 4 channels"),
                e2.getMessage());
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = new double[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** The layer and its gradient as written above, whatever the input; y = Σ V·A. */
    private static final class Tiny implements ExplainableModel {
        private final ModelInfo info = new ModelInfo("tiny", List.of(new TensorInfo("x", new long[] {-1, 2, 4}, "float32")),
                List.of(new TensorInfo("y", new long[] {-1, 1}, "float32")),
                new ModelDescription("tiny", "test", InputLayout.CHANNELS_TIME, List.of(), OutputActivation.NONE,
                        List.of(), Score.LOGIT, Optional.empty(), null), "sha", "java", "cpu");

        @Override
        public ModelInfo info() {
            return info;
        }

        private static float[] flat(double[][] m) {
            float[] f = new float[8];
            for (int k = 0; k < 4; k++) {
                for (int l = 0; l < 2; l++) {
                    f[k * 2 + l] = (float) m[k][l];
                }
            }
            return f;
        }

        @Override
        public FloatTensor forward(FloatTensor input) {
            double y = 0;
            for (int k = 0; k < 4; k++) {
                for (int l = 0; l < 2; l++) {
                    y += V[k][l] * A[k][l];
                }
            }
            return new FloatTensor(new long[] {1, 1}, new float[] {(float) y});
        }

        @Override
        public boolean supportsGradients() {
            return false;
        }

        @Override
        public VjpResult vjp(FloatTensor input, FloatTensor cotangent) {
            throw new ExplainException("not needed");
        }

        @Override
        public Map<String, FloatTensor> activations(FloatTensor input, Collection<String> tensorNames) {
            return Map.of("A", new FloatTensor(new long[] {1, 4, 2}, flat(A)));
        }

        @Override
        public LayerGradient layerVjp(FloatTensor input, FloatTensor cotangent, String tensorName) {
            float w = cotangent.data()[0];
            float[] g = flat(V);
            for (int i = 0; i < g.length; i++) {
                g[i] *= w;
            }
            return new LayerGradient(forward(input), new FloatTensor(new long[] {1, 4, 2}, flat(A)),
                    new FloatTensor(new long[] {1, 4, 2}, g));
        }

        @Override
        public void close() {
        }
    }
}
