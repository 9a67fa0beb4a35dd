package org.explain4j.metrics;

import org.explain4j.ExplainException;
import org.explain4j.tensor.FloatTensor;

import java.util.Arrays;

/**
 * How large "small" is, per input cell, for the metrics that perturb inputs (infidelity noise,
 * the neighbourhood of sensitivity and consistency, OpenBox's directions). A metric's noise or
 * radius is multiplied by this scale, so one setting suits raw clinical values (areas in the
 * thousands next to ratios below 1) as well as standardised ones.
 */
public sealed interface PerturbationScale {

    /**
     * One number per sample, {@code max − min} of its values, as SmoothGrad scales its noise
     * (a constant sample gets 1).
     */
    static PerturbationScale sampleRange() {
        return new SampleRange();
    }

    /** 1 for every cell: noise and radii are in the input's own units. */
    static PerturbationScale unit() {
        return new PerCell(null, "unit");
    }

    /** A given scale per cell, {@code [1, sample...]} or the sample's shape. */
    static PerturbationScale perCell(FloatTensor scale) {
        float[] s = scale.data().clone();
        for (int i = 0; i < s.length; i++) {
            if (!(s[i] >= 0) || Float.isInfinite(s[i])) {
                throw new ExplainException("perturbation scale " + scale.indexOf(i) + " is " + s[i]
                        + "; give finite scales >= 0");
            }
        }
        return new PerCell(s, "given per cell");
    }

    /**
     * The standard deviation of each cell over a data set {@code [M, sample...]} (in double);
     * a cell that never varies gets its mean absolute value, or 1 when that is 0 too, so no
     * cell is left unperturbed.
     */
    static PerturbationScale stdOf(FloatTensor data) {
        int m = data.batchSize();
        int f = data.sampleSize();
        if (m == 0) {
            throw new ExplainException("the data set for the perturbation scale is empty; give at least one sample");
        }
        double[] mean = new double[f];
        double[] m2 = new double[f];
        float[] x = data.data();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < f; j++) {
                double d = x[i * f + j] - mean[j];
                mean[j] += d / (i + 1);
                m2[j] += d * (x[i * f + j] - mean[j]);
            }
        }
        float[] s = new float[f];
        for (int j = 0; j < f; j++) {
            double sd = m > 1 ? Math.sqrt(m2[j] / (m - 1)) : 0;
            s[j] = (float) (sd > 0 ? sd : Math.abs(mean[j]) > 0 ? Math.abs(mean[j]) : 1);
        }
        return new PerCell(s, "per-cell std of " + m + " samples");
    }

    /** The scale of each cell of sample {@code x[offset, offset + size)}, written to {@code out}. */
    void of(float[] x, int offset, int size, float[] out);

    /** For parameters and reports. */
    String describe();

    record SampleRange() implements PerturbationScale {
        @Override
        public void of(float[] x, int offset, int size, float[] out) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < size; j++) {
                lo = Math.min(lo, x[offset + j]);
                hi = Math.max(hi, x[offset + j]);
            }
            float r = hi > lo ? hi - lo : 1f;
            Arrays.fill(out, 0, size, r);
        }

        @Override
        public String describe() {
            return "sample range";
        }
    }

    record PerCell(float[] scale, String description) implements PerturbationScale {
        @Override
        public void of(float[] x, int offset, int size, float[] out) {
            if (scale == null) {
                Arrays.fill(out, 0, size, 1f);
                return;
            }
            if (scale.length != size) {
                throw new ExplainException("the perturbation scale has " + scale.length + " cells but a sample has "
                        + size + "; give one scale per input cell");
            }
            System.arraycopy(scale, 0, out, 0, size);
        }

        @Override
        public String describe() {
            return description;
        }
    }
}
