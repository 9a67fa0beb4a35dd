package org.explain4j.djl;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.explain4j.ExplainException;
import org.explain4j.model.GradientGraphSpec;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelSource;
import org.explain4j.model.TensorInfo;
import org.explain4j.model.VjpResult;
import org.explain4j.tensor.FloatTensor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model on DJL's ONNX Runtime engine: the forward graph as one DJL model and, when
 * there is one, the exported gradient graph ({@code x, w -> y, grad_x}) as a second. Gradient
 * graphs exported for a fixed batch are fed in chunks of that batch, the last one zero-padded.
 *
 * <p>ONNX Runtime sessions run from several threads at once, and so does this runner.
 */
final class OnnxRuntimeRunner implements EngineRunner {

    private static final Logger LOG = LogManager.getLogger(OnnxRuntimeRunner.class);

    /** Tensor names of a gradient graph when no sidecar names them (as in the ONNX Runtime backend). */
    private static final GradientGraphSpec DEFAULT_GRADIENT = new GradientGraphSpec("", 32, "x", "w", "y", "grad_x");

    private final String name;
    private final Model forward;
    private final TensorInfo input;
    private final List<TensorInfo> outputs;
    private final FixedBatches forwardBatches;
    private final Model gradient;
    private final GradientGraphSpec names;
    private final FixedBatches gradientBatches;
    private final int gradientBatch;

    private OnnxRuntimeRunner(String name, Model forward, TensorInfo input, List<TensorInfo> outputs, Model gradient,
                              GradientGraphSpec names, int gradientBatch, boolean gradientFixed) {
        this.name = name;
        this.forward = forward;
        this.input = input;
        this.outputs = List.copyOf(outputs);
        long batch = input.shape()[0];
        this.forwardBatches = new FixedBatches(batch > 0 ? Math.toIntExact(batch) : 0, batch > 0,
                "model '" + name + "'");
        this.gradient = gradient;
        this.names = names;
        this.gradientBatch = gradientBatch;
        this.gradientBatches = new FixedBatches(gradientBatch, gradientFixed, "gradient graph of model '" + name + "'");
    }

    /**
     * Loads the forward graph (and the gradient graph when the source has one) into DJL.
     *
     * @throws ExplainException for a TorchScript or unreadable file, or a model that does not
     *                          take one float32 input
     */
    static OnnxRuntimeRunner open(ModelSource source, byte[] bytes, Engine engine, int threads) {
        ModelFormat.require(ModelFormat.ONNX, bytes, source.location(), "DJL's ONNX Runtime engine");
        OnnxSignature signature = OnnxSignature.read(bytes, source.location());
        TensorInfo input = checkedInput(signature, source.name());
        checkOutput(signature, source.name());

        Map<String, String> options = sessionOptions(threads);
        Model forward = load(engine, source.name(), bytes, source.location(), options);
        Model gradient = null;
        try {
            GradientGraphSpec names = source.description().flatMap(ModelDescription::gradient).orElse(DEFAULT_GRADIENT);
            int batch = 0;
            boolean fixed = false;
            if (source.hasGradientGraph()) {
                String where = source.gradientLocation().orElseThrow();
                byte[] gradBytes = source.readGradientGraph().orElseThrow();
                ModelFormat.require(ModelFormat.ONNX, gradBytes, where, "DJL's ONNX Runtime engine");
                OnnxSignature g = OnnxSignature.read(gradBytes, where);
                TensorInfo x = checkGradientGraph(g, names, input, where);
                long graphBatch = x.shape()[0];
                fixed = graphBatch > 0;
                batch = fixed ? Math.toIntExact(graphBatch) : names.batch() > 0 ? names.batch() : 32;
                gradient = load(engine, source.name() + ".grad", gradBytes, where, options);
            }
            LOG.debug("opened model '{}' from {} on DJL's ONNX Runtime engine: input {}, gradient graph {}",
                    source.name(), source.location(), input, gradient == null ? "none" : "batch " + batch);
            return new OnnxRuntimeRunner(source.name(), forward, input, signature.outputs(), gradient, names, batch,
                    fixed);
        } catch (RuntimeException e) {
            forward.close();
            if (gradient != null) {
                gradient.close();
            }
            throw e;
        }
    }

    TensorInfo input() {
        return input;
    }

    List<TensorInfo> outputs() {
        return outputs;
    }

    /** Samples per run of the gradient graph, or 0 when there is none. */
    int gradientBatch() {
        return gradient == null ? 0 : gradientBatch;
    }

    @Override
    public FloatTensor forward(FloatTensor x) {
        String out = outputs.get(0).name();
        return forwardBatches.run(List.of(x), in -> run(forward, Map.of(input.name(), in.get(0)), List.of(out))).get(0);
    }

    @Override
    public boolean supportsGradients() {
        return gradient != null;
    }

