package org.explain4j.perturb;

import org.explain4j.ExplainException;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an audit found over the whole data set, accumulated instance by instance in constant
 * memory: per interpretable feature the mean |attribution| and mean attribution, overall and
 * per explained class, and the surrogates' mean R². Thread-safe.
 */
public final class AuditSummary {

    /** One feature's statistics; {@code meanAbsByClass} by class index. */
    public record FeatureStat(int feature, String name, double meanAbs, double mean,
                              Map<Integer, Double> meanAbsByClass) {
    }

    private static final class Sums {
        long n;
        final double[] abs;
        final double[] signed;

        Sums(int d) {
            abs = new double[d];
            signed = new double[d];
        }

        void add(double[] a) {
            n++;
            for (int f = 0; f < a.length; f++) {
                abs[f] += Math.abs(a[f]);
                signed[f] += a[f];
            }
        }
    }

    private final List<String> features;
    private final List<String> classNames;
    private final Sums all;
    private final Map<Integer, Sums> byClass = new TreeMap<>();
    private double r2Sum;
    private long r2Count;

    public AuditSummary(List<String> features, List<String> classNames) {
        this.features = List.copyOf(features);
        this.classNames = List.copyOf(classNames);
        this.all = new Sums(features.size());
    }

    /** Adds one instance explained for class {@code target}; a NaN R² (nothing fitted) is skipped. */
    public synchronized void add(int target, double[] attribution, double r2) {
        all.add(attribution);
        byClass.computeIfAbsent(target, t -> new Sums(features.size())).add(attribution);
        if (!Double.isNaN(r2)) {
            r2Sum += r2;
            r2Count++;
        }
    }

    public synchronized long count() {
        return all.n;
    }

    /** Instances per explained class. */
    public synchronized Map<Integer, Long> classCounts() {
        Map<Integer, Long> out = new LinkedHashMap<>();
        byClass.forEach((c, s) -> out.put(c, s.n));
        return out;
    }

    /** Mean weighted R² of the surrogates, NaN when none was fitted. */
    public synchronized double meanR2() {
        return r2Count == 0 ? Double.NaN : r2Sum / r2Count;
    }

    public String className(int c) {
        return c >= 0 && c < classNames.size() ? classNames.get(c) : "class " + c;
    }

    public List<String> features() {
        return features;
    }

    /** Features by decreasing mean |attribution| (ties by index). */
    public synchronized List<FeatureStat> ranking() {
        List<FeatureStat> out = new ArrayList<>();
        for (int f = 0; f < features.size(); f++) {
            Map<Integer, Double> perClass = new LinkedHashMap<>();
            for (Map.Entry<Integer, Sums> e : byClass.entrySet()) {
                perClass.put(e.getKey(), e.getValue().abs[f] / e.getValue().n);
            }
            out.add(new FeatureStat(f, features.get(f), all.n == 0 ? 0 : all.abs[f] / all.n,
                    all.n == 0 ? 0 : all.signed[f] / all.n, perClass));
        }
        out.sort(Comparator.comparingDouble((FeatureStat s) -> -s.meanAbs()).thenComparingInt(FeatureStat::feature));
        return out;
    }

    /**
     * Writes {@code rank,feature,mean_abs_attribution,mean_attribution} and one
     * {@code mean_abs_attribution[<class> n=<count>]} column per explained class, one row per
     * feature, most important first.
     */
    public synchronized void writeCsv(Path file) {
        List<FeatureStat> ranking = ranking();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder header = new StringBuilder("rank,feature,mean_abs_attribution,mean_attribution");
            for (Map.Entry<Integer, Sums> e : byClass.entrySet()) {
                header.append(',').append(quote("mean_abs_attribution[" + className(e.getKey()) + " n=" + e.getValue().n + "]"));
            }
            w.write(header.append('\n').toString());
            int rank = 1;
            for (FeatureStat s : ranking) {
                StringBuilder line = new StringBuilder();
                line.append(rank++).append(',').append(quote(s.name())).append(',').append(number(s.meanAbs()))
                        .append(',').append(number(s.mean()));
                for (Integer c : byClass.keySet()) {
                    line.append(',').append(number(s.meanAbsByClass().get(c)));
                }
                w.write(line.append('\n').toString());
            }
        } catch (IOException e) {
            throw new ExplainException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }

    static String quote(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
