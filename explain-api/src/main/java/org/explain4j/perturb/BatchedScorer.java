package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.explain4j.explain.ScoreFunction;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pushes perturbed inputs through {@link ExplainableModel#forward} {@code batchSize} rows at a
 * time and reads back the target's score. Each batch is written straight into one reused float
 * array (no tensor per sample); the caller's {@link Writer} fills row {@code k} in place. One
 * scorer serves one thread.
 */
final class BatchedScorer {

    /** Writes perturbed sample {@code k} into {@code dest[offset, offset + sampleSize)}. */
    @FunctionalInterface
    interface Writer {
        void write(int k, float[] dest, int offset);
    }

    private final ExplainableModel model;
    private final long[] sampleShape;
    private final int sampleSize;
    private final int batchSize;
    private final ScoreFunction score;
    private float[] full = new float[0];
    private float[] tail = new float[0];
    private int[] targets = new int[0];
    private long evaluations;

    BatchedScorer(ExplainableModel model, long[] sampleShape, int batchSize, ScoreFunction score) {
        this.model = model;
        this.sampleShape = sampleShape.clone();
        this.sampleSize = Math.toIntExact(FloatTensor.elementCount(sampleShape));
        this.batchSize = batchSize;
        this.score = score;
    }

    /** The scores of class {@code target} at {@code count} perturbed samples, in sample order. */
    double[] scores(int count, int target, Writer writer) {
        double[] out = new double[count];
        long[] shape = new long[sampleShape.length + 1];
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        for (int start = 0; start < count; start += batchSize) {
            int rows = Math.min(batchSize, count - start);
            float[] buffer = buffer(rows);
            for (int k = 0; k < rows; k++) {
                writer.write(start + k, buffer, k * sampleSize);
            }
            shape[0] = rows;
            FloatTensor y = model.forward(new FloatTensor(shape, buffer));
            if (y.rank() < 1 || y.batchSize() != rows) {
                throw new ExplainException("the model returned " + Arrays.toString(y.shape()) + " for a batch of " + rows
                        + " perturbed samples; expected one output row per sample");
            }
            if (score.score() == Score.LOGIT && y.rank() == 2 && target < y.dim(1)) {
                // The logit is read in place; the score function's cotangents are not needed here.
                float[] v = y.data();
                int c = (int) y.dim(1);
                for (int k = 0; k < rows; k++) {
                    float s = v[k * c + target];
                    if (!Float.isFinite(s)) {
                        throw new ExplainException("the model's output [" + k + "," + target + "] is " + s
                                + " for a perturbed sample; the baseline or the perturbation drives the model out of range");
                    }
                    out[start + k] = s;
                }
            } else {
                if (targets.length != rows) {
                    targets = new int[rows];
                }
                Arrays.fill(targets, target);
                double[] s = score.evaluate(y, targets).scores();
                System.arraycopy(s, 0, out, start, rows);
            }
            evaluations += rows;
        }
        return out;
    }

    /** Model rows scored so far. */
    long evaluations() {
        return evaluations;
    }

    /**
     * Batch arrays up to this many floats (4 MiB) are kept per thread between explanations:
     * allocating and zeroing a fresh large array per explanation costs as much as the sampling.
     */
    private static final int KEEP_LIMIT = 1 << 20;
    private static final ThreadLocal<float[][]> KEPT = ThreadLocal.withInitial(() -> new float[2][0]);

    /** One array for full batches, one for the shorter last batch; both kept for the next call. */
    private float[] buffer(int rows) {
        int len = rows * sampleSize;
        boolean isFull = rows == batchSize;
        float[] current = isFull ? full : tail;
        if (current.length == len) {
            return current;
        }
        float[][] kept = KEPT.get();
        int slot = isFull ? 0 : 1;
        if (kept[slot].length == len) {
            current = kept[slot];
        } else {
            current = new float[len];
            if (len <= KEEP_LIMIT) {
                kept[slot] = current;
            }
        }
        if (isFull) {
            full = current;
        } else {
            tail = current;
        }
        return current;
    }

    /** The model's outputs at {@code inputs}, {@code batchSize} samples per call. */
    static FloatTensor forwardAll(ExplainableModel model, FloatTensor inputs, int batchSize) {
        int n = inputs.batchSize();
        if (n <= batchSize) {
            return model.forward(inputs);
        }
        List<FloatTensor> parts = new ArrayList<>();
        for (int from = 0; from < n; from += batchSize) {
            parts.add(model.forward(inputs.slice(from, Math.min(n, from + batchSize))));
        }
        return FloatTensor.concat(parts);
    }
}
