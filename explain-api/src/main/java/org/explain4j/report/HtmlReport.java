package org.explain4j.report;

import org.explain4j.ExplainException;
import org.explain4j.io.OutputDirectory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@code index.html} that puts several pictures of one explanation side by side, each with
 * its method and a short caption, under a heading and a line on the prediction, so a person can
 * look at them in a browser. The page is well-formed XHTML (it parses as XML), all text is
 * escaped, and it links only to files that are already in the same output directory.
 *
 * <pre>{@code
 * try (OutputDirectory dir = OutputDirectory.create(out)) {
 *     heatmap.writePng(dir.file("lrp.png"));
 *     HtmlReport.titled("episode 1").summary("predicted death, p = 0.81")
 *             .panel(new HtmlReport.Panel("LRP", "lrp.png", "lrp.svg", "relevance per variable and hour"))
 *             .write(dir);
 *     dir.commit();
 * }
 * }</pre>
 */
public final class HtmlReport {
    /** The file name {@link #write} uses. */
    public static final String FILE = "index.html";

    /**
     * One picture.
     *
     * @param method  its heading, e.g. "LRP (epsilon)"
     * @param image   the picture's file name in the output directory (PNG), shown inline
     * @param vector  the same picture as SVG, linked; may be null
     * @param caption one or two sentences on how to read it
     */
    public record Panel(String method, String image, String vector, String caption) {
    }

    private final String title;
    private final List<String> summary = new ArrayList<>();
    private final List<Panel> panels = new ArrayList<>();
    private final List<String> files = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();

    /** A small table under the summary, e.g. predictions per class; cells are plain text. */
    private record Table(String caption, List<String> header, List<List<String>> rows) {
    }

    private HtmlReport(String title) {
        this.title = title;
    }

    public static HtmlReport titled(String title) {
        return new HtmlReport(title);
    }

    /** A paragraph under the title, e.g. the prediction. */
    public HtmlReport summary(String line) {
        summary.add(line);
        return this;
    }

    public HtmlReport panel(Panel p) {
        panels.add(p);
        return this;
    }

    /**
     * A table shown under the summary paragraphs, before the pictures.
     *
     * @throws ExplainException when a row has more or fewer cells than the header
     */
    public HtmlReport table(String caption, List<String> header, List<List<String>> rows) {
        for (List<String> r : rows) {
            if (r.size() != header.size()) {
                throw new ExplainException("report table '" + caption + "': a row has " + r.size() + " cells but the "
                        + "header " + header.size() + "; give one cell per column");
            }
        }
        tables.add(new Table(caption, List.copyOf(header), rows.stream().map(List::copyOf).toList()));
        return this;
    }

    /** A further file of the run to link at the bottom, e.g. {@code attribution.arrow}. */
    public HtmlReport file(String name) {
        files.add(name);
        return this;
    }

    /** The page's text. */
    public String html() {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<title>").append(escape(title)).append("</title>\n")
                .append("<style>\n")
                .append("body{font-family:sans-serif;margin:1.5em;color:#222}\n")
                .append(".panels{display:flex;flex-wrap:wrap;gap:1.5em}\n")
                .append("figure{margin:0;flex:1 1 640px;max-width:100%}\n")
                .append("figure img{width:100%;height:auto;border:1px solid #ddd}\n")
                .append("figcaption{font-size:0.9em;color:#444;margin-top:0.3em}\n")
                .append("table{border-collapse:collapse;margin:0.5em 0 1.2em}\n")
                .append("th,td{border:1px solid #ccc;padding:0.2em 0.6em;text-align:right}\n")
                .append("th:first-child,td:first-child{text-align:left}\n")
                .append("caption{text-align:left;font-weight:bold;margin-bottom:0.3em}\n")
                .append("</style>\n</head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n");
        for (String s : summary) {
            b.append("<p>").append(escape(s)).append("</p>\n");
        }
        for (Table t : tables) {
            b.append("<table>\n<caption>").append(escape(t.caption())).append("</caption>\n<tr>");
            t.header().forEach(h -> b.append("<th>").append(escape(h)).append("</th>"));
            b.append("</tr>\n");
            for (List<String> r : t.rows()) {
                b.append("<tr>");
                r.forEach(c -> b.append("<td>").append(escape(c)).append("</td>"));
                b.append("</tr>\n");
            }
            b.append("</table>\n");
        }
        b.append("<div class=\"panels\">\n");
        for (Panel p : panels) {
            b.append("<figure>\n<h2>").append(escape(p.method())).append("</h2>\n")
                    .append("<img src=\"").append(escape(p.image())).append("\" alt=\"")
                    .append(escape(p.method() + " heatmap")).append("\"/>\n<figcaption>")
                    .append(escape(p.caption()));
            if (p.vector() != null) {
                b.append(" <a href=\"").append(escape(p.vector())).append("\">SVG</a>");
            }
            b.append("</figcaption>\n</figure>\n");
        }
        b.append("</div>\n");
        if (!files.isEmpty()) {
            b.append("<p>Files:");
            for (String f : files) {
                b.append(" <a href=\"").append(escape(f)).append("\">").append(escape(f)).append("</a>");
            }
            b.append("</p>\n");
        }
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    /**
     * Writes {@value #FILE} into {@code dir} (before its commit).
     *
     * @throws ExplainException when a panel or file names something not written to {@code dir}
     *                          yet: the page would show a broken picture
     */
    public Path write(OutputDirectory dir) {
        List<String> present = dir.fileNames();
        List<String> linked = new ArrayList<>(files);
        for (Panel p : panels) {
            linked.add(p.image());
            if (p.vector() != null) {
                linked.add(p.vector());
            }
        }
        for (String f : linked) {
            if (!present.contains(f)) {
                throw new ExplainException("report links to '" + f + "', which is not in the output directory; "
                        + "write it before the report (present: " + String.join(", ", present) + ")");
            }
        }
        Path file = dir.file(FILE);
        try {
            Files.writeString(file, html(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ExplainException("cannot write " + FILE + " in " + dir.staging() + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** Text and attribute values with {@code & < > " '} replaced by entities. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
