package org.explain4j.cli;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Explainers;
import org.explain4j.explain.Target;
import org.explain4j.io.Npy;
import org.explain4j.io.OutputDirectory;
import org.explain4j.io.Predictions;
import org.explain4j.metrics.IntervalTruth;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.OutputActivation;
import org.explain4j.models.ReferenceModels;
import org.explain4j.models.ecg.EcgRecords;
import org.explain4j.models.ecg.EcgResampler;
import org.explain4j.models.ecg.EcgWindow;
import org.explain4j.models.ecg.WfdbRecord;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.OrtOptions;
import org.explain4j.render.EcgPlot;
import org.explain4j.report.HtmlReport;
import org.explain4j.tensor.FloatTensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code explain4j demo ecg}: the two 12-lead ECG models (METHODS §6) on real records and on
 * synthetic records whose defining features are known.
 * <ul>
 *   <li>Real: PTB-XL 00001_lr (100 Hz) and PTB s0010_re (1000 Hz, first 10.24 s), resampled to
 *   the models' 200 Hz × 2048 samples, through {@code ecg_resnet} and {@code ecg_perlead}: the six
 *   class probabilities, and for the top class Grad-CAM (one map shared by all leads for the
 *   ResNet, one map per lead for the per-lead model), guided Grad-CAM and Integrated Gradients.
 *   The models learnt from synthetic ECGs only: what they say about a real record is shown, not
 *   claimed to be right.</li>
 *   <li>Synthetic: one evaluation record each of RBBB, 1dAVb and AF, explained by each model's
 *   Grad-CAM for the true class with the ground-truth intervals drawn, and the share of the map on
 *   them.</li>
 * </ul>
 * Writes one PNG + SVG per picture ({@link EcgPlot}), {@code index.html} with the prediction
 * table and the pictures, and {@code predictions.csv}; all at once or nothing.
 */
final class EcgDemo {
    static final List<String> MODELS = List.of("ecg_resnet", "ecg_perlead");
    static final List<String> RECORDS = List.of("00001_lr", "s0010_re");
    static final List<String> SYNTHETIC_CLASSES = List.of("RBBB", "1dAVb", "AF");
    static final String EVAL = EmbeddedData.ECG_EVAL;
    static final int IG_STEPS = 32;
    /** The probability at which a class counts as predicted (multi-label sigmoid outputs). */
    static final double THRESHOLD = 0.5;
    /** Signed maps' colour scale ends at this quantile of |attribution|; larger values are clipped. */
    static final double CLIP_QUANTILE = 0.995;

    /** What one model said about one record. */
    private record Prediction(String record, String model, double[] probabilities) {
    }

    private EcgDemo() {
    }

    /** Whether both ECG models, the bundled records and the synthetic evaluation set are embedded. */
    static boolean available() {
        if (!ReferenceModels.names().containsAll(MODELS)) {
            return false;
        }
        try (InputStream in = EcgDemo.class.getClassLoader().getResourceAsStream(EVAL + ".npy")) {
            return in != null;
        } catch (IOException e) {
            return false;
        }
    }

