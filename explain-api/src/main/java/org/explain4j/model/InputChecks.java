package org.explain4j.model;

import org.explain4j.ExplainException;
import org.explain4j.tensor.FloatTensor;

/**
 * The checks every backend runs before it hands a batch to its runtime, so that a wrong shape
 * or a NaN is reported in the user's terms rather than as a native error (or not at all).
 */
public final class InputChecks {

    private InputChecks() {
    }

    /**
     * Checks that {@code x} fits the model input {@code expected}: at least one sample, the same
     * rank, every fixed non-batch dimension equal, and every value finite. The batch dimension
     * is not compared: backends split or pad any batch to what their graphs take.
     *
     * @throws ExplainException e.g. {@code input 'x' has shape [1,48,70], model expects [N,48,76]}
     */
    public static void validate(TensorInfo expected, FloatTensor x) {
        long[] want = expected.shape();
        long[] have = x.shape();
        boolean fits = want.length == have.length;
        for (int d = 1; fits && d < want.length; d++) {
            fits = want[d] < 0 || want[d] == have[d];
        }
        if (!fits) {
            throw new ExplainException("input '" + expected.name() + "' has shape " + text(have)
                    + ", model expects " + expectedText(want));
        }
        if (have.length == 0 || have[0] == 0) {
            throw new ExplainException("input '" + expected.name() + "' holds no samples (shape " + text(have)
                    + "); give at least one");
        }
        requireFinite(x, "input '" + expected.name() + "'", "inputs must be finite");
    }

    /**
     * Checks a cotangent for a vector-Jacobian product: shaped {@code [N, outputSample...]} for
     * the {@code N} samples of the input, and finite.
     *
     * @param outputSample the shape of one output sample, e.g. {@code [C]}; -1 for a dimension
     *                     the graph leaves open
     */
    public static void validateCotangent(long[] outputSample, int batch, FloatTensor cotangent) {
        long[] have = cotangent.shape();
        boolean fits = have.length == outputSample.length + 1 && have[0] == batch;
        for (int d = 0; fits && d < outputSample.length; d++) {
            fits = outputSample[d] < 0 || outputSample[d] == have[d + 1];
        }
        if (!fits) {
            long[] want = new long[outputSample.length + 1];
            want[0] = batch;
            System.arraycopy(outputSample, 0, want, 1, outputSample.length);
            throw new ExplainException("cotangent has shape " + text(have) + ", expected " + text(want)
                    + " (one weight per sample and output, shaped like the model output)");
        }
        requireFinite(cotangent, "cotangent", "cotangents must be finite");
    }

    private static void requireFinite(FloatTensor t, String what, String rule) {
        int bad = t.firstNonFinite();
        if (bad >= 0) {
            throw new ExplainException(what + " holds " + t.get(bad) + " at " + t.indexOf(bad).replace(" ", "")
                    + "; " + rule);
        }
    }

    /** A shape as users write it: {@code [1,48,70]}. */
    static String text(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(shape[i] < 0 ? "?" : Long.toString(shape[i]));
        }
        return sb.append(']').toString();
    }

    /** The model's shape with {@code N} for the batch, which any size may fill. */
    private static String expectedText(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(i == 0 ? "N" : shape[i] < 0 ? "?" : Long.toString(shape[i]));
        }
        return sb.append(']').toString();
    }
}
