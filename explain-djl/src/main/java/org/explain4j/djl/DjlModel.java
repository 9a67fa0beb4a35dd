package org.explain4j.djl;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import org.explain4j.ExplainException;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.InputChecks;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.ModelSource;
import org.explain4j.model.TensorInfo;
import org.explain4j.model.BackwardRule;
import org.explain4j.model.VjpResult;
import org.explain4j.tensor.FloatTensor;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A model run by DJL, in one of two flavours:
 * <ul>
 *   <li>{@link #openOnnx}: an ONNX model on DJL's ONNX Runtime engine. Forward runs the model's
 *       graph; vector-Jacobian products run its exported gradient graph ({@code name.grad.onnx},
 *       loaded as a second DJL model), fixed-batch graphs fed in padded chunks.</li>
 *   <li>{@link #openTorchScript}: a TorchScript archive on DJL's PyTorch engine. Forward runs in
 *       inference mode; vector-Jacobian products come from PyTorch's autograd with the module
 *       kept in eval mode. The input's name and shape come from the sidecar ({@code name.json}),
 *       since TorchScript does not record them.</li>
 * </ul>
 * Every call checks its input with {@link InputChecks} first, as the ONNX Runtime backend does,
 * so both backends reject the same inputs with the same messages.
 *
 * <p>Thread safety: forward calls run concurrently. Gradient calls of TorchScript models are
 * serialised process-wide, because DJL's PyTorch gradient collector is a process-wide
 * singleton (see {@link PyTorchRunner}); gradient calls of ONNX models run concurrently. Do not
 * call {@link #close} while calls are running.
 *
 * <p>DJL runs offline ({@code ai.djl.offline=true} unless set otherwise) and unpacks its
 * native libraries into {@link DjlEngines#cacheDirectory()}.
 */
public final class DjlModel implements ExplainableModel {

    /** Which DJL engine runs the model. */
    public enum Flavour {
        /** DJL's ONNX Runtime engine, for {@code .onnx} files. */
        ONNX_RUNTIME("djl-ort"),
        /** DJL's PyTorch engine, for TorchScript ({@code .pt}) files. */
        PYTORCH("djl-pytorch");

        private final String backendName;

        Flavour(String backendName) {
            this.backendName = backendName;
        }

        /** The name the command line gives this backend, e.g. {@code djl-ort}. */
        public String backendName() {
            return backendName;
        }
    }

    private final Flavour flavour;
    private final EngineRunner runner;
    private final ModelInfo info;
    private final String location;
    private volatile boolean closed;

    private DjlModel(Flavour flavour, EngineRunner runner, ModelInfo info, String location) {
        this.flavour = flavour;
        this.runner = runner;
        this.info = info;
        this.location = location;
    }

    /** Opens the ONNX file {@code onnxFile} (with its gradient graph and sidecar beside it). */
    public static DjlModel openOnnx(Path onnxFile) {
        return openOnnx(ModelSource.fromPath(onnxFile));
    }

    /**
     * Opens an ONNX model on DJL's ONNX Runtime engine.
     *
     * @throws ExplainException for a TorchScript or unreadable file, a model without one float32
     *                          input, or an engine that cannot be loaded
     */
    public static DjlModel openOnnx(ModelSource source) {
        return openOnnx(source, 0);
    }

    /**
     * As {@link #openOnnx(ModelSource)}, with {@code threads} intra-op threads per ONNX Runtime
     * session (0: ONNX Runtime's default, one per core).
     */
    public static DjlModel openOnnx(ModelSource source, int threads) {
        byte[] bytes = source.readModel();
        ModelFormat.require(ModelFormat.ONNX, bytes, source.location(), "DJL's ONNX Runtime engine");
        Engine engine = DjlEngines.onnxRuntime();
        OnnxRuntimeRunner runner = OnnxRuntimeRunner.open(source, bytes, engine, threads);
        try {
            ModelDescription description = source.description()
                    .orElseGet(() -> ModelDescription.inferred(source.name(), runner.input()));
            ModelInfo info = new ModelInfo(source.name(), List.of(runner.input()), runner.outputs(), description,
                    sha256(bytes), "djl " + Engine.getDjlVersion() + " onnxruntime " + OnnxSignature.runtimeVersion(),
                    "cpu");
            return new DjlModel(Flavour.ONNX_RUNTIME, runner, info, source.location());
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
    }

    /**
     * Opens the TorchScript file {@code ptFile}; its sidecar {@code name.json} beside it gives
     * the input's name and shape.
     */
    public static DjlModel openTorchScript(Path ptFile) {
        return openTorchScript(TorchScriptSources.fromPath(ptFile));
    }

    /**
     * Opens a TorchScript model on DJL's PyTorch engine. The source's model bytes are the
     * TorchScript archive (see {@link TorchScriptSources#beside} for the copy next to an ONNX
     * model); its sidecar must give {@code input.shape}.
     *
     * @throws ExplainException for an ONNX or other non-TorchScript file, a missing sidecar or
     *                          input shape, a model that does not run on that shape, or a
     *                          PyTorch native library that cannot be loaded
     */
    public static DjlModel openTorchScript(ModelSource source) {
        return openTorchScript(source, 0);
    }

    /**
     * As {@link #openTorchScript(ModelSource)}, setting PyTorch's intra-op threads to
     * {@code threads} first (0 leaves PyTorch's setting alone). PyTorch has one such setting
     * for the whole process: it applies to every TorchScript model, opened before or after.
     */
    public static DjlModel openTorchScript(ModelSource source, int threads) {
        byte[] bytes = source.readModel();
        ModelFormat.require(ModelFormat.TORCHSCRIPT, bytes, source.location(), "DJL's PyTorch engine");
        ModelDescription description = source.description().orElseThrow(() -> new ExplainException(
                "TorchScript model " + source.location() + " has no sidecar " + source.name()
                        + ".json beside it; TorchScript records no input shape, so give one with"
                        + " {\"input\": {\"name\": \"x\", \"shape\": [-1, ...]}}"));
        TensorInfo input = sidecarInput(description, source.location());
        String outputName = description.raw().path("output").path("name").asText("y");
        Engine engine = DjlEngines.pytorch();
        if (threads > 0) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
        PyTorchRunner runner = PyTorchRunner.open(source, bytes, engine);
        try {
            TensorInfo output = runner.probeOutput(input, outputName);
            ModelInfo info = new ModelInfo(source.name(), List.of(input), List.of(output), description, sha256(bytes),
                    "djl " + Engine.getDjlVersion() + " pytorch " + engine.getVersion(), "cpu");
            return new DjlModel(Flavour.PYTORCH, runner, info, source.location());
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
    }

    public Flavour flavour() {
        return flavour;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public FloatTensor forward(FloatTensor input) {
        ensureOpen();
        InputChecks.validate(info.input(), input);
        FloatTensor y = runner.forward(input);
        if (y.rank() == 0 || y.dim(0) != input.batchSize()) {
            throw new ExplainException("model '" + info.name() + "' output has shape " + Arrays.toString(y.shape())
                    + " for " + input.batchSize() + " samples; explain4j needs the batch as the output's first axis");
        }
        return y;
    }

    @Override
    public boolean supportsGradients() {
        return runner.supportsGradients();
    }

    @Override
    public VjpResult vjp(FloatTensor input, FloatTensor cotangent) {
        ensureOpen();
        InputChecks.validate(info.input(), input);
        if (!runner.supportsGradients()) {
            throw new ExplainException("model '" + info.name() + "' has no gradient graph: export " + info.name()
                    + ".grad.onnx (see README) next to " + location + ", use its TorchScript copy with the"
                    + " djl-pytorch backend, or use a method that needs no gradients (occlusion, LIME)");
        }
        InputChecks.validateCotangent(info.output().sampleShape(), input.batchSize(), cotangent);
        VjpResult r = runner.vjp(input, cotangent);
        if (!Arrays.equals(r.inputGradient().shape(), input.shape())) {
            throw new ExplainException("model '" + info.name() + "' returned a gradient shaped "
                    + Arrays.toString(r.inputGradient().shape()) + " for an input shaped "
                    + Arrays.toString(input.shape()) + "; re-export it so the gradient is shaped like the input");
        }
        return r;
    }

    /**
     * {@inheritDoc}
     *
     * <p>DJL runs the engine's own autograd or an exported gradient graph, both with the true
     * ReLU derivative, so guided backpropagation and deconvnet need the ONNX Runtime backend.
     */
    @Override
    public VjpResult vjp(FloatTensor input, FloatTensor cotangent, BackwardRule rule) {
        if (rule == BackwardRule.GRADIENT) {
            return vjp(input, cotangent);
        }
        throw new ExplainException("model '" + info.name() + "' on DJL (" + flavour.backendName() + ") cannot run"
                + " its backward pass with the " + rule.name().toLowerCase(java.util.Locale.ROOT) + " ReLU rule;"
                + " use the ort backend (OrtModel), which builds guided/deconvnet gradient graphs in Java");
    }

    /**
     * {@inheritDoc}
     *
     * <p>DJL runs whole graphs, so only the model's own input and output can be asked for;
     * intermediate tensors need the ONNX Runtime backend ({@code ort}).
     */
    @Override
    public Map<String, FloatTensor> activations(FloatTensor input, Collection<String> tensorNames) {
        ensureOpen();
        InputChecks.validate(info.input(), input);
        String in = info.input().name();
        String out = info.output().name();
        Map<String, FloatTensor> result = new LinkedHashMap<>();
        FloatTensor y = null;
        for (String n : new LinkedHashSet<>(tensorNames)) {
            if (n.equals(in)) {
                result.put(n, input.copy());
            } else if (n.equals(out)) {
                y = y != null ? y : forward(input);
                result.put(n, y);
            } else {
                throw new ExplainException("model '" + info.name() + "' on DJL (" + flavour.backendName()
                        + ") exposes only its input '" + in + "' and output '" + out + "', not '" + n
                        + "'; use the ort backend for intermediate tensors");
            }
        }
        return result;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        runner.close();
    }

    @Override
    public String toString() {
        return "DjlModel[" + info.name() + " at " + location + " on " + flavour.backendName() + "]";
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model '" + info.name() + "' is closed");
        }
    }

    /** The input tensor the sidecar declares: {@code input.name} (default {@code x}) and {@code input.shape}. */
    private static TensorInfo sidecarInput(ModelDescription description, String location) {
        JsonNode input = description.raw() == null ? null : description.raw().path("input");
        JsonNode shape = input == null ? null : input.path("shape");
        if (shape == null || !shape.isArray() || shape.isEmpty()) {
            throw new ExplainException("the sidecar of TorchScript model " + location + " gives no input.shape;"
                    + " TorchScript records none, so add e.g. \"input\": {\"name\": \"x\", \"shape\": [-1, 30]}");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.canConvertToLong()) {
                throw new ExplainException("the sidecar of TorchScript model " + location + " has input.shape "
                        + shape + "; give whole numbers, -1 for the batch");
            }
            dims[i] = d.asLong();
        }
        return new TensorInfo(input.path("name").asText("x"), dims, "float32");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
