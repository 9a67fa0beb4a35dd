package org.explain4j.metrics;

import org.explain4j.explain.Attribution;
import org.explain4j.explain.Provenance;
import org.explain4j.explain.TestModels;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/** Models and hand-made attributions for the metric tests. */
final class MetricFixtures {
    private MetricFixtures() {
    }

    /** {@code y_0 = w·x + 0.5}, {@code y_1 = −w·x}: a linear model with two logits. */
    static TestModels.Linear linear(double... w) {
        double[] minus = new double[w.length];
        for (int j = 0; j < w.length; j++) {
            minus[j] = -w[j];
        }
        return new TestModels.Linear(new double[][] {w, minus}, new double[] {0.5, 0}, OutputActivation.SOFTMAX,
                Score.LOGIT);
    }

    /** An attribution with the given values for {@code inputs}, explaining class {@code target} of each. */
    static Attribution attribution(ExplainableModel model, FloatTensor inputs, float[] values, int target) {
        int[] t = new int[inputs.batchSize()];
        java.util.Arrays.fill(t, target);
        return new Attribution(new FloatTensor(inputs.shape(), values), inputs, model.forward(inputs), t, Score.LOGIT,
                "given", Map.of(), Map.of(), Provenance.of(model.info(), OptionalLong.empty()));
    }

    /** {@code n} copies of one sample. */
    static FloatTensor repeat(float[] x, int n) {
        float[] out = new float[n * x.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, 0, out, i * x.length, x.length);
        }
        return new FloatTensor(new long[] {n, x.length}, out);
    }

    static float[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /**
     * One hidden ReLU layer, {@code y = V relu(A x + a) + c}, computed in double: a piecewise-linear
     * net whose activation regions are known in closed form.
     */
    static final class ReluNet extends TestModels.PureModel {
        final double[][] a;
        final double[] ab;
        final double[][] v;
        final double[] vb;

        ReluNet(double[][] a, double[] ab, double[][] v, double[] vb) {
            super("relu_net", a[0].length, v.length, OutputActivation.SOFTMAX, Score.LOGIT, true);
            this.a = a;
            this.ab = ab;
            this.v = v;
            this.vb = vb;
        }

        double[] pre(double[] x) {
            double[] z = ab.clone();
            for (int h = 0; h < a.length; h++) {
                for (int j = 0; j < x.length; j++) {
                    z[h] += a[h][j] * x[j];
                }
            }
            return z;
        }

        @Override
        public double[] logits(double[] x) {
            double[] z = pre(x);
            double[] y = vb.clone();
            for (int c = 0; c < v.length; c++) {
                for (int h = 0; h < z.length; h++) {
                    y[c] += v[c][h] * Math.max(0, z[h]);
                }
            }
            return y;
        }

        @Override
        public double[] vjp(double[] x, double[] cot) {
            double[] z = pre(x);
            double[] g = new double[x.length];
            for (int h = 0; h < z.length; h++) {
                if (z[h] <= 0) {
                    continue;
                }
                double back = 0;
                for (int c = 0; c < v.length; c++) {
                    back += cot[c] * v[c][h];
                }
                for (int j = 0; j < x.length; j++) {
                    g[j] += back * a[h][j];
                }
            }
            return g;
        }

        /** Distance along {@code d} from {@code x} to the first hidden unit that changes sign. */
        double firstKink(double[] x, double[] d) {
            double[] z = pre(x);
            double best = Double.POSITIVE_INFINITY;
            for (int h = 0; h < a.length; h++) {
                double slope = 0;
                for (int j = 0; j < d.length; j++) {
                    slope += a[h][j] * d[j];
                }
                if (z[h] * slope < 0) {
                    best = Math.min(best, -z[h] / slope);
                }
            }
            return best;
        }
    }
}
