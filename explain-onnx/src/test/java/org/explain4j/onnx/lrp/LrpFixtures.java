package org.explain4j.onnx.lrp;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelSource;
import org.explain4j.models.ReferenceModels;
import org.explain4j.onnx.GraphOutputs;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.OrtOptions;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Test helpers: real ONNX Runtime models from graphs built or rewritten in the test. */
final class LrpFixtures {
    static final OrtOptions ONE_THREAD = OrtOptions.defaults().withIntraOpThreads(1);

    private LrpFixtures() {
    }

    static OrtModel open(ModelProto model, String name) {
        return OrtModel.open(ModelSource.ofBytes(name, model.toByteArray(), null, null), ONE_THREAD);
    }

    static OrtModel open(ModelProto model, ModelProto gradient, ModelDescription description, String name) {
        return OrtModel.open(ModelSource.ofBytes(name, model.toByteArray(),
                gradient == null ? null : gradient.toByteArray(), description), ONE_THREAD);
    }

    static OrtModel reference(String name) {
        return OrtModel.open(ReferenceModels.source(name), ONE_THREAD);
    }

    static ModelProto referenceGraph(String name) {
        return GraphOutputs.parse(ReferenceModels.source(name).readModel(), name);
    }

    static ModelProto referenceGradient(String name) {
        return GraphOutputs.parse(ReferenceModels.source(name).readGradientGraph().orElseThrow(), name);
    }

    static ModelSource mnistSource() {
        return ModelSource.fromClasspath("explain4j/thirdparty/mnist-cntk");
    }

    /** The golden inputs of a reference model as one batch. */
    static FloatTensor goldenInputs(String name) {
        JsonNode root = ReferenceModels.goldenJson(name);
        List<float[]> xs = new ArrayList<>();
        for (JsonNode s : root.get("samples")) {
            JsonNode x = s.get("x");
            float[] v = new float[x.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) x.get(i).asDouble();
            }
            xs.add(v);
        }
        JsonNode shape = root.get("input_shape");
        long[] dims = new long[shape.size() + 1];
        dims[0] = xs.size();
        for (int i = 0; i < shape.size(); i++) {
            dims[i + 1] = shape.get(i).asLong();
        }
        int per = xs.get(0).length;
        float[] all = new float[xs.size() * per];
        for (int i = 0; i < xs.size(); i++) {
            System.arraycopy(xs.get(i), 0, all, i * per, per);
        }
        return new FloatTensor(dims, all);
    }

    /** A model with its biases and what it was taken from. */
    record Biasless(ModelProto model, List<double[]> zeroed) {
    }

    /**
     * A copy with every bias set to zero: Gemm C, Conv B, BatchNormalization B and mean, LSTM B,
     * and constant operands of Add and Sub (a standardisation's mean included).
     */
    static Biasless withoutBiases(ModelProto model) {
        GraphProto g = model.getGraph();
        Set<String> biases = new HashSet<>();
        Set<String> inits = new HashSet<>();
        g.getInitializerList().forEach(t -> inits.add(t.getName()));
        for (NodeProto n : g.getNodeList()) {
            switch (n.getOpType()) {
                case "Gemm", "Conv" -> {
                    if (n.getInputCount() > 2) {
                        biases.add(n.getInput(2));
                    }
                }
                case "BatchNormalization" -> {
                    biases.add(n.getInput(2));
                    biases.add(n.getInput(3));
                }
                case "LSTM" -> {
                    if (n.getInputCount() > 3) {
                        biases.add(n.getInput(3));
                    }
                }
                case "Add", "Sub" -> n.getInputList().stream().filter(inits::contains).forEach(biases::add);
                default -> {
                }
            }
        }
        GraphProto.Builder b = g.toBuilder().clearInitializer();
        List<double[]> zeroed = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            if (biases.contains(t.getName())) {
                zeroed.add(Tensors.toDoubles(t));
                b.addInitializer(zero(t));
            } else {
                b.addInitializer(t);
            }
        }
        return new Biasless(model.toBuilder().setGraph(b).build(), zeroed);
    }

    /** A copy of {@code model} (e.g. its gradient graph) with every initializer holding one of {@code values} zeroed. */
    static ModelProto zeroMatching(ModelProto model, List<double[]> values) {
        GraphProto.Builder b = model.getGraph().toBuilder().clearInitializer();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            double[] v = Tensors.toDoubles(t);
            boolean match = values.stream().anyMatch(z -> Arrays.equals(z, v));
            b.addInitializer(match ? zero(t) : t);
        }
        return model.toBuilder().setGraph(b).build();
    }

    private static TensorProto zero(TensorProto t) {
        return Tensors.ofType(t.getName(), t.getDataType(), Tensors.dims(t),
                new double[Math.toIntExact(Tensors.elementCount(Tensors.dims(t)))]);
    }

    static double sum(float[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s;
    }

    static double maxAbs(float[] v) {
        double m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    static Map<String, String> options(String... kv) {
        java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
