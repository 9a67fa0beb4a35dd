package org.explain4j.djl;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.Locale;

/**
 * The environment PyTorch's native library reads when it first runs, set from Java with the C
 * library's {@code setenv} (Java cannot change its own environment) before the PyTorch engine
 * loads. A variable already in the environment is always left as it is.
 *
 * <p>{@code ONEDNN_MAX_CPU_ISA}, the instruction set oneDNN (PyTorch's CPU kernels for
 * convolutions and recurrent layers) may use: {@code AVX2} unless the system property
 * {@value #ISA_PROPERTY} says otherwise ({@code ALL} leaves oneDNN uncapped). Why: with the
 * libtorch 2.7.1 that DJL ships, oneDNN's AVX-512 kernels gave silently wrong numbers on an
 * AVX-512 machine (AMD EPYC) where the tests ran: the bidirectional LSTM's inference forward
 * was off by 13 in the logits, and a Conv1d input gradient was wrong on about half of the
 * calls; the same calls are right with oneDNN held to AVX2 (ONNX Runtime, which does not use
 * oneDNN, was right throughout). The cost is some speed on AVX-512 machines.
 */
final class PyTorchEnvironment {

    /** The system property that sets oneDNN's instruction set cap; see the class comment. */
    static final String ISA_PROPERTY = "explain4j.djl.onednn.max_isa";
    static final String DEFAULT_ISA = "AVX2";

    private static final Logger LOG = LogManager.getLogger(PyTorchEnvironment.class);
    private static String isa; // guarded by the class lock; null until applied

    private PyTorchEnvironment() {
    }

    private interface CLibrary extends Library {
        int setenv(String name, String value, int overwrite);
    }

    /**
     * Sets the variable once per process.
     *
     * @return oneDNN's instruction set cap in force ({@code ALL} when uncapped)
     */
    static synchronized String apply() {
        if (isa != null) {
            return isa;
        }
        String fromEnv = System.getenv("ONEDNN_MAX_CPU_ISA") != null ? System.getenv("ONEDNN_MAX_CPU_ISA")
                : System.getenv("DNNL_MAX_CPU_ISA");
        String wanted = System.getProperty(ISA_PROPERTY, DEFAULT_ISA).strip().toUpperCase(Locale.ROOT);
        if (fromEnv != null) {
            isa = fromEnv.strip().toUpperCase(Locale.ROOT);
        } else if (wanted.isEmpty() || wanted.equals("ALL")) {
            isa = "ALL";
        } else {
            isa = setenv("ONEDNN_MAX_CPU_ISA", wanted) ? wanted : "ALL";
            if (isa.equals("ALL")) {
                LOG.warn("could not cap oneDNN at {}; PyTorch may use kernels that gave wrong results on some AVX-512"
                        + " CPUs: set ONEDNN_MAX_CPU_ISA={} in the environment", wanted, wanted);
            }
        }
        LOG.debug("oneDNN instruction set cap for PyTorch: {}", isa);
        return isa;
    }

    private static boolean setenv(String name, String value) {
        if (!(Platform.isLinux() || Platform.isMac())) {
            return false;
        }
        try {
            return Native.load("c", CLibrary.class).setenv(name, value, 0) == 0;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.debug("setenv {}={} failed: {}", name, value, e.getMessage());
            return false;
        }
    }
}
