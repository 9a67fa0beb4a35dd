package org.explain4j.model;

import java.util.List;

/**
 * Everything an explainer may know about a model, independent of the backend that runs it.
 *
 * @param checksum SHA-256 of the model file, recorded in every attribution's provenance
 * @param backend  e.g. {@code onnxruntime} — for provenance and logs only
 * @param device   e.g. {@code cpu} or {@code cuda:0}
 * @param gradientSource which gradient graph {@code vjp} runs (an exported file's name, or a
 *                       graph built in Java), recorded in provenance; empty when none is known
 */
public record ModelInfo(String name, List<TensorInfo> inputs, List<TensorInfo> outputs,
                        ModelDescription description, String checksum, String backend, String device,
                        String gradientSource) {
    public ModelInfo {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        gradientSource = gradientSource == null ? "" : gradientSource;
    }

    /** A model whose gradient source is not known (or that has none). */
    public ModelInfo(String name, List<TensorInfo> inputs, List<TensorInfo> outputs,
                     ModelDescription description, String checksum, String backend, String device) {
        this(name, inputs, outputs, description, checksum, backend, device, "");
    }

    /** This info with {@code source} as its gradient source. */
    public ModelInfo withGradientSource(String source) {
        return new ModelInfo(name, inputs, outputs, description, checksum, backend, device, source);
    }

    /** This info with another description (e.g. feature names read from a CSV header). */
    public ModelInfo withDescription(ModelDescription d) {
        return new ModelInfo(name, inputs, outputs, d, checksum, backend, device, gradientSource);
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
