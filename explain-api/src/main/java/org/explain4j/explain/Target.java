package org.explain4j.explain;

import org.explain4j.ExplainException;
import org.explain4j.model.ModelDescription;
import org.explain4j.tensor.FloatTensor;

import java.util.List;

/** Which output class each sample's explanation is for. */
public sealed interface Target {

    /** The class with the highest output, per sample. */
    static Target predicted() {
        return new Predicted();
    }

    /** The same class for every sample. */
    static Target of(int classIndex) {
        return new Fixed(classIndex);
    }

    /** One class per sample. */
    static Target perSample(int... classIndices) {
        return new PerSample(classIndices.clone());
    }

    /**
     * Parses a class index or a class name from the model's description.
     *
     * @throws ExplainException naming the valid indices and names when neither matches
     */
    static Target parse(String text, ModelDescription description, int classCount) {
        String t = text.trim();
        if (t.equalsIgnoreCase("predicted")) {
            return predicted();
        }
        try {
            return of(Integer.parseInt(t));
        } catch (NumberFormatException notANumber) {
            List<String> names = description.classNames();
            for (int c = 0; c < names.size(); c++) {
                if (names.get(c).equalsIgnoreCase(t)) {
                    return of(c);
                }
            }
            throw new ExplainException("unknown target '" + text + "': give a class index 0.." + (classCount - 1)
                    + (names.isEmpty() ? "" : " or one of " + names) + ", or 'predicted'");
        }
    }

    /** The class of each sample, checked against the number of classes. */
    int[] resolve(FloatTensor outputs);

    record Predicted() implements Target {
        @Override
        public int[] resolve(FloatTensor outputs) {
            int n = outputs.batchSize();
            int c = outputs.sampleSize();
            int[] out = new int[n];
            float[] y = outputs.data();
            for (int i = 0; i < n; i++) {
                if (c == 1) {
                    out[i] = 0; // a single output: its own (sigmoid) class
                    continue;
                }
                int best = 0;
                for (int k = 1; k < c; k++) {
                    if (y[i * c + k] > y[i * c + best]) {
                        best = k;
                    }
                }
                out[i] = best;
            }
            return out;
        }
    }

    record Fixed(int classIndex) implements Target {
        @Override
        public int[] resolve(FloatTensor outputs) {
            check(classIndex, outputs.sampleSize());
            int[] out = new int[outputs.batchSize()];
            java.util.Arrays.fill(out, classIndex);
            return out;
        }
    }

    record PerSample(int[] classIndices) implements Target {
        @Override
        public int[] resolve(FloatTensor outputs) {
            if (classIndices.length != outputs.batchSize()) {
                throw new ExplainException(classIndices.length + " targets given for " + outputs.batchSize()
                        + " samples; give one per sample");
            }
            for (int c : classIndices) {
                check(c, outputs.sampleSize());
            }
            return classIndices.clone();
        }
    }

    private static void check(int c, int classCount) {
        if (c < 0 || c >= classCount) {
            throw new ExplainException("target class " + c + " is out of range: the model has " + classCount
                    + " output" + (classCount == 1 ? "" : "s") + " (valid: 0.." + (classCount - 1) + ")");
        }
    }
}
