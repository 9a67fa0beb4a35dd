package org.explain4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.ExplainException;
import org.explain4j.explain.Target;
import org.explain4j.io.OutputDirectory;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.ModelSource;
import org.explain4j.model.Score;
import org.explain4j.onnx.Device;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.OrtOptions;
import org.explain4j.perturb.AuditSummary;
import org.explain4j.perturb.FeatureAblationExplainer;
import org.explain4j.perturb.FeatureBarChart;
import org.explain4j.perturb.InstanceSource;
import org.explain4j.perturb.KernelShapExplainer;
import org.explain4j.perturb.LimeExplainer;
import org.explain4j.perturb.OcclusionExplainer;
import org.explain4j.perturb.PerturbationAudit;
import org.explain4j.perturb.PerturbationBaseline;
import org.explain4j.perturb.PerturbationExplainer;
import org.explain4j.perturb.Surrogate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code explain4j audit}: explains every instance of a data set with a perturbation method
 * (LIME, KernelSHAP, occlusion, feature ablation), streaming the results to {@code audit.arrow}
 * chunk by chunk, and summarises them ({@code summary.csv}, {@code summary.png}). Memory stays
 * flat: one chunk of instances is held at a time. Ctrl-C (or SIGTERM) ends the run through a
 * shutdown hook that closes the Arrow file, writes the summary of the instances done and moves
 * the files into the output directory, so an interrupted audit leaves valid files.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Explain every instance of a data set with a perturbation method, and summarise.",
                "Writes audit.arrow (one row per instance: id, predicted class, target, label, score, surrogate "
                        + "R², one attribution column per interpretable feature), summary.csv (mean |attribution| "
                        + "per feature, overall and per class, most important first) and summary.png (bar chart). "
                        + "Ctrl-C stops the run and keeps the instances done so far."},
        footer = {"", "Data: a CSV file (tabular models: one instance per row, optional header, optional label last), "
                + "an Arrow IPC file (a fixed-size-list column 'input', or one numeric column per feature and an "
                + "optional 'label'), or a directory of .csv/.npy/.arrow files (e.g. one episode per file).",
                "Interpretable features: the model's columns (tabular), windows × variables (sequences), a 4×4 "
                        + "grid of patches (images).",
                "Example: explain4j audit -m breast_cancer_mlp --data breast_cancer.csv --method kernelshap -o out/audit"})
