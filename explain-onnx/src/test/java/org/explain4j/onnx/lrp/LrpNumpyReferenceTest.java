package org.explain4j.onnx.lrp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.lrp.Rule;
import org.explain4j.onnx.OrtModel;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Java's ε-LRP against the independent NumPy reference ({@code models-onnx/python/lrp_reference.py},
 * float64 from the exported weights): the MLP and the bidirectional LSTM, two (ε, δ) settings each.
 */
class LrpNumpyReferenceTest {

    @ParameterizedTest
    @ValueSource(strings = {"breast_cancer_mlp", "synthetic_bilstm"})
    void javaMatchesTheNumpyReference(String name) throws IOException {
        JsonNode ref;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("explain4j/golden/" + name + ".lrp.json")) {
            assertNotNull(in, name + ".lrp.json is missing; run models-onnx/python/lrp_reference.py");
            ref = new ObjectMapper().readTree(in);
        }
        FloatTensor x = LrpFixtures.goldenInputs(name);
        int per = x.sampleSize();
        try (OrtModel model = LrpFixtures.reference(name)) {
            for (JsonNode setting : ref.get("settings")) {
                double eps = setting.get("epsilon").asDouble();
                double delta = setting.get("bias_factor").asDouble();
                JsonNode samples = setting.get("samples");
                int[] targets = new int[samples.size()];
                for (int s = 0; s < targets.length; s++) {
                    targets[s] = samples.get(s).get("target").asInt();
                }
                Attribution a = LrpExplainer.builder().rule(Rule.epsilon(eps)).biasFactor(delta).build()
                        .explain(model, x, Target.perSample(targets));
                for (int s = 0; s < targets.length; s++) {
                    JsonNode r = samples.get(s).get("relevance");
                    double scale = 0;
                    for (JsonNode v : r) {
                        scale = Math.max(scale, Math.abs(v.asDouble()));
                    }
                    double worst = 0;
                    for (int i = 0; i < per; i++) {
                        worst = Math.max(worst, Math.abs(a.values().data()[s * per + i] - r.get(i).asDouble()));
                    }
                    String what = name + " eps " + eps + " delta " + delta + " sample " + s;
                    assertTrue(worst <= 1e-5 * Math.max(1, scale), what + ": largest difference " + worst
                            + " (largest relevance " + scale + ")");
                    assertEquals(samples.get(s).get("logit").asDouble(), a.diagnostics().get("lrp_logit")[s],
                            1e-4 * Math.max(1, Math.abs(samples.get(s).get("logit").asDouble())), what + " logit");
                }
            }
        }
    }
}
