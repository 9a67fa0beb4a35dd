package org.explain4j.lrp;

import org.explain4j.lrp.LinearMap.WeightTransform;

/**
 * Applies a {@link Rule} to a {@link LinearMap}: the relevance of a layer's inputs from the
 * relevance of its outputs, for {@code n} samples at once, in double. Formulas in {@link Rule};
 * a zero denominator passes nothing (what it held shows up as the layer's residual).
 */
public final class LinearRules {

    private LinearRules() {
    }

    /**
     * @param a          inputs, {@code n × map.inSize()}
     * @param rOut       relevance of the outputs, {@code n × map.outSize()}
     * @param biasFactor δ: the share of the bias given back to the inputs (0 absorbs it, 1 conserves)
     * @return relevance of the inputs, {@code n × map.inSize()}
     */
    public static double[] propagate(Rule rule, LinearMap map, double[] a, double[] rOut, int n, double biasFactor) {
        return propagate(rule, map, a, rOut, n, biasFactor, null);
    }

    /**
     * As {@link #propagate(Rule, LinearMap, double[], double[], int, double)}, with the layer's
     * outputs {@code z = W a + b} as the runtime computed them ({@code n × map.outSize()}, or
     * {@code null} to recompute them). The ε rule then divides by the same {@code z_j} the
     * forward pass produced, which the relevance arriving from above is proportional to; a
     * recomputed {@code z_j} differs from it by rounding, which a small {@code z_j} would amplify.
     */
    public static double[] propagate(Rule rule, LinearMap map, double[] a, double[] rOut, int n, double biasFactor,
                                     double[] outputs) {
        int in = map.inSize();
        int out = map.outSize();
        if (a.length != (long) n * in || rOut.length != (long) n * out) {
            throw new IllegalArgumentException("layer of " + in + " -> " + out + " given " + a.length + " inputs and "
                    + rOut.length + " output relevances for " + n + " samples");
        }
        double[] result = new double[n * in];
        if (outputs != null && outputs.length != (long) n * out) {
            throw new IllegalArgumentException("layer of " + in + " -> " + out + " given " + outputs.length
                    + " outputs for " + n + " samples");
        }
        if (rule instanceof Rule.Epsilon e) {
            epsilon(map, WeightTransform.ORIGINAL, map.bias(), e.epsilon(), a, rOut, n, biasFactor, result, outputs);
        } else if (rule instanceof Rule.Gamma g) {
            double[] b = map.bias();
            double[] gb = null;
            if (b != null) {
                gb = new double[b.length];
                for (int j = 0; j < b.length; j++) {
                    gb[j] = b[j] + g.gamma() * Math.max(b[j], 0);
                }
            }
            epsilon(map, WeightTransform.gamma(g.gamma()), gb, g.epsilon(), a, rOut, n, biasFactor, result, null);
        } else if (rule instanceof Rule.AlphaBeta ab) {
            alphaBeta(map, ab.alpha(), ab.beta(), a, rOut, n, biasFactor, result);
        } else if (rule instanceof Rule.Flat) {
            double[] fan = map.fanIn();
            double[] q = new double[out];
            for (int s = 0; s < n; s++) {
                for (int j = 0; j < out; j++) {
                    q[j] = fan[j] == 0 ? 0 : rOut[s * out + j] / fan[j];
                }
                map.transposeConnections(q, 0, result, s * in);
            }
        } else if (rule instanceof Rule.WSquare) {
            spread(map, WeightTransform.SQUARED, map.squaredNorm(), rOut, n, result);
        } else {
            throw new IllegalStateException("no kernel for rule " + rule);
        }
        return result;
    }

    /** ε rule (also γ on transformed weights): {@code R_i = a_i Σ_j w_ij q_j + Σ_j (δ b_j + ε s_j)/N_j q_j}. */
    private static void epsilon(LinearMap map, WeightTransform t, double[] bias, double eps, double[] a, double[] rOut,
                                int n, double delta, double[] result, double[] outputs) {
        int in = map.inSize();
        int out = map.outSize();
        double[] w = map.weights(t);
        double[] fan = map.fanIn();
        double[] z = new double[out];
        double[] share = new double[out];
        double[] back = new double[in];
        for (int s = 0; s < n; s++) {
            int aOff = s * in;
            int rOff = s * out;
            if (allZero(rOut, rOff, out)) {
                continue;
            }
            if (outputs == null) {
                java.util.Arrays.fill(z, 0);
                map.forward(a, aOff, w, z, 0);
            }
            boolean anyShare = false;
            for (int j = 0; j < out; j++) {
                double b = bias == null ? 0 : bias[j];
                double zj = outputs == null ? z[j] + b : outputs[rOff + j];
                double sign = zj >= 0 ? 1 : -1;
                double den = zj + eps * sign;
                double q = den == 0 ? 0 : rOut[rOff + j] / den;
                z[j] = q;
                double sh = fan[j] > 0 ? (delta * b + eps * sign) / fan[j] * q : 0;
                share[j] = sh;
                anyShare |= sh != 0;
            }
            java.util.Arrays.fill(back, 0);
            map.transpose(z, 0, w, back, 0);
            for (int i = 0; i < in; i++) {
                result[aOff + i] = a[aOff + i] * back[i];
            }
            if (anyShare) {
                map.transposeConnections(share, 0, result, aOff);
            }
        }
    }

