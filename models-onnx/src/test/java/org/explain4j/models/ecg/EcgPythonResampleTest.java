package org.explain4j.models.ecg;

import org.explain4j.io.Npy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Java resampling of PTB-XL 00001_lr (100 Hz → 200 Hz, 2048 samples, leads I..V6) against the
 * independent NumPy version in {@code models-onnx/python/train_ecg.py} ({@code resample_200}: its own
 * WFDB decoding and {@code x[j] + (p - j)(x[j+1] - x[j])}, 0 where {@code p > n - 1}), saved as
 * {@code explain4j/ecg/00001_lr.200hz.npy} [12, 2048] float32.
 */
class EcgPythonResampleTest {
    static final String NPY = "explain4j/ecg/00001_lr.200hz.npy";
    static final List<String> LEADS = List.of("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6");

    @TempDir
    Path tmp;

    @Test
    void matchesNumpyReference() throws IOException {
        Path npy = tmp.resolve("ref.npy");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(NPY)) {
            Assumptions.assumeTrue(in != null, NPY + " is not in the resources (written by models-onnx/python/train_ecg.py)");
            Files.copy(in, npy);
        }
        Npy.Array ref = Npy.readArray(npy);
        assertArrayEquals(new long[]{12, 2048}, ref.shape());
        EcgWindow w = EcgResampler.window(EcgRecords.bundled("00001_lr"), LEADS, 200, 2048, 0, "mV");
        assertEquals(List.of(), w.missingLeads());
        float[] y = w.tensor().data();
        for (int i = 0; i < y.length; i++) {
            assertEquals(ref.data()[i], y[i], 1e-5f, "lead " + LEADS.get(i / 2048) + " sample " + i % 2048);
        }
        // 1000 samples at 100 Hz end at 9.99 s = output 1998; from output 1999 on both are zero padding
        assertEquals(0f, y[1999]);
    }
}
