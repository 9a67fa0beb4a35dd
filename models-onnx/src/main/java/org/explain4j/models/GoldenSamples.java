package org.explain4j.models;

import com.fasterxml.jackson.databind.JsonNode;
import org.explain4j.ExplainException;
import org.explain4j.io.Npy;
import org.explain4j.tensor.FloatTensor;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The float64 PyTorch autograd values of one reference model's golden file
 * ({@link ReferenceModels#goldenJson}), read once so every backend's tests compare against the
 * same parsed numbers.
 *
 * @param model       the reference model's name
 * @param sampleShape the shape of one input sample, without the batch dimension
 * @param classes     the number of output classes
 * @param samples     the golden samples, in file order
 */
public record GoldenSamples(String model, long[] sampleShape, int classes, List<Sample> samples) {

    /**
     * One golden sample.
     *
     * @param x         the input, flat
     * @param logits    the logit of each class
     * @param probs     the probability of each class
     * @param gradLogit per class, the gradient of that class's logit with respect to the input (flat)
     * @param gradProb  per class, the gradient of that class's probability with respect to the input (flat)
     * @param ig        Integrated Gradients of the predicted class
     */
    public record Sample(double[] x, double[] logits, double[] probs, double[][] gradLogit, double[][] gradProb,
                         IntegratedGradientsReference ig) {
    }

    /**
     * Integrated Gradients of one sample, computed by PyTorch with several quadrature rules.
     *
     * @param target          the explained class
     * @param baseline        the baseline's name ({@code "zero"})
     * @param byRule          the attribution (flat) under each rule, e.g. {@code "gausslegendre_64"}
     * @param logitAtX        the target's logit at the input
     * @param logitAtBaseline the target's logit at the baseline
     */
    public record IntegratedGradientsReference(int target, String baseline, Map<String, double[]> byRule,
                                               double logitAtX, double logitAtBaseline) {
    }

    /**
     * Parses the golden file of reference model {@code model}. For a model whose golden values
     * are {@code .npy} arrays ({@code golden/NAME/}, the ECG models), the inputs are the rows of
     * its example {@code .npy}, {@code gradLogit} holds only the explained target's row (the
     * others are {@code null}), {@code gradProb} is {@code null} and IG has the Gauss-Legendre-64 rule.
     */
    public static GoldenSamples load(String model) {
        JsonNode root = ReferenceModels.goldenJson(model);
        long[] shape = new long[root.get("input_shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = root.get("input_shape").get(i).asLong();
        }
        if (root.has("x_file")) {
            return loadArrays(model, root, shape);
        }
        List<Sample> samples = new ArrayList<>();
        for (JsonNode s : root.get("samples")) {
            samples.add(new Sample(doubles(s.get("x")), doubles(s.get("logits")), doubles(s.get("probs")),
                    matrix(s.get("grad_logit")), matrix(s.get("grad_prob")), integratedGradients(model, s.get("ig"))));
        }
        return new GoldenSamples(model, shape, root.get("classes").asInt(), List.copyOf(samples));
    }

    private static GoldenSamples loadArrays(String model, JsonNode root, long[] shape) {
        String dir = "explain4j/golden/" + model + "/";
        double[] examples = npyResource("explain4j/models/" + model + "/" + root.get("x_file").asText());
        int classes = root.get("classes").asInt();
        int size = Math.toIntExact(FloatTensor.elementCount(shape));
        List<Sample> samples = new ArrayList<>();
        for (JsonNode s : root.get("samples")) {
            int i = samples.size();
            int target = s.get("target").asInt();
            JsonNode files = s.get("files");
            double[][] gradLogit = new double[classes][];
            gradLogit[target] = npyResource(dir + files.get("grad_logit").asText());
            Map<String, double[]> ig = Map.of("gausslegendre_64", npyResource(dir + files.get("ig_gausslegendre_64").asText()));
            samples.add(new Sample(Arrays.copyOfRange(examples, i * size, (i + 1) * size),
                    doubles(s.get("logits")), doubles(s.get("probs")), gradLogit, null,
                    new IntegratedGradientsReference(target, "zero", ig, s.get("ig_logit_at_x").asDouble(),
                            s.get("ig_logit_at_baseline").asDouble())));
        }
        return new GoldenSamples(model, shape, classes, List.copyOf(samples));
    }

    /** A golden {@code .npy} array from the classpath, flat, in double (float64 references keep their digits). */
    public static double[] npyResource(String resource) {
        try (InputStream in = GoldenSamples.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ExplainException("golden array " + resource + " is missing from the models-onnx jar");
            }
            return Npy.readDoubles(in.readAllBytes(), resource);
        } catch (IOException e) {
            throw new ExplainException("cannot read golden array " + resource + ": " + e.getMessage());
        }
    }

    /** All golden inputs as one float32 batch {@code [S, sampleShape...]}. */
    public FloatTensor inputs() {
        int size = samples.get(0).x().length;
        float[] data = new float[samples.size() * size];
        for (int i = 0; i < samples.size(); i++) {
            double[] x = samples.get(i).x();
            for (int j = 0; j < size; j++) {
                data[i * size + j] = (float) x[j];
            }
        }
        return new FloatTensor(batchShape(samples.size()), data);
    }

    /**
     * {@code n} distinct samples made from the golden ones (sample {@code i} is golden sample
     * {@code i mod S} scaled by {@code 1 + 0.01·(i / S)}), e.g. to cross the gradient graph's batch of 32.
     */
    public FloatTensor tiled(int n) {
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

    /** {@code [n, sampleShape...]}. */
    public long[] batchShape(int n) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return shape;
    }

    /** The largest magnitude in {@code v}: the scale the golden comparisons' tolerances are relative to. */
    public static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }

    private static IntegratedGradientsReference integratedGradients(String model, JsonNode ig) {
        if (ig == null) {
            throw new ExplainException("golden file of model '" + model + "' has a sample without \"ig\"");
        }
        Map<String, double[]> byRule = new LinkedHashMap<>();
        ig.fields().forEachRemaining(f -> {
            if (f.getValue().isArray()) {
                byRule.put(f.getKey(), doubles(f.getValue()));
            }
        });
        return new IntegratedGradientsReference(ig.get("target").asInt(), ig.get("baseline").asText(),
                Map.copyOf(byRule), ig.get("logit_at_x").asDouble(), ig.get("logit_at_baseline").asDouble());
    }

    private static double[][] matrix(JsonNode rows) {
        double[][] out = new double[rows.size()][];
        for (int c = 0; c < out.length; c++) {
            out[c] = doubles(rows.get(c));
        }
        return out;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