    /**
     * αβ rule over contributions {@code z_ij = a_i w_ij}: positive ones are
     * {@code a⁺w⁺ + a⁻w⁻}, negative ones {@code a⁺w⁻ + a⁻w⁺}; the bias joins the part of its sign.
     */
    private static void alphaBeta(LinearMap map, double alpha, double beta, double[] a, double[] rOut, int n,
                                  double delta, double[] result) {
        int in = map.inSize();
        int out = map.outSize();
        double[] wp = map.weights(WeightTransform.POSITIVE);
        double[] wn = map.weights(WeightTransform.NEGATIVE);
        double[] fan = map.fanIn();
        double[] bias = map.bias();
        double[] ap = new double[in];
        double[] an = new double[in];
        double[] zp = new double[out];
        double[] zn = new double[out];
        double[] share = new double[out];
        double[] backP = new double[in];
        double[] backN = new double[in];
        for (int s = 0; s < n; s++) {
            int aOff = s * in;
            int rOff = s * out;
            if (allZero(rOut, rOff, out)) {
                continue;
            }
            boolean anyNegative = false;
            for (int i = 0; i < in; i++) {
                double v = a[aOff + i];
                ap[i] = Math.max(v, 0);
                an[i] = Math.min(v, 0);
                anyNegative |= v < 0;
            }
            java.util.Arrays.fill(zp, 0);
            java.util.Arrays.fill(zn, 0);
            map.forward(ap, 0, wp, zp, 0);
            map.forward(ap, 0, wn, zn, 0);
            if (anyNegative) {
                map.forward(an, 0, wn, zp, 0);
                map.forward(an, 0, wp, zn, 0);
            }
            boolean anyShare = false;
            for (int j = 0; j < out; j++) {
                double b = bias == null ? 0 : bias[j];
                double bp = Math.max(b, 0);
                double bn = Math.min(b, 0);
                double denP = zp[j] + bp;
                double denN = zn[j] + bn;
                double r = rOut[rOff + j];
                double qp = denP == 0 ? 0 : alpha * r / denP;
                double qn = denN == 0 || beta == 0 ? 0 : beta * r / denN;
                zp[j] = qp;
                zn[j] = qn;
                double sh = fan[j] > 0 ? delta * (bp * qp - bn * qn) / fan[j] : 0;
                share[j] = sh;
                anyShare |= sh != 0;
            }
            // positive part: α Σ_j z⁺_ij / z⁺_j R_j ; negative part: β Σ_j z⁻_ij / z⁻_j R_j
            java.util.Arrays.fill(backP, 0);
            java.util.Arrays.fill(backN, 0);
            map.transpose(zp, 0, wp, backP, 0);
            map.transpose(zn, 0, wn, backN, 0);
            for (int i = 0; i < in; i++) {
                result[aOff + i] = ap[i] * (backP[i] - backN[i]);
            }
            if (anyNegative) {
                java.util.Arrays.fill(backP, 0);
                java.util.Arrays.fill(backN, 0);
                map.transpose(zp, 0, wn, backP, 0);
                map.transpose(zn, 0, wp, backN, 0);
                for (int i = 0; i < in; i++) {
                    result[aOff + i] += an[i] * (backP[i] - backN[i]);
                }
            }
            if (anyShare) {
                map.transposeConnections(share, 0, result, aOff);
            }
        }
    }

    /** Input-independent split: {@code R_i = Σ_j t(w_ij) / Σ_i' t(w_i'j) · R_j} (flat: t = 1; w²: t = w²). */
    private static void spread(LinearMap map, WeightTransform t, double[] norm, double[] rOut, int n,
                               double[] result) {
        int in = map.inSize();
        int out = map.outSize();
        double[] w = map.weights(t);
        double[] q = new double[out];
        for (int s = 0; s < n; s++) {
            for (int j = 0; j < out; j++) {
                q[j] = norm[j] == 0 ? 0 : rOut[s * out + j] / norm[j];
            }
            map.transpose(q, 0, w, result, s * in);
        }
    }

    private static boolean allZero(double[] v, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (v[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
