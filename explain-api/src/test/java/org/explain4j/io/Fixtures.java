package org.explain4j.io;

import org.explain4j.explain.Attribution;
import org.explain4j.explain.Provenance;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.model.TensorInfo;
import org.explain4j.tensor.FloatTensor;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Small hand-made models and attributions for I/O and rendering tests. */
public final class Fixtures {
    private Fixtures() {
    }

    public static ModelInfo model(String name, long[] inputShape, int classes, InputLayout layout,
                                  List<String> featureNames, List<String> classNames) {
        ModelDescription d = new ModelDescription(name, "test model", layout, featureNames, OutputActivation.SOFTMAX,
                classNames, Score.LOGIT, Optional.empty(), null);
        return new ModelInfo(name, List.of(new TensorInfo("x", inputShape, "float32")),
                List.of(new TensorInfo("y", new long[]{-1, classes}, "float32")), d, "abc123", "test", "cpu");
    }

    /** Attribution with values {@code v}, inputs {@code 10·v + 1}, and logits (i, -i) per sample. */
    public static Attribution attribution(ModelInfo info, long[] shape, float[] values, int[] targets) {
        float[] inputs = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            inputs[i] = 10 * values[i] + 1;
        }
        int n = (int) shape[0];
        int c = info.classCount();
        float[] logits = new float[n * c];
        for (int i = 0; i < n; i++) {
            logits[i * c] = i;
            logits[i * c + 1] = -i;
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("steps", 64);
        params.put("baseline", "zero");
        params.put("noise", 0.15);
        Map<String, double[]> diag = new LinkedHashMap<>();
        double[] gap = new double[n];
        for (int i = 0; i < n; i++) {
            gap[i] = 1e-4 * (i + 1);
        }
        diag.put("completeness_gap", gap);
        Provenance p = new Provenance(info.name(), info.checksum(), info.backend(), info.device(), OptionalLong.of(7),
                Instant.parse("2025-01-02T03:04:05Z"), "test");
        return new Attribution(new FloatTensor(shape, values), new FloatTensor(shape.clone(), inputs),
                new FloatTensor(new long[]{n, c}, logits), targets, Score.LOGIT, "integrated_gradients", params, diag, p);
    }
}
