package org.explain4j.cli;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.explain4j.ExplainException;
import org.explain4j.djl.DjlEngines;
import org.explain4j.djl.DjlModel;
import org.explain4j.djl.TorchScriptSources;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Explainers;
import org.explain4j.explain.Target;
import org.explain4j.io.InputData;
import org.explain4j.io.InputFiles;
import org.explain4j.io.OutputDirectory;
import org.explain4j.io.RowSelection;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.ModelSource;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.OrtOptions;
import org.explain4j.tensor.FloatTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code explain4j compare}: the same explanation of the same samples on several backends, one
 * after the other, with how far each backend's predictions and attributions are from the first
 * backend's and what an explanation costs on each.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run the same explanation on several backends and compare them.",
                "Backends: ort (ONNX Runtime), djl-ort (DJL's ONNX Runtime engine), djl-pytorch (DJL's PyTorch engine"
                        + " on the TorchScript copy: the sidecar's \"torchscript\" file or name.pt beside the .onnx).",
                "Prints a table (prediction and attribution max |Δ| and Spearman rank correlation against the first"
                        + " backend; median time per explanation after warm-up, and its ratio to the fastest) and, with"
                        + " --out, writes it as comparison.csv and comparison.md."},
        footer = {"", "Example:",
                "  explain4j compare --model synthetic_cnn1d --input example --method ig --repeats 5"})
final class CompareCommand implements Callable<Integer> {

    private static final Logger LOG = LogManager.getLogger(CompareCommand.class);

