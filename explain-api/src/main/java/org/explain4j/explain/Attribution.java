package org.explain4j.explain;

import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of every explainer: attribution values shaped like the input batch, with the
 * targets they explain and a record of how they were made.
 *
 * @param values      attribution, same shape as {@code inputs}
 * @param inputs      the explained inputs {@code [N,...]}
 * @param outputs     the model's outputs at the inputs {@code [N,C]} (logits)
 * @param targets     the explained class of each sample
 * @param score       whether the target's logit or probability was explained
 * @param method      e.g. {@code integrated_gradients}
 * @param parameters  the method's parameters, as set (insertion-ordered)
 * @param diagnostics per-sample numbers that judge the result, e.g. the IG completeness gap
 */
public record Attribution(FloatTensor values, FloatTensor inputs, FloatTensor outputs, int[] targets,
                          Score score, String method, Map<String, Object> parameters,
                          Map<String, double[]> diagnostics, Provenance provenance) {

    public Attribution {
        if (!Arrays.equals(values.shape(), inputs.shape())) {
            throw new IllegalArgumentException("attribution shape " + Arrays.toString(values.shape())
                    + " differs from input shape " + Arrays.toString(inputs.shape()));
        }
        targets = targets.clone();
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        Map<String, double[]> diag = new LinkedHashMap<>();
        diagnostics.forEach((k, v) -> diag.put(k, v.clone()));
        diagnostics = java.util.Collections.unmodifiableMap(diag);
    }

    @Override
    public int[] targets() {
        return targets.clone();
    }

    public int batchSize() {
        return values.batchSize();
    }
}
