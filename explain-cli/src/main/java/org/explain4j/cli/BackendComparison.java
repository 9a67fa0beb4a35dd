package org.explain4j.cli;

import org.explain4j.metrics.Similarity;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The table of {@code explain4j compare}: for each backend, how far its predictions and
 * attributions are from the first backend's, how alike the attributions rank the input
 * elements, and what one explanation costs.
 */
final class BackendComparison {

    /** What one backend produced: its outputs, its attribution values and the timed runs. */
    record Run(String backend, String engine, double loadMillis, FloatTensor predictions, FloatTensor attributions,
               double[] runMillis) {
        Run {
            runMillis = runMillis.clone();
        }

        /** Median wall time of one explain call over all samples. */
        double medianMillis() {
            return median(runMillis);
        }
    }

    /** One row of the table, the first backend's compared with itself. */
    record Row(String backend, String engine, double loadMillis, double predictionMaxAbsDiff,
               double attributionMaxAbsDiff, double spearmanMin, double spearmanMean, double millisPerRun,
               double millisPerSample, double ratioToFastest) {
    }

    static final List<String> CSV_HEADER = List.of("backend", "engine", "load_ms", "prediction_max_abs_diff",
            "attribution_max_abs_diff", "spearman_min", "spearman_mean", "ms_per_run", "ms_per_sample",
            "ratio_to_fastest");

    private BackendComparison() {
    }

    /** Compares every run with the first; all runs cover the same samples. */
    static List<Row> rows(List<Run> runs) {
        Run first = runs.get(0);
        double fastest = runs.stream().mapToDouble(Run::medianMillis).min().orElseThrow();
        int samples = first.attributions().batchSize();
        List<Row> rows = new ArrayList<>();
        for (Run r : runs) {
            double[] rho = new double[samples];
            for (int i = 0; i < samples; i++) {
                rho[i] = spearman(first.attributions().sampleData(i), r.attributions().sampleData(i));
            }
            double ms = r.medianMillis();
            rows.add(new Row(r.backend(), r.engine(), r.loadMillis(),
                    maxAbsDiff(first.predictions(), r.predictions()),
                    maxAbsDiff(first.attributions(), r.attributions()),
                    Arrays.stream(rho).min().orElse(Double.NaN), Arrays.stream(rho).average().orElse(Double.NaN),
                    ms, ms / samples, fastest > 0 ? ms / fastest : Double.NaN));
        }
        return rows;
    }

    static double maxAbsDiff(FloatTensor a, FloatTensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " differ");
        }
        double m = 0;
        for (int i = 0; i < a.size(); i++) {
            m = Math.max(m, Math.abs((double) a.get(i) - b.get(i)));
        }
        return m;
    }

    /**
     * Spearman's rank correlation ({@link Similarity#spearman}): Pearson's correlation of the
     * ranks, tied values sharing their average rank. NaN when either side is constant.
     */
    static double spearman(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths " + a.length + " and " + b.length + " differ");
        }
        return Similarity.spearman(a, 0, b, 0, a.length);
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** The table as CSV: a header line, then one line per backend; numbers in full precision. */
    static String csv(List<Row> rows) {
        StringBuilder sb = new StringBuilder(String.join(",", CSV_HEADER)).append('\n');
        for (Row r : rows) {
            sb.append(String.join(",", r.backend(), quote(r.engine()), num(r.loadMillis()),
                    num(r.predictionMaxAbsDiff()), num(r.attributionMaxAbsDiff()), num(r.spearmanMin()),
                    num(r.spearmanMean()), num(r.millisPerRun()), num(r.millisPerSample()), num(r.ratioToFastest())))
                    .append('\n');
        }
        return sb.toString();
    }

    /** The table as Markdown, headed by {@code title} lines; differences are against the first row. */
    static String markdown(List<String> title, List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        title.forEach(t -> sb.append(t).append('\n'));
        sb.append('\n');
        String reference = rows.get(0).backend();
        sb.append("| backend | engine | load ms | prediction max abs Δ | attribution max abs Δ | Spearman ρ min / mean"
                + " | ms per explanation call | ms per sample | × fastest |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            boolean self = r == rows.get(0);
            sb.append("| ").append(r.backend()).append(" | ").append(r.engine()).append(" | ")
                    .append(fixed(r.loadMillis(), 0)).append(" | ")
                    .append(self ? "(reference)" : sci(r.predictionMaxAbsDiff())).append(" | ")
                    .append(self ? "(reference)" : sci(r.attributionMaxAbsDiff())).append(" | ")
                    .append(self ? "(reference)" : fixed(r.spearmanMin(), 6) + " / " + fixed(r.spearmanMean(), 6))
                    .append(" | ").append(fixed(r.millisPerRun(), 2)).append(" | ")
                    .append(fixed(r.millisPerSample(), 3)).append(" | ")
                    .append(fixed(r.ratioToFastest(), 2)).append(" |\n");
        }
        sb.append('\n').append("Differences are against ").append(reference)
                .append("; Spearman ρ ranks each sample's attribution values (min and mean over samples).\n");
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static String sci(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2e", v);
    }

    private static String fixed(double v, int digits) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
