package org.explain4j.djl;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.explain4j.ExplainException;
import org.explain4j.model.ModelSource;
import org.explain4j.model.TensorInfo;
import org.explain4j.model.VjpResult;
import org.explain4j.tensor.FloatTensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TorchScript model on DJL's PyTorch engine: forward in inference mode, input gradients
 * through PyTorch's autograd.
 *
 * <p><b>Gradients are serialised process-wide.</b> DJL's PyTorch {@link GradientCollector} is a
 * singleton: only one may be open in the whole process at a time (a second one throws). Every
 * {@link #vjp} therefore takes {@link #GRADIENT_LOCK}, shared by all TorchScript models, for the
 * forward-and-backward it runs; {@link #forward} does not and runs concurrently. Code outside
 * explain4j that opens a DJL gradient collector in the same process makes {@code vjp} fail.
 *
 * <p><b>Eval mode is kept for gradients.</b> Autograd needs the module loaded with
 * {@code trainParam=true} and run with {@code training=true}; DJL's generic
 * {@code block.forward(..., training=true)} would also switch the module to train mode, which
 * for a scripted module turns dropout on and makes batch-norm use batch statistics. So the
 * module is put in eval mode once when it is loaded and run through
 * {@link IValueUtils#forward}, whose {@code training} flag only enables autograd and never
 * changes the module's mode. (The reference models are traced in eval mode, which bakes
 * inference behaviour into the graph; the tests check that a sample's gradient does not depend
 * on the other samples of its batch, which batch statistics would break.)
 */
final class PyTorchRunner implements EngineRunner {

    private static final Logger LOG = LogManager.getLogger(PyTorchRunner.class);

    /** Serialises all gradient work of DJL's PyTorch engine in this process; see the class comment. */
    static final ReentrantLock GRADIENT_LOCK = new ReentrantLock();

    private final String name;
    private final Engine engine;
    private final Model model;
    private final PtSymbolBlock block;

    private PyTorchRunner(String name, Engine engine, Model model, PtSymbolBlock block) {
        this.name = name;
        this.engine = engine;
        this.model = model;
        this.block = block;
    }

    /**
     * Loads a TorchScript archive. DJL loads TorchScript with trainable parameters only from a
     * file, so bytes from the classpath are copied to a temporary file first (and removed).
     *
     * @throws ExplainException for an ONNX or other non-TorchScript file, or one PyTorch rejects
     */
    static PyTorchRunner open(ModelSource source, byte[] bytes, Engine engine) {
        ModelFormat.require(ModelFormat.TORCHSCRIPT, bytes, source.location(), "DJL's PyTorch engine");
        Path dir = null;
        Model model = engine.newModel(source.name(), null);
        try {
            dir = Files.createTempDirectory("explain4j-torchscript-");
            Path file = dir.resolve(source.name() + ".pt");
            Files.write(file, bytes);
            // trainParam=true: without it DJL runs the module under a guard that disables autograd.
            model.load(file, source.name(), Map.of("trainParam", "true"));
            PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
            JniUtils.enableInferenceMode(block); // eval(): dropout off, batch-norm on running statistics
            LOG.debug("opened TorchScript model '{}' from {} on DJL's PyTorch engine {}", source.name(),
                    source.location(), engine.getVersion());
            return new PyTorchRunner(source.name(), engine, model, block);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ExplainException(source.location() + " cannot be loaded by DJL's PyTorch engine: "
                    + DjlEngines.rootMessage(e), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * The output tensor for an input of {@code input}'s shape with one sample, found by running
     * the model once on zeros (TorchScript records no output shapes).
     */
    TensorInfo probeOutput(TensorInfo input, String outputName) {
        long[] shape = input.shape();
        shape[0] = 1;
        for (int d = 1; d < shape.length; d++) {
            if (shape[d] < 0) {
                throw new ExplainException("TorchScript model '" + name + "' has input " + input
                        + " with an open dimension besides the batch; the sidecar's input.shape must fix it");
            }
        }
        FloatTensor y;
        try {
            y = forward(FloatTensor.zeros(shape));
        } catch (ExplainException e) {
            throw new ExplainException("TorchScript model '" + name + "' does not run on an input shaped "
                    + Arrays.toString(shape).replace(" ", "") + " (from its sidecar's input.shape): " + e.getMessage(), e);
        }
        if (y.rank() == 0 || y.dim(0) != 1) {
            throw new ExplainException("TorchScript model '" + name + "' returns shape " + Arrays.toString(y.shape())
                    + " for one sample; explain4j needs the batch as the output's first axis");
        }
        long[] out = y.shape();
        out[0] = -1;
        return new TensorInfo(outputName, out, "float32");
    }

    @Override
    public FloatTensor forward(FloatTensor x) {
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList out = IValueUtils.forward(block, new NDList(NDArrays.of(manager, x)), false);
            return NDArrays.toTensor(out.head(), "output of TorchScript model '" + name + "'");
        } catch (ai.djl.engine.EngineException | IllegalArgumentException | IllegalStateException e) {
            throw failed(e);
        }
    }

    @Override
    public boolean supportsGradients() {
        return true;
    }

    @Override
    public VjpResult vjp(FloatTensor x, FloatTensor cotangent) {
        GRADIENT_LOCK.lock();
        try (NDManager manager = model.getNDManager().newSubManager();
             GradientCollector collector = newCollector()) {
            NDArray in = NDArrays.of(manager, x);
            in.setRequiresGradient(true);
            NDArray y = IValueUtils.forward(block, new NDList(in), true).head();
            NDArray w = NDArrays.of(manager, cotangent);
            // d/dx Σ w·y = wᵀ ∂y/∂x: the vector-Jacobian product in one backward pass.
            collector.backward(y.mul(w).sum());
            FloatTensor output = NDArrays.toTensor(y, "output of TorchScript model '" + name + "'");
            FloatTensor grad = new FloatTensor(x.shape(), in.getGradient().toFloatArray());
            return new VjpResult(output, grad);
        } catch (ai.djl.engine.EngineException | IllegalArgumentException e) {
            throw failed(e);
        } finally {
            GRADIENT_LOCK.unlock();
        }
    }

    private GradientCollector newCollector() {
        try {
            return engine.newGradientCollector();
        } catch (IllegalStateException e) {
            throw new ExplainException("DJL's PyTorch gradient collector is already open elsewhere in this process"
                    + " (only one may be at a time); close it before asking model '" + name + "' for gradients", e);
        }
    }

    @Override
    public void close() {
        model.close();
    }

    private ExplainException failed(RuntimeException e) {
        return new ExplainException("DJL's PyTorch engine failed to run TorchScript model '" + name + "': "
                + DjlEngines.rootMessage(e), e);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans up
        }
    }
}
