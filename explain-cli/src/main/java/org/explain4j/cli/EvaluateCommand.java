package org.explain4j.cli;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.explain4j.ExplainException;
import org.explain4j.explain.Baseline;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Explainers;
import org.explain4j.explain.Target;
import org.explain4j.io.InputData;
import org.explain4j.io.InputFiles;
import org.explain4j.io.OutputDirectory;
import org.explain4j.io.RowSelection;
import org.explain4j.metrics.Evaluation;
import org.explain4j.metrics.EvaluationReport;
import org.explain4j.metrics.GroundTruth;
import org.explain4j.metrics.IntervalTruth;
import org.explain4j.metrics.IntervalTruthReport;
import org.explain4j.metrics.OpenBox;
import org.explain4j.metrics.OpenBoxSummary;
import org.explain4j.metrics.PerturbationCurve;
import org.explain4j.metrics.PerturbationScale;
import org.explain4j.model.InputChecks;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.ModelSource;
import org.explain4j.model.Score;
import org.explain4j.onnx.Device;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.OrtOptions;
import org.explain4j.onnx.lrp.LrpExplainer;
import org.explain4j.perturb.FeatureAblationExplainer;
import org.explain4j.perturb.KernelShapExplainer;
import org.explain4j.perturb.LimeExplainer;
import org.explain4j.perturb.OcclusionExplainer;
import org.explain4j.perturb.PerturbationExplainer;
import org.explain4j.tensor.FloatTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code explain4j evaluate}: judges several explanation methods on one model and data set
 * (METHODS §7) and writes one table of every metric per method, averaged over the data.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Judge explanation methods on a model and data: deletion and insertion curves, infidelity,"
                + " sensitivity-max, consistency, conservation residuals, ground truth where known, OpenBox for"
                + " piecewise-linear models, and timings.",
                "Writes metrics.csv, metrics.md, metrics.png, curves.csv and (with OpenBox) openbox.csv into the output"
                        + " directory. Nothing is written when the run fails."},
        footer = {"", "Methods: saliency, gradxinput, ig, smoothgrad, gradcam, guided_gradcam, lrp, lime, kernelshap,"
                + " occlusion, ablation;"
                + " options after the name, e.g. ig:steps=32, lime:samples=500, lrp:rule=epsilon.",
                "Data: a .csv/.npy/.arrow file, or for an embedded model 'eval' (its held-out evaluation set, with"
                        + " ground truth for the synthetic models) or 'example'.",
                "Per-class truth: a --truth file giving, per record, the leads and sample intervals of each positive"
                        + " class (the ECG models' 'eval' set has one) scores each method per class instead: share of"
                        + " |attribution| on those cells and top-k precision, beside a uniform map; writes"
                        + " groundtruth.csv and groundtruth.md. Default methods there: "
                        + IntervalTruthRun.DEFAULT_METHODS + "; Grad-CAM's layer comes from the model sidecar.",
                "Example: explain4j evaluate -m synthetic_bilstm -d eval --methods saliency,ig,lrp,lime -o out/eval",
                "Example: explain4j evaluate -m ecg_resnet -d eval -o out/ecg-truth"})