final class AuditCommand implements Callable<Integer> {
    static final List<String> METHODS = List.of("lime", "kernelshap", "occlusion", "ablation");

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "<file.onnx|name>",
            description = "ONNX model file, or an embedded model's name.")
    String model;

    @Option(names = "--data", required = true, paramLabel = "<csv|arrow|dir>", description = "The data set to audit.")
    Path data;

    @Option(names = "--method", defaultValue = "lime", paramLabel = "<name>",
            description = "lime | kernelshap | occlusion | ablation. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--limit", paramLabel = "<n>", description = "Explain at most the first n instances.")
    Long limit;

    @Option(names = "--samples", paramLabel = "<n>",
            description = "Perturbed samples per instance (lime: default 1000; kernelshap: coalitions, default 2d+2048).")
    Integer samples;

    @Option(names = "--batch-size", defaultValue = "256", paramLabel = "<n>",
            description = "Perturbed samples per model call. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "<n>", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "<n>",
            description = "Instances explained at once (results do not depend on it). Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--target", defaultValue = "predicted", paramLabel = "<class>",
            description = "Class to explain: an index, a class name, or 'predicted' (default).")
    String target;

    @Option(names = "--score", paramLabel = "logit|probability",
            description = "Explain the target's logit or its probability. Default: the model's (sidecar) choice.")
    String score;

    @Option(names = "--baseline", defaultValue = "mean", paramLabel = "mean|zero",
            description = "Value of a switched-off feature: mean (per-cell mean of the first --background instances) "
                    + "or zero. Default: ${DEFAULT-VALUE}.")
    String baseline;

    @Option(names = "--background", defaultValue = "1000", paramLabel = "<n>",
            description = "Instances averaged for --baseline mean. Default: ${DEFAULT-VALUE}.")
    int background;

    @Option(names = "--features", paramLabel = "<k>", description = "LIME: keep k features (K-Lasso); default: ridge on all.")
    Integer kFeatures;

    @Option(names = "--window", split = ",", paramLabel = "<n>",
            description = "Occlusion window per sample axis, e.g. 1,7,7 (default: one interpretable feature).")
    int[] window;

    @Option(names = "--chunk", defaultValue = "64", paramLabel = "<n>",
            description = "Instances read, explained and written together. Default: ${DEFAULT-VALUE}.")
    int chunk;

    @Option(names = "--top", defaultValue = "20", paramLabel = "<k>",
            description = "Features shown in summary.png and listed on the console (10 at most). Default: ${DEFAULT-VALUE}.")
    int top;

    @Option(names = {"-o", "--out"}, paramLabel = "<dir>",
            description = "Output directory. Default: explain4j-out/<model>-audit-<method>.")
    Path out;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]|auto",
            description = "Where ONNX Runtime runs. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--ort-threads", paramLabel = "<n>",
            description = "ONNX Runtime intra-op threads per model call (default: ONNX Runtime's choice). "
                    + "1 suits small models and --threads > 1.")
    Integer ortThreads;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Shared between the run and its shutdown hook: whichever finishes the files first wins. */
    private final Object finishLock = new Object();
    private boolean finished; // guarded by finishLock

    @Override
    public Integer call() {
        validate();
        ModelSource source = ModelLocator.resolve(model);
        Path outDir = out != null ? out : Path.of("explain4j-out", source.name() + "-audit-" + method);
        PrintWriter console = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (OutputDirectory dir = OutputDirectory.create(outDir);
             OrtModel m = OrtModel.open(source, ortOptions())) {
            ModelInfo info = m.info();
            PerturbationBaseline off = baseline(info);
            PerturbationExplainer explainer = explainer(info, off);
            Target t = Target.parse(target, info.description(), info.classCount());
            PerturbationAudit audit = new PerturbationAudit(explainer, m, t, chunk,
                    limit == null ? Long.MAX_VALUE : limit);
            Progress progress = new Progress(err, limit);
            Thread hook = new Thread(() -> {
                if (finishInterrupted(audit, dir, info, explainer)) {
                    err.println();
                    err.println("explain4j: interrupted: kept " + audit.written() + " instances in " + dir.target());
                    err.flush();
                }
            }, "explain4j-audit-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);
            PerturbationAudit.Outcome outcome;
            try (InstanceSource src = InstanceSource.open(data, info.input(), info.name())) {
                outcome = audit.run(src, dir.file("audit.arrow"), metadata(info, explainer), progress);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs now and finishes the files
                }
            }
            progress.done();
            synchronized (finishLock) {
                if (finished) {
                    return Main.OK; // the shutdown hook kept what was done
                }
                finished = true;
                writeSummaries(dir, outcome.summary(), info, explainer);
                dir.commit();
            }
            report(console, outcome, info, dir.target(), progress);
        }
        return Main.OK;
    }

    private OrtOptions ortOptions() {
        OrtOptions o = OrtOptions.defaults().withDevice(device);
        return ortThreads == null ? o : o.withIntraOpThreads(ortThreads);
    }

    /** What the shutdown hook does: stop, seal the Arrow file, summarise, commit. */
    private boolean finishInterrupted(PerturbationAudit audit, OutputDirectory dir, ModelInfo info,
                                      PerturbationExplainer explainer) {
        synchronized (finishLock) {
            if (finished) {
                return false;
            }
            finished = true;
            audit.stop();
            AuditSummary s = audit.summary();
            if (s != null) {
                writeSummaries(dir, s, info, explainer);
            }
            dir.commit();
            return true;
        }
    }

    private void writeSummaries(OutputDirectory dir, AuditSummary s, ModelInfo info, PerturbationExplainer e) {
        s.writeCsv(dir.file("summary.csv"));
        FeatureBarChart.writePng(dir.file("summary.png"), s, info.name() + " — " + e.method() + " audit", top);
    }

    private void report(PrintWriter console, PerturbationAudit.Outcome o, ModelInfo info, Path dir, Progress p) {
        AuditSummary s = o.summary();
        console.printf(Locale.ROOT, "audit of %s with %s: %d instances in %.1f s (%.1f instances/s)%n", info.name(),
                method, o.instances(), o.seconds(), o.instances() / Math.max(o.seconds(), 1e-9));
        StringBuilder classes = new StringBuilder();
        s.classCounts().forEach((c, n) -> classes.append(classes.length() == 0 ? "" : ", ").append(s.className(c))
                .append(": ").append(n));
        console.println("explained classes: " + classes);
        if (!Double.isNaN(s.meanR2())) {
            console.printf(Locale.ROOT, "mean surrogate R²: %.3f%n", s.meanR2());
        }
        console.println("top features by mean |attribution|:");
        List<AuditSummary.FeatureStat> ranking = s.ranking();
        for (int i = 0; i < Math.min(Math.min(top, 10), ranking.size()); i++) {
            AuditSummary.FeatureStat f = ranking.get(i);
            console.printf(Locale.ROOT, "  %2d. %-40s %.4g (mean %+.4g)%n", i + 1, f.name(), f.meanAbs(), f.mean());
        }
        console.println(p.heapText());
        console.println("wrote " + dir.resolve("audit.arrow") + ", summary.csv, summary.png");
    }

    /** Usage errors (exit 2), found before anything is loaded. */
    private void validate() {
        try {
            method = method.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            if (method.equals("feature_ablation")) {
                method = "ablation";
            }
            if (!METHODS.contains(method)) {
                throw new ExplainException("unknown audit method '" + method + "'; expected one of " + String.join(", ", METHODS));
            }
            if (limit != null && limit < 1) {
                throw new ExplainException("--limit must be 1 or more, got " + limit);
            }
            if (samples != null && samples < 1) {
                throw new ExplainException("--samples must be 1 or more, got " + samples);
            }
            if (samples != null && (method.equals("occlusion") || method.equals("ablation"))) {
                throw new ExplainException("--samples is for lime and kernelshap; " + method + " evaluates each feature once");
            }
            if (kFeatures != null && !method.equals("lime")) {
                throw new ExplainException("--features (K-Lasso) is for lime only");
            }
            if (window != null && !method.equals("occlusion")) {
                throw new ExplainException("--window is for occlusion only");
            }
            if (ortThreads != null && ortThreads < 1) {
                throw new ExplainException("--ort-threads must be 1 or more, got " + ortThreads);
            }
            if (chunk < 1 || background < 1 || top < 1) {
                throw new ExplainException("--chunk, --background and --top must be 1 or more");
            }
            if (score != null) {
                Score.parse(score);
            }
            String b = baseline.trim().toLowerCase(Locale.ROOT);
            if (!b.equals("mean") && !b.equals("zero")) {
                throw new ExplainException("unknown baseline '" + baseline + "'; expected mean or zero");
            }
            Device.parse(device);
            explainer(null, PerturbationBaseline.zero()); // parameter ranges
        } catch (ExplainException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private PerturbationExplainer explainer(ModelInfo info, PerturbationBaseline off) {
        Score s = score == null ? null : Score.parse(score);
        return switch (method) {
            case "lime" -> {
                LimeExplainer.Builder b = LimeExplainer.builder().samples(samples == null ? LimeExplainer.DEFAULT_SAMPLES : samples);
                if (kFeatures != null) {
                    b.surrogate(Surrogate.kLasso(kFeatures));
                }
                yield b.baseline(off).batchSize(batchSize).seed(seed).threads(threads).score(s).build();
            }
            case "kernelshap" -> {
                KernelShapExplainer.Builder b = KernelShapExplainer.builder();
                if (samples != null) {
                    b.samples(samples);
                }
                yield b.baseline(off).batchSize(batchSize).seed(seed).threads(threads).score(s).build();
            }
            case "occlusion" -> {
                OcclusionExplainer.Builder b = OcclusionExplainer.builder();
                int[] w = window;
                if (w == null && info != null && fixed(info.input().sampleShape())) {
                    w = OcclusionExplainer.defaultWindow(info.description(), info.input().sampleShape());
                }
                if (w != null) {
                    b.window(w).strides(w); // windows side by side: one per interpretable feature
                }
                yield b.baseline(off).batchSize(batchSize).seed(seed).threads(threads).score(s).build();
            }
            default -> FeatureAblationExplainer.builder().baseline(off).batchSize(batchSize).seed(seed).threads(threads)
                    .score(s).build();
        };
    }

    private static boolean fixed(long[] shape) {
        return Arrays.stream(shape).allMatch(d -> d > 0);
    }

    /** Zero, or the per-cell mean of the first {@code background} instances (a first streaming pass). */
    private PerturbationBaseline baseline(ModelInfo info) {
        if (baseline.trim().equalsIgnoreCase("zero")) {
            return PerturbationBaseline.zero();
        }
        double[] sum = null;
        long n = 0;
        try (InstanceSource src = InstanceSource.open(data, info.input(), info.name())) {
            InstanceSource.Chunk c;
            while (n < background && (c = src.next((int) Math.min(chunk, background - n))) != null) {
                float[] x = c.inputs().data();
                int s = c.inputs().sampleSize();
                if (sum == null) {
                    sum = new double[s];
                } else if (sum.length != s) {
                    throw new ExplainException("instances of " + data + " differ in size (" + sum.length + " and " + s
                            + " values); --baseline mean needs one sample shape, or use --baseline zero");
                }
                for (int i = 0; i < c.size(); i++) {
                    for (int j = 0; j < s; j++) {
                        sum[j] += x[i * s + j];
                    }
                }
                n += c.size();
            }
        }
        if (sum == null) {
            throw new ExplainException("the data " + data + " holds no instances; give a file with at least one row or sample");
        }
        float[] mean = new float[sum.length];
        for (int j = 0; j < mean.length; j++) {
            mean[j] = (float) (sum[j] / n);
        }
        averaged = n;
        return PerturbationBaseline.of(mean);
    }

    /** Instances the mean baseline averages (0 for zero). */
    private long averaged;

    private Map<String, String> metadata(ModelInfo info, PerturbationExplainer e) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("method", e.method());
        m.put("explainer", e.toString());
        m.put("baseline", averaged == 0 ? "zero" : "mean of the first " + averaged + " instances");
        m.put("target", target);
        m.put("score", score == null ? "model default" : score);
        m.put("seed", Long.toString(seed));
        m.put("model", info.name());
        m.put("model_checksum", info.checksum());
        m.put("backend", info.backend());
        m.put("device", info.device());
        m.put("data", data.toString());
        m.put("created", Instant.now().toString());
        m.put("explain4j_version", Main.Version.version());
        try {
            m.put("sample_shape", JSON.writeValueAsString(info.input().sampleShape()));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
        return m;
    }

    /**
     * Progress on stderr: a bar redrawn in place on a terminal, otherwise a line every 10 s; and
     * the retained heap (all heap pools but the eden, where new short-lived objects sit) after
     * each chunk, to show that it stays flat however many instances pass.
     */
    static final class Progress implements PerturbationAudit.Listener {
        private final PrintWriter err;
        private final Long total;
        private final boolean terminal = System.console() != null;
        private final long start = System.nanoTime();
        private long lastPrint = System.nanoTime();
        private boolean drew;
        private double firstHeap = Double.NaN;
        private double lastHeap;
        private double maxHeap;

        Progress(PrintWriter err, Long total) {
            this.err = err;
            this.total = total;
        }

        @Override
        public void chunkWritten(long done, AuditSummary summary) {
            double heap = liveHeapMb();
            if (heap > 0) {
                if (Double.isNaN(firstHeap)) {
                    firstHeap = heap;
                }
                lastHeap = heap;
                maxHeap = Math.max(maxHeap, heap);
            }
            long now = System.nanoTime();
            if (now - lastPrint < (terminal ? 200_000_000L : 10_000_000_000L)) {
                return;
            }
            lastPrint = now;
            double rate = done / ((now - start) / 1e9);
            String counts = total == null ? done + " instances" : done + "/" + total + " instances";
            if (terminal) {
                int width = 30;
                int filled = total == null ? (int) (done / 64 % (width + 1)) : (int) (width * done / total);
                err.printf(Locale.ROOT, "\r[%s%s] %s, %.1f/s, heap %.0f MB", "#".repeat(filled),
                        " ".repeat(width - filled), counts, rate, heap);
                drew = true;
            } else {
                err.printf(Locale.ROOT, "audit: %s, %.1f/s, heap %.0f MB%n", counts, rate, heap);
            }
            err.flush();
        }

        void done() {
            if (drew) {
                err.println();
                err.flush();
            }
        }

        /** Heap in use outside the eden: survivor and old generation, what outlives a collection. */
        static double liveHeapMb() {
            long used = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && !pool.getName().contains("Eden")) {
                    used += pool.getUsage().getUsed();
                }
            }
            return used / 1048576.0;
        }

        String heapText() {
            return Double.isNaN(firstHeap) ? "retained heap: not measured"
                    : String.format(Locale.ROOT, "retained heap (survivor + old) after each chunk: first %.1f MB,"
                    + " last %.1f MB, max %.1f MB", firstHeap, lastHeap, maxHeap);
        }
    }
}
