package org.explain4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.explain4j.ExplainException;
import org.explain4j.model.ModelSource;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Intermediate tensors read through a rewritten copy of the graph. */
class OrtModelActivationsTest {

    private static final OrtOptions ONE_THREAD = OrtOptions.defaults().withIntraOpThreads(1);

    @Test
    void mlpHiddenLayersHaveTheirWidthsAndTheOutputEqualsForward() {
        ModelSource source = ReferenceModels.source("breast_cancer_mlp");
        GraphProto graph = GraphOutputs.parse(source.readModel(), source.location()).getGraph();
        List<NodeProto> relus = graph.getNodeList().stream().filter(n -> n.getOpType().equals("Relu")).toList();
        assertEquals(2, relus.size(), "the MLP is 30-32-16-2 with two ReLU layers");
        FloatTensor x = GoldenSamples.load("breast_cancer_mlp").tiled(7);
        try (OrtModel model = OrtModel.open(source, ONE_THREAD)) {
            String pre1 = relus.get(0).getInput(0);
            String h1 = relus.get(0).getOutput(0);
            String h2 = relus.get(1).getOutput(0);
            Map<String, FloatTensor> a = model.activations(x, List.of(h1, pre1, h2, "y", "x"));
            assertEquals(List.of(h1, pre1, h2, "y", "x"), List.copyOf(a.keySet()), "in the order asked");
            assertArrayEquals(new long[] {7, 32}, a.get(h1).shape());
            assertArrayEquals(new long[] {7, 32}, a.get(pre1).shape());
            assertArrayEquals(new long[] {7, 16}, a.get(h2).shape());
            // ReLU, element by element: the two tensors must belong to the same run.
            for (int k = 0; k < a.get(h1).size(); k++) {
                assertEquals(Math.max(a.get(pre1).get(k), 0f), a.get(h1).get(k), 0f);
            }
            assertTrue(hasNegative(a.get(pre1)), "the pre-activation should not be all positive for this check to bite");
            assertArrayEquals(model.forward(x).data(), a.get("y").data());
            assertArrayEquals(x.data(), a.get("x").data());
            // The rewritten session is made once per set of names.
            assertArrayEquals(a.get(h2).data(), model.activations(x, List.of(h2, pre1, h1)).get(h2).data());
        }
        assertTrue(source.readModel().length > 0 && GraphOutputs.parse(source.readModel(), "mlp").getGraph()
                .getOutputCount() == 1, "the model itself is never changed");
    }

    @Test
    void recurrentOutputsWithoutALeadingBatchAxisAreReturnedWhole() {
        ModelSource source = ReferenceModels.source("synthetic_bilstm");
        GraphProto graph = GraphOutputs.parse(source.readModel(), source.location()).getGraph();
        NodeProto lstm = graph.getNodeList().stream().filter(n -> n.getOpType().equals("LSTM")).findFirst().orElseThrow();
        FloatTensor x = GoldenSamples.load("synthetic_bilstm").tiled(3);
        try (OrtModel model = OrtModel.open(source, ONE_THREAD)) {
            FloatTensor y = model.activations(x, List.of(lstm.getOutput(0))).get(lstm.getOutput(0));
            // ONNX LSTM's Y is [seq_length, num_directions, batch, hidden]: 24 steps, both directions.
            assertEquals(4, y.rank());
            assertEquals(24, y.dim(0));
            assertEquals(2, y.dim(1));
            assertEquals(3, y.dim(2));
        }
    }

    @Test
    void aGraphWithAFixedBatchIsRunInPiecesAndPutBackTogether() {
        Path mnist = SharedFiles.mnistCntk();
        try (OrtModel model = OrtModel.open(ModelSource.fromPath(mnist), ONE_THREAD)) {
            assertEquals(1, model.info().input().shape()[0], "this graph fixes its batch to 1");
            float[] data = new float[3 * 28 * 28];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) ((i * 37 % 255) / 255.0);
            }
            FloatTensor x = new FloatTensor(new long[] {3, 1, 28, 28}, data);
            String out = model.info().output().name();
            GraphProto graph = GraphOutputs.parse(ModelSource.fromPath(mnist).readModel(), "mnist").getGraph();
            String firstRelu = graph.getNodeList().stream().filter(n -> n.getOpType().equals("Relu")).findFirst()
                    .orElseThrow().getOutput(0);
            Map<String, FloatTensor> a = model.activations(x, List.of(firstRelu, out));
            assertEquals(3, a.get(firstRelu).dim(0));
            FloatTensor y = model.forward(x);
            assertArrayEquals(new long[] {3, 10}, y.shape());
            assertArrayEquals(y.data(), a.get(out).data());
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(model.forward(x.sample(i)).data(), y.sampleData(i));
            }
        }
    }

    @Test
    void anUnknownNameIsReportedWithNamesThatExist() {
        try (OrtModel model = OrtModel.open(ReferenceModels.source("breast_cancer_mlp"), ONE_THREAD)) {
            FloatTensor x = GoldenSamples.load("breast_cancer_mlp").inputs();
            ExplainException e = assertThrows(ExplainException.class,
                    () -> model.activations(x, List.of("y", "no_such_tensor")));
            // The candidates are the graph's activation outputs, nearest name first.
            assertTrue(e.getMessage().startsWith("model 'breast_cancer_mlp' has no tensor named 'no_such_tensor';"
                    + " nearest conv/activation/pool outputs: /net/net.1/Relu_output_0, /net/net.3/Relu_output_0"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith(" (" + (GraphOutputs.parse(ReferenceModels.source("breast_cancer_mlp")
                    .readModel(), "mlp").getGraph().getNodeCount() + 1) + " tensors in all)"), e.getMessage());
            assertTrue(model.activations(x, List.of()).isEmpty());
        }
    }

    private static boolean hasNegative(FloatTensor t) {
        for (float v : t.data()) {
            if (v < 0) {
                return true;
            }
        }
        return false;
    }
}
