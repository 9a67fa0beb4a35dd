package org.explain4j.onnx.autodiff;

import com.fasterxml.jackson.databind.JsonNode;
import org.explain4j.models.ReferenceModels;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.OrtRun;
import org.explain4j.onnx.graph.OrtRun.Arr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java-built gradient graph of each reference model against the float64 PyTorch autograd
 * golden values and against the model's exported gradient graph ({@code <name>.grad.onnx},
 * fixed batch 32). Error = max |Java − reference| / max |reference| per class, ≤ 1e-5.
 */
class ReferenceModelGradientTest {

    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"breast_cancer_mlp", "synthetic_cnn1d", "synthetic_bilstm"})
    void javaBuiltGradientsMatchGoldenAndExportedGraph(String name) {
        byte[] forward = ReferenceModels.source(name).readModel();
        byte[] exported = ReferenceModels.source(name).readGradientGraph().orElseThrow();
        byte[] built = GradientGraphBuilder.build(forward, GradientOptions.defaults());
        assertArrayEquals(forward, ReferenceModels.source(name).readModel(), "forward bytes untouched");

        JsonNode golden = ReferenceModels.goldenJson(name);
        int classes = golden.get("classes").asInt();
        JsonNode samples = golden.get("samples");
        int s = samples.size();
        int size = samples.get(0).get("x").size();
        long[] sampleShape = longs(golden.get("input_shape"));
        int exportedBatch = 32;
        double[] x = new double[exportedBatch * size];
        for (int i = 0; i < s; i++) {
            double[] xi = doubles(samples.get(i).get("x"));
            System.arraycopy(xi, 0, x, i * size, size);
        }
        try (OrtRun javaBuilt = new OrtRun(built); OrtRun torch = new OrtRun(exported)) {
            for (int c = 0; c < classes; c++) {
                double[] w = new double[exportedBatch * classes];
                for (int i = 0; i < exportedBatch; i++) {
                    w[i * classes + c] = 1;
                }
                Map<String, Arr> in = Map.of("x", Arr.ofFloat(x, batch(exportedBatch, sampleShape)),
                        "w", Arr.ofFloat(w, exportedBatch, classes));
                Map<String, Arr> mine = javaBuilt.run(in);
                Map<String, Arr> theirs = torch.run(in);
                assertClose(theirs.get("grad_x").data(), mine.get("grad_x").data(),
                        name + " class " + c + " vs exported graph (batch 32)");
                assertClose(theirs.get("y").data(), mine.get("y").data(), name + " logits vs exported graph");
                for (int i = 0; i < s; i++) {
                    double[] ref = doubles(samples.get(i).get("grad_logit").get(c));
                    double[] got = new double[size];
                    System.arraycopy(mine.get("grad_x").data(), i * size, got, 0, size);
                    assertClose(ref, got, name + " sample " + i + " class " + c + " vs golden autograd");
                }
            }
            // Any batch size runs: the Java-built graph keeps the batch free.
            Map<String, Arr> one = javaBuilt.run(Map.of("x", Arr.ofFloat(Arrays.copyOf(x, size),
                    batch(1, sampleShape)), "w", Arr.ofFloat(new double[classes], 1, classes)));
            assertArrayEquals(batch(1, sampleShape), one.get("grad_x").shape());
        }
        // Weights stay initializers (same names, same bytes) and the graph's inputs are x and w only.
        OnnxGraph g = OnnxGraph.parse(built, name);
        OnnxGraph f = OnnxGraph.parse(forward, name);
        assertEquals(List.of("x", "w"), g.graph().getInputList().stream().map(v -> v.getName()).toList());
        for (var weight : f.initializers().values()) {
            if (!g.consumers(weight.getName()).isEmpty()) {
                assertEquals(weight, g.initializer(weight.getName()).orElseThrow(), weight.getName());
            }
        }
    }

    static void assertClose(double[] ref, double[] got, String what) {
        double max = 0;
        double err = 0;
        for (int i = 0; i < ref.length; i++) {
            max = Math.max(max, Math.abs(ref[i]));
            err = Math.max(err, Math.abs(ref[i] - got[i]));
        }
        double rel = err / Math.max(max, 1e-30);
        assertTrue(rel <= TOLERANCE, what + ": relative error " + rel + " (max |ref| " + max + ")");
    }

    static long[] batch(int n, long[] sampleShape) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return shape;
    }

    static double[] doubles(JsonNode a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).asDouble();
        }
        return d;
    }

    static long[] longs(JsonNode a) {
        long[] d = new long[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).asLong();
        }
        return d;
    }
}
