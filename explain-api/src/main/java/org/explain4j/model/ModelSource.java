package org.explain4j.model;

import org.explain4j.ExplainException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a model's bytes come from, whatever backend runs it: the forward graph, the exported
 * gradient graph when there is one, and the sidecar description. Companions are found by
 * convention next to the forward file: {@code name.onnx}, {@code name.grad.onnx} (or the file
 * the sidecar's {@code gradient.file} names) and {@code name.json}.
 *
 * <p>A source only knows how to open its files; backends read them when they open a model, so
 * one source may be opened several times.
 */
public final class ModelSource {

    /** Opens one file's bytes; each call returns a fresh stream. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    private final String name;
    private final String location;
    private final Opener model;
    private final String gradientLocation;
    private final Opener gradient;
    private final ModelDescription description;
    /** Opens a companion file (named relative to the model's folder), or null when it is not there. */
    private java.util.function.Function<String, Opener> companions = f -> null;
    private java.util.function.Function<String, String> companionLocations = f -> f;

    private ModelSource(String name, String location, Opener model, String gradientLocation, Opener gradient,
                        ModelDescription description) {
        this.name = Objects.requireNonNull(name, "name");
        this.location = Objects.requireNonNull(location, "location");
        this.model = Objects.requireNonNull(model, "model");
        this.gradientLocation = gradientLocation;
        this.gradient = gradient;
        this.description = description;
    }

    /**
     * A source from explicit parts, e.g. a graph rewritten in memory.
     *
     * @param gradient    the gradient graph, or {@code null} when there is none
     * @param description the sidecar, or {@code null} when there is none
     */
    public static ModelSource of(String name, String location, Opener model, Opener gradient,
                                 ModelDescription description) {
        return new ModelSource(name, location, model, gradient == null ? null : location + " (gradient graph)",
                gradient, description);
    }

    /** A source over bytes already in memory (the arrays are not copied: do not change them). */
    public static ModelSource ofBytes(String name, byte[] model, byte[] gradient, ModelDescription description) {
        Objects.requireNonNull(model, "model");
        return of(name, "memory:" + name, () -> new java.io.ByteArrayInputStream(model),
                gradient == null ? null : () -> new java.io.ByteArrayInputStream(gradient), description);
    }

    /**
     * The model in {@code onnxFile}, with {@code name.json} and {@code name.grad.onnx} from the
     * same folder when they are there.
     *
     * @throws ExplainException when the file is missing or a directory, or the sidecar is broken
     */
    public static ModelSource fromPath(Path onnxFile) {
        Path file = onnxFile.toAbsolutePath().normalize();
        if (Files.isDirectory(file)) {
            List<String> candidates = onnxFilesIn(file);
            throw new ExplainException("model path " + onnxFile + " is a directory; give the .onnx file itself"
                    + (candidates.isEmpty() ? " (this folder holds none)" : " (this folder holds " + candidates + ")"));
        }
        if (!Files.isRegularFile(file)) {
            throw new ExplainException("model file not found: " + onnxFile);
        }
        if (!Files.isReadable(file)) {
            throw new ExplainException("model file is not readable: " + onnxFile + " (check its permissions)");
        }
        String fileName = file.getFileName().toString();
        if (fileName.endsWith(".grad.onnx")) {
            throw new ExplainException(onnxFile + " is a gradient graph; give the forward model "
                    + fileName.substring(0, fileName.length() - ".grad.onnx".length())
                    + ".onnx (its gradient graph is found next to it)");
        }
        String name = stripExtension(fileName);
        Path folder = file.getParent();

        ModelDescription description = null;
        Path sidecar = folder.resolve(name + ".json");
        if (Files.isRegularFile(sidecar)) {
            try (InputStream in = Files.newInputStream(sidecar)) {
                description = ModelDescription.parse(in, sidecar.toString());
            } catch (IOException e) {
                throw new ExplainException("cannot read model sidecar " + sidecar + ": " + e.getMessage());
            }
        }

        Path gradientFile = null;
        if (description != null && description.gradient().isPresent()) {
            gradientFile = folder.resolve(description.gradient().get().file()).normalize();
            if (!Files.isRegularFile(gradientFile)) {
                throw new ExplainException("model sidecar " + sidecar + " names the gradient graph " + gradientFile
                        + ", which is not there; restore it or remove 'gradient' from the sidecar");
            }
        } else if (Files.isRegularFile(folder.resolve(name + ".grad.onnx"))) {
            gradientFile = folder.resolve(name + ".grad.onnx");
        }
        Path grad = gradientFile;
        ModelSource source = new ModelSource(name, file.toString(), () -> Files.newInputStream(file),
                grad == null ? null : grad.toString(), grad == null ? null : () -> Files.newInputStream(grad),
                description);
        source.companions = f -> {
            Path p = folder.resolve(f).normalize();
            return Files.isRegularFile(p) ? () -> Files.newInputStream(p) : null;
        };
        source.companionLocations = f -> folder.resolve(f).normalize().toString();
        return source;
    }

    /**
     * The model in the classpath resources {@code resourceBase + ".onnx"}, {@code ".grad.onnx"}
     * and {@code ".json"}, e.g. {@code explain4j/models/mlp/mlp}, loaded with the thread's
     * context class loader (or this class's when there is none).
     */
    public static ModelSource fromClasspath(String resourceBase) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return fromClasspath(resourceBase, loader != null ? loader : ModelSource.class.getClassLoader());
    }

    /** As {@link #fromClasspath(String)}, with the given class loader. */
    public static ModelSource fromClasspath(String resourceBase, ClassLoader loader) {
        String base = resourceBase.startsWith("/") ? resourceBase.substring(1) : resourceBase;
        if (base.endsWith(".onnx")) {
            base = base.substring(0, base.length() - ".onnx".length());
        }
        String modelResource = base + ".onnx";
        if (loader.getResource(modelResource) == null) {
            throw new ExplainException("model resource not found on the classpath: " + modelResource);
        }
        int slash = base.lastIndexOf('/');
        String folder = slash < 0 ? "" : base.substring(0, slash + 1);
        String name = base.substring(slash + 1);

        ModelDescription description = null;
        String sidecar = base + ".json";
        if (loader.getResource(sidecar) != null) {
            try (InputStream in = loader.getResourceAsStream(sidecar)) {
                description = ModelDescription.parse(in, "classpath:" + sidecar);
            } catch (IOException e) {
                throw new ExplainException("cannot read model sidecar classpath:" + sidecar + ": " + e.getMessage());
            }
        }
        String gradient = null;
        if (description != null && description.gradient().isPresent()) {
            gradient = folder + description.gradient().get().file();
            if (loader.getResource(gradient) == null) {
                throw new ExplainException("model sidecar classpath:" + sidecar + " names the gradient graph "
                        + gradient + ", which is not on the classpath");
            }
        } else if (loader.getResource(base + ".grad.onnx") != null) {
            gradient = base + ".grad.onnx";
        }
        String grad = gradient;
        ModelSource source = new ModelSource(name, "classpath:" + modelResource, () -> openResource(loader, modelResource),
                grad == null ? null : "classpath:" + grad, grad == null ? null : () -> openResource(loader, grad),
                description);
        source.companions = f -> loader.getResource(folder + f) == null ? null : () -> openResource(loader, folder + f);
        source.companionLocations = f -> "classpath:" + folder + f;
        return source;
    }

    public String name() {
        return name;
    }

    /** Where the forward graph is, as users read it in messages (a path or {@code classpath:...}). */
    public String location() {
        return location;
    }

    /** Opens the forward graph; the caller closes the stream. */
    public InputStream openModel() throws IOException {
        return model.open();
    }

    /** The forward graph's bytes. */
    public byte[] readModel() {
        return read(model, location);
    }

    public boolean hasGradientGraph() {
        return gradient != null;
    }

    /** Where the gradient graph is, when there is one. */
    public Optional<String> gradientLocation() {
        return Optional.ofNullable(gradientLocation);
    }

    /** The gradient graph's bytes, when there is one. */
    public Optional<byte[]> readGradientGraph() {
        return gradient == null ? Optional.empty() : Optional.of(read(gradient, gradientLocation));
    }

    /** The sidecar's description, when the model came with one. */
    /**
     * A file that comes with the model, named relative to the model's folder (e.g. the sidecar's
     * {@code layer_gradient} graph); empty when it is not there or the source has no folder.
     */
    public Optional<byte[]> readCompanion(String fileName) {
        Opener o = companions.apply(fileName);
        return o == null ? Optional.empty() : Optional.of(read(o, companionLocations.apply(fileName)));
    }

    /** Where {@link #readCompanion} looks for {@code fileName}, for messages. */
    public String companionLocation(String fileName) {
        return companionLocations.apply(fileName);
    }

    public Optional<ModelDescription> description() {
        return Optional.ofNullable(description);
    }

    @Override
    public String toString() {
        return "ModelSource[" + name + " at " + location + (gradient != null ? ", gradient graph " + gradientLocation : "")
                + (description != null ? ", with sidecar" : "") + "]";
    }

    private static byte[] read(Opener opener, String where) {
        try (InputStream in = opener.open()) {
            return in.readAllBytes();
        } catch (IOException | UncheckedIOException e) {
            throw new ExplainException("cannot read model file " + where + ": " + e.getMessage());
        }
    }

    private static InputStream openResource(ClassLoader loader, String resource) throws IOException {
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("resource " + resource + " vanished from the classpath");
        }
        return in;
    }

    private static String stripExtension(String fileName) {
        if (fileName.endsWith(".onnx")) {
            return fileName.substring(0, fileName.length() - ".onnx".length());
        }
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    private static List<String> onnxFilesIn(Path folder) {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.onnx")) {
            for (Path p : files) {
                if (!p.getFileName().toString().endsWith(".grad.onnx")) {
                    out.add(p.getFileName().toString());
                }
            }
        } catch (IOException e) {
            // listing is only a hint for the message
        }
        out.sort(null);
        return out;
    }
}