    static void run(String device, Path out, PrintWriter pw) {
        if (!available()) {
            throw new ExplainException("the ECG demo needs the embedded models " + String.join(" and ", MODELS)
                    + " and " + EVAL + ".npy, which this build lacks; run models-onnx/python/train_ecg.py and rebuild");
        }
        long start = System.nanoTime();
        List<Prediction> predictions = new ArrayList<>();
        try (OutputDirectory dir = OutputDirectory.create(out)) {
            Npy.Array eval = readEval();
            List<String> classNames = List.of();
            List<Panel> real = new ArrayList<>();
            List<Panel> synthetic = new ArrayList<>();
            Map<String, String> settings = new LinkedHashMap<>();
            ModelSetup first = null;
            for (String name : MODELS) {
                try (OrtModel model = OrtModel.open(ReferenceModels.source(name), OrtOptions.defaults().withDevice(device))) {
                    ModelSetup s = ModelSetup.of(model.info());
                    first = first == null ? s : first;
                    Map<String, Explainer> methods = explainers(model.info().description());
                    methods.forEach((m, e) -> settings.put(name + " " + m, e.toString()));
                    for (String record : RECORDS) {
                        real.addAll(explainReal(model, s, record, methods, predictions, dir, pw));
                    }
                    classNames = s.classes;
                    IntervalTruth truth;
                    try (InputStream in = resource(EVAL + ".truth.json")) {
                        truth = IntervalTruth.parse(in, EVAL + ".truth.json", classNames, s.leads, s.samples);
                    }
                    for (String cls : SYNTHETIC_CLASSES) {
                        synthetic.add(explainSynthetic(model, s, eval, truth, cls, methods.get("gradcam"), predictions,
                                dir));
                    }
                }
            }
            predictions.sort(java.util.Comparator.comparing(Prediction::record)
                    .thenComparingInt(p -> MODELS.indexOf(p.model())));
            HtmlReport report = HtmlReport.titled("explain4j demo: 12-lead ECG, " + String.join(" and ", MODELS))
                    .summary("Two ECG classifiers (METHODS §6): " + MODELS.get(0) + ", a scaled-down Ribeiro et al. "
                            + "ResNet-1D whose Grad-CAM is one map shared by all leads, and " + MODELS.get(1) + ", whose "
                            + "early convolutions are grouped by lead so Grad-CAM gives one map per lead. Both were "
                            + "trained on synthetic 12-lead ECGs (leads " + String.join(", ", first.leads) + ", "
                            + num(first.rate) + " Hz, " + first.samples + " samples) "
                            + "for six labels: " + String.join(", ", CLASSES_TEXT) + ".")
                    .summary("Real records: PTB-XL 00001_lr and PTB s0010_re, resampled to " + num(first.rate)
                            + " Hz. The models never saw"
                            + " a real ECG; their outputs on these records show what the models do, with no claim of "
                            + "clinical accuracy.")
                    .table("Predicted probabilities (sigmoid per class; predicted = p ≥ 0.5). No claim of clinical "
                            + "accuracy.", header(classNames), rows(predictions, classNames));
            // record by record, the two models side by side, then the synthetic records class by class
            java.util.Comparator<Panel> order = java.util.Comparator.comparing(Panel::record)
                    .thenComparingInt(p -> MODELS.indexOf(p.model()));
            real.stream().sorted(order).forEach(p -> report.panel(p.panel()));
            synthetic.stream().sorted(order).forEach(p -> report.panel(p.panel()));
            List<String> described = new ArrayList<>();
            settings.forEach((k, v) -> described.add(k + ": " + v));
            report.summary("Settings: " + String.join(" · ", described) + ".");
            writePredictions(dir.file("predictions.csv"), predictions, classNames);
            report.file("predictions.csv").write(dir);
            dir.commit();
            pw.println();
            pw.print(textTable(predictions, classNames));
            pw.println("(no claim of clinical accuracy: both models learnt from synthetic ECGs only)");
            for (Panel p : synthetic) {
                pw.println("  " + p.line);
            }
            pw.printf(Locale.ROOT, "wrote %d pictures (.png, .svg), predictions.csv and index.html to %s in %.1f s%n",
                    real.size() + synthetic.size(), out, (System.nanoTime() - start) / 1e9);
            pw.println("open " + out.resolve(HtmlReport.FILE) + " in a browser to see them");
            pw.flush();
        } catch (IOException e) {
            throw new ExplainException("cannot write the ECG demo files into " + out + ": " + e.getMessage(), e);
        }
    }

    private static final List<String> CLASSES_TEXT = List.of("1dAVb (first-degree AV block)",
            "RBBB (right bundle branch block)", "LBBB (left bundle branch block)", "SB (sinus bradycardia)",
            "AF (atrial fibrillation)", "ST (sinus tachycardia)");

    /** One picture for the page, and a line for the terminal. */
    private record Panel(String record, String model, HtmlReport.Panel panel, String line) {
    }

    /** What the demo needs to know of a model's input and output, from its sidecar. */
    private record ModelSetup(String name, List<String> leads, List<String> classes, double rate, int samples,
                              String units, boolean perLead, String layer) {
        static ModelSetup of(ModelInfo info) {
            ModelDescription d = info.description();
            long[] shape = info.input().shape();
            if (shape.length != 3 || d.featureNames().size() != shape[1]) {
                throw new ExplainException("model " + info.name() + " is not a [N, leads, samples] ECG model with "
                        + "named leads; the ECG demo needs one");
            }
            double rate = d.samplingRateHz().orElseThrow(() -> new ExplainException("model " + info.name()
                    + "'s sidecar gives no input.sampling_rate_hz; the ECG demo needs it to resample records"));
            List<String> classes = new ArrayList<>();
            for (int c = 0; c < info.classCount(); c++) {
                classes.add(d.className(c));
            }
            boolean perLead = d.raw() != null && d.raw().path("lead_groups").asInt(0) > 1;
            String layer = d.raw() == null ? "?" : d.raw().path("gradcam_layer").asText("?");
            return new ModelSetup(info.name(), d.featureNames(), classes, rate, (int) shape[2], d.units().orElse("mV"),
                    perLead, layer);
        }

        String camName() {
            return perLead ? "per-lead Grad-CAM" : "Grad-CAM (one map shared by all leads)";
        }
    }