    @Override
    public VjpResult vjp(FloatTensor x, FloatTensor cotangent) {
        List<FloatTensor> got = gradientBatches.run(List.of(x, cotangent), in -> {
            Map<String, FloatTensor> feed = new LinkedHashMap<>();
            feed.put(names.input(), in.get(0));
            feed.put(names.cotangent(), in.get(1));
            return run(gradient, feed, List.of(names.output(), names.grad()));
        });
        return new VjpResult(got.get(0), got.get(1));
    }

    @Override
    public void close() {
        forward.close();
        if (gradient != null) {
            gradient.close();
        }
    }

    /** One run through DJL: named inputs in, the wanted outputs (by name) out, all arrays freed. */
    private List<FloatTensor> run(Model model, Map<String, FloatTensor> feed, List<String> wanted) {
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList in = new NDList();
            feed.forEach((n, t) -> {
                NDArray a = NDArrays.of(manager, t);
                a.setName(n);
                in.add(a);
            });
            NDList out = model.getBlock().forward(new ParameterStore(manager, false), in, false);
            List<FloatTensor> result = new ArrayList<>(wanted.size());
            for (String w : wanted) {
                NDArray a = out.get(w);
                if (a == null) {
                    throw new ExplainException("model '" + name + "' returned no tensor '" + w + "' (it returned "
                            + Arrays.toString(out.stream().map(NDArray::getName).toArray()) + ")");
                }
                result.add(NDArrays.toTensor(a, "tensor '" + w + "' of model '" + name + "'"));
            }
            return result;
        } catch (ai.djl.engine.EngineException | IllegalArgumentException e) {
            throw new ExplainException("DJL's ONNX Runtime engine failed to run model '" + name + "': "
                    + DjlEngines.rootMessage(e), e);
        }
    }

    /**
     * DJL's session options for {@code threads} intra-op threads (0: ONNX Runtime's default).
     * DJL applies {@code intraOpNumThreads} only when {@code interOpNumThreads} is given too, so
     * both are: one inter-op thread, as ONNX Runtime's default sequential execution uses.
     */
    private static Map<String, String> sessionOptions(int threads) {
        return threads > 0 ? Map.of("interOpNumThreads", "1", "intraOpNumThreads", Integer.toString(threads))
                : Map.of();
    }

    private static Model load(Engine engine, String modelName, byte[] bytes, String where, Map<String, String> options) {
        Model model = engine.newModel(modelName, null);
        try {
            model.load(new ByteArrayInputStream(bytes), options);
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ExplainException(where + " cannot be loaded by DJL's ONNX Runtime engine: "
                    + DjlEngines.rootMessage(e), e);
        }
    }

    private static TensorInfo checkedInput(OnnxSignature s, String model) {
        if (s.inputs().size() != 1) {
            throw new ExplainException("model '" + model + "' has " + s.inputs().size() + " inputs " + s.inputs()
                    + "; explain4j explains models with exactly one float32 input");
        }
        TensorInfo input = s.inputs().get(0);
        if (!input.dtype().equals("float32") || input.shape().length == 0) {
            throw new ExplainException("model '" + model + "' input " + input
                    + " is not a float32 tensor with a batch axis; explain4j needs a float32 input [N,...]");
        }
        return input;
    }

    private static void checkOutput(OnnxSignature s, String model) {
        List<TensorInfo> out = s.outputs();
        if (out.isEmpty() || !out.get(0).dtype().equals("float32") || out.get(0).shape().length == 0) {
            throw new ExplainException("model '" + model + "' first output " + (out.isEmpty() ? "[]" : out.get(0))
                    + " is not a float32 tensor with a batch axis; explain4j explains float32 outputs [N,C]");
        }
    }

    /** Checks the gradient graph's tensor names and input shape; returns its input {@code x}. */
    private static TensorInfo checkGradientGraph(OnnxSignature g, GradientGraphSpec names, TensorInfo forwardInput,
                                                 String where) {
        for (String n : List.of(names.input(), names.cotangent())) {
            if (g.input(n) == null) {
                throw new ExplainException("gradient graph " + where + " has no input '" + n + "' (it has " + g.inputs()
                        + "); expected inputs '" + names.input() + "' and '" + names.cotangent() + "'");
            }
        }
        for (String n : List.of(names.output(), names.grad())) {
            if (g.output(n) == null) {
                throw new ExplainException("gradient graph " + where + " has no output '" + n + "' (it has "
                        + g.outputs() + "); expected outputs '" + names.output() + "' and '" + names.grad() + "'");
            }
        }
        TensorInfo x = g.input(names.input());
        long[] a = x.shape();
        long[] b = forwardInput.shape();
        boolean agree = a.length == b.length;
        for (int d = 1; agree && d < a.length; d++) {
            agree = a[d] < 0 || b[d] < 0 || a[d] == b[d];
        }
        if (!agree) {
            throw new ExplainException("gradient graph " + where + " takes input " + x.shapeText()
                    + " but the forward graph takes " + forwardInput.shapeText() + "; export both from the same model");
        }
        return x;
    }
}
