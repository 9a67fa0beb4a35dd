package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.explain4j.explain.Baseline;
import org.explain4j.model.InputLayout;
import org.explain4j.tensor.FloatTensor;

import java.util.Arrays;

/**
 * The "off" values of perturbation methods: what a switched-off feature's cells become. One
 * sample's worth of values, computed per instance (a blurred baseline depends on the input).
 */
public sealed interface PerturbationBaseline {

    /** Off = 0. */
    static PerturbationBaseline zero() {
        return new Constant(0f);
    }

    /** Off = {@code value} in every cell. */
    static PerturbationBaseline constant(float value) {
        return new Constant(value);
    }

    /** Off = the given sample's values (one sample, shaped like an input sample). */
    static PerturbationBaseline of(float[] sample) {
        return new Sample(sample.clone(), "given");
    }

    /** Off = each cell's mean over the background samples {@code [M,...]} (mean in double). */
    static PerturbationBaseline cellMean(FloatTensor background) {
        return new Sample(meanSample(background), "cell_mean(" + background.batchSize() + ")");
    }

    /**
     * Off = each interpretable feature's mean: the mean over the background samples and over the
     * feature's cells, one constant per feature (e.g. a variable's mean over a window and over
     * patients). Unassigned cells take their cell mean.
     */
    static PerturbationBaseline featureMean(FloatTensor background, FeatureMask mask) {
        mask.requireShape(background.sampleShape());
        float[] cell = meanSample(background);
        float[] out = cell.clone();
        for (int f = 0; f < mask.featureCount(); f++) {
            int[] cells = mask.cells(f);
            double s = 0;
            for (int c : cells) {
                s += cell[c];
            }
            float m = (float) (s / cells.length);
            for (int c : cells) {
                out[c] = m;
            }
        }
        return new Sample(out, "feature_mean(" + background.batchSize() + ")");
    }

    /**
     * Off = the input blurred by a box filter of half-width {@code radius} along time (sequences)
     * or height and width (images, per channel); windows are clipped at the edges. Tabular
     * inputs have no neighbourhood to blur.
     */
    static PerturbationBaseline blurred(int radius) {
        return new Blur(radius);
    }

    /** The perturbation counterpart of a gradient-family {@link Baseline} given as one sample. */
    static PerturbationBaseline from(Baseline baseline) {
        if (baseline instanceof Baseline.Mean m) {
            return new Sample(m.mean().sampleData(0), "cell_mean(" + m.count() + ")");
        }
        if (baseline instanceof Baseline.Given g) {
            if (g.baseline().batchSize() != 1) {
                throw new ExplainException("perturbation methods take one baseline sample for all inputs; got "
                        + g.baseline().batchSize());
            }
            return new Sample(g.baseline().sampleData(0), "given");
        }
        return zero();
    }

    /**
     * The off values for one input sample.
     *
     * @throws ExplainException when the baseline does not fit the sample
     */
    float[] values(float[] x, long[] sampleShape, InputLayout layout);

    /** A short description for attribution parameters. */
    String describe();

    record Constant(float value) implements PerturbationBaseline {
        public Constant {
            if (!Float.isFinite(value)) {
                throw new ExplainException("baseline constant " + value + " is not finite; give a finite number");
            }
        }

        @Override
        public float[] values(float[] x, long[] sampleShape, InputLayout layout) {
            float[] out = new float[x.length];
            Arrays.fill(out, value);
            return out;
        }

        @Override
        public String describe() {
            return value == 0f ? "zero" : "constant(" + value + ")";
        }
    }

    record Sample(float[] sample, String name) implements PerturbationBaseline {
        public Sample {
            for (int i = 0; i < sample.length; i++) {
                if (!Float.isFinite(sample[i])) {
                    throw new ExplainException("baseline value " + i + " is " + sample[i] + "; baselines must be finite");
                }
            }
        }

        @Override
        public float[] values(float[] x, long[] sampleShape, InputLayout layout) {
            if (sample.length != x.length) {
                throw new ExplainException("the " + name + " baseline has " + sample.length + " values but an input sample "
                        + Arrays.toString(sampleShape) + " has " + x.length + "; give one value per input cell");
            }
            return sample;
        }

        @Override
        public String describe() {
            return name;
        }
    }

    record Blur(int radius) implements PerturbationBaseline {
        public Blur {
            if (radius < 1) {
                throw new ExplainException("blur radius must be >= 1; got " + radius);
            }
        }

        @Override
        public float[] values(float[] x, long[] shape, InputLayout layout) {
            InputLayout l = layout == null ? InputLayout.guess(shape.length + 1) : layout;
            if (l == InputLayout.FEATURES || shape.length != (l == InputLayout.IMAGE ? 3 : 2)) {
                throw new ExplainException("a blurred baseline needs a sequence [T,F] / [C,T] or an image [C,H,W];"
                        + " got samples " + Arrays.toString(shape) + " (" + l + "); use zero, a constant or a mean");
            }
            return switch (l) {
                case TIME_FEATURES -> box(x, 1, (int) shape[0], (int) shape[1], radius);
                case CHANNELS_TIME -> box(x, (int) shape[0], (int) shape[1], 1, radius);
                default -> box(box(x, (int) shape[0], (int) shape[1], (int) shape[2], radius),
                        (int) (shape[0] * shape[1]), (int) shape[2], 1, radius);
            };
        }

        /** Box filter along the middle axis of {@code x} viewed as {@code [outer, len, inner]}. */
        private static float[] box(float[] x, int outer, int len, int inner, int r) {
            float[] out = new float[x.length];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    for (int t = 0; t < len; t++) {
                        int from = Math.max(0, t - r);
                        int to = Math.min(len - 1, t + r);
                        double s = 0;
                        for (int u = from; u <= to; u++) {
                            s += x[(o * len + u) * inner + i];
                        }
                        out[(o * len + t) * inner + i] = (float) (s / (to - from + 1));
                    }
                }
            }
            return out;
        }

        @Override
        public String describe() {
            return "blur(radius=" + radius + ")";
        }
    }

    private static float[] meanSample(FloatTensor background) {
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
        return mean;
    }
}