    /** The backends compare knows, in their default order. */
    static final List<String> BACKENDS = List.of("ort", "djl-ort", "djl-pytorch");

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "<file|name>",
            description = "Embedded model name, an .onnx file (its .pt copy beside it), or a TorchScript .pt file "
                    + "(its .onnx beside it).")
    String model;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "<file>",
            description = "Samples: .csv, .npy or .arrow; 'example' takes an embedded model's example input.")
    String input;

    @Option(names = "--method", defaultValue = "saliency", paramLabel = "<name>",
            description = "saliency | gradxinput | ig | smoothgrad | lime | kernelshap | occlusion | ablation (lrp needs the ort backend: use explain). Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--backends", paramLabel = "<list>", split = ",",
            description = "Backends to compare, the first being the reference: ort, djl-ort, djl-pytorch."
                    + " Default: all three (djl-pytorch only when the model has a TorchScript copy).")
    List<String> backends;

    @Option(names = "--repeats", defaultValue = "5", paramLabel = "<n>",
            description = "Timed runs per backend after the warm-up; the median is reported. Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--warmup", defaultValue = "3", paramLabel = "<n>",
            description = "Untimed runs per backend first (TorchScript optimises its graph over the first calls)."
                    + " Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "<n>",
            description = "Intra-op threads of every backend (0: each runtime's default, one per core)."
                    + " For djl-pytorch this is PyTorch's process-wide setting. On a machine whose cores are busy"
                    + " with other work, 1 gives steadier numbers: PyTorch's OpenMP threads slow down badly when they"
                    + " must share cores. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--target", defaultValue = "predicted", paramLabel = "<class>",
            description = "Class to explain: an index, a class name, or 'predicted' (by the first backend; default).")
    String target;

    @Option(names = "--score", paramLabel = "logit|probability", description = "Explain the target's logit or probability.")
    String score;

    @Option(names = "--rows", paramLabel = "<rows>", description = "Samples to use, e.g. 0-9 (default: all).")
    String rows;

    @Option(names = "--steps", paramLabel = "<n>", description = "Integration steps (ig).")
    Integer steps;

    @Option(names = "--rule", paramLabel = "<rule>", description = "Integration rule (ig).")
    String rule;

    @Option(names = "--baseline", paramLabel = "zero|mean", description = "IG baseline (ig).")
    String baseline;

    @Option(names = "--batch-size", paramLabel = "<n>", description = "Model rows per call (ig, smoothgrad).")
    Integer batchSize;

    @Option(names = "--samples", paramLabel = "<n>", description = "Noisy copies per sample (smoothgrad).")
    Integer samples;

    @Option(names = "--noise", paramLabel = "<σ>", description = "Noise level (smoothgrad).")
    Double noise;

    @Option(names = "--seed", paramLabel = "<n>", description = "Random seed (smoothgrad; the same on every backend).")
    Long seed;

    @Option(names = "--signed", description = "Saliency: keep the gradient's sign.")
    boolean signed;

    @Option(names = {"-o", "--out"}, paramLabel = "<dir>",
            description = "Write comparison.csv and comparison.md here (all or nothing).")
    Path out;

    @Override
    public Integer call() {
        Map<String, String> options = methodOptions();
        List<String> chosen = validate(options);
        ModelFiles files = ModelFiles.resolve(model, chosen, backends == null);
        Optional<Path> example = input.equals("example") ? ModelLocator.exampleInput(files.primary())
                : Optional.empty();
        if (input.equals("example") && example.isEmpty()) {
            throw new ExplainException("model '" + files.primary().name()
                    + "' comes without an example input; give --input <file>");
        }
        Path file = example.orElse(Path.of(input));
        try {
            List<BackendComparison.Run> runs = new ArrayList<>();
            Context context = null;
            if (files.backends().contains("djl-ort")) {
                // DJL's ONNX Runtime engine must create ONNX Runtime's environment before ort does.
                DjlEngines.preloadOnnxRuntime();
            }
            for (String backend : files.backends()) {
                long t = System.nanoTime();
                try (ExplainableModel m = open(backend, files, threads)) {
                    double load = (System.nanoTime() - t) / 1e6;
                    if (context == null) {
                        context = Context.of(m.info(), file, RowSelection.parse(rows), target, method, options);
                    }
                    runs.add(run(backend, m, load, context));
                }
            }
            List<BackendComparison.Row> table = BackendComparison.rows(runs);
            List<String> title = title(files, context, runs.get(0));
            String markdown = BackendComparison.markdown(title, table);
            if (out != null) {
                write(out, BackendComparison.csv(table), markdown);
            }
            PrintWriter w = spec.commandLine().getOut();
            w.print(markdown);
            if (out != null) {
                w.println("Wrote comparison.csv and comparison.md to " + out.toAbsolutePath().normalize());
            }
            w.flush();
        } finally {
            example.ifPresent(CompareCommand::deleteQuietly);
        }
        return Main.OK;
    }

    /** The samples, targets and explainer, fixed by the first backend so that all explain the same thing. */
    private record Context(InputData data, Target target, Explainer explainer) {
        static Context of(ModelInfo info, Path file, RowSelection selection, String target, String method,
                          Map<String, String> options) {
            InputData data = InputFiles.read(file, info.input(), info.name(), selection);
            Target t = Target.parse(target, info.description(), info.classCount());
            boolean mean = "mean".equalsIgnoreCase(options.getOrDefault("baseline", "").trim());
            FloatTensor background = mean ? InputFiles.read(file, info.input(), info.name(), RowSelection.all()).tensor()
                    : null;
            return new Context(data, t, Explainers.byName(method, options, background));
        }
    }

    private BackendComparison.Run run(String backend, ExplainableModel m, double load, Context context) {
        FloatTensor x = context.data().tensor();
        FloatTensor y = m.forward(x);
        // The first backend resolves "predicted"; the others explain the same classes.
        Target fixed = Target.perSample(context.target().resolve(y));
        Attribution a = null;
        for (int k = 0; k < warmup; k++) {
            a = context.explainer().explain(m, x, fixed);
        }
        double[] ms = new double[repeats];
        for (int k = 0; k < repeats; k++) {
            long t = System.nanoTime();
            a = context.explainer().explain(m, x, fixed);
            ms[k] = (System.nanoTime() - t) / 1e6;
        }
        LOG.info("{}: {} on {} sample(s), median {} ms", backend, context.explainer().method(), x.batchSize(),
                BackendComparison.median(ms));
        return new BackendComparison.Run(backend, m.info().backend(), load, y, a.values(), ms);
    }

    private static ExplainableModel open(String backend, ModelFiles files, int threads) {
        LOG.info("opening {} on {}", files.primary().location(), backend);
        return switch (backend) {
            case "ort" -> OrtModel.open(files.onnx(), OrtOptions.defaults().withIntraOpThreads(threads));
            case "djl-ort" -> DjlModel.openOnnx(files.onnx(), threads);
            case "djl-pytorch" -> DjlModel.openTorchScript(files.torchScript(), threads);
            default -> throw new IllegalStateException("unknown backend " + backend);
        };
    }

    private List<String> title(ModelFiles files, Context context, BackendComparison.Run first) {
        List<String> t = new ArrayList<>();
        t.add("# explain4j compare: " + files.primary().name() + ", " + context.explainer().method());
        t.add("");
        t.add("- model: " + files.primary().location());
        t.add("- samples: " + context.data().tensor().batchSize() + " from " + context.data().source()
                + " (input " + java.util.Arrays.toString(context.data().tensor().shape()).replace(" ", "") + ")");
        t.add("- explainer: " + context.explainer());
        t.add("- timing: " + warmup + " warm-up run(s), then the median of " + repeats
                + " run(s); each run explains all samples in one call; intra-op threads: "
                + (threads > 0 ? threads : "each runtime's default"));
        t.add("- reference backend: " + first.backend());
        return t;
    }

    private static void write(Path dir, String csv, String markdown) {
        try (OutputDirectory o = OutputDirectory.create(dir)) {
            Files.writeString(o.file("comparison.csv"), csv, StandardCharsets.UTF_8);
            Files.writeString(o.file("comparison.md"), markdown, StandardCharsets.UTF_8);
            o.commit();
        } catch (IOException e) {
            throw new ExplainException("cannot write the comparison to " + dir + ": " + e.getMessage(), e);
        }
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
        if (signed) {
            o.put("signed", "true");
        }
        return o;
    }

    private static void put(Map<String, String> o, String key, Object value) {
        if (value != null) {
            o.put(key, value.toString());
        }
    }

    /** Option mistakes are usage errors (exit 2), found before any model is loaded; returns the backends asked for. */
    private List<String> validate(Map<String, String> options) {
        try {
            Map<String, String> check = new LinkedHashMap<>(options);
            if ("mean".equalsIgnoreCase(check.getOrDefault("baseline", "").trim())) {
                check.put("baseline", "zero"); // the mean needs the data; its spelling is all we check here
            }
            Explainers.byName(method, check, null);
            RowSelection.parse(rows);
            if (repeats < 1) {
                throw new ExplainException("--repeats must be 1 or more, got " + repeats);
            }
            if (warmup < 0) {
                throw new ExplainException("--warmup must be 0 or more, got " + warmup);
            }
            if (threads < 0) {
                throw new ExplainException("--threads must be 0 (the runtimes' defaults) or more, got " + threads);
            }
            if (backends == null) {
                return BACKENDS;
            }
            LinkedHashSet<String> chosen = new LinkedHashSet<>();
            for (String b : backends) {
                String name = b.trim().toLowerCase(Locale.ROOT);
                if (!BACKENDS.contains(name)) {
                    throw new ExplainException("unknown backend '" + b + "'; known backends: " + String.join(", ", BACKENDS));
                }
                if (!chosen.add(name)) {
                    throw new ExplainException("backend '" + name + "' is listed twice in --backends");
                }
            }
            return List.copyOf(chosen);
        } catch (ExplainException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /**
     * The files behind {@code --model} for the chosen backends: the ONNX model (for ort and
     * djl-ort) and its TorchScript copy (for djl-pytorch), each found from the other.
     */
    record ModelFiles(ModelSource onnx, ModelSource torchScript, List<String> backends) {

        /** The source named in titles and messages: the ONNX model when there is one. */
        ModelSource primary() {
            return onnx != null ? onnx : torchScript;
        }

        /**
         * @param defaulted the user gave no --backends: leave out djl-pytorch when there is no
         *                  TorchScript copy instead of failing
         */
        static ModelFiles resolve(String model, List<String> backends, boolean defaulted) {
            boolean needOnnx = backends.contains("ort") || backends.contains("djl-ort");
            boolean needTorch = backends.contains("djl-pytorch");
            Path path = Path.of(model);
            if (model.endsWith(".pt") && Files.isRegularFile(path)) {
                ModelSource torch = TorchScriptSources.fromPath(path);
                ModelSource onnx = null;
                if (needOnnx) {
                    Path beside = path.resolveSibling(torch.name() + ".onnx");
                    if (!Files.isRegularFile(beside)) {
                        throw new ExplainException("the ort and djl-ort backends need the ONNX model " + beside
                                + " beside " + model + "; put it there or pass --backends djl-pytorch");
                    }
                    onnx = ModelSource.fromPath(beside);
                }
                return new ModelFiles(onnx, torch, backends);
            }
            ModelSource onnx = ModelLocator.resolve(model);
            if (!needTorch) {
                return new ModelFiles(onnx, null, backends);
            }
            if (defaulted && !TorchScriptSources.hasCopy(onnx)) {
                LOG.warn("model '{}' has no TorchScript copy; comparing ort and djl-ort only", onnx.name());
                return new ModelFiles(onnx, null, backends.stream().filter(b -> !b.equals("djl-pytorch")).toList());
            }
            return new ModelFiles(onnx, TorchScriptSources.beside(onnx), backends);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file; the OS cleans up
        }
    }
}
