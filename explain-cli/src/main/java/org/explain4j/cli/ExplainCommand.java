package org.explain4j.cli;

import org.explain4j.ExplainException;
import org.explain4j.io.CsvInput;
import org.explain4j.io.InputData;
import org.explain4j.io.InputFiles;
import org.explain4j.io.Npy;
import org.explain4j.io.RowSelection;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.ModelSource;
import org.explain4j.models.clinical.MimicEpisodeInput;
import org.explain4j.models.ecg.WfdbInput;
import org.explain4j.onnx.Device;
import org.explain4j.tensor.FloatTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code explain4j explain}: explains a model's predictions on the samples of a file. */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Explain a model's predictions for the samples in a file.",
                "Writes attribution.arrow, attribution.csv, explanation.json, heatmap.png and heatmap.svg "
                        + "(first sample) into the output directory, plus heatmap-<i>.png/.svg per sample when "
                        + "there are several (the first --heatmaps of them). Nothing is written when the run fails."},
        footer = {"", "Inputs: CSV (model [N,F]: one sample per row, optional header, an extra last column is a "
                + "label and is dropped; model [N,A,B]: one A×B sample), NumPy .npy ([N,...] or one sample), "
                + "or an attribution.arrow of an earlier run (its inputs). Rows count from 0, header not counted."})
