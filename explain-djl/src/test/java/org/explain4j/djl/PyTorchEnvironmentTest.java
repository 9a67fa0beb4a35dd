package org.explain4j.djl;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * oneDNN is held to AVX2 in the process's C environment before PyTorch runs (the golden-value
 * tests show why on AVX-512 machines); an ONEDNN_MAX_CPU_ISA the user set wins.
 */
class PyTorchEnvironmentTest {

    private interface CLibrary extends Library {
        String getenv(String name);
    }

    @Test
    void oneDnnIsCappedInTheNativeEnvironment() {
        DjlEngines.pytorch();
        String user = System.getenv("ONEDNN_MAX_CPU_ISA");
        String expected = user != null ? user.toUpperCase(java.util.Locale.ROOT) : PyTorchEnvironment.DEFAULT_ISA;
        assertEquals(expected, PyTorchEnvironment.apply());
        String nativeValue = Native.load("c", CLibrary.class).getenv("ONEDNN_MAX_CPU_ISA");
        assertEquals(expected, nativeValue == null ? null : nativeValue.toUpperCase(java.util.Locale.ROOT));
    }
}
