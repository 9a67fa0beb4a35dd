package org.explain4j.model;

import java.util.List;

/**
 * Everything an explainer may know about a model, independent of the backend that runs it.
 *
 * @param checksum SHA-256 of the model file, recorded in every attribution's provenance
 * @param backend  e.g. {@code onnxruntime} — for provenance and logs only
 * @param device   e.g. {@code cpu} or {@code cuda:0}
 */
public record ModelInfo(String name, List<TensorInfo> inputs, List<TensorInfo> outputs,
                        ModelDescription description, String checksum, String backend, String device) {
    public ModelInfo {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** The input explanations attribute to (the first input). */
    public TensorInfo input() {
        return inputs.get(0);
    }

    /** The output explanations explain (the first output). */
    public TensorInfo output() {
        return outputs.get(0);
    }

    /** Number of classes (output columns), or -1 when the graph does not fix it. */
    public int classCount() {
        long[] s = output().shape();
        return s.length >= 2 ? (int) s[s.length - 1] : 1;
    }
}
