package org.explain4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.ExplainException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a model's sidecar ({@code name.json}) says about it: what the input axes mean, the
 * feature and class names, the output activation, the default score and where the exported
 * gradient graph is. Models without a sidecar get {@link #inferred}.
 */
public record ModelDescription(
        String name,
        String description,
        InputLayout layout,
        List<String> featureNames,
        OutputActivation activation,
        List<String> classNames,
        Score defaultScore,
        Optional<GradientGraphSpec> gradient,
        JsonNode raw) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelDescription {
        featureNames = List.copyOf(featureNames);
        classNames = List.copyOf(classNames);
    }

    /** Parses a sidecar; {@code source} names it in error messages. */
    public static ModelDescription parse(InputStream in, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new ExplainException("model sidecar " + source + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new ExplainException("model sidecar " + source + " must hold a JSON object");
        }
        JsonNode input = root.path("input");
        JsonNode output = root.path("output");
        JsonNode rate = input.path("sampling_rate_hz");
        if (!rate.isMissingNode() && !rate.isNull() && !(rate.isNumber() && rate.asDouble() > 0
                && Double.isFinite(rate.asDouble()))) {
            throw new ExplainException("model sidecar " + source + ": input.sampling_rate_hz must be a positive number "
                    + "of Hz, got " + rate);
        }
        Optional<GradientGraphSpec> gradient = Optional.empty();
        JsonNode g = root.path("gradient");
        if (g.isObject()) {
            gradient = Optional.of(new GradientGraphSpec(
                    required(g, "file", source), g.path("batch").asInt(32),
                    g.path("input").asText("x"), g.path("cotangent").asText("w"),
                    g.path("output").asText("y"), g.path("grad").asText("grad_x")));
        }
        return new ModelDescription(
                root.path("name").asText(""),
                root.path("description").asText(""),
                input.hasNonNull("layout") ? InputLayout.parse(input.get("layout").asText()) : null,
                strings(input.path("feature_names")),
                output.hasNonNull("activation") ? OutputActivation.parse(output.get("activation").asText())
                        : OutputActivation.NONE,
                strings(output.path("class_names")),
                root.hasNonNull("score") ? Score.parse(root.get("score").asText()) : Score.LOGIT,
                gradient,
                root);
    }

    /** A description for a model that came without a sidecar: only what the graph shows. */
    public static ModelDescription inferred(String name, TensorInfo input) {
        return new ModelDescription(name, "", InputLayout.guess(input.shape().length), List.of(),
                OutputActivation.NONE, List.of(), Score.LOGIT, Optional.empty(), null);
    }

    /** The input's sampling rate ({@code input.sampling_rate_hz}) for signal models such as ECGs; empty when the sidecar gives none. */
    public OptionalDouble samplingRateHz() {
        JsonNode n = raw == null ? null : raw.path("input").path("sampling_rate_hz");
        return n != null && n.isNumber() ? OptionalDouble.of(n.asDouble()) : OptionalDouble.empty();
    }

    /** The input's physical units ({@code input.units}, e.g. {@code mV}); empty when the sidecar gives none. */
    public Optional<String> units() {
        JsonNode n = raw == null ? null : raw.path("input").path("units");
        return n != null && n.isTextual() && !n.asText().isBlank() ? Optional.of(n.asText()) : Optional.empty();
    }

    /**
     * The exported layer-gradient graph ({@code "layer_gradient": {"file", "batch", "input",
     * "cotangent", "output", "layer", "activation", "grad"}}); empty when the sidecar names none.
     *
     * @throws ExplainException when the entry lacks a file or a layer name
     */
    public Optional<LayerGradientSpec> layerGradient() {
        JsonNode n = raw == null ? null : raw.path("layer_gradient");
        if (n == null || !n.isObject()) {
            return Optional.empty();
        }
        String file = n.path("file").asText("");
        String layer = n.path("layer").asText("");
        if (file.isBlank() || layer.isBlank()) {
            throw new ExplainException("model sidecar of '" + name + "': layer_gradient needs \"file\" and \"layer\","
                    + " got " + n);
        }
        return Optional.of(new LayerGradientSpec(file, n.path("batch").asInt(0), n.path("input").asText("x"),
                n.path("cotangent").asText("w"), n.path("output").asText("y"), layer,
                n.path("activation").asText("act"), n.path("grad").asText("grad_act")));
    }

    /** Class name of index {@code c}, or {@code "class c"} when the sidecar names none. */
    public String className(int c) {
        return c >= 0 && c < classNames.size() ? classNames.get(c) : "class " + c;
    }

    private static String required(JsonNode node, String field, String source) {
        if (!node.hasNonNull(field)) {
            throw new ExplainException("model sidecar " + source + " lacks the field '" + field + "'");
        }
        return node.get(field).asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
