package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.OrtRun;
import org.explain4j.onnx.graph.OrtRun.Arr;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test helper: the Java-built gradient graph's vector-Jacobian product, run in ONNX Runtime,
 * against central finite differences of the forward model, also run in ONNX Runtime:
 * {@code ∂(Σ w⊙y)/∂xᵢ ≈ (f(x + εeᵢ) − f(x − εeᵢ)) / 2ε} for a random cotangent {@code w}.
 *
 * <p>Double-precision models use ε = 1e-6 and pass at a relative error of 1e-6 (of max |FD|).
 * Float32 models (ops ONNX Runtime's CPU provider only has in float: Conv, ConvTranspose,
 * pools, LSTM, GRU, Erf, ...): piecewise-linear ones use ε = 1e-2, where the difference quotient
 * is exact up to float rounding, and pass at 1e-4; smooth ones use Richardson extrapolation
 * {@code (4·D(ε/2) − D(ε))/3} with ε = 0.05 (truncation error O(ε⁴), float rounding divided by
 * a larger step) and pass at 1e-3.
 */
final class GradientCheck {

    static final double DOUBLE_EPS = 1e-6;
    static final double DOUBLE_TOL = 1e-6;
    static final double FLOAT_EPS = 1e-2;
    static final double FLOAT_SMOOTH_EPS = 0.05;
    static final double FLOAT_TOL = 1e-4;
    static final double FLOAT_SMOOTH_TOL = 1e-3;

    private GradientCheck() {
    }

    /** Uniform values in [lo, hi). */
    static Arr random(Random r, OnnxJavaType type, double lo, double hi, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        if (type == OnnxJavaType.FLOAT) {
            for (int i = 0; i < n; i++) {
                v[i] = (float) v[i];
            }
        }
        return new Arr(shape, v, type);
    }

    /** Checks the gradient of the first output w.r.t. input {@code wrt} at {@code inputs}. */
    static double check(ModelProto forward, GradientOptions options, Map<String, Arr> inputs, String wrt) {
        return check(forward, options, inputs, wrt, false);
    }

    /** As above; {@code smooth} selects Richardson extrapolation for float32 models of smooth functions. */
    static double check(ModelProto forward, GradientOptions options, Map<String, Arr> inputs, String wrt,
                        boolean smooth) {
        ModelProto built = GradientGraphBuilder.build(forward, options.withInput(wrt));
        String output = options.output() != null ? options.output() : OnnxGraph.of(forward).outputNames().get(0);
        Arr x = inputs.get(wrt);
        boolean isDouble = x.type() == OnnxJavaType.DOUBLE;
        boolean richardson = !isDouble && smooth;
        double eps = isDouble ? DOUBLE_EPS : richardson ? FLOAT_SMOOTH_EPS : FLOAT_EPS;
        double tol = isDouble ? DOUBLE_TOL : richardson ? FLOAT_SMOOTH_TOL : FLOAT_TOL;
        try (OrtRun f = new OrtRun(forward); OrtRun g = new OrtRun(built)) {
            Arr y = f.run(inputs).get(output);
            Random r = new Random(11);
            Arr w = random(r, y.type(), -1, 1, y.shape());
            Map<String, Arr> in = new LinkedHashMap<>(inputs);
            in.put(options.cotangentName(), w);
            Map<String, Arr> out = g.run(in);
            assertArrayEquals(y.data(), out.get(output).data(), isDouble ? 1e-12 : 1e-5,
                    "the gradient graph's forward output");
            double[] grad = out.get(options.gradName() != null ? options.gradName() : "grad_" + wrt).data();
            double[] fd = new double[x.data().length];
            for (int i = 0; i < fd.length; i++) {
                double d = central(f, inputs, wrt, i, eps, w, output);
                fd[i] = richardson ? (4 * central(f, inputs, wrt, i, eps / 2, w, output) - d) / 3 : d;
            }
            double rel = relativeError(fd, grad);
            if (Boolean.getBoolean("explain4j.gradcheck.verbose")) {
                System.out.printf("gradient check %s wrt %s (%s%s): relative error %.2e%n", forward.getGraph()
                        .getNodeList().stream().map(n -> n.getOpType()).distinct().toList(), wrt,
                        isDouble ? "double" : "float", richardson ? ", Richardson" : "", rel);
            }
            assertTrue(rel <= tol, "gradient vs central differences: relative error " + rel + "\n fd   "
                    + java.util.Arrays.toString(fd) + "\n grad " + java.util.Arrays.toString(grad));
            return rel;
        }
    }

    static double check(ModelProto forward, Map<String, Arr> inputs) {
        return check(forward, GradientOptions.defaults(), inputs, inputs.keySet().iterator().next());
    }

    /** A float32 model of a smooth function (Richardson-extrapolated differences). */
    static double checkSmooth(ModelProto forward, Map<String, Arr> inputs) {
        return check(forward, GradientOptions.defaults(), inputs, inputs.keySet().iterator().next(), true);
    }

    private static double central(OrtRun f, Map<String, Arr> inputs, String wrt, int i, double eps, Arr w,
                                  String output) {
        return (objective(f, inputs, wrt, i, eps, w, output) - objective(f, inputs, wrt, i, -eps, w, output))
                / (2 * eps);
    }

    private static double objective(OrtRun f, Map<String, Arr> inputs, String wrt, int i, double step, Arr w,
                                    String output) {
        Map<String, Arr> in = new LinkedHashMap<>(inputs);
        double[] v = inputs.get(wrt).data().clone();
        v[i] += step;
        in.put(wrt, inputs.get(wrt).with(v));
        double[] y = f.run(in).get(output).data();
        double s = 0;
        for (int k = 0; k < y.length; k++) {
            s += w.data()[k] * y[k];
        }
        return s;
    }

    static double relativeError(double[] ref, double[] got) {
        double max = 0;
        double err = 0;
        for (int i = 0; i < ref.length; i++) {
            max = Math.max(max, Math.abs(ref[i]));
            err = Math.max(err, Math.abs(ref[i] - got[i]));
        }
        return err / Math.max(max, 1e-12);
    }
}