    /** Grad-CAM (shared or per lead, from the sidecar), guided Grad-CAM and IG, in that order. */
    private static Map<String, Explainer> explainers(ModelDescription d) {
        Map<String, Explainer> m = new LinkedHashMap<>();
        for (String method : List.of("gradcam", "guided_gradcam")) {
            EvaluateCommand.MethodSpec s = IntervalTruthRun.withSidecarDefaults(
                    new EvaluateCommand.MethodSpec(method, Map.of()), d);
            m.put(method, Explainers.byName(method, s.options()));
        }
        m.put("integrated_gradients", Explainers.byName("integrated_gradients", Map.of("steps",
                Integer.toString(IG_STEPS))));
        return m;
    }

    private static List<Panel> explainReal(OrtModel model, ModelSetup s, String recordName,
                                           Map<String, Explainer> methods, List<Prediction> predictions,
                                           OutputDirectory dir, PrintWriter pw) throws IOException {
        WfdbRecord record = EcgRecords.bundled(recordName);
        EcgWindow w = EcgResampler.window(record, s.leads, s.rate, s.samples, 0, s.units);
        if (!w.missingLeads().isEmpty()) {
            throw new ExplainException("record " + recordName + " lacks leads " + w.missingLeads() + " that "
                    + s.name + " takes");
        }
        FloatTensor x = w.tensor();
        double[] p = Predictions.probabilities(model.forward(x).sampleData(0), OutputActivation.SIGMOID);
        predictions.add(new Prediction(recordName + " (" + shortSource(recordName) + ")", s.name, p));
        int top = argmax(p);
        double used = Math.min(record.durationSeconds(), s.samples / s.rate);
        String window = String.format(Locale.ROOT, "first %.2f s of %.1f s at %s Hz, resampled to %s Hz%s",
                used, record.durationSeconds(), num(record.samplingHz()), num(s.rate),
                record.durationSeconds() < s.samples / s.rate ? String.format(Locale.ROOT,
                        ", zero-padded after %.2f s", record.durationSeconds()) : "");
        String trueText = "True: " + trueLabel(record);
        List<Panel> out = new ArrayList<>();
        float[][] signal = EcgPlot.byLead(x.sampleData(0), s.leads.size());
        for (Map.Entry<String, Explainer> e : methods.entrySet()) {
            Attribution a = e.getValue().explain(model, x, Target.of(top));
            String title = recordName + " · " + s.name + " · " + methodTitle(e.getKey(), s) + " · for "
                    + s.classes.get(top);
            String file = recordName + "_" + s.name + "_" + e.getKey();
            float[][] values = EcgPlot.byLead(a.values().sampleData(0), s.leads.size());
            boolean cam = e.getKey().equals("gradcam");
            EcgPlot plot = EcgPlot.builder(signal, s.leads, s.rate).attribution(values)
                    .colors(cam ? EcgPlot.Colors.SEQUENTIAL : EcgPlot.Colors.DIVERGING)
                    // guided backprop and IG are spiky: a top at the 99.5th percentile keeps the rest visible
                    .scaleMax(cam ? 0 : EcgPlot.magnitudeQuantile(values, CLIP_QUANTILE))
                    .title(title).subtitle(predictedText(p, s.classes) + " · " + trueText)
                    .subtitle(source(recordName) + ", " + window + " · no claim of clinical accuracy")
                    .legend(legend(e.getKey())).unit(s.units).build();
            plot.writePng(dir.file(file + ".png"));
            plot.writeSvg(dir.file(file + ".svg"));
            out.add(new Panel(recordName, s.name, new HtmlReport.Panel(title, file + ".png", file + ".svg",
                    caption(e.getKey(), s, s.classes.get(top))), title));
        }
        pw.printf(Locale.ROOT, "%-9s %-12s %s%n", recordName, s.name, predictedText(p, s.classes));
        return out;
    }

