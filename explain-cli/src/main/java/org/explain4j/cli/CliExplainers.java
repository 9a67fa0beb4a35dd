package org.explain4j.cli;

import org.explain4j.ExplainException;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Explainers;
import org.explain4j.onnx.lrp.LrpExplainer;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every method the command line offers: {@link Explainers#byName} (gradient and perturbation
 * families, explain-api) plus LRP, which reads the ONNX graph and so lives in explain-onnx.
 */
final class CliExplainers {
    /** The options LRP takes, as flags. */
    static final List<String> LRP_OPTIONS = List.of("lrp-rule", "lrp-composite", "lrp-epsilon", "lrp-bias-factor",
            "lrp-output-init", "batch-size");

    private CliExplainers() {
    }

    /** All method names, gradient family, perturbation family, then lrp. */
    static List<String> methods() {
        List<String> all = new ArrayList<>(Explainers.methods());
        all.add(LrpExplainer.METHOD);
        return List.copyOf(all);
    }

    static boolean isLrp(String method) {
        return method.trim().equalsIgnoreCase(LrpExplainer.METHOD);
    }

    /**
     * @param background samples for {@code baseline=mean}; may be null otherwise
     * @throws ExplainException for an unknown method (listing all), an option the method does not
     *                          take, or a bad value
     */
    static Explainer byName(String method, Map<String, String> options, FloatTensor background) {
        if (isLrp(method)) {
            // LrpExplainer.fromOptions reads a bare key as lrp-<key>; name a foreign option as the user wrote it
            List<String> extra = new ArrayList<>();
            options.keySet().forEach(k -> {
                String key = k.trim().toLowerCase(Locale.ROOT).replaceFirst("^-+", "").replace('_', '-');
                if (!LRP_OPTIONS.contains(key)) {
                    extra.add("--" + key);
                }
            });
            if (!extra.isEmpty()) {
                throw new ExplainException("method lrp does not take " + String.join(", ", extra) + "; it takes "
                        + String.join(", ", LRP_OPTIONS.stream().map(o -> "--" + o).toList()));
            }
            return LrpExplainer.fromOptions(options);
        }
        if (!Explainers.knows(method)) {
            throw new ExplainException("unknown method '" + method + "'; known methods: " + String.join(", ", methods())
                    + " (aliases: " + String.join(", ", Explainers.aliases()) + ")");
        }
        return Explainers.byName(method, options, background);
    }
}
