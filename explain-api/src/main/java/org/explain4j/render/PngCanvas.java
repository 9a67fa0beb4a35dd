package org.explain4j.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;

/** Draws onto a white {@link BufferedImage} (headless AWT). */
final class PngCanvas implements Canvas {
    private final BufferedImage image;
    private final Graphics2D g;

    PngCanvas(int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
    }

    BufferedImage finish() {
        g.dispose();
        return image;
    }

    @Override
    public void rect(double x, double y, double w, double h, Color fill) {
        g.setColor(fill);
        // snap to whole pixels so neighbouring cells meet without seams
        int x0 = (int) Math.round(x);
        int y0 = (int) Math.round(y);
        g.fillRect(x0, y0, (int) Math.round(x + w) - x0, (int) Math.round(y + h) - y0);
    }

    @Override
    public void outline(double x, double y, double w, double h, Color stroke) {
        g.setColor(stroke);
        g.setStroke(new BasicStroke(1f));
        g.draw(new Rectangle2D.Double(Math.round(x), Math.round(y), Math.round(w), Math.round(h)));
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Color stroke, double width) {
        g.setColor(stroke);
        g.setStroke(new BasicStroke((float) width));
        g.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    @Override
    public void text(double x, double y, String text, double size, boolean bold, Color color, Anchor anchor) {
        Font font = Fonts.font(size, bold);
        g.setFont(font);
        g.setColor(color);
        double w = g.getFontMetrics().getStringBounds(text, g).getWidth();
        double dx = switch (anchor) {
            case START -> 0;
            case MIDDLE -> -w / 2;
            case END -> -w;
        };
        g.drawString(text, (float) (x + dx), (float) y);
    }

    @Override
    public void verticalText(double x, double y, String text, double size, Color color) {
        Font font = Fonts.font(size, false);
        AffineTransform saved = g.getTransform();
        g.setFont(font);
        g.setColor(color);
        double w = g.getFontMetrics().getStringBounds(text, g).getWidth();
        g.translate(x, y);
        g.rotate(-Math.PI / 2);
        g.drawString(text, (float) (-w / 2), 0f);
        g.setTransform(saved);
    }

    @Override
    public void polyline(double[] xs, double[] ys, Color stroke, double width) {
        if (xs.length < 2) {
            return;
        }
        Path2D.Double path = new Path2D.Double(Path2D.WIND_NON_ZERO, xs.length);
        path.moveTo(xs[0], ys[0]);
        for (int i = 1; i < xs.length; i++) {
            path.lineTo(xs[i], ys[i]);
        }
        // smooth the trace only; filled cells stay crisp so neighbours meet without seams
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(stroke);
        g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(path);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
    }

    @Override
    public void raster(double x, double y, double w, double h, int columns, int rows, int[] rgb) {
        BufferedImage cells = new BufferedImage(columns, rows, BufferedImage.TYPE_INT_RGB);
        cells.setRGB(0, 0, columns, rows, rgb, 0, columns);
        int x0 = (int) Math.round(x);
        int y0 = (int) Math.round(y);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(cells, x0, y0, (int) Math.round(x + w) - x0, (int) Math.round(y + h) - y0, null);
    }

    @Override
    public void verticalGradient(double x, double y, double w, double h, Color[] topToBottom) {
        int n = topToBottom.length;
        for (int i = 0; i < n; i++) {
            double y0 = y + h * i / n;
            double y1 = y + h * (i + 1) / n;
            rect(x, y0, w, y1 - y0, topToBottom[i]);
        }
    }
}
