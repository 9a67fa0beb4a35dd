package org.explain4j.lrp;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * One direction of an LSTM layer, recomputed in double from its weights and its input, and the
 * Arras et al. (2017) relevance rule through it (METHODS §2). Steps are numbered in the order
 * the direction processes them (a reverse direction's step 0 reads the last time step); the
 * caller maps steps to time.
 *
 * <pre>
 *   i = f(W_i x + R_i h' + p_i⊙c' + b_i)     f = f(W_f x + R_f h' + p_f⊙c' + b_f)   (or f = 1 − i)
 *   g = g(W_g x + R_g h' + b_g)               c = f⊙c' + i⊙g
 *   o = f(W_o x + R_o h' + p_o⊙c + b_o)       h = o⊙h(c)
 * </pre>
 * with pre-activations clipped to {@code [−clip, clip]} when a clip is set.
 *
 * <p>Relevance, for steps {@code k = K−1 … 0}: the output gate gets nothing, so {@code R_c += R_h};
 * {@code c = f⊙c' + i⊙g} splits {@code R_c} between {@code f⊙c'} (to {@code R_c'}) and
 * {@code i⊙g} (to {@code R_g}) by the rule with identity weights; {@code R_g} flows through
 * the cell candidate's pre-activation {@code W_g x + R_g h' + b_g} by the rule to {@code R_x}
 * and {@code R_h'}. Gates get nothing.
 */
public final class LstmCell {
    private final int inputSize;
    private final int hidden;
    private final double[] wi, wf, wg, wo; // [H, I]
    private final double[] ri, rf, rg, ro; // [H, H]
    private final double[] bi, bf, bg, bo; // [H]
    private final double[] pi, pf, po;     // [H] or null
    private final DoubleUnaryOperator gate, cell, out;
    private final double clip;
    private final boolean inputForget;
    private final DenseMap candidate;
    private final SparseMap split;

    /**
     * @param w        input weights per gate i, f, g, o, each {@code [H, I]} row-major
     * @param r        recurrence weights per gate i, f, g, o, each {@code [H, H]}
     * @param b        summed biases per gate i, f, g, o, each {@code [H]}
     * @param p        peepholes i, f, o, each {@code [H]}, or {@code null}
     * @param clip     pre-activation clip, or {@code Double.NaN} for none
     */
    public LstmCell(int inputSize, int hidden, double[][] w, double[][] r, double[][] b, double[][] p,
                    DoubleUnaryOperator gate, DoubleUnaryOperator cell, DoubleUnaryOperator out, double clip,
                    boolean inputForget) {
        this.inputSize = inputSize;
        this.hidden = hidden;
        this.wi = w[0];
        this.wf = w[1];
        this.wg = w[2];
        this.wo = w[3];
        this.ri = r[0];
        this.rf = r[1];
        this.rg = r[2];
        this.ro = r[3];
        this.bi = b[0];
        this.bf = b[1];
        this.bg = b[2];
        this.bo = b[3];
        this.pi = p == null ? null : p[0];
        this.pf = p == null ? null : p[1];
        this.po = p == null ? null : p[2];
        this.gate = gate;
        this.cell = cell;
        this.out = out;
        this.clip = clip;
        this.inputForget = inputForget;
        // cell candidate pre-activation as one dense layer over [x ; h'], weights [I + H, H]
        double[] cw = new double[(inputSize + hidden) * hidden];
        for (int j = 0; j < hidden; j++) {
            for (int i = 0; i < inputSize; i++) {
                cw[i * hidden + j] = wg[j * inputSize + i];
            }
            for (int k = 0; k < hidden; k++) {
                cw[(inputSize + k) * hidden + j] = rg[j * hidden + k];
            }
        }
        this.candidate = new DenseMap(inputSize + hidden, hidden, cw, bg.clone());
        // c = 1·(f⊙c') + 1·(i⊙g): inputs [f⊙c' ; i⊙g]
        SparseMap.Builder sb = new SparseMap.Builder(2 * hidden, hidden);
        for (int j = 0; j < hidden; j++) {
            sb.add(j, j, 1).add(j, hidden + j, 1);
        }
        this.split = sb.build(null);
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hidden;
    }

    /**
     * The states of a run: per step {@code k} and sample {@code s}, arrays {@code [K][n][H]}
     * flattened, plus the inputs {@code x [K][n][I]} and the initial states {@code [n][H]}.
     */
    public record Trace(int steps, int n, double[] x, double[] h0, double[] c0, double[] i, double[] f,
                        double[] g, double[] o, double[] c, double[] h) {
    }

    /**
     * Runs {@code steps} steps for {@code n} samples.
     *
     * @param x  inputs in processing order, {@code [K][n][I]}
     * @param h0 initial hidden state {@code [n][H]} (zeros when null)
     * @param c0 initial cell state {@code [n][H]} (zeros when null)
     */
    public Trace run(double[] x, int n, int steps, double[] h0, double[] c0) {
        int hs = hidden;
        double[] hPrev = h0 == null ? new double[n * hs] : h0.clone();
        double[] cPrev = c0 == null ? new double[n * hs] : c0.clone();
        double[] hInit = hPrev.clone();
        double[] cInit = cPrev.clone();
        int size = steps * n * hs;
        double[] ia = new double[size];
        double[] fa = new double[size];
        double[] ga = new double[size];
        double[] oa = new double[size];
        double[] ca = new double[size];
        double[] ha = new double[size];
        for (int k = 0; k < steps; k++) {
            for (int s = 0; s < n; s++) {
                int xOff = (k * n + s) * inputSize;
                int pOff = s * hs;
                int off = (k * n + s) * hs;
                for (int j = 0; j < hs; j++) {
                    double zi = bi[j];
                    double zf = bf[j];
                    double zg = bg[j];
                    double zo = bo[j];
                    int wr = j * inputSize;
                    for (int q = 0; q < inputSize; q++) {
                        double xv = x[xOff + q];
                        zi += wi[wr + q] * xv;
                        zf += wf[wr + q] * xv;
                        zg += wg[wr + q] * xv;
                        zo += wo[wr + q] * xv;
                    }
                    int rr = j * hs;
                    for (int q = 0; q < hs; q++) {
                        double hv = hPrev[pOff + q];
                        zi += ri[rr + q] * hv;
                        zf += rf[rr + q] * hv;
                        zg += rg[rr + q] * hv;
                        zo += ro[rr + q] * hv;
                    }
                    double cp = cPrev[pOff + j];
                    if (pi != null) {
                        zi += pi[j] * cp;
                        zf += pf[j] * cp;
                    }
                    double iv = gate.applyAsDouble(clip(zi));
                    double fv = inputForget ? 1 - iv : gate.applyAsDouble(clip(zf));
                    double gv = cell.applyAsDouble(clip(zg));
                    double cv = fv * cp + iv * gv;
                    if (po != null) {
                        zo += po[j] * cv;
                    }
                    double ov = gate.applyAsDouble(clip(zo));
                    ia[off + j] = iv;
                    fa[off + j] = fv;
                    ga[off + j] = gv;
                    oa[off + j] = ov;
                    ca[off + j] = cv;
                    ha[off + j] = ov * out.applyAsDouble(cv);
                }
            }
            System.arraycopy(ha, k * n * hs, hPrev, 0, n * hs);
            System.arraycopy(ca, k * n * hs, cPrev, 0, n * hs);
        }
        return new Trace(steps, n, x.clone(), hInit, cInit, ia, fa, ga, oa, ca, ha);
    }

    private double clip(double z) {
        return Double.isNaN(clip) ? z : Math.max(-clip, Math.min(clip, z));
    }

    /** Relevance of a direction's inputs and initial states. */
    public record Relevance(double[] x, double[] h0, double[] c0) {
    }

    /**
     * The Arras rule backwards through a run.
     *
     * @param rh     relevance arriving at each step's hidden output from outside the cell, {@code [K][n][H]}
     * @param rcLast relevance arriving at the last step's cell state from outside (the op's final
     *               cell output), {@code [n][H]}, or {@code null}
     * @param rule   the rule for the cell-state split and the cell candidate (the ε rule in Arras et al.)
     */
    public Relevance relevance(Trace t, double[] rh, double[] rcLast, Rule rule, double biasFactor) {
        int n = t.n();
        int hs = hidden;
        int steps = t.steps();
        double[] rx = new double[steps * n * inputSize];
        double[] rH = new double[n * hs];
        double[] rC = rcLast == null ? new double[n * hs] : rcLast.clone();
        double[] splitIn = new double[n * 2 * hs];
        double[] candIn = new double[n * (inputSize + hs)];
        double[] rG = new double[n * hs];
        for (int k = steps - 1; k >= 0; k--) {
            int off = k * n * hs;
            for (int q = 0; q < n * hs; q++) {
                rH[q] += rh[off + q];
                rC[q] += rH[q]; // h = o ⊙ h(c): the output gate gets nothing
            }
            for (int s = 0; s < n; s++) {
                for (int j = 0; j < hs; j++) {
                    int idx = off + s * hs + j;
                    double cPrev = k == 0 ? t.c0()[s * hs + j] : t.c()[idx - n * hs];
                    splitIn[s * 2 * hs + j] = t.f()[idx] * cPrev;
                    splitIn[s * 2 * hs + hs + j] = t.i()[idx] * t.g()[idx];
                }
            }
            double[] rSplit = LinearRules.propagate(rule, split, splitIn, rC, n, biasFactor);
            for (int s = 0; s < n; s++) {
                System.arraycopy(rSplit, s * 2 * hs, rC, s * hs, hs);
                System.arraycopy(rSplit, s * 2 * hs + hs, rG, s * hs, hs);
                System.arraycopy(t.x(), (k * n + s) * inputSize, candIn, s * (inputSize + hs), inputSize);
                if (k == 0) {
                    System.arraycopy(t.h0(), s * hs, candIn, s * (inputSize + hs) + inputSize, hs);
                } else {
                    System.arraycopy(t.h(), ((k - 1) * n + s) * hs, candIn, s * (inputSize + hs) + inputSize, hs);
                }
            }
            double[] rCand = LinearRules.propagate(rule, candidate, candIn, rG, n, biasFactor);
            Arrays.fill(rH, 0);
            for (int s = 0; s < n; s++) {
                System.arraycopy(rCand, s * (inputSize + hs), rx, (k * n + s) * inputSize, inputSize);
                System.arraycopy(rCand, s * (inputSize + hs) + inputSize, rH, s * hs, hs);
            }
        }
        return new Relevance(rx, rH, rC);
    }
}
