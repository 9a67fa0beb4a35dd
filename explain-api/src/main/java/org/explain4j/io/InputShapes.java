package org.explain4j.io;

import org.explain4j.ExplainException;
import org.explain4j.model.TensorInfo;

import java.util.Arrays;

/** Checks a shape read from a file against a model input and adds the batch axis when missing. */
final class InputShapes {
    private InputShapes() {
    }

    /**
     * The batched shape for data of shape {@code found}: equal rank to the model input (batch
     * first) or one less (a single sample). Fixed model dimensions must match; dynamic ones (-1)
     * take what the file has.
     */
    static long[] fit(long[] found, TensorInfo input, String source, String modelName) {
        long[] expected = input.shape();
        long[] batched;
        if (found.length == expected.length) {
            batched = found.clone();
        } else if (found.length == expected.length - 1) {
            batched = new long[expected.length];
            batched[0] = 1;
            System.arraycopy(found, 0, batched, 1, found.length);
        } else {
            throw new ExplainException(source + " holds an array of shape " + text(found) + " (rank " + found.length
                    + "), model '" + modelName + "' expects " + input.shapeText() + " (rank " + expected.length
                    + ", or rank " + (expected.length - 1) + " for one sample)");
        }
        for (int d = 1; d < expected.length; d++) {
            if (expected[d] >= 0 && expected[d] != batched[d]) {
                throw new ExplainException(source + " holds an array of shape " + text(found) + ", model '" + modelName
                        + "' expects " + input.shapeText() + " (axis " + d + " must be " + expected[d] + ", found "
                        + batched[d] + ")");
            }
        }
        // a fixed batch dimension in the graph is not checked: backends split or pad batches
        return batched;
    }

    static String text(long[] shape) {
        return Arrays.toString(shape).replace(" ", "");
    }
}
