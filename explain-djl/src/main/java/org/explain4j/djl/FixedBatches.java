package org.explain4j.djl;

import org.explain4j.ExplainException;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a graph on a batch of any size: in one go when the graph leaves the batch open, else in
 * chunks of the graph's fixed batch, the last chunk zero-padded and its padding rows dropped
 * from every output (as the ONNX Runtime backend does, so both give the same rows).
 */
final class FixedBatches {

    /** One run of the graph on inputs of equal batch; returns its outputs in a fixed order. */
    @FunctionalInterface
    interface Run {
        List<FloatTensor> apply(List<FloatTensor> inputs);
    }

    private final int chunk;
    private final boolean fixed;
    private final String what;

    /**
     * @param chunk samples per run, 0 for all at once
     * @param fixed whether every run must hold exactly {@code chunk} samples (pad the last one)
     * @param what  the graph, for error messages
     */
    FixedBatches(int chunk, boolean fixed, String what) {
        this.chunk = chunk;
        this.fixed = fixed;
        this.what = what;
    }

    List<FloatTensor> run(List<FloatTensor> inputs, Run run) {
        int n = inputs.get(0).batchSize();
        int step = chunk > 0 ? chunk : n;
        if (step >= n && !(fixed && step != n)) {
            return run.apply(inputs);
        }
        List<List<FloatTensor>> parts = new ArrayList<>();
        for (int from = 0; from < n; from += step) {
            int count = Math.min(step, n - from);
            int rows = fixed ? step : count;
            List<FloatTensor> chunkInputs = new ArrayList<>(inputs.size());
            for (FloatTensor t : inputs) {
                chunkInputs.add(rows(t, from, count, rows));
            }
            List<FloatTensor> got = run.apply(chunkInputs);
            for (int k = 0; k < got.size(); k++) {
                FloatTensor t = got.get(k);
                if (t.rank() == 0 || t.dim(0) != rows) {
                    throw new ExplainException(what + " returned output " + k + " shaped " + Arrays.toString(t.shape())
                            + ", not with a leading batch axis of " + rows + ", so a batch of " + n
                            + " cannot be split; pass at most " + step + " samples at a time");
                }
                if (parts.size() <= k) {
                    parts.add(new ArrayList<>());
                }
                parts.get(k).add(count < rows ? t.slice(0, count) : t);
            }
        }
        List<FloatTensor> out = new ArrayList<>(parts.size());
        parts.forEach(p -> out.add(FloatTensor.concat(p)));
        return out;
    }

    /** Samples {@code [from, from+count)} of {@code t} in a batch of {@code rows}, zero-padded. */
    static FloatTensor rows(FloatTensor t, int from, int count, int rows) {
        int s = t.sampleSize();
        float[] data = new float[rows * s];
        System.arraycopy(t.data(), from * s, data, 0, count * s);
        long[] shape = t.shape();
        shape[0] = rows;
        return new FloatTensor(shape, data);
    }
}
