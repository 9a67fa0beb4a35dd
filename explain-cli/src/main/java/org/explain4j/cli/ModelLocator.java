package org.explain4j.cli;

import org.explain4j.ExplainException;
import org.explain4j.model.ModelSource;
import org.explain4j.models.ReferenceModels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/** Resolves {@code --model} (a file or an embedded model's name) and {@code --input example}. */
final class ModelLocator {
    private ModelLocator() {
    }

    /** A path to an existing file wins; otherwise the name of an embedded model. */
    static ModelSource resolve(String model) {
        Path p = Path.of(model);
        if (Files.exists(p)) {
            return ModelSource.fromPath(p);
        }
        List<String> embedded = ReferenceModels.names();
        if (embedded.contains(model)) {
            return ReferenceModels.source(model);
        }
        if (model.endsWith(".onnx") || model.contains("/") || model.contains(java.io.File.separator)) {
            throw new ExplainException("model file not found: " + model);
        }
        throw new ExplainException("model '" + model + "' is neither a file nor an embedded model (embedded: "
                + String.join(", ", embedded) + "; see `explain4j models`)");
    }

    /**
     * The example input shipped with an embedded model, copied to a temporary file the caller
     * deletes: {@code NAME.example.npy} or {@code .csv} beside the model, or the training data
     * for the tabular model.
     */
    static Optional<Path> exampleInput(ModelSource source) {
        String name = source.name();
        if (!source.location().startsWith("classpath:")) {
            return Optional.empty();
        }
        if (name.equals("breast_cancer_mlp")) {
            return Optional.of(copy(ReferenceModels.breastCancerCsv(), "breast_cancer", ".csv"));
        }
        ClassLoader loader = ReferenceModels.class.getClassLoader();
        for (String ext : List.of(".example.npy", ".example.csv")) {
            InputStream in = loader.getResourceAsStream("explain4j/models/" + name + "/" + name + ext);
            if (in != null) {
                return Optional.of(copy(in, name, ext));
            }
        }
        return Optional.empty();
    }

    private static Path copy(InputStream in, String prefix, String suffix) {
        try (in) {
            Path tmp = Files.createTempFile(prefix + "-", suffix);
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new ExplainException("cannot unpack the example input of " + prefix + ": " + e.getMessage());
        }
    }
}
