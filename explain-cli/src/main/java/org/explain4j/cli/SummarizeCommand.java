package org.explain4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.explain4j.ExplainException;
import org.explain4j.explain.Explainer;
import org.explain4j.io.OutputDirectory;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.ModelSource;
import org.explain4j.onnx.Device;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.OrtOptions;
import org.explain4j.perturb.InstanceSource;
import org.explain4j.summary.AttributionSummary;
import org.explain4j.summary.DatasetSummarizer;
import org.explain4j.summary.SummaryArrowFile;
import org.explain4j.summary.SummaryReport;
import org.explain4j.summary.ValueBins;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code explain4j summarize}: ViSFA-style summaries of attribution over a whole data set,
 * streamed in constant memory (METHODS §5).
 */
@Command(name = "summarize", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Summarise attribution over a whole data set: per predicted class × variable × value bin ×"
                + " time step, the count, mean and standard deviation of the attribution, streamed in constant memory.",
                "Writes summary.arrow, summary.json, class-<c>.png (variables × time per class),"
                        + " feature-<f>-class-<c>.png (value bins × time) and index.html into the output directory."},
        footer = {"", "Data: a CSV file (tabular model: one episode per row), a directory of episode files (.csv, .npy,"
                + " .arrow, in name order), an Arrow file (column 'input' of flattened episodes, or one column per"
                + " feature), or for an embedded model 'eval' or 'example'.",
                "Example: explain4j summarize -m synthetic_bilstm -d episodes/ --method ig:steps=16 -o out/summary"})
