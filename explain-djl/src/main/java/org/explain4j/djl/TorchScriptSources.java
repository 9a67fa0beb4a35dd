package org.explain4j.djl;

import com.fasterxml.jackson.databind.JsonNode;
import org.explain4j.ExplainException;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the TorchScript copy of a model next to its ONNX file: the file the sidecar's
 * {@code "torchscript"} field names, else {@code name.pt} in the same folder (or classpath
 * folder). The copy shares the ONNX model's sidecar, which also gives the input's name and
 * shape that a TorchScript file does not record.
 */
public final class TorchScriptSources {

    private TorchScriptSources() {
    }

    /**
     * The TorchScript copy of {@code onnx}.
     *
     * @throws ExplainException when there is none, naming where it was looked for
     */
    public static ModelSource beside(ModelSource onnx) {
        ModelDescription description = onnx.description().orElse(null);
        String named = torchScriptField(description).orElse(null);
        String location = onnx.location();
        String fileName = named != null ? named : onnx.name() + ".pt";
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length());
            int slash = resource.lastIndexOf('/');
            String pt = (slash < 0 ? "" : resource.substring(0, slash + 1)) + fileName;
            ClassLoader loader = loader();
            if (loader.getResource(pt) == null) {
                throw missing(onnx, "classpath:" + pt, named != null);
            }
            return ModelSource.of(onnx.name(), "classpath:" + pt, () -> open(loader, pt), null, description);
        }
        Path file = Path.of(location);
        if (!Files.isRegularFile(file)) {
            throw new ExplainException("model '" + onnx.name() + "' comes from " + location
                    + ", not from a file or the classpath, so there is no TorchScript copy beside it;"
                    + " open the .pt file itself");
        }
        Path pt = file.resolveSibling(fileName).normalize();
        if (!Files.isRegularFile(pt)) {
            throw missing(onnx, pt.toString(), named != null);
        }
        return ModelSource.of(onnx.name(), pt.toString(), () -> Files.newInputStream(pt), null, description);
    }

    /**
     * The TorchScript file {@code ptFile}, with the sidecar {@code name.json} beside it when
     * there is one (its gradient graph, which TorchScript does not need, is not looked for).
     *
     * @throws ExplainException when the file is missing or the sidecar unreadable
     */
    public static ModelSource fromPath(Path ptFile) {
        Path file = ptFile.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new ExplainException("TorchScript file not found: " + ptFile);
        }
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        String name = dot > 0 ? fileName.substring(0, dot) : fileName;
        Path sidecar = file.resolveSibling(name + ".json");
        ModelDescription description = null;
        if (Files.isRegularFile(sidecar)) {
            try (InputStream in = Files.newInputStream(sidecar)) {
                description = ModelDescription.parse(in, sidecar.toString());
            } catch (IOException e) {
                throw new ExplainException("cannot read model sidecar " + sidecar + ": " + e.getMessage());
            }
        }
        return ModelSource.of(name, file.toString(), () -> Files.newInputStream(file), null, description);
    }

    /** Whether {@link #beside} would find a TorchScript copy of {@code onnx}. */
    public static boolean hasCopy(ModelSource onnx) {
        try {
            beside(onnx);
            return true;
        } catch (ExplainException e) {
            return false;
        }
    }

    /** The sidecar's {@code "torchscript"} file name, when it gives one. */
    static Optional<String> torchScriptField(ModelDescription description) {
        if (description == null || description.raw() == null) {
            return Optional.empty();
        }
        JsonNode t = description.raw().path("torchscript");
        return t.isTextual() && !t.asText().isBlank() ? Optional.of(t.asText()) : Optional.empty();
    }

    private static ExplainException missing(ModelSource onnx, String where, boolean namedBySidecar) {
        return new ExplainException("model '" + onnx.name() + "' has no TorchScript copy: " + where
                + " is not there" + (namedBySidecar ? " (named by the sidecar's \"torchscript\" field)" : "")
                + "; export one with torch.jit.trace (eval mode) and torch.jit.save, or leave out the djl-pytorch backend");
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : TorchScriptSources.class.getClassLoader();
    }

    private static InputStream open(ClassLoader loader, String resource) throws IOException {
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("resource " + resource + " vanished from the classpath");
        }
        return in;
    }
}
