package org.explain4j.cli;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Target;
import org.explain4j.metrics.IntervalTruth;
import org.explain4j.metrics.IntervalTruthReport;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.tensor.FloatTensor;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-class ground truth of {@code explain4j evaluate} when the truth file gives, per record,
 * the leads and intervals that define each positive class ({@link IntervalTruth}; the synthetic
 * ECG evaluation set): every record is explained once per class it is labelled with, for that
 * class, and the share of |attribution| on the class's cells and the top-k precision are averaged
 * per class and method ({@link IntervalTruthReport}).
 */
final class IntervalTruthRun {
    private static final Logger LOG = LogManager.getLogger(IntervalTruthRun.class);
    /** What a per-class truth is judged with when {@code --methods} is not given. */
    static final String DEFAULT_METHODS = "gradcam,ig,lrp,saliency,guided_gradcam";
    /** Records explained per call. */
    static final int BATCH = 8;

    private IntervalTruthRun() {
    }

    /**
     * @param x      the records {@code [N, leads, samples]}
     * @param truth  their truth, record i for row i of {@code x}
     * @param specs  the methods; Grad-CAM's layer and lead groups default to the model sidecar's
     *               {@code gradcam_layer} and {@code lead_groups}
     */
    static IntervalTruthReport run(ExplainableModel model, FloatTensor x, IntervalTruth truth,
                                   List<EvaluateCommand.MethodSpec> specs, String title,
                                   Map<String, String> context, PrintWriter pw) {
        ModelInfo info = model.info();
        if (x.batchSize() != truth.size()) {
            throw new ExplainException("ground truth " + truth.source() + " holds " + truth.size() + " records but "
                    + x.batchSize() + " were read; give one truth per record");
        }
        // build every explainer first: a bad option fails before any model call, and the report's
        // context can name the settings each one ended up with (e.g. the sidecar's Grad-CAM layer)
        Map<String, String> ctx = new LinkedHashMap<>(context);
        Map<String, Explainer> explainers = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (EvaluateCommand.MethodSpec raw : specs) {
            EvaluateCommand.MethodSpec s = withSidecarDefaults(raw, info.description());
            try {
                Explainer e = EvaluateCommand.explainer(s, info, x);
                explainers.put(s.name(), e);
                ctx.put("method " + s.name(), describe(e, s));
            } catch (ExplainException ex) {
                failures.put(s.name(), ex.getMessage());
            }
        }
        IntervalTruthReport report = new IntervalTruthReport(title, truth.classNames(), ctx);
        failures.forEach((name, why) -> {
            report.failed(name, why);
            pw.printf(Locale.ROOT, "%-16s not scored: %s%n", name, why);
        });
        for (Map.Entry<String, Explainer> me : explainers.entrySet()) {
            String name = me.getKey();
            Explainer e = me.getValue();
            long t0 = System.nanoTime();
            int explained = 0;
            // kept aside until the method has explained everything: a method that fails half-way shows no numbers
            List<Map.Entry<Integer, IntervalTruth.CellScore>> scores = new ArrayList<>();
            try {
                for (int c = 0; c < truth.classNames().size(); c++) {
                    int[] rows = truth.recordsWith(c);
                    for (int from = 0; from < rows.length; from += BATCH) {
                        int[] part = Arrays.copyOfRange(rows, from, Math.min(rows.length, from + BATCH));
                        List<FloatTensor> picked = new ArrayList<>(part.length);
                        for (int r : part) {
                            picked.add(x.sample(r));
                        }
                        Attribution a = e.explain(model, FloatTensor.concat(picked), Target.of(c));
                        for (int i = 0; i < part.length; i++) {
                            scores.add(Map.entry(c, IntervalTruth.score(a.values().sampleData(i),
                                    truth.mask(part[i], c))));
                        }
                        explained += part.length;
                    }
                }
            } catch (ExplainException ex) {
                // e.g. LRP meeting an op it has no rule for: the other methods still count
                report.failed(name, ex.getMessage());
                pw.printf(Locale.ROOT, "%-16s not scored: %s%n", name, ex.getMessage());
                continue;
            }
            scores.forEach(sc -> report.add(name, sc.getKey(), sc.getValue()));
            LOG.info("{}: {} explanations", e, explained);
            pw.printf(Locale.ROOT, "%-16s explained %d (record, class) pairs in %.0f ms%n", name, explained,
                    (System.nanoTime() - t0) / 1e6);
        }
        return report;
    }

    /** The explainer's own description, or its name and options where it has none (Object's toString). */
    private static String describe(Explainer e, EvaluateCommand.MethodSpec s) {
        String t = e.toString();
        return t.startsWith(e.getClass().getName() + "@") ? e.method() + (s.options().isEmpty() ? "" : " "
                + s.options()) : t;
    }

    /**
     * Grad-CAM and guided Grad-CAM take their layer ({@code "gradcam_layer"}) and lead groups
     * ({@code "lead_groups"}) from the model sidecar when the options do not name them.
     */
    static EvaluateCommand.MethodSpec withSidecarDefaults(EvaluateCommand.MethodSpec s, ModelDescription d) {
        String n = s.canonical();
        if (!(n.equals("gradcam") || n.equals("guided_gradcam") || n.equals("guidedgradcam")) || d == null
                || d.raw() == null) {
            return s;
        }
        Map<String, String> o = new LinkedHashMap<>(s.options());
        if (!o.containsKey("layer") && d.raw().path("gradcam_layer").isTextual()) {
            o.put("layer", d.raw().get("gradcam_layer").asText());
        }
        boolean groupsGiven = o.keySet().stream().anyMatch(k -> k.replace('_', '-').equals("lead-groups"));
        if (!groupsGiven && d.raw().path("lead_groups").canConvertToInt() && d.raw().get("lead_groups").asInt() > 1) {
            o.put("lead-groups", Integer.toString(d.raw().get("lead_groups").asInt()));
        }
        return new EvaluateCommand.MethodSpec(s.name(), o);
    }
}
