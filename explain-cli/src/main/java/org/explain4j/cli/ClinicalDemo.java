package org.explain4j.cli;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Explainers;
import org.explain4j.explain.Target;
import org.explain4j.io.ArrowAttributionFile;
import org.explain4j.io.AttributionCsv;
import org.explain4j.io.ExplanationJson;
import org.explain4j.io.InputData;
import org.explain4j.io.OutputDirectory;
import org.explain4j.io.Predictions;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.OutputActivation;
import org.explain4j.models.ReferenceModels;
import org.explain4j.models.clinical.ClinicalColumns;
import org.explain4j.models.clinical.DiscretizedEpisode;
import org.explain4j.models.clinical.MimicDiscretizer;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.OrtOptions;
import org.explain4j.onnx.lrp.LrpExplainer;
import org.explain4j.render.ClinicalHeatmap;
import org.explain4j.render.Heatmap;
import org.explain4j.report.HtmlReport;
import org.explain4j.tensor.FloatTensor;
import org.explain4j.visualize.ClassVisualization;
import org.explain4j.visualize.VisualizationOptions;
import org.explain4j.visualize.VisualizationPicture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The clinical demo: one real ICU episode of the mimic3-benchmarks demo test set (embedded),
 * discretized to 48 × 76, predicted by the Channel-wise LSTM and explained three ways, drawn as
 * the paper draws it (17 variables × 48 hours):
 * <ul>
 *   <li>{@code input.png/.svg}: the normalized input, fixed ±2 scale;</li>
 *   <li>{@code saliency.png/.svg}: |gradient of the logit| summed per variable;</li>
 *   <li>{@code integrated_gradients.png/.svg}: IG from the all-zero input (every continuous
 *   variable at its training mean, no category, nothing observed), signed, summed per variable;</li>
 *   <li>{@code lrp.png/.svg}: LRP-ε over the ONNX graph, signed, summed per variable;</li>
 *   <li>{@code index.html}: the four side by side with the prediction;</li>
 *   <li>{@code attribution.arrow/.csv}, {@code explanation.json}: the IG attribution, all 76 columns.</li>
 * </ul>
 * All files appear at once ({@link OutputDirectory}) or not at all.
 */
final class ClinicalDemo {
    static final String MODEL = "channelwise_lstm";
    static final String DATA = "explain4j/clinical/demo-test/";
    /** The method whose full attribution goes into the Arrow/CSV/JSON files. */
    static final String FILES_METHOD = "integrated_gradients";
    /** Class-1 visualisation settings: α 0.5, λ 0.01, 200 steps from the mean (0), blur along time every 10 steps. */
    static final VisualizationOptions CLASS_ONE_SETTINGS = VisualizationOptions.defaults().withStepSize(0.5f)
            .withLambda(0.01f).withIterations(200).withBlur(10, 1f);
    /** Variables listed for and against, per method. */
    static final int TOP = 3;

    /** One embedded episode and its true outcome (1 = died in hospital). */
    record Episode(String file, String csv, int label) {
        String name() {
            return file.replaceFirst("_timeseries\\.csv$", "");
        }
    }

    private ClinicalDemo() {
    }