    private static Panel explainSynthetic(OrtModel model, ModelSetup s, Npy.Array eval, IntervalTruth truth, String cls,
                                          Explainer gradcam, List<Prediction> predictions, OutputDirectory dir)
            throws IOException {
        int c = s.classes.indexOf(cls);
        if (c < 0) {
            throw new ExplainException("model " + s.name + " has no class " + cls + "; its classes are " + s.classes);
        }
        int[] with = truth.recordsWith(c);
        if (with.length == 0) {
            throw new ExplainException(EVAL + ".truth.json has no record labelled " + cls);
        }
        int r = with[0];
        int d = s.leads.size() * s.samples;
        if (eval.shape().length != 3 || eval.shape()[1] != s.leads.size() || eval.shape()[2] != s.samples
                || r >= eval.shape()[0]) {
            throw new ExplainException(EVAL + ".npy has shape " + java.util.Arrays.toString(eval.shape())
                    + "; the ECG models take [N, " + s.leads.size() + ", " + s.samples + "] with N > " + r);
        }
        float[] data = java.util.Arrays.copyOfRange(eval.data(), r * d, (r + 1) * d);
        FloatTensor x = new FloatTensor(new long[]{1, s.leads.size(), s.samples}, data);
        double[] p = Predictions.probabilities(model.forward(x).sampleData(0), OutputActivation.SIGMOID);
        String label = String.format(Locale.ROOT, "synthetic %02d", r);
        predictions.add(new Prediction(label + " (true: " + cls + ")", s.name, p));
        Attribution a = gradcam.explain(model, x, Target.of(c));
        IntervalTruth.CellScore score = IntervalTruth.score(a.values().sampleData(0), truth.mask(r, c));
        IntervalTruth.Region region = truth.entry(r).regions().get(c);
        List<EcgPlot.Interval> marks = new ArrayList<>();
        for (int lead : region.leads()) {
            for (int[] iv : region.intervals()) {
                marks.add(new EcgPlot.Interval(lead, iv[0], iv[1]));
            }
        }
        String title = label + " · " + s.name + " · " + methodTitle("gradcam", s) + " · for " + cls;
        String file = String.format(Locale.ROOT, "synthetic%02d_%s_%s_gradcam", r, cls, s.name);
        String judged = String.format(Locale.ROOT, "share of the map on the truth %.3f (uniform %.3f) · top-k precision "
                + "%.3f", score.share(), score.uniform(), score.precisionAtK());
        EcgPlot plot = EcgPlot.builder(EcgPlot.byLead(data, s.leads.size()), s.leads, s.rate)
                .attribution(EcgPlot.byLead(a.values().sampleData(0), s.leads.size()))
                .colors(EcgPlot.Colors.SEQUENTIAL).truth(marks).title(title)
                .subtitle(predictedText(p, s.classes) + " · True: " + cls)
                .subtitle(judged + " · green: where the generator put the " + cls + " feature")
                .legend(legend("gradcam")).unit(s.units).build();
        plot.writePng(dir.file(file + ".png"));
        plot.writeSvg(dir.file(file + ".svg"));
        return new Panel(label, s.name, new HtmlReport.Panel(title, file + ".png", file + ".svg", "Synthetic record " + r + " of the "
                + "evaluation set, labelled " + cls + "; green marks the leads and intervals that define " + cls + " ("
                + definition(cls) + "). " + judged + "."), s.name + " " + label + " " + cls + ": " + judged);
    }

    // ---- text ------------------------------------------------------------------------------

    private static String methodTitle(String method, ModelSetup s) {
        return switch (method) {
            case "gradcam" -> s.camName();
            case "guided_gradcam" -> "guided Grad-CAM" + (s.perLead ? " (per lead)" : "");
            default -> "Integrated Gradients (" + IG_STEPS + " steps, zero baseline)";
        };
    }

    private static String legend(String method) {
        return switch (method) {
            case "gradcam" -> "Grad-CAM";
            case "guided_gradcam" -> "guided Grad-CAM";
            default -> "IG";
        };
    }

    private static String caption(String method, ModelSetup s, String cls) {
        return switch (method) {
            case "gradcam" -> (s.perLead ? "Per-lead Grad-CAM: the last grouped convolution's channels split into "
                    + "one group per lead, so each lead has its own map" : "Grad-CAM of layer " + s.layer + ": one "
                    + "map over time, the same for every lead") + "; ReLU, not rescaled. Dark red: where the layer's "
                    + "evidence for " + cls + " is strongest.";
            case "guided_gradcam" -> "Guided backpropagation × the upsampled Grad-CAM (METHODS §3): fine detail "
                    + "inside the regions Grad-CAM picked. Red: increasing the value would raise " + cls
                    + ", blue: lower it.";
            default -> "Integrated Gradients from the all-zero signal (" + IG_STEPS + " Gauss-Legendre steps): red "
                    + "pushes the " + cls + " logit up, blue down; the cells add up to logit(x) − logit(0).";
        };
    }