final class EvaluateCommand implements Callable<Integer> {
    private static final Logger LOG = LogManager.getLogger(EvaluateCommand.class);
    private static final Set<String> PERTURBATION = Set.of("lime", "kernelshap", "occlusion", "ablation",
            "feature_ablation");
    /** Ops of piecewise-linear graphs: affine maps, ReLU-like activations, max/average pooling, reshapes. */
    private static final Set<String> PIECEWISE_LINEAR = Set.of("Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Neg",
            "Relu", "LeakyRelu", "PRelu", "Clip", "Abs", "Max", "Min", "Conv", "ConvTranspose", "BatchNormalization",
            "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "ReduceSum", "Flatten",
            "Reshape", "Transpose", "Concat", "Slice", "Split", "Gather", "Identity", "Constant", "Pad", "Squeeze",
            "Unsqueeze", "Shape", "Cast", "Dropout");

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "<file.onnx|name>",
            description = "ONNX model file (name.json and name.grad.onnx beside it are used), or an embedded model's name.")
    String model;

    @Option(names = {"-d", "--data"}, required = true, paramLabel = "<file|eval|example>",
            description = "Samples to evaluate on: .csv, .npy or .arrow; 'eval' or 'example' for an embedded model.")
    String data;

    @Option(names = "--methods", defaultValue = "saliency,gradxinput,ig,smoothgrad", paramLabel = "<m[:k=v...],...>",
            description = "Methods to judge, comma-separated, each with options. Default: ${DEFAULT-VALUE}.")
    String methods;

    @Option(names = "--truth", paramLabel = "<file.json>",
            description = "Known cause cells per sample ({\"samples\":[{\"label\":1,\"mask\":[0,1,...]}]}); "
                    + "found automatically for 'eval' and 'example' of the synthetic models.")
    Path truth;

    @Option(names = "--rows", paramLabel = "<rows>", description = "Samples to use, e.g. 0-99 (default: all).")
    String rows;

    @Option(names = "--target", defaultValue = "predicted", paramLabel = "<class>",
            description = "Class to explain: an index, a class name, or 'predicted' (default).")
    String target;

    @Option(names = "--score", paramLabel = "logit|probability",
            description = "Score the curves and infidelity track. Default: each attribution's own.")
    String score;

    @Option(names = "--steps", defaultValue = "20", paramLabel = "<n>",
            description = "Deletion/insertion steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--curve-baseline", defaultValue = "zero", paramLabel = "zero|mean",
            description = "What deleted cells become: zero or the data's mean. Default: ${DEFAULT-VALUE}.")
    String curveBaseline;

    @Option(names = "--order", defaultValue = "signed", paramLabel = "signed|absolute",
            description = "Rank cells by signed attribution or by magnitude. Default: ${DEFAULT-VALUE}.")
    String order;

    @Option(names = "--infidelity-samples", defaultValue = "32", paramLabel = "<n>",
            description = "Gaussian perturbations per sample for infidelity (0 skips). Default: ${DEFAULT-VALUE}.")
    int infidelitySamples;

    @Option(names = "--noise", defaultValue = "0.1", paramLabel = "<σ>",
            description = "Infidelity noise, relative to the scale. Default: ${DEFAULT-VALUE}.")
    double noise;

    @Option(names = "--neighbours", defaultValue = "8", paramLabel = "<n>",
            description = "Neighbours per sample for sensitivity-max and consistency (0 skips). Default: ${DEFAULT-VALUE}.")
    int neighbours;

    @Option(names = "--radius", defaultValue = "0.05", paramLabel = "<r>",
            description = "Neighbourhood half-width, relative to the scale. Default: ${DEFAULT-VALUE}.")
    double radius;

    @Option(names = "--scale", defaultValue = "data", paramLabel = "data|range|unit",
            description = "What noise and radius are relative to: each cell's std over the data, each sample's range,"
                    + " or the input's units. Default: ${DEFAULT-VALUE}.")
    String scale;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "<k>",
            description = "k of the ground-truth top-k (0: each sample's number of cause cells). Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--openbox", defaultValue = "auto", paramLabel = "auto|on|off",
            description = "OpenBox's exact local linear models: auto runs it when every op of the graph is"
                    + " piecewise linear. Default: ${DEFAULT-VALUE}.")
    String openBox;

    @Option(names = "--openbox-directions", defaultValue = "8", paramLabel = "<n>",
            description = "Random directions per sample for OpenBox's region size. Default: ${DEFAULT-VALUE}.")
    int openBoxDirections;

    @Option(names = "--batch-size", defaultValue = "256", paramLabel = "<n>",
            description = "Model rows per call for the metrics. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "<n>", description = "Seed of the metrics' draws. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = {"-o", "--out"}, paramLabel = "<dir>",
            description = "Output directory. Default: explain4j-out/<model>-evaluate.")
    Path out;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]|auto",
            description = "Where ONNX Runtime runs. Default: ${DEFAULT-VALUE}.")
    String device;

    /** One entry of {@code --methods}: a name and its options. */
    record MethodSpec(String name, Map<String, String> options) {
        String canonical() {
            String n = name.toLowerCase(Locale.ROOT).replace('-', '_');
            return n.equals("feature_ablation") ? "ablation" : n;
        }
    }

    @Override
    public Integer call() throws IOException {
        List<MethodSpec> specs = validate();
        RowSelection selection = RowSelection.parse(rows);
        ModelSource source = ModelLocator.resolve(model);
        Path outDir = out != null ? out : Path.of("explain4j-out", source.name() + "-evaluate");
        long start = System.nanoTime();
        PrintWriter pw = spec.commandLine().getOut();
        try (EmbeddedData in = EmbeddedData.resolve(data, source);
             OutputDirectory dir = OutputDirectory.create(outDir);
             OrtModel m = OrtModel.open(source, OrtOptions.defaults().withDevice(device))) {
            ModelInfo info = m.info();
            InputData d = InputFiles.read(in.data, info.input(), info.name(), selection);
            InputChecks.validate(info.input(), d.tensor());
            FloatTensor x = d.tensor();
            GroundTruth gt = null;
            Path truthFile = truth != null ? truth : in.truth.orElse(null);
            if (truthFile != null && IntervalTruth.looksLike(truthFile)) {
                perClassTruth(m, info, d, truthFile, in, dir, outDir, pw, start);
                return Main.OK;
            }
            if (truthFile != null) {
                gt = GroundTruth.read(truthFile).select(d.rows());
            }
            Target t = Target.parse(target, info.description(), info.classCount());
            PerturbationScale ps = scale(x);
            Evaluation ev = Evaluation.builder().steps(steps).baseline(curveBaseline.equalsIgnoreCase("mean")
                            ? Baseline.meanOf(x) : Baseline.zero())
                    .order(order.equalsIgnoreCase("absolute") ? PerturbationCurve.Order.ABSOLUTE
                            : PerturbationCurve.Order.SIGNED)
                    .score(score == null ? null : Score.parse(score)).infidelitySamples(infidelitySamples)
                    .noise(noise).neighbours(neighbours).radius(radius).scale(ps).seed(seed).batchSize(batchSize)
                    .topK(topK).build();
            List<Evaluation.MethodResult> results = new ArrayList<>();
            for (MethodSpec s : specs) {
                Explainer e = explainer(s, info, x);
                LOG.info("evaluating {} on {} samples", e, x.batchSize());
                Evaluation.MethodResult r = ev.evaluate(m, e, x, t, gt);
                results.add(r);
                pw.printf(Locale.ROOT, "%-22s explained %d samples in %.0f ms; metrics in %.0f ms%n", r.method(),
                        r.samples(), r.timingsMs().get("explain"),
                        r.timingsMs().values().stream().mapToDouble(Double::doubleValue).sum()
                                - r.timingsMs().get("explain"));
            }
            OpenBoxSummary ob = null;
            List<String> files = new ArrayList<>(List.of("metrics.csv", "metrics.md", "metrics.png", "curves.csv"));
            if (runOpenBox(m)) {
                OpenBox box = OpenBox.builder().directions(openBoxDirections).scale(ps).seed(seed)
                        .batchSize(batchSize).build();
                long t0 = System.nanoTime();
                OpenBox.Result r = box.compute(m, x);
                ob = OpenBoxSummary.of(r, box.toString(), (System.nanoTime() - t0) / 1e6);
                writeOpenBox(dir.file("openbox.csv"), r, d.rows());
                files.add("openbox.csv");
            }
            Map<String, String> context = new LinkedHashMap<>();
            context.put("model", info.name() + " (" + source.location() + ")");
            context.put("data", in.label + (rows == null ? "" : ", rows " + rows) + ": " + x.batchSize() + " samples "
                    + info.input().shapeText().replace("N", Integer.toString(x.batchSize())));
            context.put("target", target);
            context.put("ground truth", truth != null ? truth.toString() : in.truthLabel);
            context.put("device", m.info().device());
            EvaluationReport report = new EvaluationReport(info.name() + " on " + in.label, context, ev.settings(),
                    results, ob);
            report.writeCsv(dir.file("metrics.csv"));
            report.writeMarkdown(dir.file("metrics.md"));
            report.writeChart(dir.file("metrics.png"));
            writeCurves(dir.file("curves.csv"), results);
            dir.commit();
            pw.println();
            pw.print(table(report));
            pw.printf(Locale.ROOT, "%nevaluated %d method(s) on %d samples in %.1f s; wrote %s to %s%n", results.size(),
                    x.batchSize(), (System.nanoTime() - start) / 1e9, String.join(", ", files), outDir);
        }
        return Main.OK;
    }

    /**
     * Scores the methods against a per-class interval truth ({@link IntervalTruthRun}) and writes
     * groundtruth.csv and groundtruth.md; the other metrics are not computed.
     */
    private void perClassTruth(OrtModel m, ModelInfo info, InputData d, Path truthFile, EmbeddedData in,
                               OutputDirectory dir, Path outDir, PrintWriter pw, long start) throws IOException {
        FloatTensor x = d.tensor();
        if (x.rank() != 3) {
            throw new ExplainException("a per-class interval truth needs records shaped [N, leads, samples], but the "
                    + "input is " + java.util.Arrays.toString(x.shape()));
        }
        int leads = (int) x.dim(1);
        List<String> leadNames = info.description().featureNames().size() == leads
                ? info.description().featureNames()
                : java.util.stream.IntStream.range(0, leads).mapToObj(Integer::toString).toList();
        List<String> classNames = new ArrayList<>();
        for (int c = 0; c < info.classCount(); c++) {
            classNames.add(info.description().className(c));
        }
        IntervalTruth it = IntervalTruth.read(truthFile, classNames, leadNames, (int) x.dim(2)).select(d.rows());
        boolean methodsGiven = spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--methods");
        List<MethodSpec> specs = parseMethods(methodsGiven ? methods : IntervalTruthRun.DEFAULT_METHODS);
        for (MethodSpec s : specs) {
            check(s);
        }
        Map<String, String> context = new LinkedHashMap<>();
        context.put("model", info.name());
        context.put("device", info.device());
        context.put("data", in.label + (rows == null ? "" : ", rows " + rows) + ": " + x.batchSize() + " records "
                + java.util.Arrays.toString(x.shape()));
        context.put("ground truth", truth != null ? truth.toString() : in.truthLabel);
        IntervalTruthReport report = IntervalTruthRun.run(m, x, it, specs, info.name() + " on " + in.label
                + ": ground truth per class", context, pw);
        report.writeCsv(dir.file("groundtruth.csv"));
        report.writeMarkdown(dir.file("groundtruth.md"));
        dir.commit();
        pw.println();
        pw.print(report.markdown());
        pw.printf(Locale.ROOT, "%nscored %d method(s) on %d records in %.1f s; wrote groundtruth.csv, groundtruth.md to"
                + " %s%n", report.methods().size(), x.batchSize(), (System.nanoTime() - start) / 1e9, outDir);
    }

    /** The metric table of the Markdown report (without the notes), for the terminal. */
    private static String table(EvaluationReport report) {
        StringBuilder sb = new StringBuilder();
        for (String line : report.markdown().lines().toList()) {
            if (line.startsWith("|")) {
                sb.append(line).append('\n');
            } else if (sb.length() > 0) {
                break;
            }
        }
        return sb.toString();
    }

    private PerturbationScale scale(FloatTensor x) {
        return switch (scale.toLowerCase(Locale.ROOT)) {
            case "data" -> x.batchSize() > 1 ? PerturbationScale.stdOf(x) : PerturbationScale.sampleRange();
            case "range" -> PerturbationScale.sampleRange();
            default -> PerturbationScale.unit();
        };
    }

    private boolean runOpenBox(OrtModel m) {
        return switch (openBox.toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> {
                if (!m.supportsGradients()) {
                    yield false;
                }
                List<String> other = m.onnxModel().getGraph().getNodeList().stream().map(n -> n.getOpType())
                        .filter(op -> !PIECEWISE_LINEAR.contains(op)).distinct().toList();
                if (!other.isEmpty()) {
                    LOG.info("OpenBox skipped: ops {} are not piecewise linear (--openbox on runs it anyway)", other);
                }
                yield other.isEmpty();
            }
        };
    }

    private static void writeOpenBox(Path file, OpenBox.Result r, int[] rows) throws IOException {
        double[] med = r.medianRadius();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("row,median_radius,min_radius,censored_directions,reproduction_error,jacobian_change,outputs\n");
            for (int i = 0; i < med.length; i++) {
                double min = Double.POSITIVE_INFINITY;
                int censored = 0;
                for (int k = 0; k < r.radius()[i].length; k++) {
                    min = Math.min(min, r.radius()[i][k]);
                    censored += r.censored()[i][k] ? 1 : 0;
                }
                StringBuilder outs = new StringBuilder();
                for (double y : r.models()[i].outputs()) {
                    outs.append(outs.length() == 0 ? "" : " ").append(y);
                }
                w.write(rows[i] + "," + med[i] + "," + min + "," + censored + "," + r.reproductionError()[i] + ","
                        + r.jacobianChange()[i] + "," + outs + "\n");
            }
        }
    }

    private static void writeCurves(Path file, List<Evaluation.MethodResult> results) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder h = new StringBuilder("fraction");
            for (Evaluation.MethodResult r : results) {
                h.append(',').append(r.method()).append("_deletion,").append(r.method()).append("_insertion");
            }
            w.write(h.append('\n').toString());
            double[] f = results.get(0).fractions();
            for (int k = 0; k < f.length; k++) {
                StringBuilder row = new StringBuilder(Double.toString(f[k]));
                for (Evaluation.MethodResult r : results) {
                    row.append(',').append(r.deletion()[k]).append(',').append(r.insertion()[k]);
                }
                w.write(row.append('\n').toString());
            }
        }
    }

    /** Option mistakes are usage errors (exit 2), found before any model is loaded. */
    private List<MethodSpec> validate() {
        try {
            List<MethodSpec> specs = parseMethods(methods);
            for (MethodSpec s : specs) {
                check(s);
            }
            Device.parse(device);
            RowSelection.parse(rows);
            choice("--curve-baseline", curveBaseline, "zero", "mean");
            choice("--order", order, "signed", "absolute");
            choice("--scale", scale, "data", "range", "unit");
            choice("--openbox", openBox, "auto", "on", "off");
            if (score != null) {
                Score.parse(score);
            }
            if (openBoxDirections < 1) {
                throw new ExplainException("--openbox-directions must be 1 or more; got " + openBoxDirections);
            }
            Evaluation.builder().steps(steps).infidelitySamples(infidelitySamples).noise(noise).neighbours(neighbours)
                    .radius(radius).batchSize(batchSize).topK(topK).build();
            return specs;
        } catch (ExplainException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static void choice(String option, String value, String... allowed) {
        for (String a : allowed) {
            if (a.equalsIgnoreCase(value)) {
                return;
            }
        }
        throw new ExplainException(option + " must be one of " + String.join(", ", allowed) + "; got '" + value + "'");
    }

    static List<MethodSpec> parseMethods(String text) {
        List<MethodSpec> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            String[] bits = p.split(":");
            Map<String, String> options = new LinkedHashMap<>();
            for (int i = 1; i < bits.length; i++) {
                int eq = bits[i].indexOf('=');
                if (eq <= 0) {
                    throw new ExplainException("method option '" + bits[i] + "' of '" + p + "' is not key=value;"
                            + " write e.g. ig:steps=32");
                }
                options.put(bits[i].substring(0, eq).trim(), bits[i].substring(eq + 1).trim());
            }
            out.add(new MethodSpec(bits[0].trim(), options));
        }
        if (out.isEmpty()) {
            throw new ExplainException("--methods names no method; give e.g. saliency,ig,lime");
        }
        return out;
    }

    /** Builds what can be built without the model, so a bad name or option fails before any loading. */
    static void check(MethodSpec s) {
        String n = s.canonical();
        if (n.equals("lrp")) {
            LrpExplainer.fromOptions(s.options());
        } else if (PERTURBATION.contains(n)) {
            perturbationOptions(s);
        } else {
            Map<String, String> o = new LinkedHashMap<>(s.options());
            if ("mean".equalsIgnoreCase(o.getOrDefault("baseline", ""))) {
                o.put("baseline", "zero"); // the mean needs the data; its spelling is all we check here
            }
            if ((n.equals("gradcam") || n.equals("guided_gradcam")) && !o.containsKey("layer")) {
                o.put("layer", "?"); // the sidecar's gradcam_layer may name it; checked once the model is open
            }
            try {
                Explainers.byName(s.name(), o, null);
            } catch (ExplainException e) {
                if (e.getMessage().startsWith("unknown method")) {
                    throw new ExplainException("unknown method '" + s.name() + "'; known: saliency, gradxinput, ig,"
                            + " smoothgrad, gradcam, guided_gradcam, lrp, lime, kernelshap, occlusion, ablation");
                }
                throw e;
            }
        }
    }

    private static Map<String, String> perturbationOptions(MethodSpec s) {
        Set<String> allowed = switch (s.canonical()) {
            case "lime", "kernelshap" -> Set.of("samples", "batch-size", "seed");
            case "occlusion" -> Set.of("window", "batch-size");
            default -> Set.of("batch-size");
        };
        Map<String, String> o = new LinkedHashMap<>();
        s.options().forEach((k, v) -> {
            String key = k.toLowerCase(Locale.ROOT).replace('_', '-');
            if (!allowed.contains(key)) {
                throw new ExplainException("method " + s.canonical() + " does not take '" + k + "'; it takes "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
            o.put(key, v);
        });
        for (String k : List.of("samples", "batch-size", "seed")) {
            if (o.containsKey(k)) {
                try {
                    if (Long.parseLong(o.get(k)) < (k.equals("seed") ? Long.MIN_VALUE : 1)) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new ExplainException(s.canonical() + ": " + k + " must be a positive whole number; got '"
                            + o.get(k) + "'");
                }
            }
        }
        return o;
    }

    static Explainer explainer(MethodSpec given, ModelInfo info, FloatTensor background) {
        MethodSpec s = IntervalTruthRun.withSidecarDefaults(given, info.description());
        String n = s.canonical();
        if (n.equals("lrp")) {
            return LrpExplainer.fromOptions(s.options());
        }
        if (!PERTURBATION.contains(n)) {
            return Explainers.byName(s.name(), s.options(), background);
        }
        Map<String, String> o = perturbationOptions(s);
        int bs = Integer.parseInt(o.getOrDefault("batch-size", Integer.toString(PerturbationExplainer.DEFAULT_BATCH_SIZE)));
        long sd = Long.parseLong(o.getOrDefault("seed", Long.toString(PerturbationExplainer.DEFAULT_SEED)));
        return switch (n) {
            case "lime" -> LimeExplainer.builder().samples(Integer.parseInt(o.getOrDefault("samples",
                    Integer.toString(LimeExplainer.DEFAULT_SAMPLES)))).batchSize(bs).seed(sd).build();
            case "kernelshap" -> {
                KernelShapExplainer.Builder b = KernelShapExplainer.builder().batchSize(bs).seed(sd);
                if (o.containsKey("samples")) {
                    b.samples(Integer.parseInt(o.get("samples")));
                }
                yield b.build();
            }
            case "occlusion" -> {
                int[] w = o.containsKey("window") ? window(o.get("window"))
                        : OcclusionExplainer.defaultWindow(info.description(), info.input().sampleShape());
                yield OcclusionExplainer.builder().window(w).batchSize(bs).build();
            }
            default -> FeatureAblationExplainer.builder().batchSize(bs).seed(sd).build();
        };
    }

    private static int[] window(String text) {
        String[] parts = text.split("x");
        int[] w = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                w[i] = Integer.parseInt(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new ExplainException("occlusion window '" + text + "' must be sizes per axis joined by x, e.g. 1x4");
        }
        return w;
    }
}
