package org.explain4j.visualize;

import org.explain4j.ExplainException;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.InputLayout;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.VjpResult;
import org.explain4j.tensor.FloatTensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Class (and unit) visualisation by gradient ascent (METHODS §1, Simonyan et al.; regularisers of
 * the Deep Visualization toolbox, Yosinski et al.): {@code argmax_I S(I) − λ‖I‖²} by
 * {@code I_t = I_{t−1} + α ∇_I (S(I) − λ‖I‖²)}. Several targets (classes, or units of a tensor)
 * are optimised together, one batch row each. Deterministic for a given seed.
 *
 * <p>The score {@code S} of row {@code k} is {@code Σ cotangent[k] · output[k]} of the model's
 * first output: a one-hot cotangent selects a class logit; for unit visualisation the model is
 * one whose first output is the intermediate tensor (see {@link #units}).
 */
public final class ClassVisualization {

    /**
     * The optimised inputs and the trajectory.
     *
     * @param inputs     {@code [K, ...]}, the training mean added when one was given
     * @param scores     {@code [K][iterations + 1]}: S at the start and after every step
     * @param objectives {@code [K][iterations + 1]}: S − λ‖I‖²
     */
    public record Result(FloatTensor inputs, double[][] scores, double[][] objectives) {
        public double finalScore(int k) {
            return scores[k][scores[k].length - 1];
        }
    }

    private final ExplainableModel model;
    private final InputLayout layout;
    private final ValidRange range;
    private final VisualizationOptions options;

    public ClassVisualization(ExplainableModel model, InputLayout layout, ValidRange range, VisualizationOptions options) {
        if (!model.supportsGradients()) {
            throw new ExplainException("model '" + model.info().name() + "' has no gradients; visualisation needs them");
        }
        this.model = model;
        this.layout = layout;
        this.range = range == null ? ValidRange.none() : range;
        this.options = options;
        if (!this.range.isNone() && layout != InputLayout.TIME_FEATURES) {
            throw new ExplainException("per-column valid ranges need a time_features input; this one is " + layout);
        }
        if (options.jitter() > 0 && layout != InputLayout.IMAGE) {
            throw new ExplainException("jitter shifts images; this input is " + layout + ", use --jitter 0");
        }
        if (options.blurEvery() > 0 && layout == InputLayout.FEATURES) {
            throw new ExplainException("blur needs an axis to smooth along (time or pixels); a features input has"
                    + " none, use blur-every 0");
        }
    }

    /**
     * Maximises the logit of each of {@code classes} (one batch row per class). A single sigmoid
     * output is a binary model: class 1 maximises its logit, class 0 maximises minus it (the
     * logit of class 0).
     */
    public Result classes(int... classes) {
        long[] outShape = outputShape();
        if (outShape.length != 2) {
            throw new ExplainException("class visualisation needs a [N,C] output; model '" + model.info().name()
                    + "' outputs " + Arrays.toString(outShape));
        }
        int c = (int) outShape[1];
        boolean binary = c == 1 && model.info().description() != null
                && model.info().description().activation() == OutputActivation.SIGMOID;
        int classCount = binary ? 2 : c;
        float[] cot = new float[classes.length * c];
        for (int k = 0; k < classes.length; k++) {
            if (classes[k] < 0 || classes[k] >= classCount) {
                throw new ExplainException("class " + classes[k] + " is out of range; model '" + model.info().name()
                        + "' has classes 0.." + (classCount - 1));
            }
            if (binary) {
                cot[k] = classes[k] == 1 ? 1f : -1f;
            } else {
                cot[k * c + classes[k]] = 1f;
            }
        }
        return ascend(new FloatTensor(new long[]{classes.length, c}, cot));
    }

    /**
     * Maximises, per row, the mean activation of channel {@code units[k]} of the model's first
     * output {@code [N,K,...]} (a conv channel, averaged over its positions), or unit
     * {@code units[k]} of a {@code [N,U]} output. Give a model whose first output is the
     * intermediate tensor (e.g. the ONNX graph cut after that tensor).
     */
    public Result units(String tensorName, int... units) {
        long[] outShape = outputShape();
        if (outShape.length < 2) {
            throw new ExplainException("tensor '" + tensorName + "' has shape " + Arrays.toString(outShape)
                    + "; unit visualisation needs the batch first and units or channels second");
        }
        int channels = (int) outShape[1];
        int per = 1;
        for (int i = 2; i < outShape.length; i++) {
            per *= (int) outShape[i];
        }
        float[] cot = new float[units.length * channels * per];
        for (int k = 0; k < units.length; k++) {
            if (units[k] < 0 || units[k] >= channels) {
                throw new ExplainException("unit " + units[k] + " is out of range; tensor '" + tensorName + "' has "
                        + channels + (per > 1 ? " channels" : " units") + " (0.." + (channels - 1) + ")");
            }
            for (int p = 0; p < per; p++) {
                cot[(k * channels + units[k]) * per + p] = 1f / per; // mean over the channel's positions
            }
        }
        long[] shape = outShape.clone();
        shape[0] = units.length;
        return ascend(new FloatTensor(shape, cot));
    }

    private long[] outputShape() {
        long[] s = model.info().output().shape().clone();
        if (s.length >= 1) {
            s[0] = 1;
        }
        for (int i = 1; i < s.length; i++) {
            if (s[i] < 0) { // free dimension: ask the model
                return model.forward(start(1)).shape();
            }
        }
        return s;
    }

    private FloatTensor start(int rows) {
        long[] sample = model.info().input().shape().clone();
        sample[0] = rows;
        for (int i = 1; i < sample.length; i++) {
            if (sample[i] < 0) {
                throw new ExplainException("model '" + model.info().name() + "' input has a free dimension "
                        + Arrays.toString(model.info().input().shape()) + "; visualisation needs a fixed sample shape");
            }
        }
        return FloatTensor.zeros(sample);
    }

    private Result ascend(FloatTensor cotangent) {
        int k = cotangent.batchSize();
        FloatTensor init = start(k);
        long[] shape = init.shape();
        int size = init.sampleSize();
        float[] mean = new float[size];
        if (options.trainingMean() != null) {
            float[] m = options.trainingMean().data();
            if (m.length != size) {
                throw new ExplainException("training mean has " + m.length + " values; one input sample has " + size);
            }
            mean = m.clone();
        }
        // I is the deviation from the mean (zero mean when none is given): the model sees mean + I.
        float[] dev = new float[k * size];
        SplittableRandom rnd = new SplittableRandom(options.seed());
        if (options.start() == VisualizationOptions.Start.NOISE) {
            for (int i = 0; i < dev.length; i++) {
                dev[i] = (float) (options.noiseScale() * gaussian(rnd));
            }
        } // zeros and the mean both start at I = 0 (the mean start is mean + 0)
        float lambda = options.lambda();
        float alpha = options.stepSize();
        int steps = options.iterations();
        double[][] scores = new double[k][steps + 1];
        double[][] objectives = new double[k][steps + 1];
        project(dev, mean, k, size);
        for (int t = 0; t <= steps; t++) {
            int[] shift = new int[2];
            float[] seen = new float[k * size];
            for (int i = 0; i < seen.length; i++) {
                seen[i] = mean[i % size] + dev[i];
            }
            boolean jittered = options.jitter() > 0 && t < steps;
            if (jittered) {
                shift[0] = rnd.nextInt(-options.jitter(), options.jitter() + 1);
                shift[1] = rnd.nextInt(-options.jitter(), options.jitter() + 1);
            }
            if (!jittered || t == steps) {
                shift[0] = 0;
                shift[1] = 0;
            }
            FloatTensor x = new FloatTensor(shape, roll(seen, shape, shift[0], shift[1]));
            VjpResult r = model.vjp(x, cotangent);
            float[] grad = roll(r.inputGradient().data(), shape, -shift[0], -shift[1]);
            float[] out = r.output().data();
            float[] cot = cotangent.data();
            int per = cot.length / k;
            for (int row = 0; row < k; row++) {
                double s = 0;
                for (int j = 0; j < per; j++) {
                    s += (double) cot[row * per + j] * out[row * per + j];
                }
                double norm = 0;
                for (int j = 0; j < size; j++) {
                    norm += (double) dev[row * size + j] * dev[row * size + j];
                }
                scores[row][t] = s;
                objectives[row][t] = s - lambda * norm;
            }
            if (t == steps) {
                break;
            }
            for (int i = 0; i < dev.length; i++) {
                dev[i] += alpha * (grad[i] - 2f * lambda * dev[i]);
            }
            if (options.blurEvery() > 0 && (t + 1) % options.blurEvery() == 0) {
                for (int row = 0; row < k; row++) {
                    blur(dev, row * size, shape);
                }
            }
            if (options.valuePercentile() > 0 || options.contributionPercentile() > 0) {
                clip(dev, grad, k, size);
            }
            project(dev, mean, k, size);
        }
        float[] result = new float[k * size];
        for (int i = 0; i < result.length; i++) {
            result[i] = mean[i % size] + dev[i];
        }
        return new Result(new FloatTensor(shape, result), scores, objectives);
    }

    /** Keeps mean + I in the valid range by projecting it and taking the mean off again. */
    private void project(float[] dev, float[] mean, int k, int size) {
        if (range.isNone()) {
            return;
        }
        long[] s = model.info().input().shape();
        int steps = (int) s[1];
        int width = (int) s[2];
        float[] x = new float[size];
        for (int row = 0; row < k; row++) {
            for (int j = 0; j < size; j++) {
                x[j] = mean[j] + dev[row * size + j];
            }
            range.project(x, 0, width, steps);
            for (int j = 0; j < size; j++) {
                dev[row * size + j] = x[j] - mean[j];
            }
        }
    }

    /** Zeroes small values and small contributions |I · ∇| per row, by percentile (Yosinski et al.). */
    private void clip(float[] dev, float[] grad, int k, int size) {
        for (int row = 0; row < k; row++) {
            int o = row * size;
            float valueCut = percentile(dev, o, size, options.valuePercentile(), null);
            float contribCut = percentile(dev, o, size, options.contributionPercentile(), grad);
            for (int j = 0; j < size; j++) {
                if (options.valuePercentile() > 0 && Math.abs(dev[o + j]) < valueCut) {
                    dev[o + j] = 0f;
                } else if (options.contributionPercentile() > 0 && Math.abs(dev[o + j] * grad[o + j]) < contribCut) {
                    dev[o + j] = 0f;
                }
            }
        }
    }

    private static float percentile(float[] v, int o, int n, float pct, float[] times) {
        if (pct <= 0) {
            return 0f;
        }
        float[] a = new float[n];
        for (int j = 0; j < n; j++) {
            a[j] = Math.abs(times == null ? v[o + j] : v[o + j] * times[o + j]);
        }
        Arrays.sort(a);
        return a[Math.min(n - 1, (int) Math.floor(pct / 100.0 * n))];
    }

    /** Gaussian blur of one sample: along time ([T,F] axis 0, [C,T] last axis) or over H and W of images. */
    private void blur(float[] v, int offset, long[] shape) {
        float[] kernel = kernel(options.blurSigma());
        switch (layout) {
            case TIME_FEATURES -> smooth(v, offset, (int) shape[1], (int) shape[2], kernel, true);
            case CHANNELS_TIME -> smooth(v, offset, (int) shape[1], (int) shape[2], kernel, false);
            case IMAGE -> {
                int h = (int) shape[shape.length - 2];
                int w = (int) shape[shape.length - 1];
                int planes = (int) (FloatTensor.elementCount(shape) / shape[0] / (h * (long) w));
                for (int p = 0; p < planes; p++) {
                    smooth(v, offset + p * h * w, h, w, kernel, true);
                    smooth(v, offset + p * h * w, h, w, kernel, false);
                }
            }
            default -> throw new ExplainException("cannot blur a " + layout + " input");
        }
    }

    /** 1-D convolution of a rows × cols block, along rows ({@code alongRows}) or along columns, edges clamped. */
    private static void smooth(float[] v, int offset, int rows, int cols, float[] kernel, boolean alongRows) {
        int r = kernel.length / 2;
        float[] copy = Arrays.copyOfRange(v, offset, offset + rows * cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int d = -r; d <= r; d++) {
                    int ii = alongRows ? Math.max(0, Math.min(rows - 1, i + d)) : i;
                    int jj = alongRows ? j : Math.max(0, Math.min(cols - 1, j + d));
                    s += kernel[d + r] * copy[ii * cols + jj];
                }
                v[offset + i * cols + j] = (float) s;
            }
        }
    }

    private static float[] kernel(float sigma) {
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        float[] k = new float[2 * r + 1];
        double sum = 0;
        for (int d = -r; d <= r; d++) {
            k[d + r] = (float) Math.exp(-d * d / (2.0 * sigma * sigma));
            sum += k[d + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= (float) sum;
        }
        return k;
    }

    /** Circular shift of every image plane by (dy, dx); identity for other layouts or zero shifts. */
    private float[] roll(float[] v, long[] shape, int dy, int dx) {
        if ((dy == 0 && dx == 0) || layout != InputLayout.IMAGE) {
            return v;
        }
        int h = (int) shape[shape.length - 2];
        int w = (int) shape[shape.length - 1];
        float[] out = new float[v.length];
        for (int p = 0; p < v.length / (h * w); p++) {
            int o = p * h * w;
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    out[o + Math.floorMod(i + dy, h) * w + Math.floorMod(j + dx, w)] = v[o + i * w + j];
                }
            }
        }
        return out;
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
