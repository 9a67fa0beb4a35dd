package org.explain4j.djl;

import ai.djl.engine.Engine;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.explain4j.ExplainException;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads DJL's engines offline and turns their failures into one-line {@link ExplainException}s.
 *
 * <ul>
 *   <li>Offline: DJL downloads missing native libraries unless told it is offline. explain4j
 *       ships them as Maven artifacts ({@code ai.djl.pytorch:pytorch-native-cpu} with its
 *       {@code pytorch-jni}, and ONNX Runtime's jar), so before the first engine loads this
 *       class sets {@code ai.djl.offline=true} unless it was set already: DJL then never reaches
 *       for the network, and a missing library is an error, not a download.</li>
 *   <li>Cache: DJL unpacks the PyTorch library (about 430 MB) into its cache directory on
 *       first use, {@code ~/.djl.ai} unless the system property or environment variable
 *       {@code DJL_CACHE_DIR} (or {@code ENGINE_CACHE_DIR} for the engines alone) names
 *       another; see {@link #cacheDirectory()}.</li>
 *   <li>PyTorch's native environment is set first ({@link PyTorchEnvironment}: oneDNN held to
 *       AVX2, which was needed for correct numbers on an AVX-512 machine).</li>
 *   <li>DJL's ONNX Runtime engine must be the first user of ONNX Runtime in the process (see
 *       {@link #preloadOnnxRuntime()}), and loads on a thread with a large stack.</li>
 * </ul>
 */
public final class DjlEngines {

    /** Engine names as DJL registers them. */
    static final String PYTORCH = "PyTorch";
    static final String ONNX_RUNTIME = "OnnxRuntime";

    /** The native artifacts, as a user would add them to a build, for error messages. */
    static final String PYTORCH_NATIVE_ARTIFACTS = "ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64"
            + " and ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0";

    private static final Logger LOG = LogManager.getLogger(DjlEngines.class);

    /** The first failure to load each engine, by engine name; guarded by the class lock. */
    private static final Map<String, ExplainException> FAILURES = new HashMap<>();

    private DjlEngines() {
    }

    /**
     * Sets DJL's offline switch (unless already set) and PyTorch's native environment; called
     * before every engine use, cheap after the first time.
     */
    static synchronized void prepare() {
        PyTorchEnvironment.apply(); // before PyTorch loads, whichever engine loads it
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    /**
     * Where DJL keeps (and unpacks) its engine libraries: {@code ENGINE_CACHE_DIR}, else
     * {@code DJL_CACHE_DIR} (system property or environment variable), else {@code ~/.djl.ai}.
     */
    public static Path cacheDirectory() {
        prepare();
        return ai.djl.util.Utils.getEngineCacheDir();
    }

    /**
     * DJL's PyTorch engine with its native library loaded.
     *
     * @throws ExplainException when the engine or its native library cannot be loaded
     */
    static Engine pytorch() {
        return engine(PYTORCH, "DJL's PyTorch engine", PYTORCH_NATIVE_ARTIFACTS
                + " on the class path, or point PYTORCH_LIBRARY_PATH at a libtorch 2.7.1");
    }

    /**
     * DJL's ONNX Runtime engine.
     *
     * <p>DJL's engine insists on creating ONNX Runtime's process-wide environment itself (with
     * its thread-pool settings), and ONNX Runtime refuses that once anything else in the process
     * has created it, e.g. the {@code ort} backend. So this engine must be loaded before any
     * other use of ONNX Runtime: call {@link #preloadOnnxRuntime()} first when a program uses
     * both. Afterwards both share the one environment without trouble.
     *
     * @throws ExplainException when the engine or ONNX Runtime cannot be loaded, or ONNX Runtime
     *                          was started first by someone else
     */
    static Engine onnxRuntime() {
        return engine(ONNX_RUNTIME, "DJL's ONNX Runtime engine",
                "ai.djl.onnxruntime:onnxruntime-engine and com.microsoft.onnxruntime:onnxruntime on the class path");
    }

    /**
     * Loads DJL's ONNX Runtime engine now, so that it (and not a later user) creates ONNX
     * Runtime's environment; see {@link #onnxRuntime()}. Cheap when already loaded.
     *
     * @throws ExplainException as {@link #onnxRuntime()}
     */
    public static void preloadOnnxRuntime() {
        onnxRuntime();
    }

    private static synchronized Engine engine(String name, String what, String remedy) {
        prepare();
        ExplainException earlier = FAILURES.get(name);
        if (earlier != null) {
            // DJL's engine providers fail for good after their first try (a failed class
            // initialisation), with a bare error the second time: repeat the first explanation.
            throw new ExplainException(earlier.getMessage(), earlier.getCause());
        }
        try {
            Engine engine = onLargeStack(() -> Engine.getEngine(name));
            if (name.equals(ONNX_RUNTIME)) {
                disableOrtTelemetry();
            }
            LOG.debug("{} {} loaded (DJL {}, cache {})", name, engine.getVersion(), Engine.getDjlVersion(),
                    ai.djl.util.Utils.getEngineCacheDir());
            return engine;
        } catch (RuntimeException | LinkageError e) {
            ExplainException failure;
            if (name.equals(ONNX_RUNTIME) && startedElsewhere(e)) {
                failure = new ExplainException(what + " cannot start: ONNX Runtime was already started in this process"
                        + " by another user (e.g. the ort backend), and DJL must start it itself; load DJL's engine"
                        + " first (DjlEngines.preloadOnnxRuntime()) or run the djl-ort backend in its own process", e);
            } else {
                // DJL reports a missing engine as IllegalArgumentException, a missing or broken
                // native library as EngineException or UnsatisfiedLinkError: the same to the user.
                failure = new ExplainException(what + " cannot be loaded (" + rootMessage(e) + "); put " + remedy
                        + " (explain4j runs DJL offline and never downloads it)", e);
            }
            FAILURES.put(name, failure);
            throw failure;
        }
    }

    /**
     * Runs {@code load} on a thread with a 16 MB stack and returns its result. ONNX Runtime 1.29
     * overflows a default (1 MB) Java thread stack while it creates its environment when the
     * process's command line is long (about 4 KB, e.g. {@code java -cp} with many jars): the
     * JVM dies with SIGSEGV and no error file. DJL's engine creates that environment when it
     * loads, so it loads here.
     */
    private static Engine onLargeStack(java.util.function.Supplier<Engine> load) {
        Engine[] result = new Engine[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = load.get();
            } catch (RuntimeException | LinkageError e) {
                failure[0] = e;
            }
        }, "djl-engine-load", 16L << 20);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExplainException("interrupted while DJL's engine was loading", e);
        }
        if (failure[0] instanceof RuntimeException r) {
            throw r;
        }
        if (failure[0] instanceof LinkageError l) {
            throw l;
        }
        return result[0];
    }

    /** ONNX Runtime 1.29's native library carries Microsoft's telemetry client; explain4j runs offline. */
    private static void disableOrtTelemetry() {
        try {
            ai.onnxruntime.OrtEnvironment.getEnvironment().setTelemetry(false);
        } catch (ai.onnxruntime.OrtException e) {
            LOG.debug("could not switch ONNX Runtime's telemetry off: {}", e.getMessage());
        }
    }

    /** Whether DJL's ONNX Runtime engine failed because ONNX Runtime's environment existed already. */
    private static boolean startedElsewhere(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && m.contains("OrtEnvironment, but one already exists")) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause's message, on one line. */
    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        String text = root.getClass().getSimpleName() + (m == null ? "" : ": " + m.strip());
        return text.lines().findFirst().orElse(text);
    }
}
