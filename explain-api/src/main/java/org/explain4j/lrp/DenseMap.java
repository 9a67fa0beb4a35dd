package org.explain4j.lrp;

/**
 * A fully connected layer: {@code in} inputs to {@code out} outputs, weights stored
 * {@code w[i * out + j]} (input-major, as {@code z = a · W} with {@code W} of shape
 * {@code [in, out]}).
 */
public final class DenseMap extends LinearMap {
    private final int in;
    private final int out;

    /**
     * @param weights {@code [in, out]} row-major
     * @param bias    {@code [out]} or {@code null}
     */
    public DenseMap(int in, int out, double[] weights, double[] bias) {
        super(in, out, check(in, out, weights), bias);
        this.in = in;
        this.out = out;
    }

    private static double[] check(int in, int out, double[] weights) {
        if (weights.length != (long) in * out) {
            throw new IllegalArgumentException("dense weights hold " + weights.length + " values for " + in + " x " + out);
        }
        return weights;
    }

    @Override
    public void forward(double[] a, int aOff, double[] w, double[] z, int zOff) {
        for (int i = 0; i < in; i++) {
            double ai = a[aOff + i];
            if (ai == 0) {
                continue;
            }
            int base = i * out;
            for (int j = 0; j < out; j++) {
                z[zOff + j] += ai * w[base + j];
            }
        }
    }

    /** Every input reads every output: each input gets the sum of the shares. */
    @Override
    public void transposeConnections(double[] s, int sOff, double[] result, int outOff) {
        double sum = 0;
        for (int j = 0; j < out; j++) {
            sum += s[sOff + j];
        }
        for (int i = 0; i < in; i++) {
            result[outOff + i] += sum;
        }
    }

    @Override
    public void transpose(double[] s, int sOff, double[] w, double[] result, int outOff) {
        for (int i = 0; i < in; i++) {
            int base = i * out;
            double acc = 0;
            for (int j = 0; j < out; j++) {
                acc += w[base + j] * s[sOff + j];
            }
            result[outOff + i] += acc;
        }
    }
}
