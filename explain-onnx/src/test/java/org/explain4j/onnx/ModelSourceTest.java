package org.explain4j.onnx;

import org.explain4j.model.ModelSource;
import org.explain4j.model.VjpResult;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.explain4j.onnx.OrtModelErrorsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Companion files found by convention, from a folder and from the classpath. */
class ModelSourceTest {

    private static final String MLP = "breast_cancer_mlp";
    private static final String BASE = "explain4j/models/" + MLP + "/" + MLP;

    @TempDir
    Path tmp;

    @Test
    void folderWithAllThreeFiles() throws IOException {
        Path onnx = copy(".onnx", ".grad.onnx", ".json");
        ModelSource s = ModelSource.fromPath(onnx);
        assertEquals(MLP, s.name());
        assertEquals(onnx.toString(), s.location());
        assertEquals(tmp.resolve(MLP + ".grad.onnx").toString(), s.gradientLocation().orElseThrow());
        assertEquals("softmax", s.description().orElseThrow().activation().name().toLowerCase());
        assertArrayEquals(resource(".onnx"), s.readModel());
        assertArrayEquals(resource(".grad.onnx"), s.readGradientGraph().orElseThrow());
    }

    @Test
    void gradientGraphFoundByNameWithoutSidecar() throws IOException {
        Path onnx = copy(".onnx", ".grad.onnx");
        ModelSource s = ModelSource.fromPath(onnx);
        assertTrue(s.hasGradientGraph());
        assertTrue(s.description().isEmpty());
        FloatTensor x = GoldenSamples.load(MLP).inputs();
        FloatTensor w = OrtModelReferenceTest.oneHot(5, 2, i -> 1);
        // Without a sidecar the graph's default tensor names (x, w, y, grad_x) and its own batch are used.
        try (OrtModel bare = OrtModel.open(s, OrtOptions.defaults().withIntraOpThreads(1));
             OrtModel full = OrtModel.open(ReferenceModels.source(MLP), OrtOptions.defaults().withIntraOpThreads(1))) {
            assertEquals(32, bare.gradientBatch());
            assertEquals(full.info().checksum(), bare.info().checksum());
            assertEquals("FEATURES", bare.info().description().layout().name());
            VjpResult a = bare.vjp(x, w);
            VjpResult b = full.vjp(x, w);
            assertArrayEquals(b.inputGradient().data(), a.inputGradient().data());
        }
    }

    @Test
    void sidecarNamingAMissingGradientGraph() throws IOException {
        Path onnx = copy(".onnx", ".json");
        assertMessage("model sidecar " + tmp.resolve(MLP + ".json") + " names the gradient graph "
                + tmp.resolve(MLP + ".grad.onnx") + ", which is not there; restore it or remove 'gradient' from the sidecar",
                () -> ModelSource.fromPath(onnx));
    }

    @Test
    void classpathSource() {
        ModelSource s = ModelSource.fromClasspath(BASE);
        assertEquals(MLP, s.name());
        assertEquals("classpath:" + BASE + ".onnx", s.location());
        assertEquals("classpath:" + BASE + ".grad.onnx", s.gradientLocation().orElseThrow());
        assertTrue(s.description().isPresent());
        assertMessage("model resource not found on the classpath: explain4j/models/nope.onnx",
                () -> ModelSource.fromClasspath("explain4j/models/nope"));
    }

    @Test
    void checksumIsTheSha256OfTheForwardFile() throws Exception {
        byte[] bytes = resource(".onnx");
        String expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        try (OrtModel m = OrtModel.open(ReferenceModels.source(MLP))) {
            assertEquals(expected, m.info().checksum());
            assertTrue(m.info().backend().startsWith("onnxruntime 1."), m.info().backend());
            assertEquals("cpu", m.info().device());
            assertEquals("x[N,30]:float32", m.info().input().toString());
            assertEquals("y[N,2]:float32", m.info().output().toString());
            assertFalse(m.info().description().classNames().isEmpty());
        }
    }

    private Path copy(String... suffixes) throws IOException {
        for (String suffix : suffixes) {
            Files.write(tmp.resolve(MLP + suffix), resource(suffix));
        }
        return tmp.resolve(MLP + ".onnx");
    }

    private static byte[] resource(String suffix) throws IOException {
        try (var in = ModelSourceTest.class.getClassLoader().getResourceAsStream(BASE + suffix)) {
            return in.readAllBytes();
        }
    }
}
