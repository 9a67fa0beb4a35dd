package org.explain4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Provenance;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.model.TensorInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The human- and machine-readable summary of a run ({@code explanation.json}): the model, the
 * input file and rows, method, score and parameters, per sample the prediction (class, name,
 * logits, probabilities), the target and its score, the attribution sum, diagnostics and the
 * top positions for and against, the provenance, and timings in milliseconds. Non-finite
 * numbers are written as {@code null}.
 */
public final class ExplanationJson {
    /** How many top positions per sign each sample lists. */
    public static final int TOP = 10;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ExplanationJson() {
    }

    public static void write(Path file, Attribution a, ModelInfo info, InputData input, Map<String, Double> timingsMs)
            throws IOException {
        JSON.writeValue(file.toFile(), build(a, info, input, timingsMs));
    }

    public static ObjectNode build(Attribution a, ModelInfo info, InputData input, Map<String, Double> timingsMs) {
        ModelDescription d = info.description();
        OutputActivation activation = d != null ? d.activation() : OutputActivation.NONE;
        SampleAxes axes = SampleAxes.of(a.values().sampleShape(), d);
        ObjectNode root = JSON.createObjectNode();
        Provenance p = a.provenance();
        root.put("explain4j_version", p != null ? p.explain4jVersion() : null);

        ObjectNode model = root.putObject("model");
        model.put("name", info.name());
        model.put("checksum", info.checksum());
        model.put("backend", info.backend());
        model.put("device", info.device());
        model.set("input", tensor(info.input()));
        model.set("output", tensor(info.output()));
        model.put("layout", axes.layout().name().toLowerCase(Locale.ROOT));
        model.put("activation", activation.name().toLowerCase(Locale.ROOT));
        ArrayNode classes = model.putArray("classes");
        for (int c = 0; c < a.outputs().sampleSize(); c++) {
            classes.add(className(d, c));
        }

        if (input != null) {
            ObjectNode in = root.putObject("input");
            in.put("file", input.source());
            ArrayNode rows = in.putArray("rows");
            for (int r : input.rows()) {
                rows.add(r);
            }
            ArrayNode shape = in.putArray("shape");
            for (long s : a.inputs().shape()) {
                shape.add(s);
            }
        }
        root.put("method", a.method());
        root.put("score", a.score().name().toLowerCase(Locale.ROOT));
        root.set("parameters", JSON.valueToTree(a.parameters()));

        ArrayNode samples = root.putArray("samples");
        int[] targets = a.targets();
        int[] rows = input != null ? input.rows() : null;
        float[] labels = input != null ? input.labels().orElse(null) : null;
        for (int i = 0; i < a.batchSize(); i++) {
            ObjectNode s = samples.addObject();
            s.put("row", rows != null && i < rows.length ? rows[i] : i);
            if (labels != null && i < labels.length) {
                number(s, "label", labels[i]);
            }
            float[] logits = a.outputs().sampleData(i);
            double[] probs = Predictions.probabilities(logits, activation);
            int predicted = a.outputs().sampleSize() == 1 ? 0 : Predictions.argmax(logits);
            ObjectNode pred = s.putObject("prediction");
            pred.put("class", predicted);
            pred.put("name", className(d, predicted));
            floats(pred.putArray("logits"), logits);
            if (probs != null) {
                doubles(pred.putArray("probabilities"), probs);
            } else {
                pred.putNull("probabilities");
            }
            ObjectNode target = s.putObject("target");
            target.put("class", targets[i]);
            target.put("name", className(d, targets[i]));
            number(target, "logit", logits[targets[i]]);
            if (probs != null) {
                number(target, "probability", probs[targets[i]]);
            }
            number(s, "score", a.score() == Score.PROBABILITY && probs != null ? probs[targets[i]] : logits[targets[i]]);
            double sum = 0;
            for (float v : a.values().sampleData(i)) {
                sum += v;
            }
            number(s, "attribution_sum", sum);
            ObjectNode diag = s.putObject("diagnostics");
            for (Map.Entry<String, double[]> e : a.diagnostics().entrySet()) {
                if (i < e.getValue().length) {
                    number(diag, e.getKey(), e.getValue()[i]);
                }
            }
            entries(s.putArray("top_for"), TopAttributions.positive(a, i, axes, TOP));
            entries(s.putArray("top_against"), TopAttributions.negative(a, i, axes, TOP));
        }

        ObjectNode prov = root.putObject("provenance");
        if (p != null) {
            prov.put("model", p.modelName());
            prov.put("model_checksum", p.modelChecksum());
            prov.put("backend", p.backend());
            prov.put("device", p.device());
            if (!p.gradientSource().isEmpty()) {
                prov.put("gradient_source", p.gradientSource());
            }
            if (p.seed().isPresent()) {
                prov.put("seed", p.seed().getAsLong());
            } else {
                prov.putNull("seed");
            }
            prov.put("created", p.created() != null ? p.created().toString() : null);
            prov.put("explain4j_version", p.explain4jVersion());
        }
        ObjectNode timings = root.putObject("timings_ms");
        if (timingsMs != null) {
            timingsMs.forEach((k, v) -> number(timings, k, Math.round(v * 1000.0) / 1000.0));
        }
        return root;
    }

    /** Parses a written file back, for tests and tools. */
    public static JsonNode read(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    private static String className(ModelDescription d, int c) {
        return d != null ? d.className(c) : "class " + c;
    }

    private static ObjectNode tensor(TensorInfo t) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", t.name());
        ArrayNode shape = n.putArray("shape");
        for (long s : t.shape()) {
            shape.add(s);
        }
        n.put("dtype", t.dtype());
        return n;
    }

    private static void entries(ArrayNode array, List<TopAttributions.Entry> entries) {
        for (TopAttributions.Entry e : entries) {
            ObjectNode n = array.addObject();
            n.put("index", e.index());
            n.put("label", e.label());
            number(n, "attribution", e.attribution());
            number(n, "input", e.input());
        }
    }

    private static void number(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.putNull(field);
        }
    }

    private static void number(ObjectNode n, String field, float v) {
        if (Float.isFinite(v)) {
            n.put(field, v);
        } else {
            n.putNull(field);
        }
    }

    private static void floats(ArrayNode array, float[] values) {
        for (float v : values) {
            if (Float.isFinite(v)) {
                array.add(v);
            } else {
                array.addNull();
            }
        }
    }

    private static void doubles(ArrayNode array, double[] values) {
        for (double v : values) {
            if (Double.isFinite(v)) {
                array.add(v);
            } else {
                array.addNull();
            }
        }
    }
}