    /** Whether the Channel-wise LSTM and the demo episodes are embedded. */
    static boolean available() {
        if (!ReferenceModels.names().contains(MODEL)) {
            return false;
        }
        try (InputStream in = resource("listfile.csv")) {
            return in != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The demo test episodes, in the order of their list file. */
    static List<Episode> episodes() {
        List<Episode> out = new ArrayList<>();
        for (String line : text("listfile.csv").lines().skip(1).toList()) {
            String[] cells = line.split(",");
            if (cells.length == 2 && !cells[0].isBlank()) {
                out.add(new Episode(cells[0].trim(), text(cells[0].trim()), Integer.parseInt(cells[1].trim())));
            }
        }
        return out;
    }

    /**
     * The episode named {@code name} (with or without {@code _timeseries.csv}); null picks the
     * first episode that ended in death, the outcome the model is there to warn about.
     */
    static Episode pick(String name) {
        List<Episode> all = episodes();
        if (name == null) {
            return all.stream().filter(e -> e.label() == 1).findFirst().orElse(all.get(0));
        }
        String n = name.trim();
        return all.stream().filter(e -> e.file().equals(n) || e.name().equals(n)).findFirst()
                .orElseThrow(() -> new ExplainException("unknown demo episode '" + name + "'; the embedded ones are "
                        + String.join(", ", all.stream().map(Episode::name).toList())));
    }

    /** The method names and how each is built for the demo. */
    private static Map<String, Explainer> explainers() {
        Map<String, Explainer> m = new LinkedHashMap<>();
        m.put("saliency", Explainers.byName("saliency", Map.of()));
        m.put(FILES_METHOD, Explainers.byName(FILES_METHOD, Map.of()));
        m.put(LrpExplainer.METHOD, LrpExplainer.fromOptions(Map.of()));
        return m;
    }

    static void run(String episodeName, String device, Path out, PrintWriter pw) {
        Episode episode = pick(episodeName);
        DiscretizedEpisode discretized = MimicDiscretizer.standard().discretize(episode.csv(), episode.file());
        FloatTensor x = MimicDiscretizer.batch(List.of(discretized));
        InputData data = new InputData(x, new int[]{0}, Optional.of(new float[]{episode.label()}),
                discretized.columns().names(), episode.file() + " (embedded mimic3-benchmarks demo test episode)");
        Map<String, Attribution> results = new LinkedHashMap<>();
        Map<String, Double> timings = new LinkedHashMap<>();
        ModelInfo info;
        ClassVisualization.Result classOne;
        try (OrtModel model = OrtModel.open(ReferenceModels.source(MODEL), OrtOptions.defaults().withDevice(device))) {
            info = ExplainRun.withHeaderNames(model.info(), data);
            for (Map.Entry<String, Explainer> e : explainers().entrySet()) {
                long t = System.nanoTime();
                results.put(e.getKey(), e.getValue().explain(model, x, Target.of(0)));
                timings.put("explain_" + e.getKey(), (System.nanoTime() - t) / 1e6);
            }
            long tv = System.nanoTime();
            // What the model's class 1 (death) responds to most, next to the patient explanations.
            classOne = new ClassVisualization(model, InputLayout.TIME_FEATURES,
                    VisualizationPicture.validRange(model.info()), CLASS_ONE_SETTINGS).classes(1);
            timings.put("visualize_class1", (System.nanoTime() - tv) / 1e6);
        }
        ClinicalHeatmap.Columns columns = columns(info.description(), discretized.columns());
        ModelDescription d = info.description();
        String className = d.className(0);
        float logit = results.get(FILES_METHOD).outputs().data()[0];
        double p = probability(logit, d.activation());
        String predicted = p >= 0.5 ? "1" : "0";
        String truth = Integer.toString(episode.label());

        List<String> lines = new ArrayList<>();
        try (OutputDirectory dir = OutputDirectory.create(out)) {
            HtmlReport report = HtmlReport.titled("explain4j demo: " + episode.name() + ", " + MODEL)
                    .summary("Episode " + episode.file() + " of the mimic3-benchmarks demo test set. True: " + truth
                            + " (" + (episode.label() == 1 ? "died in hospital" : "survived") + "). Predicted: "
                            + predicted + String.format(Locale.ROOT, " (p(%s) = %.3f, logit %.3f).", className, p, logit))
                    .summary("Rows: the 17 clinical variables (mask columns hidden); columns: hours 0-47 after "
                            + "admission. " + discretized.summary());
            String inputDetail = String.format(Locale.ROOT, "p(%s) = %.3f · %d rows, %d values observed, "
                    + "%d cells carried forward, %d at the normal value", className, p, discretized.rowsRead(),
                    discretized.valuesObserved(), discretized.cellsCarriedForward(), discretized.cellsNormalValue());
            draw(dir, report, "input", ClinicalHeatmap.View.INPUT, x.sampleData(0), columns,
                    new ClinicalHeatmap.Caption(episode.name(), truth, predicted, "input", inputDetail), className,
                    "The normalized values the model sees, clipped to ±2 (0 = training mean); categorical variables "
                            + "show the index of the observed category scaled to ±2.");
            for (Map.Entry<String, Attribution> e : results.entrySet()) {
                String method = e.getKey();
                Attribution a = e.getValue();
                ClinicalHeatmap.View view = ClinicalHeatmap.View.forMethod(method);
                float[] v = a.values().sampleData(0);
                double sum = 0;
                for (float f : v) {
                    sum += f;
                }
                StringBuilder detail = new StringBuilder(String.format(Locale.ROOT,
                        "explaining the logit of %s = %.4f · %s = %.4f", className, logit,
                        view == ClinicalHeatmap.View.MAGNITUDE ? "Σ |gradient|" : "Σ attribution", sum));
                String check = check(a);
                if (!check.isEmpty()) {
                    detail.append(" · ").append(check);
                }
                draw(dir, report, method, view, v, columns,
                        new ClinicalHeatmap.Caption(episode.name(), truth, predicted, method, detail.toString()),
                        className, caption(method, className));
                lines.add(describe(method, view, ClinicalHeatmap.aggregate(v, columns, view, false), columns,
                        className, check));
            }
            Heatmap v1 = VisualizationPicture.draw(info, InputLayout.TIME_FEATURES, classOne.inputs().sampleData(0),
                    MODEL + ": what class 1 (" + className + ") responds to most",
                    String.format(Locale.ROOT, "class visualisation: gradient ascent on the logit, %d steps, alpha %.2g, "
                            + "lambda %.2g, blur along time; logit %.3f -> %.3f", CLASS_ONE_SETTINGS.iterations(),
                            CLASS_ONE_SETTINGS.stepSize(), CLASS_ONE_SETTINGS.lambda(), classOne.scores()[0][0],
                            classOne.finalScore(0)));
            v1.writePng(dir.file("class1_visualization.png"));
            v1.writeSvg(dir.file("class1_visualization.svg"));
            report.panel(new HtmlReport.Panel("class 1 visualisation", "class1_visualization.png",
                    "class1_visualization.svg", "Not this patient: the input that maximises the " + className
                    + " logit − λ‖I‖² (METHODS §1), started at the training mean (0 in normalized units), one-hot "
                    + "categories kept probability vectors. Furthest from the mean (mean |value| over hours): "
                    + furthestFromMean(classOne.inputs().sampleData(0), columns, 4) + "."));
            Attribution files = results.get(FILES_METHOD);
            ArrowAttributionFile.write(dir.file("attribution.arrow"), files, info, data.rows());
            AttributionCsv.write(dir.file("attribution.csv"), files, d, data.rows());
            ExplanationJson.write(dir.file("explanation.json"), files, info, data, timings);
            report.file("attribution.arrow").file("attribution.csv").file("explanation.json").write(dir);
            dir.commit();
        } catch (IOException e) {
            throw new ExplainException("cannot write the demo files into " + out + ": " + e.getMessage(), e);
        }
        pw.println("demo: " + MODEL + " on " + episode.file() + " (mimic3-benchmarks demo test set, embedded)");
        pw.println("  " + discretized.summary());
        pw.println(String.format(Locale.ROOT, "  True: %s  Predicted: %s  p(%s) = %.3f  (logit %.4f)", truth,
                predicted, className, p, logit));
        lines.forEach(pw::println);
        pw.println("wrote " + out + ": input, saliency, integrated_gradients and lrp heatmaps (.png, .svg), "
                + "index.html, and the " + FILES_METHOD + " attribution as attribution.arrow, attribution.csv, "
                + "explanation.json");
        pw.println("open " + out.resolve(HtmlReport.FILE) + " in a browser to see them side by side");
        pw.flush();
    }

    /**
     * The model sidecar's column groups when it has them (the model's own account of its input),
     * else the discretizer's; either way they must cover the discretizer's 76 columns.
     */
    static ClinicalHeatmap.Columns columns(ModelDescription d, ClinicalColumns fromDiscretizer) {
        ClinicalHeatmap.Columns c;
        if (d != null && d.raw() != null && d.raw().path("column_groups").isObject()) {
            c = ClinicalHeatmap.Columns.fromSidecar(d.raw());
        } else {
            List<int[]> values = new ArrayList<>();
            int[] masks = new int[fromDiscretizer.variables().size()];
            for (int v = 0; v < masks.length; v++) {
                values.add(fromDiscretizer.valueColumns(v));
                masks[v] = fromDiscretizer.maskColumn(v);
            }
            c = new ClinicalHeatmap.Columns(fromDiscretizer.variables(), values, masks, fromDiscretizer.size());
        }
        if (c.width() != fromDiscretizer.size()) {
            throw new ExplainException("model sidecar groups " + c.width() + " columns but the discretizer makes "
                    + fromDiscretizer.size() + "; the model and the discretizer config do not match");
        }
        return c;
    }

    /** The {@code k} variables whose drawn value is furthest from 0 (the mean) on average over the hours. */
    static String furthestFromMean(float[] matrix, ClinicalHeatmap.Columns columns, int k) {
        float[][] g = ClinicalHeatmap.aggregate(matrix, columns, ClinicalHeatmap.View.INPUT, false);
        double[] mean = new double[g.length];
        List<Integer> order = new ArrayList<>();
        for (int v = 0; v < g.length; v++) {
            for (float x : g[v]) {
                mean[v] += Math.abs(x) / g[v].length;
            }
            order.add(v);
        }
        order.sort(Comparator.comparingDouble((Integer v) -> -mean[v]));
        List<String> out = new ArrayList<>();
        for (int v : order.subList(0, Math.min(k, order.size()))) {
            out.add(columns.variables().get(v) + String.format(Locale.ROOT, " %.2f", mean[v]));
        }
        return String.join(", ", out);
    }

    private static void draw(OutputDirectory dir, HtmlReport report, String name, ClinicalHeatmap.View view,
                             float[] matrix, ClinicalHeatmap.Columns columns, ClinicalHeatmap.Caption caption,
                             String className, String text) throws IOException {
        Heatmap h = ClinicalHeatmap.render(matrix, columns, view, false, caption, className);
        h.writePng(dir.file(name + ".png"));
        h.writeSvg(dir.file(name + ".svg"));
        report.panel(new HtmlReport.Panel(name, name + ".png", name + ".svg", text));
    }

    private static String caption(String method, String className) {
        return switch (method) {
            case "saliency" -> "How strongly the " + className + " logit reacts to each variable and hour: |gradient| "
                    + "summed over the variable's columns. No sign: red only means sensitive.";
            case FILES_METHOD -> "Integrated Gradients from the all-zero input (continuous variables at their "
                    + "training mean), summed per variable: red pushes toward " + className + ", blue away. "
                    + "The cells add up to logit(x) - logit(0).";
            default -> "LRP-ε (ε = " + LrpExplainer.DEFAULT_EPSILON + ") over the ONNX graph, summed per variable: red "
                    + "is relevance for " + className + ", blue against. The cells add up to the logit, up to what "
                    + "biases absorb.";
        };
    }

    /** IG's completeness gap or LRP's conservation residual, when the method reports one. */
    private static String check(Attribution a) {
        for (String k : List.of("completeness_gap", "lrp_conservation_residual")) {
            double[] v = a.diagnostics().get(k);
            if (v != null && v.length > 0) {
                return k.replace('_', ' ') + String.format(Locale.ROOT, " = %.3g", v[0]);
            }
        }
        return "";
    }

    /** One line per method: the variables with the most attribution over all hours, for and against. */
    private static String describe(String method, ClinicalHeatmap.View view, float[][] grid,
                                   ClinicalHeatmap.Columns columns, String className, String check) {
        int vars = columns.variables().size();
        double[] total = new double[vars];
        for (int v = 0; v < vars; v++) {
            for (float f : grid[v]) {
                total[v] += f;
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int v = 0; v < vars; v++) {
            order.add(v);
        }
        order.sort(Comparator.comparingDouble((Integer v) -> -total[v]));
        StringBuilder b = new StringBuilder("  ").append(method).append(view == ClinicalHeatmap.View.MAGNITUDE
                ? ": most sensitive to " : ": for " + className + ": ");
        b.append(top(order, total, columns, true));
        if (view != ClinicalHeatmap.View.MAGNITUDE) {
            List<Integer> reversed = new ArrayList<>(order);
            Collections.reverse(reversed);
            b.append("; against: ").append(top(reversed, total, columns, false));
        }
        if (!check.isEmpty()) {
            b.append("; ").append(check);
        }
        return b.toString();
    }

    private static String top(List<Integer> order, double[] total, ClinicalHeatmap.Columns columns, boolean positive) {
        List<String> out = new ArrayList<>();
        for (int v : order) {
            if (out.size() == TOP || (positive ? total[v] <= 0 : total[v] >= 0)) {
                break;
            }
            out.add(columns.variables().get(v) + String.format(Locale.ROOT, " %+.3g", total[v]));
        }
        return out.isEmpty() ? "none" : String.join(", ", out);
    }

    private static double probability(float logit, OutputActivation activation) {
        double[] p = Predictions.probabilities(new float[]{logit}, activation == null || activation
                == OutputActivation.NONE ? OutputActivation.SIGMOID : activation);
        return p[0];
    }

    private static InputStream resource(String name) {
        return ClinicalDemo.class.getClassLoader().getResourceAsStream(DATA + name);
    }

    private static String text(String name) {
        try (InputStream in = resource(name)) {
            if (in == null) {
                throw new ExplainException("embedded demo file " + DATA + name + " is missing; rebuild models-onnx");
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                StringBuilder b = new StringBuilder();
                r.lines().forEach(l -> b.append(l).append('\n'));
                return b.toString();
            }
        } catch (IOException e) {
            throw new ExplainException("cannot read embedded demo file " + DATA + name + ": " + e.getMessage(), e);
        }
    }
}
