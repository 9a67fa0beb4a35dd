package org.explain4j.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.ExplainException;
import org.explain4j.model.ModelSource;
import org.explain4j.tensor.FloatTensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reference models embedded in this jar, their float64 PyTorch golden values and the small
 * data set the tabular model was trained on. One place knows the resource layout, so tests and
 * the CLI never spell out resource paths:
 * <pre>
 * explain4j/models/index.txt                     names, one per line
 * explain4j/models/NAME/NAME.onnx (.grad.onnx, .json)
 * explain4j/golden/NAME.golden.json
 * explain4j/data/breast_cancer.csv (+ .features.txt)
 * </pre>
 */
public final class ReferenceModels {

    private static final String ROOT = "explain4j/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferenceModels() {
    }

    /** Names of the embedded models, in index order. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (String line : lines(ROOT + "models/index.txt")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                names.add(t);
            }
        }
        return List.copyOf(names);
    }

    /**
     * The embedded model {@code name}: forward graph, gradient graph and sidecar.
     *
     * @throws ExplainException listing the known names when {@code name} is not one of them
     */
    public static ModelSource source(String name) {
        requireKnown(name);
        return ModelSource.fromClasspath(ROOT + "models/" + name + "/" + name, loader());
    }

    /**
     * The models whose golden values are one JSON file with every class's gradients
     * ({@code golden/NAME.golden.json}). The ECG models (12 × 2048 inputs) keep theirs as
     * {@code .npy} arrays for the predicted class only, in {@code golden/NAME/}, and are tested
     * on their own.
     */
    public static List<String> namesWithGoldenJson() {
        List<String> out = new ArrayList<>();
        for (String name : names()) {
            if (loader().getResource(ROOT + "golden/" + name + ".golden.json") != null) {
                out.add(name);
            }
        }
        return out;
    }

    /**
     * The golden file of model {@code name}: {@code golden/NAME.golden.json}, or the index
     * {@code golden/NAME/golden.json} of a model whose arrays are {@code .npy} files beside it;
     * the caller closes the stream.
     */
    public static InputStream goldenJsonStream(String name) {
        requireKnown(name);
        String single = ROOT + "golden/" + name + ".golden.json";
        return loader().getResource(single) != null ? open(single) : open(ROOT + "golden/" + name + "/golden.json");
    }

    /**
     * The parsed golden file of model {@code name}: {@code {"model","input_shape","classes",
     * "samples":[{"x","logits","probs","predicted","grad_logit","grad_prob","ig"}]}}, or for the
     * ECG models the index {@code {"model","input_shape","classes","x_file","samples":[{"logits",
     * "probs","target","files"}]}}.
     */
    public static JsonNode goldenJson(String name) {
        try (InputStream in = goldenJsonStream(name)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new ExplainException("golden file of model '" + name + "' is not valid JSON: " + e.getMessage());
        }
    }

    /** The Wisconsin diagnostic breast cancer CSV as shipped (header line: rows, features, class names). */
    public static InputStream breastCancerCsv() {
        return open(ROOT + "data/breast_cancer.csv");
    }

    /** The 30 feature names of the breast cancer data, in column order. */
    public static List<String> breastCancerFeatureNames() {
        return lines(ROOT + "data/breast_cancer.features.txt").stream().map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }

    /** The breast cancer data set: raw features {@code [569,30]}, labels 0 = malignant, 1 = benign. */
    public record Dataset(FloatTensor features, int[] labels, List<String> featureNames, List<String> classNames) {
        public Dataset {
            labels = labels.clone();
            featureNames = List.copyOf(featureNames);
            classNames = List.copyOf(classNames);
        }

        @Override
        public int[] labels() {
            return labels.clone();
        }
    }

    /** Parses {@link #breastCancerCsv()}. */
    public static Dataset breastCancer() {
        List<String> lines = lines(ROOT + "data/breast_cancer.csv");
        // First line, as scikit-learn ships it: "569,30,malignant,benign".
        String[] header = lines.get(0).split(",");
        int rows = Integer.parseInt(header[0].strip());
        int cols = Integer.parseInt(header[1].strip());
        List<String> classNames = Arrays.stream(header, 2, header.length).map(String::strip).toList();
        float[] x = new float[rows * cols];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            String[] cells = lines.get(r + 1).split(",");
            if (cells.length != cols + 1) {
                throw new IllegalStateException("breast_cancer.csv line " + (r + 2) + " has " + cells.length
                        + " cells, expected " + (cols + 1));
            }
            for (int c = 0; c < cols; c++) {
                x[r * cols + c] = Float.parseFloat(cells[c]);
            }
            y[r] = Integer.parseInt(cells[cols].strip());
        }
        return new Dataset(new FloatTensor(new long[] {rows, cols}, x), y, breastCancerFeatureNames(), classNames);
    }

    private static void requireKnown(String name) {
        List<String> known = names();
        if (!known.contains(name)) {
            throw new ExplainException("unknown reference model '" + name + "'; known: " + String.join(", ", known));
        }
    }

    private static ClassLoader loader() {
        return ReferenceModels.class.getClassLoader();
    }

    private static InputStream open(String resource) {
        InputStream in = loader().getResourceAsStream(resource);
        if (in == null) {
            throw new ExplainException("resource " + resource + " is missing from the models-onnx jar");
        }
        return in;
    }

    private static List<String> lines(String resource) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(resource), StandardCharsets.UTF_8))) {
            return r.lines().toList();
        } catch (IOException e) {
            throw new ExplainException("cannot read resource " + resource + ": " + e.getMessage());
        }
    }
}