final class SummarizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "<file.onnx|name>",
            description = "ONNX model file, or an embedded model's name.")
    String model;

    @Option(names = {"-d", "--data"}, required = true, paramLabel = "<file|dir|eval|example>",
            description = "The data set to summarise.")
    String data;

    @Option(names = "--method", defaultValue = "saliency:signed=true", paramLabel = "<m[:k=v...]>",
            description = "Explanation method and options, as for evaluate. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--bins", defaultValue = "10", paramLabel = "<n>",
            description = "Quantile bins per continuous variable. Default: ${DEFAULT-VALUE}.")
    int bins;

    @Option(names = "--max-categories", defaultValue = "10", paramLabel = "<n>",
            description = "A variable with at most this many distinct values is categorical. Default: ${DEFAULT-VALUE}.")
    int maxCategories;

    @Option(names = "--bin-sample", defaultValue = "20000", paramLabel = "<n>",
            description = "Values per variable kept (reservoir) for the bins. Default: ${DEFAULT-VALUE}.")
    int binSample;

    @Option(names = "--chunk", defaultValue = "256", paramLabel = "<n>",
            description = "Episodes read and explained together. Default: ${DEFAULT-VALUE}.")
    int chunk;

    @Option(names = "--limit", paramLabel = "<n>", description = "Summarise at most the first n episodes.")
    Long limit;

    @Option(names = {"-o", "--out"}, paramLabel = "<dir>",
            description = "Output directory. Default: explain4j-out/<model>-summary.")
    Path out;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]|auto",
            description = "Where ONNX Runtime runs. Default: ${DEFAULT-VALUE}.")
    String device;

    @Override
    public Integer call() throws IOException {
        EvaluateCommand.MethodSpec ms = validate();
        ModelSource source = ModelLocator.resolve(model);
        Path outDir = out != null ? out : Path.of("explain4j-out", source.name() + "-summary");
        PrintWriter pw = spec.commandLine().getOut();
        try (EmbeddedData in = EmbeddedData.resolve(data, source);
             OutputDirectory dir = OutputDirectory.create(outDir);
             OrtModel m = OrtModel.open(source, OrtOptions.defaults().withDevice(device))) {
            ModelInfo info = m.info();
            Explainer explainer = EvaluateCommand.explainer(ms, info, null);
            DatasetSummarizer.Builder b = DatasetSummarizer.builder().chunk(chunk).bins(bins)
                    .maxCategories(maxCategories).reservoir(binSample);
            if (limit != null) {
                b.limit(limit);
            }
            DatasetSummarizer.Result r = b.build().summarize(m, explainer,
                    () -> InstanceSource.open(in.data, info.input(), info.name()));
            AttributionSummary s = r.summary();
            String title = info.name() + " · " + explainer.method();
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("model", info.name());
            facts.put("method", explainer.toString());
            facts.put("data", in.label);
            facts.put("episodes", Long.toString(s.episodes()));
            facts.put("value bins (first pass)", String.format(Locale.ROOT, "%.1f s", r.binSeconds()));
            facts.put("explain and aggregate (second pass)", String.format(Locale.ROOT, "%.1f s, %.0f episodes/s",
                    r.explainSeconds(), r.episodesPerSecond()));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("model", info.name());
            meta.put("model_checksum", info.checksum());
            meta.put("method", explainer.method());
            meta.put("method_settings", explainer.toString());
            meta.put("data", in.label);
            SummaryArrowFile.write(dir.file("summary.arrow"), s, meta);
            List<String> files = new ArrayList<>(List.of("summary.arrow", "summary.json"));
            files.addAll(SummaryReport.write(dir::file, s, title, facts, "summary.arrow"));
            writeJson(dir.file("summary.json"), s, info, explainer, in.label, r);
            dir.commit();
            pw.printf(Locale.ROOT, "summarised %d episodes of %s with %s: %.1f s for the value bins, %.1f s to explain"
                            + " and aggregate (%.0f episodes/s)%n", s.episodes(), info.name(), explainer.method(),
                    r.binSeconds(), r.explainSeconds(), r.episodesPerSecond());
            for (int c = 0; c < s.classes(); c++) {
                pw.printf(Locale.ROOT, "  predicted %s: %d episodes%n", s.classNames().get(c), s.episodes(c));
            }
            pw.printf(Locale.ROOT, "wrote %d files (%s, ...) to %s; open index.html%n", files.size(),
                    String.join(", ", files.subList(0, Math.min(4, files.size()))), outDir);
        }
        return Main.OK;
    }

    private static void writeJson(Path file, AttributionSummary s, ModelInfo info, Explainer e, String data,
                                  DatasetSummarizer.Result r) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("format", SummaryArrowFile.FORMAT);
        root.put("model", info.name());
        root.put("model_checksum", info.checksum());
        root.put("method", e.method());
        root.put("method_settings", e.toString());
        root.put("data", data);
        root.put("episodes", s.episodes());
        ObjectNode classes = root.putObject("episodes_per_class");
        for (int c = 0; c < s.classes(); c++) {
            classes.put(s.classNames().get(c), s.episodes(c));
        }
        root.put("bin_seconds", r.binSeconds());
        root.put("explain_seconds", r.explainSeconds());
        root.put("episodes_per_second", r.episodesPerSecond());
        root.put("layout", s.axes().layout().name().toLowerCase(Locale.ROOT));
        root.put("time_steps", s.axes().times());
        ArrayNode vars = root.putArray("variables");
        ValueBins vb = s.bins();
        for (int f = 0; f < s.axes().features(); f++) {
            ObjectNode v = vars.addObject();
            v.put("name", s.axes().featureNames().get(f));
            v.put("kind", vb.kind(f).name().toLowerCase(Locale.ROOT));
            ArrayNode labels = v.putArray("bins");
            for (int b = 0; b < vb.count(f); b++) {
                labels.add(vb.label(f, b));
            }
        }
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    /** Option mistakes are usage errors (exit 2), found before any model is loaded. */
    private EvaluateCommand.MethodSpec validate() {
        try {
            List<EvaluateCommand.MethodSpec> specs = EvaluateCommand.parseMethods(method);
            if (specs.size() != 1) {
                throw new ExplainException("--method takes one method; got " + specs.size()
                        + " (use evaluate to compare methods)");
            }
            EvaluateCommand.check(specs.get(0));
            if ("mean".equalsIgnoreCase(specs.get(0).options().getOrDefault("baseline", ""))) {
                throw new ExplainException("baseline 'mean' needs the whole data set in memory; summarize streams it."
                        + " Use baseline=zero");
            }
            Device.parse(device);
            DatasetSummarizer.Builder b = DatasetSummarizer.builder().chunk(chunk).bins(bins)
                    .maxCategories(maxCategories).reservoir(binSample);
            if (limit != null) {
                b.limit(limit);
            }
            b.build();
            return specs.get(0);
        } catch (ExplainException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
