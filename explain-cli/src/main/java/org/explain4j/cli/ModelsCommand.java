package org.explain4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelSource;
import org.explain4j.model.OutputActivation;
import org.explain4j.models.ReferenceModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code explain4j models}: the reference models embedded in the program. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the embedded reference models: description, task, input shape, layout, classes, gradient graph.")
final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = ReferenceModels.names();
        out.println(names.size() + " embedded model" + (names.size() == 1 ? "" : "s")
                + " (use the name with `explain4j explain --model NAME`):");
        for (String name : names) {
            ModelSource source = ReferenceModels.source(name);
            out.println();
            out.println(name);
            ModelDescription d = source.description().orElse(null);
            if (d == null) {
                out.println("  (no sidecar description)");
                continue;
            }
            if (!d.description().isEmpty()) {
                out.println("  " + d.description());
            }
            out.println("  task:      " + task(d));
            JsonNode input = d.raw() != null ? d.raw().path("input") : null;
            String shape = input != null && input.path("shape").isArray() ? shape(input.path("shape")) : "?";
            out.println("  input:     " + (input != null ? input.path("name").asText("x") : "x") + " " + shape
                    + ", layout " + (d.layout() == null ? "unknown" : d.layout().name().toLowerCase(Locale.ROOT))
                    + (d.featureNames().isEmpty() ? "" : ", names " + abbreviate(d.featureNames(), 6)));
            out.println("  classes:   " + (d.classNames().isEmpty() ? "(unnamed)" : String.join(", ", d.classNames())));
            out.println("  gradients: " + (source.hasGradientGraph()
                    ? "exported gradient graph" + d.gradient().map(g -> " (batch " + g.batch() + ")").orElse("")
                    + " — all gradient methods work" : "none — gradient methods are not available"));
        }
        out.flush();
        return Main.OK;
    }

    private static String task(ModelDescription d) {
        int classes = d.classNames().size();
        String what = d.activation() == OutputActivation.SIGMOID ? "multi-label classification"
                : d.activation() == OutputActivation.SOFTMAX ? "classification" : "scores";
        return what + (classes > 0 ? ", " + classes + " classes" : "") + " (output "
                + d.activation().name().toLowerCase(Locale.ROOT) + ", explained score by default: "
                + d.defaultScore().name().toLowerCase(Locale.ROOT) + ")";
    }

    private static String shape(JsonNode shape) {
        List<String> dims = new ArrayList<>();
        shape.forEach(n -> dims.add(n.asLong() < 0 ? "N" : n.asText()));
        return "[" + String.join(",", dims) + "]";
    }

    private static String abbreviate(List<String> names, int max) {
        if (names.size() <= max) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, max)) + ", … (" + names.size() + " in all)";
    }
}
