package org.explain4j.onnx;

import ai.onnx.proto.OnnxMl;
import org.explain4j.ExplainException;
import org.explain4j.model.ModelSource;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Every user mistake the backend can see ends in one line that says what is wrong and what is right. */
class OrtModelErrorsTest {

    private static final OrtOptions ONE_THREAD = OrtOptions.defaults().withIntraOpThreads(1);
    private static OrtModel mlp;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        mlp = OrtModel.open(ReferenceModels.source("breast_cancer_mlp"), ONE_THREAD);
    }

    @AfterAll
    static void close() {
        mlp.close();
    }

    @Test
    void missingFile() {
        Path missing = tmp.resolve("nope.onnx");
        assertMessage("model file not found: " + missing, () -> OrtModel.open(missing));
    }

    @Test
    void directoryInsteadOfFile() throws IOException {
        Files.write(tmp.resolve("m.onnx"), new byte[] {1});
        String m = message(() -> OrtModel.open(tmp));
        assertEquals("model path " + tmp + " is a directory; give the .onnx file itself (this folder holds [m.onnx])", m);
    }

    @Test
    void gradientGraphGivenAsTheModel() throws IOException {
        Path grad = tmp.resolve("m.grad.onnx");
        Files.write(grad, new byte[] {1});
        assertMessage(grad + " is a gradient graph; give the forward model m.onnx (its gradient graph is found next to it)",
                () -> ModelSource.fromPath(grad));
    }

    @Test
    void fileThatIsNotOnnx() throws IOException {
        Path garbage = tmp.resolve("garbage.onnx");
        Files.writeString(garbage, "this is not a protobuf, just text\n", StandardCharsets.UTF_8);
        String m = message(() -> OrtModel.open(garbage));
        assertTrue(m.startsWith(garbage + " is not a readable ONNX model: "), m);
        assertTrue(m.toLowerCase().contains("protobuf parsing failed"), m);
        assertOneLine(m);
    }

    @Test
    void wrongInputWidth() {
        assertMessage("input 'x' has shape [2,29], model expects [N,30]", () -> mlp.forward(FloatTensor.zeros(2, 29)));
        assertMessage("input 'x' has shape [2,29], model expects [N,30]",
                () -> mlp.vjp(FloatTensor.zeros(2, 29), FloatTensor.zeros(2, 2)));
    }

    @Test
    void wrongRank() {
        assertMessage("input 'x' has shape [2,30,1], model expects [N,30]", () -> mlp.forward(FloatTensor.zeros(2, 30, 1)));
        assertMessage("input 'x' has shape [30], model expects [N,30]",
                () -> mlp.activations(FloatTensor.zeros(30), List.of("y")));
    }

    @Test
    void noSamples() {
        assertMessage("input 'x' holds no samples (shape [0,30]); give at least one", () -> mlp.forward(FloatTensor.zeros(0, 30)));
    }

    @Test
    void nanInput() {
        FloatTensor x = FloatTensor.zeros(3, 30);
        x.data()[30 + 7] = Float.NaN;
        assertMessage("input 'x' holds NaN at [1,7]; inputs must be finite", () -> mlp.forward(x));
        assertMessage("input 'x' holds NaN at [1,7]; inputs must be finite", () -> mlp.vjp(x, FloatTensor.zeros(3, 2)));
    }

    @Test
    void infiniteInput() {
        FloatTensor x = FloatTensor.zeros(3, 30);
        x.data()[2 * 30 + 29] = Float.NEGATIVE_INFINITY;
        assertMessage("input 'x' holds -Infinity at [2,29]; inputs must be finite", () -> mlp.forward(x));
        x.data()[2 * 30 + 29] = Float.POSITIVE_INFINITY;
        assertMessage("input 'x' holds Infinity at [2,29]; inputs must be finite",
                () -> mlp.activations(x, List.of("y")));
    }

    @Test
    void cotangentOfWrongShape() {
        FloatTensor x = GoldenSamples.load("breast_cancer_mlp").inputs(); // 5 samples
        String expected = " (one weight per sample and output, shaped like the model output)";
        assertMessage("cotangent has shape [5,3], expected [5,2]" + expected, () -> mlp.vjp(x, FloatTensor.zeros(5, 3)));
        assertMessage("cotangent has shape [4,2], expected [5,2]" + expected, () -> mlp.vjp(x, FloatTensor.zeros(4, 2)));
        assertMessage("cotangent has shape [10], expected [5,2]" + expected, () -> mlp.vjp(x, FloatTensor.zeros(10)));
        FloatTensor w = FloatTensor.zeros(5, 2);
        w.data()[3] = Float.NaN;
        assertMessage("cotangent holds NaN at [1,1]; cotangents must be finite", () -> mlp.vjp(x, w));
    }

    @Test
    void vjpWithoutGradientGraphBuildsOneInJava() throws IOException {
        // The forward graph alone, as a user would copy it: no sidecar, no name.grad.onnx.
        Path forwardOnly = tmp.resolve("breast_cancer_mlp.onnx");
        Files.write(forwardOnly, ReferenceModels.source("breast_cancer_mlp").readModel());
        try (OrtModel m = OrtModel.open(ModelSource.fromPath(forwardOnly), ONE_THREAD)) {
            assertEquals("", m.info().gradientSource(), "nothing built before gradients are asked for");
            assertTrue(m.supportsGradients());
            assertEquals(32, m.gradientBatch(), "the built graph's batch is free: default chunk");
            assertEquals(OrtModel.BUILT_GRADIENT_SOURCE, m.info().gradientSource());
            FloatTensor x = GoldenSamples.load("breast_cancer_mlp").inputs();
            FloatTensor w = OrtModelReferenceTest.oneHot(5, 2, i -> i % 2);
            float[] built = m.vjp(x, w).inputGradient().data();
            float[] exported = mlp.vjp(x, w).inputGradient().data();
            double scale = maxAbs(exported);
            for (int i = 0; i < built.length; i++) {
                assertEquals(exported[i], built[i], 1e-5 * scale, "element " + i);
            }
        }
        assertEquals("breast_cancer_mlp.grad.onnx", mlp.info().gradientSource());
    }

    @Test
    void thirdPartyModelGetsAJavaBuiltGradientGraph() {
        try (OrtModel m = OrtModel.open(ModelSource.fromClasspath("explain4j/thirdparty/mnist-cntk"), ONE_THREAD)) {
            assertTrue(m.supportsGradients());
            assertEquals(1, m.gradientBatch(), "the CNTK graph fixes its batch to 1");
            float[] seven = PerturbationMnistTest.digit(7);
            float[] three = PerturbationMnistTest.digit(3);
            float[] both = new float[2 * 784];
            System.arraycopy(seven, 0, both, 0, 784);
            System.arraycopy(three, 0, both, 784, 784);
            FloatTensor x = new FloatTensor(new long[] {2, 1, 28, 28}, both); // two samples: run one at a time
            FloatTensor w = OrtModelReferenceTest.oneHot(2, 10, i -> i == 0 ? 7 : 3);
            FloatTensor g = m.vjp(x, w).inputGradient();
            assertArrayEquals(new long[] {2, 1, 28, 28}, g.shape());
            FloatTensor g3 = m.vjp(x.slice(1, 2), w.slice(1, 2)).inputGradient();
            assertArrayEquals(g3.data(), java.util.Arrays.copyOfRange(g.data(), 784, 1568), "batch split per sample");
            assertTrue(maxAbs(g.data()) > 0, "a real digit has a gradient");
        }
    }

    @Test
    void modelWithAnOpWithoutAGradientRule() throws IOException {
        Path sine = tmp.resolve("sine.onnx");
        Files.write(sine, sineModel().toByteArray());
        try (OrtModel m = OrtModel.open(ModelSource.fromPath(sine), ONE_THREAD)) {
            FloatTensor x = FloatTensor.zeros(2, 4);
            assertEquals(4, m.forward(x).sampleSize(), "forward still works");
            assertFalse(m.supportsGradients());
            assertEquals(0, m.gradientBatch());
            assertEquals("", m.info().gradientSource());
            String msg = message(() -> m.vjp(x, FloatTensor.zeros(2, 4)));
            assertTrue(msg.startsWith("model 'sine' has no exported gradient graph and explain4j cannot build one: "), msg);
            assertTrue(msg.contains("Sin"), msg);
            assertTrue(msg.endsWith("; export sine.grad.onnx (see README) next to " + sine
                    + ", or use a method that needs no gradients (occlusion, LIME)"), msg);
            assertEquals(msg, message(() -> m.vjp(x, FloatTensor.zeros(2, 4))), "the failure is remembered");
        }
    }

    @Test
    void cudaOnACpuOnlyBuild() {
        assumeFalse(OrtModel.cudaProviderListed(), "skipped: this ONNX Runtime build has the CUDA provider");
        String text = "requested but ONNX Runtime's CUDA provider is not available: this build uses the CPU-only"
                + " onnxruntime jar (build with -Pgpu, and provide CUDA 12 + cuDNN 9 libraries)";
        assertMessage("device 'cuda:0' " + text,
                () -> OrtModel.open(ReferenceModels.source("breast_cancer_mlp"), ONE_THREAD.withDevice("cuda")));
        assertMessage("device 'cuda:1' " + text,
                () -> OrtModel.open(ReferenceModels.source("breast_cancer_mlp"), ONE_THREAD.withDevice("CUDA:1")));
    }

    @Test
    void autoFallsBackToTheCpu() {
        assumeFalse(OrtModel.cudaProviderListed(), "skipped: this ONNX Runtime build has the CUDA provider");
        try (OrtModel m = OrtModel.open(ReferenceModels.source("breast_cancer_mlp"), ONE_THREAD.withDevice("auto"))) {
            assertEquals("cpu", m.info().device());
        }
    }

    @Test
    void junkDevice() {
        String expected = "unknown device 'gpu7'; expected cpu, cuda, cuda:N (N = GPU index) or auto";
        assertMessage(expected, () -> Device.parse("gpu7"));
        assertMessage(expected, () -> OrtOptions.defaults().withDevice("gpu7"));
        assertMessage("unknown device 'cuda:'; expected cpu, cuda, cuda:N (N = GPU index) or auto", () -> Device.parse("cuda:"));
        assertEquals(Device.cuda(3), Device.parse(" Cuda:3 "));
        assertEquals(Device.cuda(0), Device.parse("cuda"));
        assertEquals("cuda:0", Device.parse("cuda").toString());
        assertEquals(Device.CPU, Device.parse("CPU"));
        assertEquals(Device.AUTO, Device.parse("auto"));
    }

    @Test
    void gradientBatchThatContradictsTheGraph() {
        assertMessage("gradient batch 16 requested, but gradient graph classpath:explain4j/models/breast_cancer_mlp/"
                        + "breast_cancer_mlp.grad.onnx is exported for a fixed batch of 32; leave the gradient batch unset"
                        + " or re-export the graph",
                () -> OrtModel.open(ReferenceModels.source("breast_cancer_mlp"), ONE_THREAD.withGradientBatch(16)));
        try (OrtModel m = OrtModel.open(ReferenceModels.source("breast_cancer_mlp"), ONE_THREAD.withGradientBatch(32))) {
            assertEquals(32, m.gradientBatch());
        }
    }

    @Test
    void modelWithoutFloatInput() throws IOException {
        Path ids = tmp.resolve("ids.onnx");
        Files.write(ids, castModel().toByteArray());
        String m = message(() -> OrtModel.open(ids));
        assertEquals("model 'ids' input ids[N,4]:int64 is not a float32 tensor with a batch axis;"
                + " explain4j needs a float32 input [N,...]", m);
    }

    @Test
    void closedModel() {
        OrtModel m = OrtModel.open(ReferenceModels.source("breast_cancer_mlp"), ONE_THREAD);
        m.close();
        m.close(); // closing twice is harmless
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.forward(FloatTensor.zeros(1, 30)));
        assertEquals("model 'breast_cancer_mlp' is closed", e.getMessage());
    }

    @Test
    void unknownReferenceModel() {
        assertMessage("unknown reference model 'nope'; known: " + String.join(", ", ReferenceModels.names()),
                () -> ReferenceModels.source("nope"));
    }

    /** x (float [N,4]) → Sin → y: a valid model whose op has no gradient rule. */
    private static OnnxMl.ModelProto sineModel() {
        OnnxMl.TypeProto.Tensor.Builder t = OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                .setShape(OnnxMl.TensorShapeProto.newBuilder()
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4)));
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("sine")
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(OnnxMl.TypeProto.newBuilder().setTensorType(t)))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(OnnxMl.TypeProto.newBuilder().setTensorType(t)))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Sin").addInput("x").addOutput("y"))
                .build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("explain4j-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(14))
                .setGraph(graph).build();
    }

    /** ids (int64 [N,4]) → Cast to float → y: a valid model that explain4j cannot attribute to. */
    private static OnnxMl.ModelProto castModel() {
        OnnxMl.TypeProto.Tensor.Builder in = OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(OnnxMl.TensorProto.DataType.INT64_VALUE)
                .setShape(OnnxMl.TensorShapeProto.newBuilder()
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4)));
        OnnxMl.TypeProto.Tensor.Builder out = in.clone().setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE);
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("cast")
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("ids").setType(OnnxMl.TypeProto.newBuilder().setTensorType(in)))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(OnnxMl.TypeProto.newBuilder().setTensorType(out)))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Cast").addInput("ids").addOutput("y")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(OnnxMl.TensorProto.DataType.FLOAT_VALUE)))
                .build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("explain4j-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(14))
                .setGraph(graph).build();
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    static String message(Executable call) {
        ExplainException e = assertThrows(ExplainException.class, call);
        assertOneLine(e.getMessage());
        return e.getMessage();
    }

    static void assertMessage(String expected, Executable call) {
        assertEquals(expected, message(call));
    }

    static void assertOneLine(String message) {
        assertFalse(message.contains("\n"), () -> "message spans lines: " + message);
    }
}
