package org.explain4j.cli;

import org.explain4j.ExplainException;
import org.explain4j.model.ModelSource;
import org.explain4j.models.ReferenceModels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data a command reads, for {@code evaluate} and {@code summarize}: a file or directory, or
 * for an embedded model {@code example} (its example input) or {@code eval} (its held-out
 * evaluation set, {@code NAME.eval.npy}), each with its ground truth when the model ships one
 * ({@code NAME.truth.json}, {@code NAME.eval.truth.json}). Embedded files are copied to
 * temporary files, deleted by {@link #close()}.
 */
final class EmbeddedData implements AutoCloseable {
    /** Embedded models named so take {@link #ECG_EVAL} as their 'eval' data. */
    static final String ECG_PREFIX = "ecg_";
    static final String ECG_EVAL = "explain4j/ecg/synthetic_eval";
    final Path data;
    final Optional<Path> truth;
    final String label;
    /** Where the ground truth came from, for reports ({@code none} without one). */
    final String truthLabel;
    private final List<Path> temporary;

    private EmbeddedData(Path data, Optional<Path> truth, String label, String truthLabel, List<Path> temporary) {
        this.data = data;
        this.truth = truth;
        this.label = label;
        this.truthLabel = truth.isPresent() ? truthLabel : "none";
        this.temporary = temporary;
    }

    static EmbeddedData resolve(String data, ModelSource source) {
        String name = source.name();
        boolean embedded = source.location().startsWith("classpath:");
        List<Path> temps = new ArrayList<>();
        try {
            if (data.equals("eval")) {
                Optional<Path> x = embedded ? copy("explain4j/models/" + name + "/" + name + ".eval.npy", name, ".npy", temps)
                        : Optional.empty();
                if (x.isEmpty() && embedded && name.startsWith(ECG_PREFIX)) {
                    // the ECG models share one synthetic evaluation set with per-class interval truth
                    x = copy(ECG_EVAL + ".npy", name, ".npy", temps);
                    if (x.isPresent()) {
                        return new EmbeddedData(x.get(), copy(ECG_EVAL + ".truth.json", name, ".json", temps),
                                "synthetic ECG evaluation set", "embedded " + ECG_EVAL + ".truth.json", temps);
                    }
                }
                if (x.isEmpty()) {
                    throw new ExplainException("model '" + name + "' comes without an evaluation set (embedded synthetic"
                            + " models have one); give --data <file>");
                }
                Optional<Path> t = copy("explain4j/models/" + name + "/" + name + ".eval.truth.json", name, ".json", temps);
                return new EmbeddedData(x.get(), t, "evaluation set of " + name, "embedded " + name + ".eval.truth.json",
                        temps);
            }
            if (data.equals("example")) {
                Optional<Path> x = ModelLocator.exampleInput(source);
                if (x.isEmpty()) {
                    throw new ExplainException("model '" + name + "' comes without an example input; give --data <file>");
                }
                temps.add(x.get());
                Optional<Path> t = embedded ? copy("explain4j/models/" + name + "/" + name + ".truth.json", name,
                        ".json", temps) : Optional.empty();
                return new EmbeddedData(x.get(), t, "example input of " + name, "embedded " + name + ".truth.json",
                        temps);
            }
            Path p = Path.of(data);
            if (!Files.exists(p)) {
                throw new ExplainException("data " + data + " does not exist; give a file, a directory, or for an"
                        + " embedded model 'example' or 'eval'");
            }
            return new EmbeddedData(p, Optional.empty(), p.toString(), "none", temps);
        } catch (RuntimeException e) {
            temps.forEach(EmbeddedData::deleteQuietly);
            throw e;
        }
    }

    private static Optional<Path> copy(String resource, String prefix, String suffix, List<Path> temps) {
        InputStream in = ReferenceModels.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            return Optional.empty();
        }
        try (in) {
            Path tmp = Files.createTempFile(prefix + "-", suffix);
            temps.add(tmp);
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(tmp);
        } catch (IOException e) {
            throw new ExplainException("cannot unpack " + resource + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        temporary.forEach(EmbeddedData::deleteQuietly);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file; the OS cleans up
        }
    }
}