    private static String definition(String cls) {
        return switch (cls) {
            case "1dAVb" -> "the PR intervals of every beat, all leads";
            case "RBBB" -> "the wide QRS complexes in V1, V2, I and V6";
            case "LBBB" -> "the wide QRS complexes in I, aVL, V5, V6, V1, V2, V3";
            case "AF" -> "the TQ segments, T end to the next QRS onset, where P waves would be and the f-waves "
                    + "show, all leads";
            default -> "the QRS complexes, all leads: rate is a property of the beat positions, which the QRS "
                    + "complexes mark";
        };
    }

    private static String shortSource(String record) {
        return record.equals("s0010_re") ? "PTB" : source(record);
    }

    private static String source(String record) {
        return switch (record) {
            case "00001_lr" -> "PTB-XL";
            case "s0010_re" -> "PTB Diagnostic ECG Database";
            default -> "WFDB";
        };
    }

    /** What the record's own header says it is; none of the six labels is given for these records. */
    private static String trueLabel(WfdbRecord r) {
        List<String> said = new ArrayList<>();
        for (String c : r.header().comments()) {
            String t = c.replaceFirst("^#\\s*", "").trim();
            if (t.startsWith("Reason for admission") || t.startsWith("Acute infarction")) {
                said.add(t);
            }
        }
        return said.isEmpty() ? "not given (the header has no diagnosis)" : "none of the six labels given; header: "
                + String.join("; ", said);
    }

    private static String predictedText(double[] p, List<String> classes) {
        List<String> yes = new ArrayList<>();
        for (int c = 0; c < p.length; c++) {
            if (p[c] >= THRESHOLD) {
                yes.add(classes.get(c) + String.format(Locale.ROOT, " %.2f", p[c]));
            }
        }
        int top = argmax(p);
        return "Predicted: " + (yes.isEmpty() ? "none ≥ 0.5 (top " + classes.get(top)
                + String.format(Locale.ROOT, " %.2f)", p[top]) : String.join(", ", yes));
    }

    private static List<String> header(List<String> classes) {
        List<String> h = new ArrayList<>(List.of("record", "model"));
        h.addAll(classes);
        h.add("predicted (p ≥ 0.5)");
        return h;
    }

    private static List<List<String>> rows(List<Prediction> predictions, List<String> classes) {
        List<List<String>> rows = new ArrayList<>();
        for (Prediction p : predictions) {
            List<String> r = new ArrayList<>(List.of(p.record(), p.model()));
            List<String> yes = new ArrayList<>();
            for (int c = 0; c < p.probabilities().length; c++) {
                r.add(String.format(Locale.ROOT, "%.3f", p.probabilities()[c]));
                if (p.probabilities()[c] >= THRESHOLD) {
                    yes.add(classes.get(c));
                }
            }
            r.add(yes.isEmpty() ? "none" : String.join(", ", yes));
            rows.add(r);
        }
        return rows;
    }

    private static String textTable(List<Prediction> predictions, List<String> classes) {
        StringBuilder b = new StringBuilder();
        List<String> h = header(classes);
        b.append(String.format(Locale.ROOT, "%-28s %-12s", h.get(0), h.get(1)));
        for (int c = 2; c < h.size() - 1; c++) {
            b.append(String.format(Locale.ROOT, " %6s", h.get(c)));
        }
        b.append("  ").append(h.get(h.size() - 1)).append('\n');
        for (List<String> r : rows(predictions, classes)) {
            b.append(String.format(Locale.ROOT, "%-28s %-12s", r.get(0), r.get(1)));
            for (int c = 2; c < r.size() - 1; c++) {
                b.append(String.format(Locale.ROOT, " %6s", r.get(c)));
            }
            b.append("  ").append(r.get(r.size() - 1)).append('\n');
        }
        return b.toString();
    }

    private static void writePredictions(Path file, List<Prediction> predictions, List<String> classes)
            throws IOException {
        StringBuilder b = new StringBuilder("record,model," + String.join(",", classes) + "\n");
        for (Prediction p : predictions) {
            b.append('"').append(p.record()).append("\",").append(p.model());
            for (double v : p.probabilities()) {
                b.append(',').append(String.format(Locale.ROOT, "%.6f", v));
            }
            b.append('\n');
        }
        Files.writeString(file, b.toString());
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static InputStream resource(String name) {
        InputStream in = EcgDemo.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new ExplainException("embedded file " + name + " is missing; rebuild models-onnx");
        }
        return in;
    }

    /** The synthetic evaluation set, through a temporary file (the .npy reader takes a path). */
    private static Npy.Array readEval() throws IOException {
        Path tmp = Files.createTempFile("explain4j-ecg-eval-", ".npy");
        try (InputStream in = resource(EVAL + ".npy")) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return Npy.readArray(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
