package org.explain4j.explain.gradient;

import org.explain4j.ExplainException;
import org.explain4j.explain.ScoreFunction;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.InputChecks;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.VjpResult;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the gradient explainers share: input checks, the gradient of the score at given points,
 * and the streaming of many derived inputs (IG path points, SmoothGrad noisy copies) through
 * {@link ExplainableModel#vjp} in batches of a fixed number of rows.
 */
final class GradientBatches {
    private GradientBatches() {
    }

    /** Writes derived input {@code row} into {@code dst[offset .. offset + sampleSize)}. */
    @FunctionalInterface
    interface RowSource {
        void fill(int row, float[] dst, int offset);
    }

    /** Receives the score gradient of derived input {@code row} at {@code grad[offset ..]}. */
    @FunctionalInterface
    interface GradientSink {
        void accept(int row, float[] grad, int offset);
    }

    /** Checks the inputs against the model's declared input before any model call. */
    static void checkInputs(ModelInfo info, FloatTensor inputs) {
        InputChecks.validate(info.input(), inputs);
    }

    static void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new ExplainException("batch size " + batchSize + " is invalid; give a positive number of rows");
        }
    }

    /** The model's outputs at {@code inputs}, {@code batchSize} samples per call. */
    static FloatTensor forward(ExplainableModel model, FloatTensor inputs, int batchSize) {
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

    /**
     * The gradient of each sample's score at the inputs, given the outputs there (one VJP call;
     * the model batches internally).
     */
    static FloatTensor gradient(ExplainableModel model, FloatTensor inputs, FloatTensor outputs, int[] targets,
                                ScoreFunction score) {
        FloatTensor cotangent = score.evaluate(outputs, targets).cotangentTensor();
        return checkedGradient(model.vjp(inputs, cotangent), inputs);
    }

    /**
     * Streams {@code rowCount} derived inputs through the model, at most {@code batchSize} rows
     * per call and in increasing row order; row {@code r} belongs to sample
     * {@code r / rowsPerSample} and is differentiated for that sample's target. Only one batch of
     * inputs and gradients is held at a time.
     */
    static void stream(ExplainableModel model, long[] sampleShape, int rowCount, int rowsPerSample, int[] targets,
                       int classCount, ScoreFunction score, int batchSize, RowSource rows, GradientSink sink) {
        int f = Math.toIntExact(FloatTensor.elementCount(sampleShape));
        for (int start = 0; start < rowCount; start += batchSize) {
            int b = Math.min(batchSize, rowCount - start);
            float[] buffer = new float[b * f];
            int[] rowTargets = new int[b];
            for (int r = 0; r < b; r++) {
                rows.fill(start + r, buffer, r * f);
                rowTargets[r] = targets[(start + r) / rowsPerSample];
            }
            long[] shape = new long[sampleShape.length + 1];
            shape[0] = b;
            System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
            FloatTensor batch = new FloatTensor(shape, buffer);
            // A logit's cotangent is one-hot; a probability's depends on the logits at these points.
            FloatTensor cotangent = score.needsOutputs()
                    ? score.evaluate(model.forward(batch), rowTargets).cotangentTensor()
                    : ScoreFunction.oneHot(rowTargets, classCount);
            float[] g = checkedGradient(model.vjp(batch, cotangent), batch).data();
            for (int r = 0; r < b; r++) {
                sink.accept(start + r, g, r * f);
            }
        }
    }

    private static FloatTensor checkedGradient(VjpResult result, FloatTensor inputs) {
        FloatTensor g = result.inputGradient();
        if (!Arrays.equals(g.shape(), inputs.shape())) {
            throw new IllegalStateException("the model's input gradient has shape " + Arrays.toString(g.shape())
                    + " for inputs " + Arrays.toString(inputs.shape()));
        }
        return g;
    }

    static double[] scoresAt(ScoreFunction score, FloatTensor outputs, int[] targets) {
        return score.evaluate(outputs, targets).scores();
    }
}
