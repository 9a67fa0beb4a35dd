package org.explain4j.metrics;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The table of an evaluation: every metric per method, averaged over the data, plus timings —
 * as CSV (one row per method: {@code metric}, {@code metric_std}, {@code metric_n} columns),
 * Markdown (one row per metric, one column per method, mean ± std) and a PNG chart
 * ({@link EvaluationChart}). An OpenBox summary, when given, gets its own section.
 */
public final class EvaluationReport {
    private final String title;
    private final Map<String, String> context;
    private final Map<String, Object> settings;
    private final List<Evaluation.MethodResult> results;
    private final OpenBoxSummary openBox;

    /**
     * @param title    e.g. {@code synthetic_bilstm on synthetic_bilstm.eval.npy}
     * @param context  what was evaluated (model, data, samples, target...), shown first
     * @param settings the evaluation's settings
     * @param openBox  OpenBox over the same inputs, or null
     */
    public EvaluationReport(String title, Map<String, String> context, Map<String, Object> settings,
                            List<Evaluation.MethodResult> results, OpenBoxSummary openBox) {
        this.title = title;
        this.context = new LinkedHashMap<>(context);
        this.settings = new LinkedHashMap<>(settings);
        this.results = List.copyOf(results);
        this.openBox = openBox;
    }

    public List<Evaluation.MethodResult> results() {
        return results;
    }

    /** Metric keys in first-seen order over all methods, with one representative summary each. */
    Map<String, MetricSummary> metricKeys() {
        Map<String, MetricSummary> keys = new LinkedHashMap<>();
        for (Evaluation.MethodResult r : results) {
            r.metrics().forEach(keys::putIfAbsent);
        }
        return keys;
    }

    private Set<String> timingKeys() {
        Set<String> keys = new LinkedHashSet<>();
        for (Evaluation.MethodResult r : results) {
            keys.addAll(r.timingsMs().keySet());
        }
        return keys;
    }

    public void writeCsv(Path file) throws IOException {
        Map<String, MetricSummary> keys = metricKeys();
        Set<String> times = timingKeys();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            List<String> header = new ArrayList<>(List.of("method", "samples", "explain_ms_per_sample"));
            for (String k : keys.keySet()) {
                header.add(k);
                header.add(k + "_std");
                header.add(k + "_n");
            }
            for (String t : times) {
                header.add("time_" + t + "_ms");
            }
            w.write(String.join(",", header));
            w.write('\n');
            for (Evaluation.MethodResult r : results) {
                List<String> row = new ArrayList<>(List.of(r.method(), Integer.toString(r.samples()),
                        num(r.explainMsPerSample())));
                for (String k : keys.keySet()) {
                    MetricSummary m = r.metrics().get(k);
                    row.add(m == null ? "" : num(m.mean()));
                    row.add(m == null ? "" : num(m.std()));
                    row.add(m == null ? "0" : Integer.toString(m.count()));
                }
                for (String t : times) {
                    Double v = r.timingsMs().get(t);
                    row.add(v == null ? "" : num(v));
                }
                w.write(String.join(",", row));
                w.write('\n');
            }
        }
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Evaluation: ").append(title).append("\n\n");
        context.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
        sb.append("\n");
        sb.append("| metric |");
        for (Evaluation.MethodResult r : results) {
            sb.append(' ').append(r.method()).append(" |");
        }
        sb.append("\n|---|");
        sb.append("---:|".repeat(results.size()));
        sb.append('\n');
        for (Map.Entry<String, MetricSummary> e : metricKeys().entrySet()) {
            MetricSummary k = e.getValue();
            sb.append("| ").append(k.label()).append(k.better().arrow().isEmpty() ? "" : " " + k.better().arrow())
                    .append(" |");
            for (Evaluation.MethodResult r : results) {
                MetricSummary m = r.metrics().get(e.getKey());
                sb.append(' ').append(m == null || m.count() == 0 ? "–" : cell(m)).append(" |");
            }
            sb.append('\n');
        }
        sb.append("| explain ms / sample |");
        for (Evaluation.MethodResult r : results) {
            sb.append(' ').append(fmt(r.explainMsPerSample())).append(" |");
        }
        sb.append('\n');
        for (String t : timingKeys()) {
            if (t.equals("explain")) {
                continue;
            }
            sb.append("| time: ").append(t.replace('_', ' ')).append(" (ms, all samples) |");
            for (Evaluation.MethodResult r : results) {
                Double v = r.timingsMs().get(t);
                sb.append(' ').append(v == null ? "–" : fmt(v)).append(" |");
            }
            sb.append('\n');
        }
        sb.append("\nMean ± standard deviation over the samples where a metric is defined (ground truth: the samples"
                + " with known cause cells whose explained target is their label). ↓ lower is better, ↑ higher is"
                + " better. Deletion/insertion AUC: area under the target score as the top-ranked cells are replaced"
                + " by / restored from the baseline. Relative infidelity: infidelity with the best rescaling of the"
                + " attribution over the variance of the score change (0 = perfect, 1 = explains nothing)."
                + " Sensitivity-max: largest ‖Δφ‖/‖φ‖ over the neighbours. Consistency: mean cosine / Spearman"
                + " ρ between the explanation of an input and of its neighbours.\n");
        if (openBox != null) {
            sb.append("\n## OpenBox (exact local linear model `W_r x + b_r`)\n\n");
            sb.append("| quantity | value |\n|---|---:|\n");
            sb.append("| inputs × directions | ").append(openBox.samples()).append(" × ").append(openBox.directions())
                    .append(" |\n");
            sb.append("| median region radius | ").append(fmt(openBox.medianRadius())).append(" |\n");
            sb.append("| smallest radius | ").append(fmt(openBox.minRadius())).append(" |\n");
            sb.append("| share of radii at the search limit | ").append(fmt(openBox.censoredShare())).append(" |\n");
            sb.append("| max reproduction error inside regions (abs) | ").append(fmt(openBox.maxReproductionError()))
                    .append(" |\n");
            sb.append("| max reproduction error / (1 + max abs f(x)) | ").append(fmt(openBox.maxRelativeReproduction()))
                    .append(" |\n");
            sb.append("| max relative Jacobian change inside regions | ").append(fmt(openBox.maxJacobianChange()))
                    .append(" |\n");
            sb.append("| time (ms) | ").append(fmt(openBox.milliseconds())).append(" |\n");
            sb.append("\nSettings: ").append(openBox.settings()).append(".\n");
        }
        sb.append("\n## Settings\n\n");
        settings.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }

    public void writeMarkdown(Path file) throws IOException {
        Files.writeString(file, markdown(), StandardCharsets.UTF_8);
    }

    public void writeChart(Path file) throws IOException {
        EvaluationChart.write(file, title, results, new ArrayList<>(metricKeys().values()));
    }

    private static String cell(MetricSummary m) {
        return fmt(m.mean()) + (Double.isNaN(m.std()) ? "" : " ± " + fmt(m.std()));
    }

    /** Four significant digits, scientific outside [0.001, 1e5). */
    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }
}
