package org.explain4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.ExplainException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
