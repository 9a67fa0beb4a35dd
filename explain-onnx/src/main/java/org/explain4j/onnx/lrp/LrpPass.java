package org.explain4j.onnx.lrp;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The state of one LRP run over a batch: the activations fetched from the runtime, the
 * relevance gathered so far per tensor (shaped like the tensor), and which axis of each tensor
 * holds the samples (for per-sample diagnostics; −1 when it cannot be followed).
 */
final class LrpPass {
    private final Map<String, Tensor64> activations;
    private final Map<String, double[]> relevance = new HashMap<>();
    private final Map<String, Integer> batchAxes = new HashMap<>();
    private final double biasFactor;
    private final int samples;

    LrpPass(Map<String, Tensor64> activations, double biasFactor, int samples) {
        this.activations = activations;
        this.biasFactor = biasFactor;
        this.samples = samples;
    }

    Tensor64 activation(String name) {
        Tensor64 t = activations.get(name);
        if (t == null) {
            throw new IllegalStateException("LRP plan did not fetch tensor '" + name + "'");
        }
        return t;
    }

    /** Relevance gathered at {@code name}, or {@code null} when none reached it. */
    double[] relevance(String name) {
        return relevance.get(name);
    }

    void addRelevance(String name, double[] r) {
        double[] cur = relevance.get(name);
        if (cur == null) {
            relevance.put(name, r);
            return;
        }
        for (int i = 0; i < cur.length; i++) {
            cur[i] += r[i];
        }
    }

    double biasFactor() {
        return biasFactor;
    }

    int samples() {
        return samples;
    }

    int batchAxis(String name) {
        return batchAxes.getOrDefault(name, -1);
    }

    void setBatchAxis(String name, int axis) {
        batchAxes.put(name, axis);
    }

    /** Per-sample sums of a tensor's values ({@code NaN} when its sample axis is unknown). */
    double[] perSample(String name, double[] values) {
        double[] out = new double[samples];
        int axis = batchAxis(name);
        long[] shape = activation(name).shape();
        if (axis < 0 || axis >= shape.length || shape[axis] != samples) {
            Arrays.fill(out, Double.NaN);
            return out;
        }
        int inner = Tensor64.product(shape, axis + 1, shape.length);
        int outer = Tensor64.product(shape, 0, axis);
        for (int o = 0; o < outer; o++) {
            for (int s = 0; s < samples; s++) {
                int base = (o * samples + s) * inner;
                double acc = 0;
                for (int i = 0; i < inner; i++) {
                    acc += values[base + i];
                }
                out[s] += acc;
            }
        }
        return out;
    }
}
