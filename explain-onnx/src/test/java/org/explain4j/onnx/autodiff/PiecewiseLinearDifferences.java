package org.explain4j.onnx.autodiff;

import org.explain4j.onnx.graph.OrtRun;
import org.explain4j.onnx.graph.OrtRun.Arr;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test helper: finite differences of a float32 model that is piecewise linear in its input
 * (Conv, ReLU, MaxPool, Gemm). Inside a linear piece the one-sided quotients
 * {@code (f(x+h)−f(x))/h} and {@code (f(x)−f(x−h))/h} agree and equal the derivative exactly
 * up to float rounding of f (a few ulps, divided by h); where they disagree by more, a kink (a
 * ReLU at 0, a max-pool argmax switch) lies within h of the point, h shrinks by 4 and the test
 * repeats (three steps from the first one given). Coordinates where they still disagree sit at a
 * kink, where the function has no derivative; they are counted and left out of the comparison.
 */
final class PiecewiseLinearDifferences {

    /** Rounding noise allowed in the objective, in float ulps of its value. */
    static final double NOISE_ULPS = 16;

    /** Derivatives; {@code NaN} at kinks. */
    final double[] derivative;
    /** Rounding noise bound of each derivative: the objective's noise over the step used. */
    final double[] noise;
    final int kinks;

    private PiecewiseLinearDifferences(double[] derivative, double[] noise, int kinks) {
        this.derivative = derivative;
        this.noise = noise;
        this.kinks = kinks;
    }

    /** @param w cotangent: the objective is {@code Σ w ⊙ output} */
    static PiecewiseLinearDifferences of(OrtRun model, Map<String, Arr> inputs, String wrt, String output, double[] w,
                                         double firstStep) {
        return of(model, inputs, wrt, output, w, firstStep, 1);
    }

    /** As above, on every {@code stride}-th coordinate only (the others are left out, not counted as kinks). */
    static PiecewiseLinearDifferences of(OrtRun model, Map<String, Arr> inputs, String wrt, String output, double[] w,
                                         double firstStep, int stride) {
        double[] steps = {firstStep, firstStep / 4, firstStep / 16};
        double f0 = objective(model, inputs, wrt, -1, 0, output, w);
        double noise = NOISE_ULPS * Math.ulp((float) Math.abs(f0));
        int n = inputs.get(wrt).data().length;
        double[] d = new double[n];
        double[] bound = new double[n];
        int kinks = 0;
        for (int i = 0; i < n; i++) {
            d[i] = Double.NaN;
            if (i % stride != 0) {
                continue;
            }
            for (double h : steps) {
                double forward = (objective(model, inputs, wrt, i, h, output, w) - f0) / h;
                double backward = (f0 - objective(model, inputs, wrt, i, -h, output, w)) / h;
                if (Math.abs(forward - backward) <= noise / h) {
                    d[i] = (forward + backward) / 2;
                    bound[i] = noise / h;
                    break;
                }
            }
            if (Double.isNaN(d[i])) {
                kinks++;
            }
        }
        return new PiecewiseLinearDifferences(d, bound, kinks);
    }

    private static double objective(OrtRun model, Map<String, Arr> inputs, String wrt, int i, double h, String output,
                                    double[] w) {
        Map<String, Arr> in = new LinkedHashMap<>(inputs);
        if (i >= 0) {
            double[] v = inputs.get(wrt).data().clone();
            v[i] += h;
            in.put(wrt, inputs.get(wrt).with(v));
        }
        double[] y = model.run(in).get(output).data();
        double s = 0;
        for (int k = 0; k < y.length; k++) {
            s += w[k] * y[k];
        }
        return s;
    }

    /**
     * The largest amount by which |grad − FD| exceeds {@code relTol · max |FD|} plus the
     * coordinate's rounding-noise bound, over coordinates not at a kink; ≤ 0 when all match.
     */
    double excess(double[] grad, double relTol) {
        double max = 0;
        for (double v : derivative) {
            if (!Double.isNaN(v)) {
                max = Math.max(max, Math.abs(v));
            }
        }
        double worst = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < derivative.length; i++) {
            if (!Double.isNaN(derivative[i])) {
                worst = Math.max(worst, Math.abs(derivative[i] - grad[i]) - relTol * max - noise[i]);
            }
        }
        return worst;
    }

    /** max |grad − FD| / max |FD| over the coordinates that are not on a kink. */
    double relativeError(double[] grad) {
        double max = 0;
        double err = 0;
        for (int i = 0; i < derivative.length; i++) {
            if (!Double.isNaN(derivative[i])) {
                max = Math.max(max, Math.abs(derivative[i]));
                err = Math.max(err, Math.abs(derivative[i] - grad[i]));
            }
        }
        return err / max;
    }
}