final class ExplainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "<file.onnx|name>",
            description = "ONNX model file (name.json and name.grad.onnx beside it are used), or an embedded model's name.")
    String model;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "<file>",
            description = "Samples: .csv, .npy, .arrow or a WFDB record's .hea; 'example' takes an embedded model's example input.")
    String input;

    @Option(names = "--format", defaultValue = "auto", paramLabel = "auto|csv|npy|arrow|mimic-episode|wfdb",
            description = "How --input is read: auto (by extension; a CSV whose header starts with Hours is a "
                    + "mimic3-benchmarks episode when the model takes [N,48,76]), csv, npy, arrow, or mimic-episode "
                    + "(one ICU episode CSV, discretized to 48 hours x 76 columns), or wfdb (a WFDB ECG record's .hea, "
                    + "auto for .hea files: resampled to the sidecar's input.sampling_rate_hz, leads and length). "
                    + "Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--ecg-start", defaultValue = "0", paramLabel = "<seconds>",
            description = "WFDB input: where in the record the model's window starts, in seconds. Default: ${DEFAULT-VALUE}.")
    double ecgStart;

    @Option(names = "--method", defaultValue = "ig", paramLabel = "<name>",
            description = "Gradients: saliency | gradxinput | ig (integrated_gradients) | smoothgrad | gradcam | "
                    + "guided_backprop | deconvnet | guided_gradcam; feature maps: activations (with --layer); "
                    + "relevance: lrp; perturbation (forward only): lime | kernelshap | occlusion | ablation. "
                    + "Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--target", defaultValue = "predicted", paramLabel = "<class>",
            description = "Class to explain: an index, a class name, or 'predicted' (default).")
    String target;

    @Option(names = "--score", paramLabel = "logit|probability",
            description = "Explain the target's logit or its probability. Default: the model's (sidecar) choice.")
    String score;

    @Option(names = {"-o", "--out"}, paramLabel = "<dir>",
            description = "Output directory (files of the same names are replaced). Default: explain4j-out/<model>-<method>.")
    Path out;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]|auto",
            description = "Where ONNX Runtime runs. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--rows", paramLabel = "<rows>", description = "Samples to explain, e.g. 0-9 or 3,5,10-12 (default: all).")
    String rows;

    @Option(names = "--batch-size", paramLabel = "<n>",
            description = "Model rows per call (ig, smoothgrad, lrp; perturbed samples per call for the perturbation methods).")
    Integer batchSize;

    @Option(names = "--steps", paramLabel = "<n>", description = "Integration steps (ig; default 50).")
    Integer steps;

    @Option(names = "--rule", paramLabel = "<rule>",
            description = "Integration rule (ig): gausslegendre (default), riemann_trapezoid, riemann_left, riemann_right, riemann_middle.")
    String rule;

    @Option(names = "--baseline", paramLabel = "zero|mean",
            description = "IG baseline: zero (default) or mean (per-feature mean of all samples in the input file). "
                    + "Perturbation methods: value of a switched-off feature, zero (default), mean or a number.")
    String baseline;

    @Option(names = "--samples", paramLabel = "<n>", description = "Noisy copies per sample (smoothgrad; default 50); "
            + "perturbed samples per instance (lime: default 1000; kernelshap: coalitions, default 2d+2048).")
    Integer samples;

    @Option(names = "--noise", paramLabel = "<σ>", description = "Noise level relative to the input's range (smoothgrad; default 0.15).")
    Double noise;

    @Option(names = "--seed", paramLabel = "<n>", description = "Random seed (smoothgrad and perturbation methods; default 42).")
    Long seed;

    @Option(names = "--signed", description = "Saliency: keep the gradient's sign (default: absolute value).")
    boolean signed;

    @Option(names = "--squared", description = "SmoothGrad: average squared gradients (SmoothGrad²).")
    boolean squared;

    @Option(names = "--multiply-by-input", description = "SmoothGrad: multiply the averaged gradient by the input.")
    boolean multiplyByInput;

    @Option(names = "--lrp-rule", paramLabel = "<rule>",
            description = "LRP: one rule for every layer: epsilon, epsilon(E), lrp0, zplus, alpha2beta1, "
                    + "alphabeta(A,B), gamma, gamma(G), flat, w2 (not with --lrp-composite).")
    String lrpRule;

    @Option(names = "--lrp-composite", paramLabel = "<composite>",
            description = "LRP: a preset (epsilon (default), epsilon-plus, epsilon-plus-flat, epsilon-alpha2-beta1, "
                    + "epsilon-alpha2-beta1-flat, epsilon-gamma, epsilon-w2, zplus) or a list such as "
                    + "'epsilon, conv=zplus, first=flat'.")
    String lrpComposite;

    @Option(names = "--lrp-epsilon", paramLabel = "<ε>", description = "LRP: ε of the ε rules (default 0.01).")
    String lrpEpsilon;

    @Option(names = "--lrp-bias-factor", paramLabel = "<δ>",
            description = "LRP: share of each bias given back to the layer's inputs, 0 to 1 (default 0).")
    String lrpBiasFactor;

    @Option(names = "--lrp-output-init", paramLabel = "<init>",
            description = "LRP: starting relevance: logit (default), softmax, sigmoid-decision, sigmoid-logit-sign.")
    String lrpOutputInit;

    @Option(names = "--layer", paramLabel = "<tensor>",
            description = "Grad-CAM, guided Grad-CAM: the conv layer output whose maps are weighted (default: the sidecar's "
                    + "gradcam_layer, when it names one); activations: the layer to write.")
    String layer;

    @Option(names = "--relu", paramLabel = "true|false", description = "Grad-CAM: ReLU of the map (default true).")
    String relu;

    @Option(names = "--cam-scale", paramLabel = "none|global|per-lead",
            description = "Grad-CAM: min-max scaling of the upsampled maps, per sample (default none).")
    String camScale;

    @Option(names = "--lead-groups", paramLabel = "<G>",
            description = "Grad-CAM: one map per lead: split the layer's channels into G groups (input has G channels).")
    Integer leadGroups;

    @Option(names = "--no-relu", description = "Grad-CAM: keep negative evidence (skip the ReLU of the map).")
    Boolean noRelu;

    @Option(names = "--min-max-scale", description = "Grad-CAM: scale each map to [0, 1].")
    Boolean minMaxScale;

    @Option(names = "--features", paramLabel = "<k>", description = "LIME: keep k features (K-Lasso); default: ridge on all.")
    Integer kFeatures;

    @Option(names = "--alpha", paramLabel = "<α>", description = "LIME: ridge penalty of the surrogate (not with --features).")
    Double alpha;

    @Option(names = "--kernel", paramLabel = "cosine|l2", description = "LIME: distance of the similarity kernel (default cosine).")
    String kernel;

    @Option(names = "--kernel-width", paramLabel = "<w>", description = "LIME: width of the similarity kernel.")
    Double kernelWidth;

    @Option(names = "--sampler", paramLabel = "<s>",
            description = "LIME: how coalitions are drawn: uniform, uniform-count or fixed:N.")
    String sampler;

    @Option(names = "--window", paramLabel = "<n,...>",
            description = "Occlusion window per sample axis, e.g. 1,7,7 (default: one interpretable feature).")
    String window;

    @Option(names = "--strides", paramLabel = "<n,...>", description = "Occlusion strides per sample axis (default: the window).")
    String strides;

    @Option(names = "--threads", paramLabel = "<n>",
            description = "Perturbation methods: samples explained at once (results do not depend on it; default 1).")
    Integer threads;

    @Option(names = "--heatmaps", defaultValue = "8", paramLabel = "<n>",
            description = "Per-sample heatmaps to draw when there are several samples. Default: ${DEFAULT-VALUE}.")
    int heatmaps;

    @Option(names = "--top", defaultValue = "5", paramLabel = "<k>",
            description = "Features for and against listed per sample in the summary. Default: ${DEFAULT-VALUE}.")
    int top;

    @Override
    public Integer call() {
        if (layer == null && Set.of("gradcam", "guided_gradcam", "guidedgradcam").contains(method.trim().toLowerCase(Locale.ROOT))) {
            layer = sidecarCamLayer();
        }
        Map<String, String> options = methodOptions();
        RowSelection selection = validate(options);
        ModelSource source = ModelLocator.resolve(model);
        Path outDir = out != null ? out : Path.of("explain4j-out", source.name() + "-" + method.replace('-', '_'));
        Optional<Path> example = input.equals("example") ? ModelLocator.exampleInput(source) : Optional.empty();
        if (input.equals("example") && example.isEmpty()) {
            throw new ExplainException("model '" + source.name() + "' comes without an example input; give --input <file>");
        }
        Path file = example.orElse(Path.of(input));
        try {
            ExplainRun.Input in = new ExplainRun.Input() {
                @Override
                public InputData read(ModelInfo info) {
                    InputData d = readInput(file, info, selection);
                    return example.isEmpty() ? d : new InputData(d.tensor(), d.rows(), d.labels(), d.columnNames(),
                            "example input of " + source.name());
                }

                @Override
                public FloatTensor background(ModelInfo info) {
                    return readInput(file, info, RowSelection.all()).tensor();
                }
            };
            if (isActivations()) {
                ActivationsRun.run(source, in, layer, device, outDir, heatmaps, spec.commandLine().getOut());
            } else {
                ExplainRun.run(source, in, new ExplainRun.Settings(method, options, target, device, outDir, heatmaps,
                        top), spec.commandLine().getOut());
            }
        } finally {
            example.ifPresent(ExplainCommand::deleteQuietly);
        }
        return Main.OK;
    }

    /** Reads --input as --format says; auto goes by extension, or by the Hours header for a [N,48,76] model. */
    private InputData readInput(Path file, ModelInfo info, RowSelection selection) {
        String f = format.toLowerCase(Locale.ROOT);
        if (f.equals("wfdb") || f.equals("auto") && WfdbInput.detect(file)) {
            return WfdbInput.read(file, info, selection, ecgStart);
        }
        if (f.equals("mimic-episode") || f.equals("auto") && MimicEpisodeInput.detect(file, info.input())) {
            return MimicEpisodeInput.read(file, info.input(), info.name(), selection);
        }
        String ext = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return switch (f) {
            case "csv" -> CsvInput.read(file, info.input(), info.name(), selection);
            case "npy" -> Npy.read(file, info.input(), info.name(), selection);
            case "arrow" -> {
                if (!ext.endsWith(".arrow") && !ext.endsWith(".feather") && !ext.endsWith(".ipc")) {
                    throw new ExplainException("--format arrow needs a .arrow (.feather, .ipc) file, got " + file);
                }
                yield InputFiles.read(file, info.input(), info.name(), selection);
            }
            default -> InputFiles.read(file, info.input(), info.name(), selection);
        };
    }

    /** The method options the user set; unset ones are left to the method's defaults. */
    private Map<String, String> methodOptions() {
        Map<String, String> o = new LinkedHashMap<>();
        put(o, "score", score);
        put(o, "steps", steps);
        put(o, "rule", rule);
        put(o, "baseline", baseline);
        put(o, "batch-size", batchSize);
        put(o, "samples", samples);
        put(o, "noise", noise);
        put(o, "seed", seed);
        put(o, "layer", layer);
        put(o, "no-relu", noRelu);
        put(o, "min-max-scale", minMaxScale);
        put(o, "relu", relu);
        put(o, "cam-scale", camScale);
        put(o, "lead-groups", leadGroups);
        put(o, "lrp-rule", lrpRule);
        put(o, "lrp-composite", lrpComposite);
        put(o, "lrp-epsilon", lrpEpsilon);
        put(o, "lrp-bias-factor", lrpBiasFactor);
        put(o, "lrp-output-init", lrpOutputInit);
        put(o, "features", kFeatures);
        put(o, "alpha", alpha);
        put(o, "kernel", kernel);
        put(o, "kernel-width", kernelWidth);
        put(o, "sampler", sampler);
        put(o, "window", window);
        put(o, "strides", strides);
        put(o, "threads", threads);
        if (signed) {
            o.put("signed", "true");
        }
        if (squared) {
            o.put("squared", "true");
        }
        if (multiplyByInput) {
            o.put("multiply-by-input", "true");
        }
        return o;
    }

    private static void put(Map<String, String> o, String key, Object value) {
        if (value != null) {
            o.put(key, value.toString());
        }
    }

    /** Option mistakes are usage errors (exit 2), found before any model is loaded. */
    private RowSelection validate(Map<String, String> options) {
        try {
            Map<String, String> check = new LinkedHashMap<>(options);
            if ("mean".equalsIgnoreCase(check.getOrDefault("baseline", "").trim())) {
                check.put("baseline", "zero"); // the mean needs the data; its spelling is all we check here
            }
            if (isActivations()) {
                List<String> extra = options.keySet().stream().filter(k -> !k.equals("layer")).map(k -> "--" + k).toList();
                if (!extra.isEmpty()) {
                    throw new ExplainException("method activations does not take " + String.join(", ", extra)
                            + "; it takes --layer");
                }
                if (layer == null) {
                    throw new ExplainException("activations needs --layer <tensor name>: the layer whose feature maps"
                            + " to write");
                }
            } else {
                CliExplainers.byName(method, check, null);
            }
            Device.parse(device);
            if (!List.of("auto", "csv", "npy", "arrow", "mimic-episode", "wfdb").contains(format.toLowerCase(Locale.ROOT))) {
                throw new ExplainException("--format must be auto, csv, npy, arrow, mimic-episode or wfdb, got '" + format + "'");
            }
            if (!(ecgStart >= 0) || Double.isInfinite(ecgStart)) {
                throw new ExplainException("--ecg-start must be 0 or more seconds, got " + ecgStart);
            }
            if (heatmaps < 0) {
                throw new ExplainException("--heatmaps must be 0 or more, got " + heatmaps);
            }
            if (top < 1) {
                throw new ExplainException("--top must be 1 or more, got " + top);
            }
            return RowSelection.parse(rows);
        } catch (ExplainException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /**
     * The Grad-CAM layer the model's sidecar names ({@code "gradcam_layer"}), or null: then the
     * usual checks report the missing --layer, or whatever is wrong with --model.
     */
    private String sidecarCamLayer() {
        try {
            return ModelLocator.resolve(model).description()
                    .map(d -> d.raw() == null ? null : d.raw().path("gradcam_layer").textValue()).orElse(null);
        } catch (ExplainException e) {
            return null;
        }
    }

    private boolean isActivations() {
        return method.trim().equalsIgnoreCase("activations");
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file; the OS cleans up
        }
    }
}
