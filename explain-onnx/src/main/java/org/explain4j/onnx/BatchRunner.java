package org.explain4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.explain4j.ExplainException;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Runs a session on a batch of any size: in one go when the graph leaves the batch open, else in
 * chunks of the graph's fixed batch, the last chunk zero-padded and its padding rows dropped.
 * Every ORT tensor and result is closed before {@link #run} returns.
 */
final class BatchRunner {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String modelName;
    private final int chunk;
    private final boolean fixed;

    /**
     * @param chunk samples per run, 0 for all at once
     * @param fixed whether every run must hold exactly {@code chunk} samples (pad the last one)
     */
    BatchRunner(OrtEnvironment env, OrtSession session, String modelName, int chunk, boolean fixed) {
        this.env = env;
        this.session = session;
        this.modelName = modelName;
        this.chunk = chunk;
        this.fixed = fixed;
    }

    /**
     * Runs {@code inputs} (all with the same number of samples) and returns {@code outputs} in
     * order. When the batch was split, outputs must have the batch as their first axis.
     */
    List<FloatTensor> run(Map<String, FloatTensor> inputs, List<String> outputs) {
        int n = inputs.values().iterator().next().batchSize();
        int step = chunk > 0 ? chunk : n;
        boolean whole = step >= n && !(fixed && step != n);
        List<List<FloatTensor>> parts = new ArrayList<>();
        outputs.forEach(o -> parts.add(new ArrayList<>()));
        for (int from = 0; from < n; from += step) {
            int count = Math.min(step, n - from);
            int rows = fixed ? step : count;
            List<FloatTensor> got = runOnce(inputs, outputs, from, count, rows);
            for (int k = 0; k < outputs.size(); k++) {
                FloatTensor t = got.get(k);
                if (!whole) {
                    if (t.rank() == 0 || t.dim(0) != rows) {
                        throw new ExplainException("tensor '" + outputs.get(k) + "' of model '" + modelName
                                + "' has shape " + java.util.Arrays.toString(t.shape()) + ", not a leading batch axis of "
                                + rows + ", so a batch of " + n + " cannot be split; pass at most " + step
                                + " samples at a time");
                    }
                    if (count < rows) {
                        t = t.slice(0, count);
                    }
                }
                parts.get(k).add(t);
            }
        }
        List<FloatTensor> out = new ArrayList<>();
        for (List<FloatTensor> p : parts) {
            out.add(p.size() == 1 ? p.get(0) : FloatTensor.concat(p));
        }
        return out;
    }

    private List<FloatTensor> runOnce(Map<String, FloatTensor> inputs, List<String> outputs, int from, int count,
                                      int rows) {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, FloatTensor> e : inputs.entrySet()) {
                feed.put(e.getKey(), OrtTensors.rows(env, e.getValue(), from, count, rows));
            }
            try (OrtSession.Result result = session.run(feed, new LinkedHashSet<>(outputs))) {
                List<FloatTensor> got = new ArrayList<>(outputs.size());
                for (String name : outputs) {
                    got.add(OrtTensors.toFloatTensor(result.get(name).orElseThrow(),
                            "tensor '" + name + "' of model '" + modelName + "'"));
                }
                return got;
            }
        } catch (OrtException e) {
            throw new ExplainException("ONNX Runtime failed to run model '" + modelName + "': "
                    + OrtErrors.firstLine(e), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }
}
