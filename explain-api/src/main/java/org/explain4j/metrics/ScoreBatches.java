package org.explain4j.metrics;

import org.explain4j.ExplainException;
import org.explain4j.explain.ScoreFunction;
import org.explain4j.model.ExplainableModel;
import org.explain4j.tensor.FloatTensor;

import java.util.Arrays;

/**
 * Pushes many derived inputs (masked copies, noisy copies, points along a line) through
 * {@link ExplainableModel#forward}, {@code batchSize} rows per call, and reads back either the
 * target's score or all outputs. Rows are written straight into one batch buffer; nothing
 * per row is allocated.
 */
final class ScoreBatches {
    private ScoreBatches() {
    }

    /** Writes derived input {@code row} into {@code dst[offset, offset + sampleSize)}. */
    @FunctionalInterface
    interface RowWriter {
        void write(int row, float[] dst, int offset);
    }

    /** The class whose score row {@code row} is read for. */
    @FunctionalInterface
    interface RowTarget {
        int of(int row);
    }

    static void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new ExplainException("batch size " + batchSize + " is invalid; give a positive number of rows");
        }
    }

    /** The score {@code sf} of each row's target, in row order. */
    static double[] scores(ExplainableModel model, long[] sampleShape, int rows, RowTarget target, ScoreFunction sf,
                           int batchSize, RowWriter writer) {
        double[] out = new double[rows];
        int[] targets = new int[Math.min(rows, batchSize)];
        forEachBatch(model, sampleShape, rows, batchSize, writer, (start, count, y) -> {
            if (targets.length != count) {
                int[] t = new int[count];
                fill(t, start, target);
                System.arraycopy(sf.evaluate(y, t).scores(), 0, out, start, count);
            } else {
                fill(targets, start, target);
                System.arraycopy(sf.evaluate(y, targets).scores(), 0, out, start, count);
            }
        });
        return out;
    }

    /** All model outputs at each row, row-major {@code [rows, C]}, in double. */
    static double[] outputs(ExplainableModel model, long[] sampleShape, int rows, int classCount, int batchSize,
                            RowWriter writer) {
        double[] out = new double[Math.multiplyExact(rows, classCount)];
        forEachBatch(model, sampleShape, rows, batchSize, writer, (start, count, y) -> {
            if (y.sampleSize() != classCount) {
                throw new ExplainException("the model returned " + y.sampleSize() + " outputs per sample where "
                        + classCount + " were expected");
            }
            float[] v = y.data();
            for (int i = 0; i < count * classCount; i++) {
                out[start * classCount + i] = v[i];
            }
        });
        return out;
    }

    private static void fill(int[] t, int start, RowTarget target) {
        for (int k = 0; k < t.length; k++) {
            t[k] = target.of(start + k);
        }
    }

    private interface BatchSink {
        void accept(int start, int count, FloatTensor outputs);
    }

    private static void forEachBatch(ExplainableModel model, long[] sampleShape, int rows, int batchSize,
                                     RowWriter writer, BatchSink sink) {
        checkBatchSize(batchSize);
        int f = Math.toIntExact(FloatTensor.elementCount(sampleShape));
        long[] shape = new long[sampleShape.length + 1];
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        float[] full = null;
        for (int start = 0; start < rows; start += batchSize) {
            int count = Math.min(batchSize, rows - start);
            float[] buffer = count == batchSize ? (full == null ? full = new float[count * f] : full)
                    : new float[count * f];
            for (int r = 0; r < count; r++) {
                writer.write(start + r, buffer, r * f);
            }
            shape[0] = count;
            FloatTensor y = model.forward(new FloatTensor(shape, buffer));
            if (y.rank() != 2 || y.batchSize() != count) {
                throw new ExplainException("the model returned " + Arrays.toString(y.shape()) + " for a batch of "
                        + count + " samples; metrics need one output row [N,C] per sample");
            }
            int bad = y.firstNonFinite();
            if (bad >= 0) {
                throw new ExplainException("the model's output " + y.indexOf(bad) + " is " + y.get(bad)
                        + " at a perturbed sample; the perturbation drives the model out of range");
            }
            sink.accept(start, count, y);
        }
    }
}
