package org.explain4j.summary;

import org.explain4j.render.Heatmap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The pictures of an {@link AttributionSummary} and an {@code index.html} to browse them:
 * <ul>
 *   <li>per class, {@code class-<c>.png}: the mean attribution of the episodes predicted as that
 *       class, variables × time steps (for one-step inputs: variables × value bins, low to high);</li>
 *   <li>per variable and class, {@code feature-<f>-class-<c>.png}: value bins × time steps — where
 *       in time, and at which values, the variable drives the prediction (inputs with time only).</li>
 * </ul>
 * Colours are symmetric around 0 per picture; red is evidence for the predicted class.
 */
public final class SummaryReport {
    private SummaryReport() {
    }

    /**
     * Writes the pictures and {@code index.html}.
     *
     * @param file  where to write a file of a given name
     * @param title e.g. {@code synthetic_bilstm · saliency}
     * @param facts shown at the top of the page (episodes, throughput, ...)
     * @param arrowName the summary's Arrow file, linked from the page
     * @return the names of the files written
     */
    public static List<String> write(Function<String, Path> file, AttributionSummary s, String title,
                                     Map<String, String> facts, String arrowName) throws IOException {
        List<String> written = new ArrayList<>();
        SummaryAxes ax = s.axes();
        ValueBins vb = s.bins();
        boolean timed = ax.times() > 1;
        Map<Integer, String> classImages = new LinkedHashMap<>();
        for (int c = 0; c < s.classes(); c++) {
            String name = "class-" + c + ".png";
            String subtitle = s.episodes(c) + " episodes predicted " + s.classNames().get(c)
                    + " · mean attribution per cell";
            Heatmap h = timed
                    ? Heatmap.ofGrid(title + " · predicted " + s.classNames().get(c), subtitle, s.classMeans(c),
                    ax.featureNames(), "variable", "time step")
                    : Heatmap.ofGrid(title + " · predicted " + s.classNames().get(c), subtitle, s.featureBinMeans(c),
                    ax.featureNames(), "variable", "value bin (low → high)");
            h.writePng(file.apply(name));
            written.add(name);
            classImages.put(c, name);
        }
        Map<String, String> featureImages = new LinkedHashMap<>();
        if (timed) {
            for (int f = 0; f < ax.features(); f++) {
                List<String> labels = new ArrayList<>();
                for (int b = 0; b < vb.count(f); b++) {
                    labels.add(vb.label(f, b));
                }
                for (int c = 0; c < s.classes(); c++) {
                    String name = String.format(Locale.ROOT, "feature-%02d-class-%d.png", f, c);
                    Heatmap h = Heatmap.ofGrid(title + " · " + ax.featureNames().get(f) + " · predicted "
                                    + s.classNames().get(c),
                            "mean attribution by value bin (" + vb.kind(f).name().toLowerCase(Locale.ROOT)
                                    + ") and time step", s.featureMeans(c, f), labels, "value of "
                                    + ax.featureNames().get(f), "time step");
                    h.writePng(file.apply(name));
                    written.add(name);
                    featureImages.put(f + ":" + c, name);
                }
            }
        }
        Files.writeString(file.apply("index.html"), html(s, title, facts, arrowName, classImages, featureImages),
                StandardCharsets.UTF_8);
        written.add("index.html");
        return written;
    }

    private static String html(AttributionSummary s, String title, Map<String, String> facts, String arrowName,
                               Map<Integer, String> classImages, Map<String, String> featureImages) {
        SummaryAxes ax = s.axes();
        ValueBins vb = s.bins();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(esc(title)).append("</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222}"
                        + "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:4px 8px;"
                        + "vertical-align:top;text-align:left}img{max-width:100%}.thumb img{width:360px}"
                        + "nav a{margin-right:12px}</style></head><body>\n");
        h.append("<h1>Dataset summary: ").append(esc(title)).append("</h1>\n");
        h.append("<nav><a href=\"#classes\">per class</a>");
        if (!featureImages.isEmpty()) {
            h.append("<a href=\"#variables\">per variable</a>");
        }
        h.append("<a href=\"#bins\">value bins</a><a href=\"").append(esc(arrowName)).append("\">")
                .append(esc(arrowName)).append("</a></nav>\n");
        h.append("<table>");
        facts.forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v))
                .append("</td></tr>"));
        for (int c = 0; c < s.classes(); c++) {
            h.append("<tr><th>episodes predicted ").append(esc(s.classNames().get(c))).append("</th><td>")
                    .append(s.episodes(c)).append("</td></tr>");
        }
        h.append("</table>\n<p>Attribution is averaged over every cell of the episodes predicted as a class"
                + " (count, mean and standard deviation per class × variable × value bin × time step are in ")
                .append(esc(arrowName)).append("). Red: evidence for the predicted class; blue: against.</p>\n");
        h.append("<h2 id=\"classes\">Per class</h2>\n");
        classImages.forEach((c, img) -> h.append("<h3>predicted ").append(esc(s.classNames().get(c)))
                .append("</h3><a href=\"").append(img).append("\"><img src=\"").append(img).append("\" alt=\"")
                .append(esc(s.classNames().get(c))).append("\"></a>\n"));
        if (!featureImages.isEmpty()) {
            h.append("<h2 id=\"variables\">Per variable: value bins × time</h2>\n<table><tr><th>variable</th>");
            for (int c = 0; c < s.classes(); c++) {
                h.append("<th>predicted ").append(esc(s.classNames().get(c))).append("</th>");
            }
            h.append("</tr>\n");
            for (int f = 0; f < ax.features(); f++) {
                h.append("<tr><th>").append(esc(ax.featureNames().get(f))).append("</th>");
                for (int c = 0; c < s.classes(); c++) {
                    String img = featureImages.get(f + ":" + c);
                    h.append("<td class=\"thumb\"><a href=\"").append(img).append("\"><img src=\"").append(img)
                            .append("\" alt=\"").append(esc(ax.featureNames().get(f))).append("\"></a></td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<h2 id=\"bins\">Value bins</h2>\n<table><tr><th>variable</th><th>kind</th><th>bins</th>"
                + "<th>min</th><th>max</th></tr>\n");
        for (int f = 0; f < ax.features(); f++) {
            List<String> labels = new ArrayList<>();
            for (int b = 0; b < vb.count(f); b++) {
                labels.add(vb.label(f, b));
            }
            h.append("<tr><td>").append(esc(ax.featureNames().get(f))).append("</td><td>")
                    .append(vb.kind(f).name().toLowerCase(Locale.ROOT)).append("</td><td>")
                    .append(esc(String.join("  ", labels))).append("</td><td>").append(ValueBins.num(vb.min(f)))
                    .append("</td><td>").append(ValueBins.num(vb.max(f))).append("</td></tr>\n");
        }
        h.append("</table>\n</body></html>\n");
        return h.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
