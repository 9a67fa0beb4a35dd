package org.explain4j.cli;

import org.explain4j.explain.Attribution;
import org.explain4j.io.InputData;
import org.explain4j.io.Predictions;
import org.explain4j.io.SampleAxes;
import org.explain4j.io.TopAttributions;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.OutputActivation;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The short report a run prints on stdout: what ran, per sample the prediction and top attributions. */
final class Summary {
    /** Samples described one by one; the rest are in explanation.json. */
    static final int SAMPLES_SHOWN = 6;
    /** Prefix of LRP's per-layer conservation residuals (its total residual is printed). */
    private static final String LRP_LAYER_RESIDUAL = "lrp_residual ";

    private Summary() {
    }

    static void print(PrintWriter out, Attribution a, ModelInfo info, InputData data, Path dir, List<String> files,
                      int top, Map<String, Double> timings) {
        ModelDescription d = info.description();
        OutputActivation activation = d != null ? d.activation() : OutputActivation.NONE;
        SampleAxes axes = SampleAxes.of(a.values().sampleShape(), d);
        int n = a.batchSize();
        out.println(a.method() + " on " + info.name() + " (" + info.backend() + ", " + info.device() + "), "
                + n + " sample" + (n == 1 ? "" : "s") + " of shape " + shape(a.values().sampleShape()) + " from " + data.source());
        out.println("  parameters: " + parameters(a.parameters()));
        float[] labels = data.labels().orElse(null);
        int[] rows = data.rows();
        int[] targets = a.targets();
        for (int i = 0; i < Math.min(n, SAMPLES_SHOWN); i++) {
            float[] logits = a.outputs().sampleData(i);
            double[] p = Predictions.probabilities(logits, activation);
            int predicted = logits.length == 1 ? 0 : Predictions.argmax(logits);
            StringBuilder head = new StringBuilder();
            head.append("\nsample ").append(i).append(" (row ").append(rows[i]);
            if (labels != null && labels[i] == Math.rint(labels[i])) {
                head.append(", label ").append(className(d, (int) labels[i]));
            }
            head.append("): predicted ").append(className(d, predicted));
            if (p != null) {
                head.append(String.format(Locale.ROOT, " (p=%.3f)", p[predicted]));
            }
            head.append(", explaining ").append(className(d, targets[i])).append(" (")
                    .append(a.score().name().toLowerCase(Locale.ROOT)).append(")");
            out.println(head);
            column(out, "for " + className(d, targets[i]), TopAttributions.positive(a, i, axes, top));
            column(out, "against", TopAttributions.negative(a, i, axes, top));
            List<String> diag = new ArrayList<>();
            boolean perLayer = false;
            for (Map.Entry<String, double[]> e : a.diagnostics().entrySet()) {
                if (e.getKey().startsWith(LRP_LAYER_RESIDUAL)) {
                    perLayer = true; // one per layer: too many for the console
                } else if (i < e.getValue().length) {
                    String label = e.getKey().equals("weighted_r2") ? "surrogate R² (weighted)" : e.getKey().replace('_', ' ');
                    diag.add(label + " " + num(e.getValue()[i]));
                }
            }
            if (perLayer) {
                diag.add("per-layer residuals in explanation.json");
            }
            if (!diag.isEmpty()) {
                out.println("  " + String.join(", ", diag));
            }
        }
        if (n > SAMPLES_SHOWN) {
            out.println("\n(" + (n - SAMPLES_SHOWN) + " more samples in explanation.json)");
        }
        out.println();
        out.println("wrote " + dir + "/: " + String.join(", ", files)
                + String.format(Locale.ROOT, " (%.0f ms in all, %.0f ms explaining)", timings.getOrDefault("total", 0.0),
                timings.getOrDefault("explain", 0.0)));
        out.flush();
    }

    private static void column(PrintWriter out, String title, List<TopAttributions.Entry> entries) {
        if (entries.isEmpty()) {
            out.println(String.format(Locale.ROOT, "  %-24s (none)", title + ":"));
            return;
        }
        for (int k = 0; k < entries.size(); k++) {
            TopAttributions.Entry e = entries.get(k);
            out.println(String.format(Locale.ROOT, "  %-24s %10s  %s = %s", k == 0 ? title + ":" : "",
                    signed(e.attribution()), e.label(), num(e.input())));
        }
    }

    private static String className(ModelDescription d, int c) {
        return d != null ? d.className(c) : "class " + c;
    }

    private static String shape(long[] s) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < s.length; i++) {
            sb.append(i > 0 ? "×" : "").append(s[i]);
        }
        return sb.append(']').toString();
    }

    private static String parameters(Map<String, Object> p) {
        List<String> parts = new ArrayList<>();
        p.forEach((k, v) -> parts.add(k + "=" + v));
        return parts.isEmpty() ? "(none)" : String.join(", ", parts);
    }

    private static String signed(double v) {
        String s = num(v);
        return v > 0 ? "+" + s : s;
    }

    static String num(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
