package org.explain4j.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-class ground-truth table of several methods ({@link IntervalTruth}): for each method and
 * class, the mean over the records labelled with that class of the share of |attribution| on the
 * class's defining cells and of the top-k precision, next to what a uniform map scores (the
 * cells' share of the record). An {@code all} row averages over every (record, class) pair.
 */
public final class IntervalTruthReport {
    /** One cell of the table: a method on a class (or "all"), averaged over {@code records}. */
    public record Row(String method, String className, int records, double share, double precisionAtK,
                      double uniform, int zeroMaps) {
    }

    private final String title;
    private final List<String> classNames;
    private final Map<String, String> context;
    private final Map<String, List<List<IntervalTruth.CellScore>>> scores = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();

    public IntervalTruthReport(String title, List<String> classNames, Map<String, String> context) {
        this.title = title;
        this.classNames = List.copyOf(classNames);
        this.context = new LinkedHashMap<>(context);
    }

    /** Adds one record's score of {@code method} on class {@code classIndex}. */
    public void add(String method, int classIndex, IntervalTruth.CellScore s) {
        List<List<IntervalTruth.CellScore>> perClass = scores.computeIfAbsent(method, m -> {
            List<List<IntervalTruth.CellScore>> l = new ArrayList<>();
            classNames.forEach(c -> l.add(new ArrayList<>()));
            return l;
        });
        perClass.get(classIndex).add(s);
    }

    /** Records that {@code method} could not be run (its row says why instead of numbers). */
    public void failed(String method, String reason) {
        failures.put(method, reason);
    }

    public List<String> methods() {
        List<String> all = new ArrayList<>(scores.keySet());
        failures.keySet().stream().filter(m -> !all.contains(m)).forEach(all::add);
        return all;
    }

    /** Method by method, its classes then "all"; classes without records are left out. */
    public List<Row> rows() {
        List<Row> out = new ArrayList<>();
        for (Map.Entry<String, List<List<IntervalTruth.CellScore>>> e : scores.entrySet()) {
            List<IntervalTruth.CellScore> all = new ArrayList<>();
            for (int c = 0; c < classNames.size(); c++) {
                List<IntervalTruth.CellScore> s = e.getValue().get(c);
                if (!s.isEmpty()) {
                    out.add(row(e.getKey(), classNames.get(c), s));
                    all.addAll(s);
                }
            }
            if (!all.isEmpty()) {
                out.add(row(e.getKey(), "all", all));
            }
        }
        return out;
    }

    private static Row row(String method, String cls, List<IntervalTruth.CellScore> s) {
        double share = 0;
        double prec = 0;
        double uni = 0;
        int zero = 0;
        for (IntervalTruth.CellScore c : s) {
            share += c.share();
            prec += c.precisionAtK();
            uni += c.uniform();
            zero += c.zeroMap() ? 1 : 0;
        }
        int n = s.size();
        return new Row(method, cls, n, share / n, prec / n, uni / n, zero);
    }

    public String csv() {
        StringBuilder b = new StringBuilder("method,class,records,mass_share,precision_at_k,uniform_share,zero_maps\n");
        for (Row r : rows()) {
            b.append(String.format(Locale.ROOT, "%s,%s,%d,%.6f,%.6f,%.6f,%d%n", r.method(), r.className(), r.records(),
                    r.share(), r.precisionAtK(), r.uniform(), r.zeroMaps()));
        }
        return b.toString();
    }

    /** Two tables, classes × methods: share of |attribution| on the truth, then top-k precision. */
    public String markdown() {
        List<String> methods = new ArrayList<>(scores.keySet());
        List<Row> rows = rows();
        List<String> classes = new ArrayList<>();
        for (Row r : rows) {
            if (!classes.contains(r.className())) {
                classes.add(r.className());
            }
        }
        classes.remove("all");
        classes.add("all");
        StringBuilder b = new StringBuilder("# ").append(title).append("\n\n");
        context.forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append('\n'));
        b.append('\n');
        table(b, "Share of |attribution| on the defining cells (mean over the records of each class)", classes,
                methods, rows, true);
        table(b, "Top-k precision, k = number of defining cells (ties at the k-th value counted by expected share)",
                classes, methods, rows, false);
        if (!failures.isEmpty()) {
            b.append("Not scored:\n");
            failures.forEach((m, why) -> b.append("- ").append(m).append(": ").append(why).append('\n'));
            b.append('\n');
        }
        b.append("A uniform map scores the uniform column on both tables: the defining cells' share of all cells. ")
                .append("Records: those labelled with the class; each is explained for that class, predicted or not.");
        long zero = rows.stream().filter(r -> !r.className().equals("all")).mapToLong(Row::zeroMaps).sum();
        if (zero > 0) {
            b.append(" ").append(zero).append(" explanation(s) were all zero (e.g. Grad-CAM's ReLU removed everything);")
                    .append(" they score a share of 0.");
        }
        return b.append('\n').toString();
    }

    private static void table(StringBuilder b, String heading, List<String> classes, List<String> methods,
                              List<Row> rows, boolean share) {
        b.append("## ").append(heading).append("\n\n| class | records |");
        methods.forEach(m -> b.append(' ').append(m).append(" |"));
        b.append(" uniform |\n|---|---:|");
        methods.forEach(m -> b.append("---:|"));
        b.append("---:|\n");
        for (String c : classes) {
            Row any = rows.stream().filter(r -> r.className().equals(c)).findFirst().orElse(null);
            if (any == null) {
                continue;
            }
            b.append("| ").append(c).append(" | ").append(any.records()).append(" |");
            for (String m : methods) {
                Row r = rows.stream().filter(x -> x.method().equals(m) && x.className().equals(c)).findFirst()
                        .orElse(null);
                b.append(' ').append(r == null ? "–" : String.format(Locale.ROOT, "%.3f",
                        share ? r.share() : r.precisionAtK())).append(" |");
            }
            b.append(String.format(Locale.ROOT, " %.3f |%n", any.uniform()));
        }
        b.append('\n');
    }

    public void writeCsv(Path file) throws IOException {
        Files.writeString(file, csv(), StandardCharsets.UTF_8);
    }

    public void writeMarkdown(Path file) throws IOException {
        Files.writeString(file, markdown(), StandardCharsets.UTF_8);
    }
}
