package org.explain4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.ValueInfo;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.explain4j.ExplainException;
import org.explain4j.model.BackwardRule;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.GradientGraphSpec;
import org.explain4j.model.InputChecks;
import org.explain4j.model.LayerGradient;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.ModelSource;
import org.explain4j.model.TensorInfo;
import org.explain4j.model.VjpResult;
import org.explain4j.onnx.autodiff.GradientGraphBuilder;
import org.explain4j.onnx.autodiff.GradientOptions;
import org.explain4j.onnx.autodiff.ReluRule;
import org.explain4j.onnx.graph.ExtraOutputs;
import org.explain4j.tensor.FloatTensor;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model run by ONNX Runtime: forward from the model's graph, vector-Jacobian products
 * from its exported gradient graph ({@code name.grad.onnx}) or, when it has none, from a
 * gradient graph built in Java ({@link GradientGraphBuilder}, on the first call that needs it),
 * intermediate tensors from a copy of the graph that outputs them, and gradients with respect
 * to intermediate tensors from a Java-built graph per tensor.
 *
 * <p>Safe for concurrent use: ORT runs a session from several threads at once, and every
 * session made after opening (built gradient graph, exposing and layer graphs) is made once,
 * under a lock, and cached. Do not call {@link #close} while calls are running.
 */
public final class OrtModel implements ExplainableModel {

    private static final Logger LOG = LogManager.getLogger(OrtModel.class);

    /** Default names of the gradient graph's tensors when no sidecar names them. */
    private static final GradientGraphSpec DEFAULT_GRADIENT = new GradientGraphSpec("", 0, "x", "w", "y", "grad_x");
    private static final int DEFAULT_GRADIENT_BATCH = 32;
    /** Provenance of a gradient graph this class built from the forward model. */
    public static final String BUILT_GRADIENT_SOURCE = "built in Java (explain4j autodiff)";
    /** Names of the built graph's cotangent input and input-gradient output (unlikely to clash with a model's). */
    private static final String BUILT_COTANGENT = "explain4j_w";
    private static final String BUILT_GRAD = "explain4j_grad";

    private final OrtEnvironment env;
    private final String name;
    private final String location;
    private final byte[] modelBytes;
    private final OrtSession.SessionOptions sessionOptions;
    private final OrtSession forward;
    private final String inputName;
    private final String outputName;
    private final int forwardChunk;
    private final boolean forwardFixed;
    private final BatchRunner forwardRunner;
    private final OrtOptions options;
    private final ModelSource source;
    private volatile Gradient gradient; // the exported graph, or the built one once made
    private volatile ExplainException gradientFailure; // why the Java build failed, when it did
    private boolean gradientBuildTried; // guarded by lock
    private volatile ModelInfo info; // its gradient source is set once the built graph exists

    private final Object lock = new Object();
    private final Map<List<String>, OrtSession> exposingSessions = new HashMap<>(); // guarded by lock
    private final Map<String, LayerGraph> layerGraphs = new HashMap<>(); // guarded by lock
    private final Map<BackwardRule, Gradient> ruleGradients = new EnumMap<>(BackwardRule.class); // guarded by lock
    private Set<String> tensorNames; // guarded by lock
    private volatile boolean closed;

    /** The exported gradient graph and how to run it. */
    private record Gradient(OrtSession session, BatchRunner runner, GradientGraphSpec names, int batch,
                            long[] cotangentSample, boolean fixed) {
        String fixedBatchText() {
            return fixed ? "fixed to " + batch : "free, " + batch + " per run";
        }
    }

    /**
     * A graph that outputs one intermediate tensor and its gradient: the sidecar's exported
     * {@code layer_gradient} graph for its layer, else one built in Java.
     */
    private record LayerGraph(OrtSession session, BatchRunner runner, GradientGraphSpec names, String layer,
                              String layerGrad, long[] cotangentSample, String source) {
    }

    /** Sessions made for one device, before the model object exists. */
    private record Placement(OrtSession.SessionOptions options, OrtSession forward, String device) {
    }

    private OrtModel(OrtEnvironment env, ModelSource source, byte[] modelBytes, Placement placement,
                     Gradient gradient, ModelInfo info, OrtOptions options) {
        this.options = options;
        this.source = source;
        this.env = env;
        this.name = source.name();
        this.location = source.location();
        this.modelBytes = modelBytes;
        this.sessionOptions = placement.options();
        this.forward = placement.forward();
        this.gradient = gradient;
        this.info = info;
        this.inputName = info.input().name();
        this.outputName = info.output().name();
        long batch = info.input().shape()[0];
        this.forwardFixed = batch > 0;
        this.forwardChunk = forwardFixed ? Math.toIntExact(batch) : 0;
        this.forwardRunner = new BatchRunner(env, forward, name, forwardChunk, forwardFixed);
    }

    /** Opens the model file {@code onnxFile} (with its companions) on the CPU. */
    public static OrtModel open(Path onnxFile) {
        return open(ModelSource.fromPath(onnxFile), OrtOptions.defaults());
    }

    /** Opens {@code source} on the CPU with ONNX Runtime's default threads. */
    public static OrtModel open(ModelSource source) {
        return open(source, OrtOptions.defaults());
    }

    /**
     * Opens {@code source}: reads the forward graph (and the gradient graph when there is one)
     * and makes their sessions on the requested device.
     *
     * @throws ExplainException when a file is missing or not ONNX, the model does not take one
     *                          float input, or the device cannot be used
     */
    public static OrtModel open(ModelSource source, OrtOptions options) {
        OrtEnvironment env = environment();
        byte[] bytes = source.readModel();
        Placement placement = place(env, bytes, source, options);
        OrtSession gradientSession = null;
        try {
            TensorInfo input = checkedInput(placement.forward(), source.name());
            List<TensorInfo> inputs = List.of(input);
            List<TensorInfo> outputs = checkedOutputs(placement.forward(), source.name());
            Gradient gradient = null;
            if (source.hasGradientGraph()) {
                String where = source.gradientLocation().orElseThrow();
                gradientSession = createSession(env, source.readGradientGraph().orElseThrow(),
                        placement.options(), where, placement.device());
                GradientGraphSpec spec = source.description().flatMap(ModelDescription::gradient)
                        .orElse(DEFAULT_GRADIENT);
                gradient = gradient(env, gradientSession, spec, source.name(), where, input, options, true);
            }
            ModelDescription description = source.description()
                    .orElseGet(() -> ModelDescription.inferred(source.name(), input));
            // Without an exported graph the source is recorded once the Java build succeeds.
            String gradientSource = gradient == null ? "" : fileName(source.gradientLocation().orElseThrow());
            ModelInfo info = new ModelInfo(source.name(), inputs, outputs, description, sha256(bytes),
                    "onnxruntime " + env.getVersion(), placement.device(), gradientSource);
            LOG.debug("opened model '{}' from {} on {}: input {}, output {}, gradient graph {}", source.name(),
                    source.location(), placement.device(), input, outputs.get(0),
                    gradient == null ? "none exported (built in Java when needed)" : "batch " + gradient.batch());
            return new OrtModel(env, source, bytes, placement, gradient, info, options);
        } catch (RuntimeException e) {
            closeQuietly(gradientSession);
            closeQuietly(placement.forward());
            placement.options().close();
            throw e;
        }
    }

    private static volatile boolean environmentCreated;

    /**
     * ONNX Runtime's process-wide environment, created on a thread with a 16 MB stack: ONNX
     * Runtime 1.29 overflows a default (1 MB) Java thread stack while creating it when the
     * process's command line is long (about 4 KB, e.g. {@code java -cp} with many jars), and
     * the JVM dies with SIGSEGV and no error file.
     */
    private static OrtEnvironment environment() {
        if (!environmentCreated) {
            RuntimeException[] failure = new RuntimeException[1];
            Thread t = new Thread(null, () -> {
                try {
                    OrtEnvironment.getEnvironment();
                } catch (RuntimeException e) {
                    failure[0] = e;
                }
            }, "onnxruntime-environment", 16L << 20);
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExplainException("interrupted while ONNX Runtime was starting", e);
            }
            if (failure[0] != null) {
                throw failure[0];
            }
            try {
                // Once per process: explain4j sends nothing anywhere (ORT's telemetry is Windows-only).
                OrtEnvironment.getEnvironment().setTelemetry(false);
            } catch (OrtException e) {
                LOG.debug("could not turn off ONNX Runtime telemetry: {}", OrtErrors.firstLine(e));
            }
            environmentCreated = true;
        }
        return OrtEnvironment.getEnvironment();
    }

    /** Whether this ONNX Runtime build lists the CUDA execution provider (the GPU jar does). */
    public static boolean cudaProviderListed() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public FloatTensor forward(FloatTensor input) {
        ensureOpen();
        InputChecks.validate(info.input(), input);
        FloatTensor y = forwardRunner.run(Map.of(inputName, input), List.of(outputName)).get(0);
        if (y.rank() == 0 || y.dim(0) != input.batchSize()) {
            throw new ExplainException("model '" + name + "' output '" + outputName + "' has shape "
                    + Arrays.toString(y.shape()) + " for " + input.batchSize()
                    + " samples; explain4j needs the batch as the output's first axis");
        }
        return y;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Without an exported gradient graph this builds one in Java (once); it is false when the
     * model has an op the builder has no rule for.
     */
    @Override
    public boolean supportsGradients() {
        return gradient() != null;
    }

    /**
     * The forward graph as this model loaded it (a fresh parse of its bytes), for graph passes
     * that read weights and structure, such as LRP. Changing it does not change the model.
     */
    public ModelProto onnxModel() {
        return GraphOutputs.parse(modelBytes, location);
    }

    /** Samples per run of the gradient graph (building it when needed), or 0 when the model has none. */
    public int gradientBatch() {
        Gradient g = gradient();
        return g == null ? 0 : g.batch();
    }

    @Override
    public VjpResult vjp(FloatTensor input, FloatTensor cotangent) {
        ensureOpen();
        InputChecks.validate(info.input(), input);
        Gradient gradient = gradient();
        if (gradient == null) {
            throw new ExplainException(gradientFailure.getMessage(), gradientFailure);
        }
        return runGradient(gradient, input, cotangent);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Other rules than the true gradient run a gradient graph built in Java with that ReLU
     * rule (once per rule, cached), also when the model has an exported gradient graph: the
     * exported graph holds the true ReLU derivative.
     */
    @Override
    public VjpResult vjp(FloatTensor input, FloatTensor cotangent, BackwardRule rule) {
        if (rule == BackwardRule.GRADIENT) {
            return vjp(input, cotangent);
        }
        ensureOpen();
        InputChecks.validate(info.input(), input);
        return runGradient(ruleGradient(rule), input, cotangent);
    }

    private VjpResult runGradient(Gradient gradient, FloatTensor input, FloatTensor cotangent) {
        InputChecks.validateCotangent(gradient.cotangentSample(), input.batchSize(), cotangent);
        Map<String, FloatTensor> feed = new LinkedHashMap<>();
        feed.put(gradient.names().input(), input);
        feed.put(gradient.names().cotangent(), cotangent);
        List<FloatTensor> out = gradient.runner().run(feed,
                List.of(gradient.names().output(), gradient.names().grad()));
        FloatTensor grad = out.get(1);
        if (!Arrays.equals(grad.shape(), input.shape())) {
            throw new ExplainException("gradient graph of model '" + name + "' returned '" + gradient.names().grad()
                    + "' shaped " + Arrays.toString(grad.shape()) + " for an input shaped "
                    + Arrays.toString(input.shape()) + "; re-export it so the gradient is shaped like the input");
        }
        return new VjpResult(out.get(0), grad);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The model's own input is returned as given. When the graph fixes its batch, a larger
     * batch is split, which needs every requested tensor to carry the batch as its first axis.
     * A session is made (once) for each distinct set of names, so ask for the same sets.
     */
    @Override
    public Map<String, FloatTensor> activations(FloatTensor input, Collection<String> names) {
        ensureOpen();
        InputChecks.validate(info.input(), input);
        List<String> wanted = new ArrayList<>(new LinkedHashSet<>(names));
        if (wanted.isEmpty()) {
            return Map.of();
        }
        Set<String> known = tensorNames();
        Map<String, String> resolved = new LinkedHashMap<>();
        for (String n : wanted) {
            resolved.put(n, resolveTensor(n, known));
        }
        List<String> fromGraph = resolved.values().stream().filter(n -> !n.equals(inputName)).distinct().sorted()
                .toList();
        Map<String, FloatTensor> got = new HashMap<>();
        if (!fromGraph.isEmpty()) {
            OrtSession session = exposingSession(fromGraph);
            List<FloatTensor> values = new BatchRunner(env, session, name, forwardChunk, forwardFixed)
                    .run(Map.of(inputName, input), fromGraph);
            for (int i = 0; i < fromGraph.size(); i++) {
                got.put(fromGraph.get(i), values.get(i));
            }
        }
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (String n : wanted) {
            String r = resolved.get(n);
            out.put(n, r.equals(inputName) ? input.copy() : got.get(r));
        }
        return out;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Runs the sidecar's exported {@code layer_gradient} graph when it is for
     * {@code tensorName}, else a gradient graph built in Java for {@code tensorName} (made once
     * per name, also when the model has an exported input-gradient graph); either returns the
     * tensor and its gradient from the same pass.
     */
    @Override
    public LayerGradient layerVjp(FloatTensor input, FloatTensor cotangent, String tensorName) {
        ensureOpen();
        InputChecks.validate(info.input(), input);
        if (tensorName.equals(inputName)) {
            throw new ExplainException("'" + tensorName + "' is the input of model '" + name
                    + "'; use vjp for the input's gradient and name an intermediate tensor here");
        }
        String tensor = resolveTensor(tensorName, tensorNames());
        LayerGraph g = layerGraph(tensor);
        InputChecks.validateCotangent(g.cotangentSample(), input.batchSize(), cotangent);
        Map<String, FloatTensor> feed = new LinkedHashMap<>();
        feed.put(g.names().input(), input);
        feed.put(g.names().cotangent(), cotangent);
        List<FloatTensor> out = g.runner().run(feed, List.of(g.names().output(), g.layer(), g.layerGrad()));
        return new LayerGradient(out.get(0), out.get(1), out.get(2));
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            exposingSessions.values().forEach(OrtModel::closeQuietly);
            exposingSessions.clear();
            layerGraphs.values().forEach(g -> closeQuietly(g.session()));
            layerGraphs.clear();
            ruleGradients.values().forEach(g -> closeQuietly(g.session()));
            ruleGradients.clear();
            if (gradient != null) {
                closeQuietly(gradient.session());
            }
            closeQuietly(forward);
            sessionOptions.close();
        }
    }

    @Override
    public String toString() {
        return "OrtModel[" + name + " at " + location + " on " + info.device() + "]";
    }

    // ---------------------------------------------------------------------------------------
    // Opening

    private static Placement place(OrtEnvironment env, byte[] bytes, ModelSource source, OrtOptions options) {
        Device device = options.device();
        if (device.kind() == Device.Kind.CPU) {
            return onDevice(env, bytes, source, options, Device.CPU);
        }
        if (device.kind() == Device.Kind.CUDA) {
            if (!cudaProviderListed()) {
                throw new ExplainException("device '" + device + "' requested but ONNX Runtime's CUDA provider is not"
                        + " available: this build uses the CPU-only onnxruntime jar (build with -Pgpu, and provide"
                        + " CUDA 12 + cuDNN 9 libraries)");
            }
            return onDevice(env, bytes, source, options, device);
        }
        // auto: CUDA when it loads, else the CPU.
        if (!cudaProviderListed()) {
            LOG.info("device auto: this ONNX Runtime build has no CUDA provider; running model '{}' on the CPU",
                    source.name());
            return onDevice(env, bytes, source, options, Device.CPU);
        }
        try {
            return onDevice(env, bytes, source, options, Device.cuda(0));
        } catch (CudaUnavailable e) {
            LOG.info("device auto: CUDA could not be used ({}); running model '{}' on the CPU",
                    OrtErrors.firstLine(e.getCause()), source.name());
            return onDevice(env, bytes, source, options, Device.CPU);
        }
    }

    /** CUDA was requested and its provider is listed, but its libraries did not load. */
    private static final class CudaUnavailable extends ExplainException {
        CudaUnavailable(Device device, OrtException cause) {
            super("device '" + device + "' requested but the CUDA 12 / cuDNN 9 libraries could not be loaded"
                    + " (install them and put them on the library path): " + OrtErrors.firstLine(cause), cause);
        }
    }

    /** The forward session on {@code device} (CPU or a given GPU), with the options it was made with. */
    private static Placement onDevice(OrtEnvironment env, byte[] bytes, ModelSource source, OrtOptions options,
                                      Device device) {
        OrtSession.SessionOptions so = baseOptions(options);
        try {
            if (device.kind() == Device.Kind.CUDA) {
                try {
                    so.addCUDA(device.index());
                } catch (OrtException e) {
                    throw new CudaUnavailable(device, e);
                }
            }
            return new Placement(so, createSession(env, bytes, so, source.location(), device.toString()),
                    device.toString());
        } catch (RuntimeException e) {
            so.close();
            throw e;
        }
    }

    private static OrtSession.SessionOptions baseOptions(OrtOptions options) {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            // ORT's own warnings (e.g. legacy exporters' initializers listed as inputs) go straight
            // to stderr past any logging set-up; real failures still arrive as exceptions.
            so.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            return so;
        } catch (OrtException e) {
            so.close();
            throw new ExplainException("ONNX Runtime rejected the session options: " + OrtErrors.firstLine(e), e);
        }
    }

    /** Makes a session; the caller owns (and on failure closes) the options. */
    private static OrtSession createSession(OrtEnvironment env, byte[] bytes, OrtSession.SessionOptions so,
                                            String where, String device) {
        try {
            return env.createSession(bytes, so);
        } catch (OrtException e) {
            if (device.startsWith("cuda") && OrtErrors.isProviderFailure(e)) {
                throw new CudaUnavailable(Device.parse(device), e);
            }
            throw new ExplainException(where + " is not a readable ONNX model: " + OrtErrors.firstLine(e), e);
        }
    }

    private static TensorInfo checkedInput(OrtSession session, String model) {
        Map<String, NodeInfo> inputs = infos(session, true);
        if (inputs.size() != 1) {
            throw new ExplainException("model '" + model + "' has " + inputs.size() + " inputs " + describe(inputs)
                    + "; explain4j explains models with exactly one float32 input");
        }
        TensorInfo input = tensorInfo(inputs.values().iterator().next());
        if (!input.dtype().equals("float32") || input.shape().length == 0) {
            throw new ExplainException("model '" + model + "' input " + input
                    + " is not a float32 tensor with a batch axis; explain4j needs a float32 input [N,...]");
        }
        return input;
    }

    private static List<TensorInfo> checkedOutputs(OrtSession session, String model) {
        Map<String, NodeInfo> outputs = infos(session, false);
        List<TensorInfo> out = outputs.values().stream().map(OrtModel::tensorInfo).toList();
        if (out.isEmpty() || !out.get(0).dtype().equals("float32") || out.get(0).shape().length == 0) {
            throw new ExplainException("model '" + model + "' first output " + (out.isEmpty() ? "[]" : out.get(0))
                    + " is not a float32 tensor with a batch axis; explain4j explains float32 outputs [N,C]");
        }
        return out;
    }

    /**
     * How to run gradient graph {@code session}, checked against the forward input.
     *
     * @param exported whether the graph is a user's file (a batch option that contradicts its
     *                 fixed batch is an error) or built in Java (the graph's batch is the model's own)
     */
    private static Gradient gradient(OrtEnvironment env, OrtSession session, GradientGraphSpec spec, String modelName,
                                     String where, TensorInfo forwardInput, OrtOptions options, boolean exported) {
        Map<String, NodeInfo> ins = infos(session, true);
        Map<String, NodeInfo> outs = infos(session, false);
        for (String n : List.of(spec.input(), spec.cotangent())) {
            if (!ins.containsKey(n)) {
                throw new ExplainException("gradient graph " + where + " has no input '" + n + "' (it has " + describe(ins)
                        + "); expected inputs '" + spec.input() + "' and '" + spec.cotangent() + "'");
            }
        }
        for (String n : List.of(spec.output(), spec.grad())) {
            if (!outs.containsKey(n)) {
                throw new ExplainException("gradient graph " + where + " has no output '" + n + "' (it has "
                        + describe(outs) + "); expected outputs '" + spec.output() + "' and '" + spec.grad() + "'");
            }
        }
        TensorInfo x = tensorInfo(ins.get(spec.input()));
        TensorInfo w = tensorInfo(ins.get(spec.cotangent()));
        if (!x.dtype().equals("float32") || !w.dtype().equals("float32") || w.shape().length == 0) {
            throw new ExplainException("gradient graph " + where + " takes " + x + " and " + w
                    + "; expected float32 input and cotangent, both with a batch axis");
        }
        if (!sampleShapesAgree(x.shape(), forwardInput.shape())) {
            throw new ExplainException("gradient graph " + where + " takes input " + x.shapeText()
                    + " but the forward graph takes " + forwardInput.shapeText()
                    + "; export both from the same model");
        }
        long graphBatch = x.shape()[0];
        int batch;
        boolean fixed = graphBatch > 0;
        if (fixed) {
            batch = Math.toIntExact(graphBatch);
            if (exported && options.gradientBatch() > 0 && options.gradientBatch() != batch) {
                throw new ExplainException("gradient batch " + options.gradientBatch() + " requested, but gradient graph "
                        + where + " is exported for a fixed batch of " + batch + "; leave the gradient batch unset"
                        + " or re-export the graph");
            }
            if (spec.batch() > 0 && spec.batch() != batch) {
                LOG.warn("model sidecar of '{}' says the gradient batch is {}, but {} takes {}; using {}",
                        modelName, spec.batch(), where, batch, batch);
            }
        } else {
            batch = options.gradientBatch() > 0 ? options.gradientBatch()
                    : spec.batch() > 0 ? spec.batch() : DEFAULT_GRADIENT_BATCH;
        }
        long[] cotangentSample = Arrays.copyOfRange(w.shape(), 1, w.shape().length);
        return new Gradient(session, new BatchRunner(env, session, modelName, batch, fixed), spec, batch,
                cotangentSample, fixed);
    }

    /** The last part of a path or classpath location, e.g. {@code m.grad.onnx}. */
    private static String fileName(String location) {
        int cut = Math.max(location.lastIndexOf('/'), Math.max(location.lastIndexOf('\\'), location.lastIndexOf(':')));
        return location.substring(cut + 1);
    }

    /** Same rank, and every non-batch dimension equal where both graphs fix it. */
    private static boolean sampleShapesAgree(long[] a, long[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int d = 1; d < a.length; d++) {
            if (a[d] >= 0 && b[d] >= 0 && a[d] != b[d]) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, NodeInfo> infos(OrtSession session, boolean inputs) {
        try {
            return inputs ? session.getInputInfo() : session.getOutputInfo();
        } catch (OrtException e) {
            throw new ExplainException("ONNX Runtime cannot describe the model's tensors: " + OrtErrors.firstLine(e), e);
        }
    }

    private static TensorInfo tensorInfo(NodeInfo node) {
        ValueInfo v = node.getInfo();
        return new TensorInfo(node.getName(), OrtTensors.shape(v), OrtTensors.dtype(v));
    }

    private static String describe(Map<String, NodeInfo> nodes) {
        return nodes.values().stream().map(n -> tensorInfo(n).toString()).toList().toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Intermediate tensors

    private Set<String> tensorNames() {
        synchronized (lock) {
            if (tensorNames == null) {
                tensorNames = GraphOutputs.tensorNames(GraphOutputs.parse(modelBytes, location).getGraph());
            }
            return tensorNames;
        }
    }

    private OrtSession exposingSession(List<String> sortedNames) {
        synchronized (lock) {
            ensureOpen();
            OrtSession session = exposingSessions.get(sortedNames);
            if (session == null) {
                ModelProto rewritten = GraphOutputs.withOutputs(GraphOutputs.parse(modelBytes, location), sortedNames);
                try {
                    session = env.createSession(rewritten.toByteArray(), sessionOptions);
                } catch (OrtException e) {
                    throw new ExplainException("cannot read tensors " + sortedNames + " of model '" + name + "': "
                            + OrtErrors.firstLine(e), e);
                }
                exposingSessions.put(List.copyOf(sortedNames), session);
            }
            return session;
        }
    }

    // ---------------------------------------------------------------------------------------
    // Gradient graphs built in Java

    /** The gradient graph to run: the exported one, else the built one (built on first use), else null. */
    private Gradient gradient() {
        Gradient g = gradient;
        if (g != null || gradientFailure != null) {
            return g;
        }
        synchronized (lock) {
            ensureOpen();
            if (!gradientBuildTried) {
                gradientBuildTried = true;
                try {
                    long started = System.nanoTime();
                    GradientOptions go = builtOptions();
                    gradient = sessionFor(GradientGraphBuilder.build(modelBytes, go), go, "the gradient graph");
                    info = info.withGradientSource(BUILT_GRADIENT_SOURCE);
                    LOG.info("model '{}': no exported gradient graph; built one in Java in {} ms (batch {})", name,
                            (System.nanoTime() - started) / 1_000_000, gradient.fixedBatchText());
                } catch (ExplainException e) {
                    gradientFailure = new ExplainException("model '" + name + "' has no exported gradient graph and"
                            + " explain4j cannot build one: " + e.getMessage() + "; export " + name
                            + ".grad.onnx (see README) next to " + location
                            + ", or use a method that needs no gradients (occlusion, LIME)", e);
                    LOG.info("{}", gradientFailure.getMessage());
                }
            }
            return gradient;
        }
    }

    private GradientOptions builtOptions() {
        return GradientOptions.defaults().withInput(inputName).withOutput(outputName)
                .withCotangentName(BUILT_COTANGENT).withGradName(BUILT_GRAD);
    }

    /** The Java-built gradient graph with {@code rule} at every ReLU, built on first use. */
    private Gradient ruleGradient(BackwardRule rule) {
        synchronized (lock) {
            ensureOpen();
            Gradient cached = ruleGradients.get(rule);
            if (cached != null) {
                return cached;
            }
            String what = "the " + rule.name().toLowerCase(java.util.Locale.ROOT) + " gradient graph";
            GradientOptions go = builtOptions().withReluRule(ReluRule.valueOf(rule.name()));
            byte[] graph;
            try {
                graph = GradientGraphBuilder.build(modelBytes, go);
            } catch (ExplainException e) {
                throw new ExplainException("model '" + name + "': explain4j cannot build " + what + " in Java: "
                        + e.getMessage(), e);
            }
            Gradient g = sessionFor(graph, go, what);
            ruleGradients.put(rule, g);
            return g;
        }
    }

    /** A session for a Java-built gradient graph ({@code what} names it in errors), closed again if it cannot be wrapped. */
    private Gradient sessionFor(byte[] graph, GradientOptions go, String what) {
        GradientGraphSpec spec = GradientGraphBuilder.describe(modelBytes, go);
        OrtSession session = createBuiltSession(graph, what + " built in Java");
        try {
            return gradient(env, session, spec, name, what + " built in Java for model '" + name + "'", info.input(),
                    options, false);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    private LayerGraph layerGraph(String layer) {
        synchronized (lock) {
            ensureOpen();
            LayerGraph cached = layerGraphs.get(layer);
            if (cached != null) {
                return cached;
            }
            LayerGraph exported = exportedLayerGraph(layer);
            if (exported != null) {
                layerGraphs.put(layer, exported);
                return exported;
            }
            GradientOptions go = builtOptions().withIntermediates(List.of(layer));
            ModelProto built = GradientGraphBuilder.build(GraphOutputs.parse(modelBytes, location), go);
            ModelProto exposing = ExtraOutputs.withOutputs(built, List.of(layer));
            Gradient g = sessionFor(exposing.toByteArray(), go, "the gradient graph for tensor '" + layer + "'");
            LayerGraph lg = new LayerGraph(g.session(), g.runner(), g.names(), layer, "grad_" + layer,
                    g.cotangentSample(), BUILT_GRADIENT_SOURCE);
            layerGraphs.put(layer, lg);
            return lg;
        }
    }

    /** The sidecar's exported layer-gradient graph when it is for {@code layer}, else null. Caller holds the lock. */
    private LayerGraph exportedLayerGraph(String layer) {
        org.explain4j.model.LayerGradientSpec spec = info.description() == null ? null
                : info.description().layerGradient().filter(l -> l.layer().equals(layer)).orElse(null);
        if (spec == null) {
            return null;
        }
        String where = source.companionLocation(spec.file());
        byte[] bytes = source.readCompanion(spec.file()).orElseThrow(() -> new ExplainException("model sidecar of '"
                + name + "' names the layer-gradient graph " + where + ", which is not there; restore it or remove"
                + " 'layer_gradient' from the sidecar"));
        OrtSession session = createSession(env, bytes, sessionOptions, where, info.device());
        try {
            Gradient g = gradient(env, session, spec.asGradientSpec(), name, where, info.input(), options, true);
            if (!infos(session, false).containsKey(spec.activation())) {
                throw new ExplainException("layer-gradient graph " + where + " has no output '" + spec.activation()
                        + "' (the value of '" + layer + "'); fix 'layer_gradient.activation' in the sidecar");
            }
            LOG.debug("model '{}': gradients w.r.t. '{}' from the exported graph {}", name, layer, where);
            return new LayerGraph(session, g.runner(), spec.asGradientSpec(), spec.activation(), spec.grad(),
                    g.cotangentSample(), fileName(where));
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** Where the gradients w.r.t. {@code layer} come from: the exported graph's file name, or {@link #BUILT_GRADIENT_SOURCE}. */
    public String layerGradientSource(String layer) {
        return layerGraph(layer).source();
    }

    /** A session for a graph this class built, on the model's device. */
    private OrtSession createBuiltSession(byte[] graph, String what) {
        try {
            return env.createSession(graph, sessionOptions);
        } catch (OrtException e) {
            throw new ExplainException("ONNX Runtime cannot load " + what + " of model '" + name + "': "
                    + OrtErrors.firstLine(e), e);
        }
    }

    /** Ops whose outputs are feature maps one would name for Grad-CAM or activation maps. */
    private static final Set<String> FEATURE_OPS = Set.of("Conv", "ConvTranspose", "Relu", "LeakyRelu", "PRelu",
            "Elu", "Selu", "Sigmoid", "Tanh", "Clip", "MaxPool", "AveragePool", "BatchNormalization", "Add", "Concat",
            "Mul", "Gelu");

    /**
     * A tensor of the graph by its value name, or by the name of the node that makes it (its
     * first output), as ONNX viewers show either.
     */
    private String resolveTensor(String wanted, Set<String> known) {
        if (known.contains(wanted)) {
            return wanted;
        }
        for (ai.onnx.proto.OnnxMl.NodeProto n : GraphOutputs.parse(modelBytes, location).getGraph().getNodeList()) {
            if (n.getName().equals(wanted) && n.getOutputCount() > 0 && known.contains(n.getOutput(0))) {
                return n.getOutput(0);
            }
        }
        throw unknownTensor(wanted, known);
    }

    /**
     * The error for a tensor name the graph lacks: the feature-map candidates (outputs of
     * convolution, activation, pooling, normalisation and merge nodes), nearest names first.
     */
    private ExplainException unknownTensor(String wanted, Set<String> known) {
        List<String> candidates = new ArrayList<>();
        for (ai.onnx.proto.OnnxMl.NodeProto n : GraphOutputs.parse(modelBytes, location).getGraph().getNodeList()) {
            if (FEATURE_OPS.contains(n.getOpType())) {
                n.getOutputList().stream().filter(o -> !o.isEmpty() && known.contains(o)).forEach(candidates::add);
            }
        }
        String w = wanted.toLowerCase(java.util.Locale.ROOT);
        List<String> nearest = candidates.stream().distinct()
                .sorted(Comparator.comparingInt((String c) -> editDistance(w, c.toLowerCase(java.util.Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(10).toList();
        String list = nearest.isEmpty() ? "its tensors include " + sampleOf(known)
                : "nearest conv/activation/pool outputs: " + String.join(", ", nearest)
                + (candidates.size() > nearest.size() ? ", ..." : "");
        return new ExplainException("model '" + name + "' has no tensor named '" + wanted + "'; " + list
                + " (" + known.size() + " tensors in all)");
    }

    /** Levenshtein distance, for ordering name suggestions. */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** A few names for an error message: the first six and the last two. */
    private static String sampleOf(Set<String> names) {
        List<String> all = new ArrayList<>(names);
        if (all.size() <= 8) {
            return String.join(", ", all);
        }
        return String.join(", ", all.subList(0, 6)) + ", ..., " + String.join(", ", all.subList(all.size() - 2, all.size()));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model '" + name + "' is closed");
        }
    }

    private static void closeQuietly(OrtSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("closing an ONNX Runtime session failed: {}", OrtErrors.firstLine(e));
        }
    }
}
