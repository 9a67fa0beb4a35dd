package org.explain4j.explain;

import org.explain4j.ExplainException;
import org.explain4j.tensor.FloatTensor;

import java.util.Arrays;

/**
 * The reference input x' that path and perturbation methods compare each input against: all
 * zeros, the per-feature mean of a background data set, or a given tensor.
 */
public sealed interface Baseline {

    /** x' = 0. */
    static Baseline zero() {
        return new Zero();
    }

    /** x' = the per-feature mean of {@code background [M,...]} (mean taken in double). */
    static Baseline meanOf(FloatTensor background) {
        if (background.rank() < 1 || background.batchSize() == 0) {
            throw new ExplainException("the baseline's background data set is empty; give at least one sample");
        }
        int m = background.batchSize();
        int f = background.sampleSize();
        double[] sum = new double[f];
        float[] b = background.data();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < f; j++) {
                sum[j] += b[i * f + j];
            }
        }
        float[] mean = new float[f];
        for (int j = 0; j < f; j++) {
            mean[j] = (float) (sum[j] / m);
        }
        long[] shape = background.shape();
        shape[0] = 1;
        return new Mean(new FloatTensor(shape, mean), m);
    }

    /** x' = {@code baseline}: one sample {@code [1,...]} for all inputs, or one per input {@code [N,...]}. */
    static Baseline of(FloatTensor baseline) {
        return new Given(baseline);
    }

    /** A short name for attribution parameters: {@code zero}, {@code mean} or {@code given}. */
    String name();

    /** The baseline of each input, shaped like {@code inputs [N,...]}. */
    FloatTensor resolve(FloatTensor inputs);

    record Zero() implements Baseline {
        @Override
        public String name() {
            return "zero";
        }

        @Override
        public FloatTensor resolve(FloatTensor inputs) {
            return FloatTensor.zeros(inputs.shape());
        }
    }

    /** @param mean the mean sample, {@code [1,...]}; {@code count} the background's sample count */
    record Mean(FloatTensor mean, int count) implements Baseline {
        @Override
        public String name() {
            return "mean";
        }

        @Override
        public FloatTensor resolve(FloatTensor inputs) {
            return broadcast(mean, inputs, "the baseline background");
        }
    }

    record Given(FloatTensor baseline) implements Baseline {
        @Override
        public String name() {
            return "given";
        }

        @Override
        public FloatTensor resolve(FloatTensor inputs) {
            if (baseline.rank() >= 1 && baseline.batchSize() == inputs.batchSize()
                    && Arrays.equals(baseline.shape(), inputs.shape())) {
                return baseline;
            }
            return broadcast(baseline, inputs, "the baseline");
        }
    }

    private static FloatTensor broadcast(FloatTensor one, FloatTensor inputs, String what) {
        if (!Arrays.equals(one.sampleShape(), inputs.sampleShape())) {
            throw new ExplainException(what + " has sample shape " + Arrays.toString(one.sampleShape())
                    + " but the inputs have " + Arrays.toString(inputs.sampleShape())
                    + "; give samples shaped like one input sample");
        }
        if (one.batchSize() != 1) {
            throw new ExplainException(what + " has " + one.batchSize() + " samples for " + inputs.batchSize()
                    + " inputs; give one baseline sample for all inputs or one per input");
        }
        int f = inputs.sampleSize();
        int n = inputs.batchSize();
        float[] out = new float[n * f];
        for (int i = 0; i < n; i++) {
            System.arraycopy(one.data(), 0, out, i * f, f);
        }
        return new FloatTensor(inputs.shape(), out);
    }
}
