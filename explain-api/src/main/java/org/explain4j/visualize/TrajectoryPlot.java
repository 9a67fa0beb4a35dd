package org.explain4j.visualize;

import org.explain4j.ExplainException;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The score trajectory of a visualisation run: CSV (step, target, score, objective) and a small line plot. */
public final class TrajectoryPlot {

    private static final Color[] COLORS = {new Color(0xc0392b), new Color(0x2471a3), new Color(0x229954),
            new Color(0x8e44ad), new Color(0xd68910), new Color(0x17202a)};

    private TrajectoryPlot() {
    }

    public static void writeCsv(ClassVisualization.Result r, List<String> targets, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("step,target,score,objective\n");
            for (int k = 0; k < r.scores().length; k++) {
                for (int t = 0; t < r.scores()[k].length; t++) {
                    w.write(String.format(Locale.ROOT, "%d,%s,%.8g,%.8g%n", t, targets.get(k), r.scores()[k][t],
                            r.objectives()[k][t]));
                }
            }
        }
    }

    /** A 480×280 PNG: score against step, one line per target. */
    public static void writePng(ClassVisualization.Result r, List<String> targets, String title, Path file) throws IOException {
        int width = 480;
        int height = 280;
        int left = 60;
        int right = 20;
        int top = 30;
        int bottom = 40;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] s : r.scores()) {
            for (double v : s) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString(title, left, 18);
            g.drawRect(left, top, width - left - right, height - top - bottom);
            g.drawString(String.format(Locale.ROOT, "%.3g", hi), 4, top + 10);
            g.drawString(String.format(Locale.ROOT, "%.3g", lo), 4, height - bottom);
            g.drawString("step", width / 2, height - 8);
            int steps = r.scores()[0].length - 1;
            g.drawString("0", left, height - bottom + 14);
            g.drawString(Integer.toString(steps), width - right - 20, height - bottom + 14);
            g.setStroke(new BasicStroke(1.5f));
            for (int k = 0; k < r.scores().length; k++) {
                g.setColor(COLORS[k % COLORS.length]);
                double[] s = r.scores()[k];
                for (int t = 1; t < s.length; t++) {
                    g.drawLine(x(t - 1, steps, left, width - right), y(s[t - 1], lo, hi, top, height - bottom),
                            x(t, steps, left, width - right), y(s[t], lo, hi, top, height - bottom));
                }
                g.drawString(targets.get(k), width - right - 90, top + 14 + 13 * k);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new ExplainException("no PNG writer available for " + file);
        }
    }

    private static int x(int t, int steps, int from, int to) {
        return from + (int) Math.round((to - from) * (steps == 0 ? 0 : t / (double) steps));
    }

    private static int y(double v, double lo, double hi, int top, int bottom) {
        return bottom - (int) Math.round((bottom - top) * (v - lo) / (hi - lo));
    }
}
