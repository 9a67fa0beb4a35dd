package org.explain4j.djl;

import com.fasterxml.jackson.databind.JsonNode;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.List;

/** A reference model's float64 PyTorch autograd values (its golden file), for comparisons. */
record Golden(String model, long[] sampleShape, int classes, List<Sample> samples) {

    /** One golden sample: input, logits and the gradient of each class logit with respect to the input. */
    record Sample(double[] x, double[] logits, double[][] gradLogit) {
    }

    static Golden load(String model) {
        JsonNode root = ReferenceModels.goldenJson(model);
        long[] shape = new long[root.get("input_shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = root.get("input_shape").get(i).asLong();
        }
        List<Sample> samples = new ArrayList<>();
        for (JsonNode s : root.get("samples")) {
            double[][] grads = new double[s.get("grad_logit").size()][];
            for (int c = 0; c < grads.length; c++) {
                grads[c] = doubles(s.get("grad_logit").get(c));
            }
            samples.add(new Sample(doubles(s.get("x")), doubles(s.get("logits")), grads));
        }
        return new Golden(model, shape, root.get("classes").asInt(), List.copyOf(samples));
    }

    /** The golden inputs as one float32 batch. */
    FloatTensor inputs() {
        int size = samples.get(0).x().length;
        float[] data = new float[samples.size() * size];
        for (int i = 0; i < samples.size(); i++) {
            for (int j = 0; j < size; j++) {
                data[i * size + j] = (float) samples.get(i).x()[j];
            }
        }
        return new FloatTensor(batchShape(samples.size()), data);
    }

    /**
     * {@code n} distinct samples made from the golden ones (sample {@code i} is golden sample
     * {@code i mod S} scaled by {@code 1 + 0.01·(i / S)}), e.g. to cross the gradient graph's batch of 32.
     */
    FloatTensor tiled(int n) {
        FloatTensor base = inputs();
        int s = base.sampleSize();
        float[] data = new float[n * s];
        for (int i = 0; i < n; i++) {
            int src = i % samples.size();
            float scale = 1f + 0.01f * (i / samples.size());
            for (int j = 0; j < s; j++) {
                data[i * s + j] = base.data()[src * s + j] * scale;
            }
        }
        return new FloatTensor(batchShape(n), data);
    }

    long[] batchShape(int n) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return shape;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
