package org.explain4j.djl;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.Locale;

/**
 * Caps the instruction set oneDNN (PyTorch's CPU kernels for convolutions and recurrent layers)
 * may use, before PyTorch first runs.
 *
 * <p>Why: with the libtorch 2.7.1 that DJL ships, oneDNN's AVX-512 kernels gave silently wrong
 * numbers on an AVX-512 machine (AMD EPYC) where the tests ran: the bidirectional LSTM's
 * inference forward was off by 13 in the logits, and a Conv1d input gradient was wrong on
 * about half of the calls; the same calls are right with oneDNN held to AVX2 (and ONNX Runtime,
 * which does not use oneDNN, was right throughout). oneDNN reads {@code ONEDNN_MAX_CPU_ISA}
 * from the process environment when it first dispatches, so it is set here with the C
 * library's {@code setenv} (Java cannot change its own environment) before the PyTorch engine
 * loads. The cost is speed on AVX-512 machines, small for the models explain4j explains.
 *
 * <p>Configure with the system property {@value #PROPERTY}: an oneDNN ISA name such as
 * {@code AVX2} (default), {@code AVX512_CORE}, or {@code ALL} to leave oneDNN uncapped. An
 * {@code ONEDNN_MAX_CPU_ISA} or {@code DNNL_MAX_CPU_ISA} already in the environment always wins.
 */
final class OneDnnIsa {

    /** The system property that sets the cap; see the class comment. */
    static final String PROPERTY = "explain4j.djl.onednn.max_isa";
    static final String DEFAULT = "AVX2";

    private static final Logger LOG = LogManager.getLogger(OneDnnIsa.class);
    private static String applied; // guarded by the class lock

    private OneDnnIsa() {
    }

    private interface CLibrary extends Library {
        int setenv(String name, String value, int overwrite);
    }

    /**
     * Sets {@code ONEDNN_MAX_CPU_ISA} once per process (unless the environment has it already
     * or the property says {@code ALL}).
     *
     * @return the cap in force ({@code ALL} when uncapped), for logs and provenance
     */
    static synchronized String apply() {
        if (applied != null) {
            return applied;
        }
        String fromEnv = System.getenv("ONEDNN_MAX_CPU_ISA");
        if (fromEnv == null) {
            fromEnv = System.getenv("DNNL_MAX_CPU_ISA");
        }
        String wanted = System.getProperty(PROPERTY, DEFAULT).strip().toUpperCase(Locale.ROOT);
        if (fromEnv != null) {
            applied = fromEnv.strip().toUpperCase(Locale.ROOT);
        } else if (wanted.isEmpty() || wanted.equals("ALL") || !(Platform.isLinux() || Platform.isMac())) {
            applied = "ALL";
        } else {
            try {
                Native.load("c", CLibrary.class).setenv("ONEDNN_MAX_CPU_ISA", wanted, 0);
                applied = wanted;
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                LOG.warn("could not cap oneDNN at {} ({}); PyTorch may use kernels that gave wrong results on some"
                        + " AVX-512 CPUs: set ONEDNN_MAX_CPU_ISA={} in the environment", wanted, e.getMessage(), wanted);
                applied = "ALL";
            }
        }
        LOG.debug("oneDNN instruction set cap for PyTorch: {}", applied);
        return applied;
    }
}
