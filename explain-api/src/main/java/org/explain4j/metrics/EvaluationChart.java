package org.explain4j.metrics;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The evaluation as one picture: the mean deletion and insertion curves of every method on
 * top, and below them one small bar panel per metric (its better direction in the title), one
 * bar per method in the same colour as its curves.
 */
final class EvaluationChart {
    private static final Color[] COLORS = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442),
        new Color(0x8C564B), new Color(0x7F7F7F), new Color(0x17BECF), new Color(0xBCBD22)};
    private static final Color GRID = new Color(0xDDDDDD);
    private static final Color MUTED = new Color(0x666666);
    private static final int WIDTH = 1120;
    private static final int PANELS_PER_ROW = 4;
    private static final int CURVE_H = 300;
    private static final int BAR_H = 190;

    private EvaluationChart() {
    }

    static void write(Path file, String title, List<Evaluation.MethodResult> results, List<MetricSummary> metrics)
            throws IOException {
        int barRows = (metrics.size() + 1 + PANELS_PER_ROW - 1) / PANELS_PER_ROW; // + the timing panel
        int height = 80 + CURVE_H + 40 + barRows * (BAR_H + 20) + 20;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Evaluation: " + title, 16, 26);
        // legend
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int lx = 16;
        for (int i = 0; i < results.size(); i++) {
            g.setColor(color(i));
            g.fillRect(lx, 40, 14, 10);
            g.setColor(Color.BLACK);
            String name = results.get(i).method();
            g.drawString(name, lx + 18, 50);
            lx += 18 + g.getFontMetrics().stringWidth(name) + 18;
        }
        int top = 70;
        curves(g, 16, top, WIDTH / 2 - 24, CURVE_H, "deletion: score as top cells are removed (lower is better)",
                results, true);
        curves(g, WIDTH / 2 + 8, top, WIDTH / 2 - 24, CURVE_H,
                "insertion: score as top cells are restored (higher is better)", results, false);
        int pw = (WIDTH - 32) / PANELS_PER_ROW;
        int y0 = top + CURVE_H + 40;
        for (int k = 0; k <= metrics.size(); k++) {
            int px = 16 + (k % PANELS_PER_ROW) * pw;
            int py = y0 + (k / PANELS_PER_ROW) * (BAR_H + 20);
            double[] values = new double[results.size()];
            String label;
            if (k < metrics.size()) {
                MetricSummary m = metrics.get(k);
                label = m.label() + (m.better().arrow().isEmpty() ? "" : " " + m.better().arrow());
                for (int i = 0; i < values.length; i++) {
                    MetricSummary v = results.get(i).metrics().get(m.name());
                    values[i] = v == null ? Double.NaN : v.mean();
                }
            } else {
                label = "explain ms / sample ↓";
                for (int i = 0; i < values.length; i++) {
                    values[i] = results.get(i).explainMsPerSample();
                }
            }
            bars(g, px, py, pw - 12, BAR_H, label, values);
        }
        g.dispose();
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    private static Color color(int i) {
        return COLORS[i % COLORS.length];
    }

    private static void curves(Graphics2D g, int x, int y, int w, int h, String title,
                               List<Evaluation.MethodResult> results, boolean deletion) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.drawString(title, x, y + 12);
        int px = x + 50;
        int py = y + 24;
        int pw = w - 60;
        int ph = h - 60;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Evaluation.MethodResult r : results) {
            for (double v : deletion ? r.deletion() : r.insertion()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        double pad = (hi - lo) * 0.05;
        lo -= pad;
        hi += pad;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int t = 0; t <= 4; t++) {
            double v = lo + (hi - lo) * t / 4;
            int yy = py + ph - (int) Math.round(ph * t / 4.0);
            g.setColor(GRID);
            g.drawLine(px, yy, px + pw, yy);
            g.setColor(MUTED);
            String s = EvaluationReport.fmt(v);
            g.drawString(s, px - 6 - g.getFontMetrics().stringWidth(s), yy + 4);
            int xx = px + (int) Math.round(pw * t / 4.0);
            String f = EvaluationReport.fmt(t / 4.0);
            g.drawString(f, xx - g.getFontMetrics().stringWidth(f) / 2, py + ph + 16);
        }
        g.drawString("share of cells " + (deletion ? "removed" : "restored"), px + pw / 2 - 60, py + ph + 32);
        g.setColor(Color.GRAY);
        g.drawRect(px, py, pw, ph);
        g.setStroke(new BasicStroke(2f));
        for (int i = 0; i < results.size(); i++) {
            Evaluation.MethodResult r = results.get(i);
            double[] c = deletion ? r.deletion() : r.insertion();
            double[] f = r.fractions();
            Path2D.Double path = new Path2D.Double();
            for (int k = 0; k < c.length; k++) {
                double xx = px + pw * f[k];
                double yy = py + ph - ph * (c[k] - lo) / (hi - lo);
                if (k == 0) {
                    path.moveTo(xx, yy);
                } else {
                    path.lineTo(xx, yy);
                }
            }
            g.setColor(color(i));
            g.draw(path);
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void bars(Graphics2D g, int x, int y, int w, int h, String title, double[] values) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
        FontMetrics fm = g.getFontMetrics();
        String t = title;
        while (fm.stringWidth(t) > w && t.length() > 4) {
            t = t.substring(0, t.length() - 2);
        }
        g.drawString(t, x, y + 12);
        double lo = 0;
        double hi = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (hi == lo) {
            hi = lo + 1;
        }
        hi *= 1.15; // room for the value labels
        lo *= 1.15;
        int top = y + 22;
        int ph = h - 40;
        int n = values.length;
        int slot = Math.max(1, (w - 10) / Math.max(1, n));
        int zero = top + (int) Math.round(ph * hi / (hi - lo));
        g.setColor(Color.GRAY);
        g.drawLine(x, zero, x + w - 10, zero);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, n > 6 ? 8 : 10));
        for (int i = 0; i < n; i++) {
            double v = values[i];
            int bx = x + i * slot + slot / 6;
            int bw = Math.max(2, slot * 2 / 3);
            if (!Double.isFinite(v)) {
                g.setColor(MUTED);
                g.drawString("–", bx + bw / 2 - 3, zero - 4);
                continue;
            }
            int len = (int) Math.round(ph * Math.abs(v) / (hi - lo));
            g.setColor(color(i));
            if (v >= 0) {
                g.fillRect(bx, zero - len, bw, len);
            } else {
                g.fillRect(bx, zero, bw, len);
            }
            g.setColor(Color.BLACK);
            String s = EvaluationReport.fmt(v);
            int sy = v >= 0 ? zero - len - 3 : zero + len + 11;
            g.drawString(s, bx + bw / 2 - g.getFontMetrics().stringWidth(s) / 2, sy);
        }
    }
}
