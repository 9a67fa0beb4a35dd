package org.explain4j.djl;

import org.explain4j.ExplainException;
import org.explain4j.model.BackwardRule;
import org.explain4j.model.ModelSource;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad files and bad inputs give one-line {@link ExplainException}s naming what is wrong and what would be right. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DjlModelErrorsTest {

    private static final String MLP = "breast_cancer_mlp";

    private DjlModel onnx;
    private DjlModel torch;

    @BeforeAll
    void open() {
        onnx = DjlModel.openOnnx(ReferenceModels.source(MLP));
        torch = DjlModel.openTorchScript(TorchScriptSources.beside(ReferenceModels.source(MLP)));
    }

    @AfterAll
    void close() {
        onnx.close();
        torch.close();
    }

    @Test
    void torchScriptGivenToTheOnnxPathIsNamedAsSuch(@TempDir Path dir) {
        ReferenceFiles.copy(MLP, dir, ".pt");
        String m = message(() -> DjlModel.openOnnx(dir.resolve(MLP + ".pt")));
        assertTrue(m.contains(MLP + ".pt is a TorchScript archive, not an ONNX model"), m);
        assertTrue(m.contains("backend djl-pytorch"), m);
    }

    @Test
    void onnxGivenToTheTorchScriptPathIsNamedAsSuch(@TempDir Path dir) {
        ReferenceFiles.copy(MLP, dir, ".onnx", ".json", ".grad.onnx");
        String m = message(() -> DjlModel.openTorchScript(dir.resolve(MLP + ".onnx")));
        assertTrue(m.contains(MLP + ".onnx is an ONNX model, not a TorchScript archive"), m);
        assertTrue(m.contains("backend djl-ort (or ort)"), m);
    }

    @Test
    void aFileThatIsNeitherIsRejectedByBothPaths(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("notes.onnx"), "this is not a model");
        String torchMessage = message(() -> DjlModel.openTorchScript(ModelSource.ofBytes("notes",
                Files.readAllBytes(text), null, null)));
        assertTrue(torchMessage.contains("is neither an ONNX model nor a TorchScript archive"), torchMessage);
        String onnxMessage = message(() -> DjlModel.openOnnx(text));
        assertTrue(onnxMessage.contains("is not a readable ONNX model"), onnxMessage);
    }

    @Test
    void torchScriptWithoutSidecarAsksForTheInputShape(@TempDir Path dir) {
        ReferenceFiles.copy(MLP, dir, ".pt");
        Path renamed = dir.resolve("model.pt");
        assertTrue(dir.resolve(MLP + ".pt").toFile().renameTo(renamed.toFile()));
        String m = message(() -> DjlModel.openTorchScript(renamed));
        assertTrue(m.contains("has no sidecar model.json"), m);
        assertTrue(m.contains("\"shape\""), m);
    }

    @Test
    void sidecarWithTheWrongInputShapeIsReportedWithTheShapeTried(@TempDir Path dir) throws IOException {
        ReferenceFiles.copy(MLP, dir, ".pt", ".json", ".grad.onnx");
        Path sidecar = dir.resolve(MLP + ".json");
        Files.writeString(sidecar, Files.readString(sidecar).replaceFirst("(?s)\"shape\": \\[\\s*-1,\\s*30\\s*]",
                "\"shape\": [-1, 31]"));
        String m = message(() -> DjlModel.openTorchScript(dir.resolve(MLP + ".pt")));
        assertTrue(m.contains("does not run on an input shaped [1,31]"), m);
    }

    @Test
    void onnxModelWithoutGradientGraphSaysHowToGetGradients(@TempDir Path dir) {
        ReferenceFiles.copy(MLP, dir, ".onnx");
        try (DjlModel bare = DjlModel.openOnnx(dir.resolve(MLP + ".onnx"))) {
            assertFalse(bare.supportsGradients());
            FloatTensor x = FloatTensor.zeros(1, 30);
            assertEquals(2, bare.forward(x).sampleSize());
            String m = message(() -> bare.vjp(x, FloatTensor.zeros(1, 2)));
            assertTrue(m.contains("has no gradient graph"), m);
            assertTrue(m.contains("djl-pytorch"), m);
        }
    }

    @Test
    void missingTorchScriptCopyNamesWhereItWasLookedFor(@TempDir Path dir) {
        ReferenceFiles.copy(MLP, dir, ".onnx", ".json", ".grad.onnx");
        ModelSource source = ModelSource.fromPath(dir.resolve(MLP + ".onnx"));
        assertFalse(TorchScriptSources.hasCopy(source));
        String m = message(() -> TorchScriptSources.beside(source));
        assertTrue(m.contains(dir.resolve(MLP + ".pt") + " is not there"), m);
        assertTrue(m.contains("\"torchscript\" field"), m);
    }

    @Test
    void torchScriptCopyIsFoundBesideAFile(@TempDir Path dir) {
        ReferenceFiles.copy(MLP, dir, ".onnx", ".json", ".grad.onnx", ".pt");
        ModelSource pt = TorchScriptSources.beside(ModelSource.fromPath(dir.resolve(MLP + ".onnx")));
        assertEquals(dir.resolve(MLP + ".pt").toString(), pt.location());
        try (DjlModel m = DjlModel.openTorchScript(pt)) {
            assertEquals(torch.info().checksum(), m.info().checksum());
        }
    }

    @Test
    void wrongInputShapeNaNAndBadCotangentAreCheckedOnBothFlavours() {
        for (DjlModel model : List.of(onnx, torch)) {
            String shape = message(() -> model.forward(FloatTensor.zeros(2, 29)));
            assertEquals("input 'x' has shape [2,29], model expects [N,30]", shape);
            float[] data = new float[30];
            data[4] = Float.NaN;
            String nan = message(() -> model.vjp(new FloatTensor(new long[] {1, 30}, data), FloatTensor.zeros(1, 2)));
            assertTrue(nan.startsWith("input 'x' holds NaN at [0,4]"), nan);
            String cot = message(() -> model.vjp(FloatTensor.zeros(3, 30), FloatTensor.zeros(3, 3)));
            assertTrue(cot.startsWith("cotangent has shape [3,3], expected [3,2]"), cot);
        }
    }

    @Test
    void activationsOfferTheInputAndOutputOnly() {
        FloatTensor x = GoldenSamples.load(MLP).inputs();
        for (DjlModel model : List.of(onnx, torch)) {
            Map<String, FloatTensor> a = model.activations(x, List.of("y", "x"));
            assertEquals(List.of("y", "x"), List.copyOf(a.keySet()));
            assertArrayEquals(x.data(), a.get("x").data());
            assertArrayEquals(model.forward(x).data(), a.get("y").data());
            String m = message(() -> model.activations(x, List.of("relu_1")));
            assertTrue(m.contains("not 'relu_1'; use the ort backend"), m);
        }
    }

    @Test
    void guidedAndDeconvnetRulesNameTheOrtBackend() {
        FloatTensor x = GoldenSamples.load(MLP).inputs();
        FloatTensor w = FloatTensor.zeros(x.batchSize(), 2);
        for (DjlModel model : List.of(onnx, torch)) {
            for (BackwardRule rule : List.of(BackwardRule.GUIDED_BACKPROP, BackwardRule.DECONVNET)) {
                String m = message(() -> model.vjp(x, w, rule));
                assertTrue(m.contains("cannot run its backward pass with the " + rule.name().toLowerCase()
                        + " ReLU rule; use the ort backend"), m);
            }
            assertArrayEquals(model.vjp(x, w).inputGradient().data(),
                    model.vjp(x, w, BackwardRule.GRADIENT).inputGradient().data(), "GRADIENT is the plain vjp");
        }
    }

    @Test
    void modelInfoRecordsTheEngineAndTheFileChecksum() {
        assertTrue(onnx.info().backend().matches("djl \\S+ onnxruntime \\S+"), onnx.info().backend());
        assertTrue(torch.info().backend().matches("djl \\S+ pytorch \\S+"), torch.info().backend());
        assertEquals(DjlModel.Flavour.ONNX_RUNTIME, onnx.flavour());
        assertEquals("djl-pytorch", torch.flavour().backendName());
        assertArrayEquals(new long[] {-1, 30}, torch.info().input().shape());
        assertArrayEquals(new long[] {-1, 2}, torch.info().output().shape());
        assertEquals(onnx.info().description().classNames(), torch.info().description().classNames());
        assertEquals(64, torch.info().checksum().length());
        assertFalse(torch.info().checksum().equals(onnx.info().checksum()), "checksums of different files");
    }

    /** The exception's message, checked to be one line. */
    static String message(Executable call) {
        ExplainException e = assertThrows(ExplainException.class, call);
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }
}
