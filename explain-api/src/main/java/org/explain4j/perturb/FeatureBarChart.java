package org.explain4j.perturb;

import org.explain4j.ExplainException;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A horizontal bar chart of an audit's most important features: one thick bar per feature for
 * the mean |attribution| over all instances, and under it one thin bar per explained class
 * (up to six classes; more would crowd the rows).
 */
public final class FeatureBarChart {
    private static final Color[] CLASS_COLORS = {
        new Color(0xD55E00), new Color(0x0072B2), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9)};
    private static final Color OVERALL = new Color(0x404040);
    private static final int WIDTH = 1000;

    private FeatureBarChart() {
    }

    /** Draws the top {@code top} features of {@code summary} under {@code title}. */
    public static BufferedImage draw(AuditSummary summary, String title, int top) {
        List<AuditSummary.FeatureStat> ranking = summary.ranking();
        List<AuditSummary.FeatureStat> shown = ranking.subList(0, Math.min(top, ranking.size()));
        List<Integer> classes = new ArrayList<>(summary.classCounts().keySet());
        boolean perClass = classes.size() > 1 && classes.size() <= CLASS_COLORS.length;
        int thin = perClass ? 5 : 0;
        int rowHeight = 16 + (perClass ? classes.size() * (thin + 1) : 0) + 8;
        int top0 = 70;
        int height = top0 + shown.size() * rowHeight + 50;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, 16, 26);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(String.format(Locale.ROOT, "mean |attribution| over %d instances%s", summary.count(),
                Double.isNaN(summary.meanR2()) ? "" : String.format(Locale.ROOT, "; mean surrogate R² %.3f",
                        summary.meanR2())), 16, 46);
        FontMetrics fm = g.getFontMetrics();
        int labelWidth = 0;
        for (AuditSummary.FeatureStat s : shown) {
            labelWidth = Math.max(labelWidth, fm.stringWidth(clip(s.name())));
        }
        int x0 = 24 + Math.min(labelWidth, 360);
        int barMax = WIDTH - x0 - 110;
        double max = 0;
        for (AuditSummary.FeatureStat s : shown) {
            max = Math.max(max, s.meanAbs());
            for (double v : s.meanAbsByClass().values()) {
                max = Math.max(max, v);
            }
        }
        double scale = max > 0 ? barMax / max : 0;
        int y = top0;
        for (AuditSummary.FeatureStat s : shown) {
            g.setColor(Color.BLACK);
            String label = clip(s.name());
            g.drawString(label, x0 - 8 - fm.stringWidth(label), y + 12);
            g.setColor(OVERALL);
            g.fillRect(x0, y + 2, (int) Math.round(s.meanAbs() * scale), 12);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.3g", s.meanAbs()),
                    x0 + (int) Math.round(s.meanAbs() * scale) + 6, y + 12);
            if (perClass) {
                int yy = y + 16;
                for (int k = 0; k < classes.size(); k++) {
                    g.setColor(CLASS_COLORS[k]);
                    g.fillRect(x0, yy + 1, (int) Math.round(s.meanAbsByClass().getOrDefault(classes.get(k), 0.0) * scale), thin);
                    yy += thin + 1;
                }
            }
            y += rowHeight;
        }
        if (perClass) {
            int lx = x0;
            for (int k = 0; k < classes.size(); k++) {
                Map<Integer, Long> counts = summary.classCounts();
                String text = summary.className(classes.get(k)) + " (n=" + counts.get(classes.get(k)) + ")";
                g.setColor(CLASS_COLORS[k]);
                g.fillRect(lx, y + 14, 12, 12);
                g.setColor(Color.BLACK);
                g.drawString(text, lx + 16, y + 24);
                lx += 16 + fm.stringWidth(text) + 20;
            }
        }
        g.dispose();
        return image;
    }

    /** Writes {@link #draw} as PNG. */
    public static void writePng(Path file, AuditSummary summary, String title, int top) {
        try {
            if (!ImageIO.write(draw(summary, title, top), "png", file.toFile())) {
                throw new ExplainException("no PNG writer available to write " + file);
            }
        } catch (IOException e) {
            throw new ExplainException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static String clip(String s) {
        return s.length() <= 48 ? s : s.substring(0, 47) + "…";
    }
}
