package org.explain4j.explain;

import org.explain4j.ExplainException;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.model.TensorInfo;
import org.explain4j.model.VjpResult;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Small pure-Java models with analytic gradients, written for the explainer tests. They compute in
 * double and hand out floats, like a real backend; they record the batch size of every call.
 */
public final class TestModels {
    private TestModels() {
    }

    /** A model defined per sample by its logits and its vector-Jacobian product, both in double. */
    public abstract static class PureModel implements ExplainableModel {
        private final ModelInfo info;
        private final boolean gradients;
        /** Batch size of each {@link #vjp} call, in order. */
        public final List<Integer> vjpBatches = Collections.synchronizedList(new ArrayList<>());
        /** Batch size of each {@link #forward} call, in order. */
        public final List<Integer> forwardBatches = Collections.synchronizedList(new ArrayList<>());

        protected PureModel(String name, int features, int classes, OutputActivation activation, Score defaultScore,
                            boolean gradients) {
            ModelDescription d = new ModelDescription(name, "test model", InputLayout.FEATURES, List.of(), activation,
                    List.of(), defaultScore, Optional.empty(), null);
            this.info = new ModelInfo(name, List.of(new TensorInfo("x", new long[] {-1, features}, "float32")),
                    List.of(new TensorInfo("y", new long[] {-1, classes}, "float32")), d, "sha256-test", "java", "cpu");
            this.gradients = gradients;
        }

        public abstract double[] logits(double[] x);

        /** {@code Σ_c w_c ∂y_c/∂x}. */
        public abstract double[] vjp(double[] x, double[] w);

        public int features() {
            return (int) info.input().shape()[1];
        }

        public int classes() {
            return info.classCount();
        }

        @Override
        public ModelInfo info() {
            return info;
        }

        @Override
        public FloatTensor forward(FloatTensor input) {
            forwardBatches.add(input.batchSize());
            int n = input.batchSize();
            int c = classes();
            float[] out = new float[n * c];
            for (int i = 0; i < n; i++) {
                double[] y = logits(toDouble(input.sampleData(i)));
                for (int k = 0; k < c; k++) {
                    out[i * c + k] = (float) y[k];
                }
            }
            return new FloatTensor(new long[] {n, c}, out);
        }

        @Override
        public boolean supportsGradients() {
            return gradients;
        }

        @Override
        public VjpResult vjp(FloatTensor input, FloatTensor cotangent) {
            if (!gradients) {
                throw new ExplainException("model '" + info.name() + "' has no gradient graph; export one or use a"
                        + " perturbation method");
            }
            vjpBatches.add(input.batchSize());
            int n = input.batchSize();
            int f = input.sampleSize();
            int c = classes();
            float[] g = new float[n * f];
            for (int i = 0; i < n; i++) {
                double[] gi = vjp(toDouble(input.sampleData(i)), toDouble(cotangent.sampleData(i)));
                for (int j = 0; j < f; j++) {
                    g[i * f + j] = (float) gi[j];
                }
            }
            return new VjpResult(forwardNoRecord(input, c), new FloatTensor(input.shape(), g));
        }

        private FloatTensor forwardNoRecord(FloatTensor input, int c) {
            int n = input.batchSize();
            float[] out = new float[n * c];
            for (int i = 0; i < n; i++) {
                double[] y = logits(toDouble(input.sampleData(i)));
                for (int k = 0; k < c; k++) {
                    out[i * c + k] = (float) y[k];
                }
            }
            return new FloatTensor(new long[] {n, c}, out);
        }

        @Override
        public Map<String, FloatTensor> activations(FloatTensor input, Collection<String> tensorNames) {
            throw new ExplainException("test model '" + info.name() + "' exposes no intermediate tensors");
        }

        @Override
        public void close() {
        }
    }

    /** {@code y = W x + b}. */
    public static final class Linear extends PureModel {
        public final double[][] w;
        public final double[] b;

        public Linear(double[][] w, double[] b, OutputActivation activation, Score defaultScore) {
            super("linear", w[0].length, w.length, activation, defaultScore, true);
            this.w = w;
            this.b = b;
        }

        @Override
        public double[] logits(double[] x) {
            double[] y = b.clone();
            for (int c = 0; c < w.length; c++) {
                for (int j = 0; j < x.length; j++) {
                    y[c] += w[c][j] * x[j];
                }
            }
            return y;
        }

        @Override
        public double[] vjp(double[] x, double[] cot) {
            double[] g = new double[x.length];
            for (int c = 0; c < w.length; c++) {
                for (int j = 0; j < x.length; j++) {
                    g[j] += cot[c] * w[c][j];
                }
            }
            return g;
        }
    }

    /** {@code y = [Σ x_j², sin(a·x)]}: smooth and curved along every straight path. */
    public static final class Smooth extends PureModel {
        public final double[] a;

        public Smooth(double[] a, OutputActivation activation, Score defaultScore) {
            super("smooth", a.length, 2, activation, defaultScore, true);
            this.a = a;
        }

        @Override
        public double[] logits(double[] x) {
            double sq = 0;
            double dot = 0;
            for (int j = 0; j < x.length; j++) {
                sq += x[j] * x[j];
                dot += a[j] * x[j];
            }
            return new double[] {sq, Math.sin(dot)};
        }

        @Override
        public double[] vjp(double[] x, double[] cot) {
            double dot = 0;
            for (int j = 0; j < x.length; j++) {
                dot += a[j] * x[j];
            }
            double cos = Math.cos(dot);
            double[] g = new double[x.length];
            for (int j = 0; j < x.length; j++) {
                g[j] = cot[0] * 2 * x[j] + cot[1] * a[j] * cos;
            }
            return g;
        }
    }

    /** A model that can only run forward, like one exported without a gradient graph. */
    public static final class ForwardOnly extends PureModel {
        public ForwardOnly() {
            super("forward_only", 2, 2, OutputActivation.SOFTMAX, Score.LOGIT, false);
        }

        @Override
        public double[] logits(double[] x) {
            return new double[] {x[0], x[1]};
        }

        @Override
        public double[] vjp(double[] x, double[] w) {
            throw new AssertionError("unreachable");
        }
    }

    public static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** A batch {@code [rows.length, rows[0].length]}. */
    public static FloatTensor batch(double[]... rows) {
        int f = rows[0].length;
        float[] data = new float[rows.length * f];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < f; j++) {
                data[i * f + j] = (float) rows[i][j];
            }
        }
        return new FloatTensor(new long[] {rows.length, f}, data);
    }

    /** Softmax or sigmoid probability of class {@code c}, in double (a reference independent of ScoreFunction). */
    public static double probability(double[] y, int c, OutputActivation activation) {
        if (activation == OutputActivation.SIGMOID) {
            return 1.0 / (1.0 + Math.exp(-y[c]));
        }
        double z = 0;
        for (double v : y) {
            z += Math.exp(v);
        }
        return Math.exp(y[c]) / z;
    }

    /** Largest absolute value. */
    public static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }
}
