package org.explain4j.perturb;

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
 * Small pure-Java models with known closed forms, for hand-computable checks of the
 * perturbation methods. Each output row depends on its own input row only, computed in double.
 */
final class TestModels {
    private TestModels() {
    }

    /** One sample's outputs from its inputs. */
    @FunctionalInterface
    interface RowFunction {
        void apply(float[] x, int offset, double[] out);
    }

    /** A model from a row function; records the batch size of every forward call. */
    static final class FunctionModel implements ExplainableModel {
        private final ModelInfo info;
        private final int sampleSize;
        private final int classes;
        private final RowFunction f;
        final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

        FunctionModel(long[] sampleShape, int classes, InputLayout layout, List<String> names,
                      OutputActivation activation, RowFunction f) {
            long[] in = new long[sampleShape.length + 1];
            in[0] = -1;
            System.arraycopy(sampleShape, 0, in, 1, sampleShape.length);
            ModelDescription d = new ModelDescription("test", "", layout, names, activation, List.of(), Score.LOGIT,
                    Optional.empty(), null);
            this.info = new ModelInfo("test", List.of(new TensorInfo("x", in, "float32")),
                    List.of(new TensorInfo("y", new long[] {-1, classes}, "float32")), d, "0", "java", "cpu");
            this.sampleSize = Math.toIntExact(FloatTensor.elementCount(sampleShape));
            this.classes = classes;
            this.f = f;
        }

        @Override
        public ModelInfo info() {
            return info;
        }

        @Override
        public FloatTensor forward(FloatTensor input) {
            int n = input.batchSize();
            batchSizes.add(n);
            float[] y = new float[n * classes];
            double[] row = new double[classes];
            for (int i = 0; i < n; i++) {
                f.apply(input.data(), i * sampleSize, row);
                for (int c = 0; c < classes; c++) {
                    y[i * classes + c] = (float) row[c];
                }
            }
            return new FloatTensor(new long[] {n, classes}, y);
        }

        /** Forward of one sample, class {@code c}. */
        double score(float[] x, int c) {
            return forward(new FloatTensor(withBatch(x.length), x)).get(c);
        }

        private long[] withBatch(int len) {
            long[] s = info.input().shape();
            s[0] = 1;
            return s;
        }

        @Override
        public boolean supportsGradients() {
            return false;
        }

        @Override
        public VjpResult vjp(FloatTensor input, FloatTensor cotangent) {
            throw new ExplainException("test model has no gradients");
        }

        @Override
        public Map<String, FloatTensor> activations(FloatTensor input, Collection<String> tensorNames) {
            throw new ExplainException("test model has no activations");
        }

        @Override
        public void close() {
        }
    }

    /**
     * Two logits: {@code y0 = b + Σ w_i x_i}, {@code y1 = −y0}. With weights and inputs on a
     * coarse dyadic grid every output is exact in float, so fits can be checked to 1e-9.
     */
    static FunctionModel linear(long[] sampleShape, InputLayout layout, double[] w, double b) {
        return new FunctionModel(sampleShape, 2, layout, List.of(), OutputActivation.SOFTMAX, (x, o, out) -> {
            double s = b;
            for (int i = 0; i < w.length; i++) {
                s += w[i] * x[o + i];
            }
            out[0] = s;
            out[1] = -s;
        });
    }

    /** A tabular model with interactions and a saturation, so no additive surrogate is exact. */
    static FunctionModel nonlinear(int features) {
        return new FunctionModel(new long[] {features}, 2, InputLayout.FEATURES, List.of(), OutputActivation.SOFTMAX,
                (x, o, out) -> {
                    double s = 0.3;
                    for (int i = 0; i < features; i++) {
                        s += (0.5 - 0.17 * i) * x[o + i];
                    }
                    s += 0.8 * x[o] * x[o + 1] - 0.6 * x[o + 2] * x[o + features - 1] + Math.tanh(x[o + 3] * x[o + 1]);
                    out[0] = s;
                    out[1] = 0.25 * s * s - 1;
                });
    }

    /** The exact Shapley values of {@code v(S) = f(x on S, baseline elsewhere)} by the subset formula. */
    static double[] bruteForceShapley(FunctionModel model, float[] x, float[] baseline, FeatureMask mask, int target) {
        int d = mask.featureCount();
        double[] v = new double[1 << d];
        for (int s = 0; s < (1 << d); s++) {
            float[] z = baseline.clone();
            for (int c = 0; c < x.length; c++) {
                int f = mask.featureOf(c);
                if (f == FeatureMask.UNASSIGNED || (s >>> f & 1) != 0) {
                    z[c] = x[c];
                }
            }
            v[s] = model.score(z, target);
        }
        double[] fact = new double[d + 1];
        fact[0] = 1;
        for (int i = 1; i <= d; i++) {
            fact[i] = fact[i - 1] * i;
        }
        double[] phi = new double[d];
        for (int j = 0; j < d; j++) {
            for (int s = 0; s < (1 << d); s++) {
                if ((s >>> j & 1) != 0) {
                    continue;
                }
                int size = Integer.bitCount(s);
                phi[j] += fact[size] * fact[d - size - 1] / fact[d] * (v[s | 1 << j] - v[s]);
            }
        }
        return phi;
    }
}
