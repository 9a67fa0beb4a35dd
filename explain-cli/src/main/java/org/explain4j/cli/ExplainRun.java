package org.explain4j.cli;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Target;
import org.explain4j.io.ArrowAttributionFile;
import org.explain4j.io.AttributionCsv;
import org.explain4j.io.ExplanationJson;
import org.explain4j.io.InputData;
import org.explain4j.io.OutputDirectory;
import org.explain4j.model.InputChecks;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.ModelSource;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.OrtOptions;
import org.explain4j.render.Heatmap;
import org.explain4j.tensor.FloatTensor;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One explanation run, shared by {@code explain} and {@code demo}: open the model, read and
 * check the input, explain, write the files atomically, print a summary.
 *
 * <p>Files written to the output directory: {@code attribution.arrow}, {@code attribution.csv},
 * {@code explanation.json}, {@code heatmap.png} and {@code heatmap.svg} (the first sample), and
 * when there are several samples {@code heatmap-<i>.png/.svg} for the first {@code heatmaps}
 * of them ({@code i} counts the run's samples from 0, as {@code samples[i]} in the JSON does).
 */
final class ExplainRun {
    private static final Logger LOG = LogManager.getLogger(ExplainRun.class);

    /** Where the samples come from, once the model (and so the expected input) is known. */
    interface Input {
        InputData read(ModelInfo info);

        /** Samples to average for {@code --baseline mean}: all samples the input offers. */
        FloatTensor background(ModelInfo info);
    }

    /**
     * What to do.
     *
     * @param options  method options as the user set them (absent ones are left to the method)
     * @param heatmaps how many per-sample heatmaps to draw besides {@code heatmap.png}
     * @param top      how many features for and against the summary lists per sample
     */
    record Settings(String method, Map<String, String> options, String target, String device, Path out,
                    int heatmaps, int top) {
    }

    private ExplainRun() {
    }

    static void run(ModelSource source, Input input, Settings s, PrintWriter out) {
        Map<String, Double> timings = new LinkedHashMap<>();
        long start = System.nanoTime();
        Attribution attribution;
        InputData data;
        ModelInfo info;
        List<String> files;
        try (OutputDirectory dir = OutputDirectory.create(s.out())) {
            long t = System.nanoTime();
            LOG.info("opening model {} on {}", source.location(), s.device());
            try (OrtModel model = OrtModel.open(source, OrtOptions.defaults().withDevice(s.device()))) {
                info = model.info();
                timings.put("load_model", ms(t));

                t = System.nanoTime();
                data = input.read(info);
                InputChecks.validate(info.input(), data.tensor());
                info = withHeaderNames(info, data);
                timings.put("read_input", ms(t));
                LOG.info("read {} sample(s) {} from {}", data.tensor().batchSize(), data.tensor(), data.source());

                Target target = Target.parse(s.target(), info.description(), info.classCount());
                if (target instanceof Target.Fixed f && (f.classIndex() < 0 || f.classIndex() >= info.classCount())) {
                    throw new ExplainException("target class " + f.classIndex() + " is out of range: model '"
                            + info.name() + "' has " + info.classCount() + " classes (valid: 0.."
                            + (info.classCount() - 1) + (info.description().classNames().isEmpty() ? ""
                            : ", or a name: " + String.join(", ", info.description().classNames())) + ")");
                }
                boolean meanBaseline = "mean".equalsIgnoreCase(s.options().getOrDefault("baseline", "").trim());
                Explainer explainer = CliExplainers.byName(s.method(), s.options(),
                        meanBaseline ? input.background(info) : null);

                t = System.nanoTime();
                LOG.info("explaining with {}", explainer);
                attribution = explainer.explain(model, data.tensor(), target);
                timings.put("explain", ms(t));
            }

            long w = System.nanoTime();
            files = write(dir, attribution, info, data, s.heatmaps());
            timings.put("write_outputs", ms(w));
            timings.put("total", ms(start));
            writeJson(dir, attribution, info, data, timings);
            files.add(2, "explanation.json");
            dir.commit();
        }
        Summary.print(out, attribution, info, data, s.out(), files, s.top(), timings);
    }

    /**
     * A model without feature names in its sidecar takes them from the input's CSV header, when
     * the header names the feature axis (layouts FEATURES and TIME_FEATURES, whose last axis it is).
     */
    static ModelInfo withHeaderNames(ModelInfo info, InputData data) {
        ModelDescription d = info.description();
        if (d == null || !d.featureNames().isEmpty() || data.columnNames().isEmpty()) {
            return info;
        }
        long[] sample = data.tensor().sampleShape();
        InputLayout layout = d.layout() != null ? d.layout() : InputLayout.guess(sample.length + 1);
        boolean namesLastAxis = (layout == InputLayout.FEATURES && sample.length == 1)
                || (layout == InputLayout.TIME_FEATURES && sample.length == 2);
        if (!namesLastAxis || sample[sample.length - 1] != data.columnNames().size()) {
            return info;
        }
        ModelDescription named = new ModelDescription(d.name(), d.description(), layout, data.columnNames(),
                d.activation(), d.classNames(), d.defaultScore(), d.gradient(), d.raw());
        return info.withDescription(named);
    }

    private static List<String> write(OutputDirectory dir, Attribution a, ModelInfo info, InputData data,
                                      int heatmaps) {
        List<String> files = new ArrayList<>();
        String current = "attribution.arrow";
        try {
            ArrowAttributionFile.write(dir.file(current), a, info, data.rows());
            files.add(current);
            current = "attribution.csv";
            AttributionCsv.write(dir.file(current), a, info.description(), data.rows());
            files.add(current);
            Heatmap first = Heatmap.of(a, 0, info);
            current = "heatmap.png";
            first.writePng(dir.file(current));
            files.add(current);
            current = "heatmap.svg";
            first.writeSvg(dir.file(current));
            files.add(current);
            int n = a.batchSize();
            if (n > 1) {
                for (int i = 0; i < Math.min(n, heatmaps); i++) {
                    Heatmap h = Heatmap.of(a, i, info);
                    current = "heatmap-" + i + ".png";
                    h.writePng(dir.file(current));
                    files.add(current);
                    current = "heatmap-" + i + ".svg";
                    h.writeSvg(dir.file(current));
                    files.add(current);
                }
            }
            return files;
        } catch (IOException e) {
            throw new ExplainException("cannot write " + current + " in " + dir.staging() + ": " + e.getMessage(), e);
        }
    }

    private static void writeJson(OutputDirectory dir, Attribution a, ModelInfo info, InputData data,
                                  Map<String, Double> timings) {
        try {
            ExplanationJson.write(dir.file("explanation.json"), a, info, data, timings);
        } catch (IOException e) {
            throw new ExplainException("cannot write explanation.json in " + dir.staging() + ": " + e.getMessage(), e);
        }
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }
}
