package org.explain4j.render;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Locale;

/** Writes the drawing calls as a standalone SVG 1.1 document. */
final class SvgCanvas implements Canvas {
    private final StringBuilder sb = new StringBuilder();
    private final int width;
    private final int height;

    SvgCanvas(int width, int height, String title) {
        this.width = width;
        this.height = height;
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" font-family=\"").append(Fonts.SVG_FAMILY).append("\">\n")
                .append("<title>").append(escape(title)).append("</title>\n")
                .append("<rect x=\"0\" y=\"0\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" fill=\"#ffffff\"/>\n");
    }

    String finish() {
        return sb + "</svg>\n";
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    @Override
    public void rect(double x, double y, double w, double h, Color fill) {
        sb.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append("\" fill=\"").append(hex(fill))
                .append("\" shape-rendering=\"crispEdges\"/>\n");
    }

    @Override
    public void outline(double x, double y, double w, double h, Color stroke) {
        sb.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append("\" fill=\"none\" stroke=\"").append(hex(stroke))
                .append("\" stroke-width=\"1\"/>\n");
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Color stroke, double width) {
        sb.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(hex(stroke))
                .append("\" stroke-width=\"").append(n(width)).append("\"/>\n");
    }

    @Override
    public void text(double x, double y, String text, double size, boolean bold, Color color, Anchor anchor) {
        sb.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" font-size=\"").append(n(size))
                .append('"');
        if (bold) {
            sb.append(" font-weight=\"bold\"");
        }
        if (anchor != Anchor.START) {
            sb.append(" text-anchor=\"").append(anchor == Anchor.MIDDLE ? "middle" : "end").append('"');
        }
        sb.append(" fill=\"").append(hex(color)).append("\">").append(escape(text)).append("</text>\n");
    }

    @Override
    public void verticalText(double x, double y, String text, double size, Color color) {
        sb.append("<text x=\"0\" y=\"0\" font-size=\"").append(n(size)).append("\" text-anchor=\"middle\" fill=\"")
                .append(hex(color)).append("\" transform=\"translate(").append(n(x)).append(',').append(n(y))
                .append(") rotate(-90)\">").append(escape(text)).append("</text>\n");
    }

    @Override
    public void polyline(double[] xs, double[] ys, Color stroke, double width) {
        sb.append("<polyline fill=\"none\" stroke=\"").append(hex(stroke)).append("\" stroke-width=\"").append(n(width))
                .append("\" stroke-linejoin=\"round\" points=\"");
        for (int i = 0; i < xs.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format(Locale.ROOT, "%.1f,%.1f", xs[i], ys[i]));
        }
        sb.append("\"/>\n");
    }

    /** Embedded as a PNG data URI: one element instead of a rectangle per cell. */
    @Override
    public void raster(double x, double y, double w, double h, int columns, int rows, int[] rgb) {
        BufferedImage cells = new BufferedImage(columns, rows, BufferedImage.TYPE_INT_RGB);
        cells.setRGB(0, 0, columns, rows, rgb, 0, columns);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(cells, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: does not happen
        }
        sb.append("<image x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append("\" preserveAspectRatio=\"none\"")
                .append(" style=\"image-rendering:pixelated;image-rendering:crisp-edges\"")
                // SVG 1.1 links through XLink; declared here so the document header stays as it is
                .append(" xmlns:xlink=\"http://www.w3.org/1999/xlink\" xlink:href=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png.toByteArray())).append("\"/>\n");
    }

    @Override
    public void verticalGradient(double x, double y, double w, double h, Color[] topToBottom) {
        String id = "g" + sb.length();
        sb.append("<defs><linearGradient id=\"").append(id).append("\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">");
        for (int i = 0; i < topToBottom.length; i++) {
            sb.append("<stop offset=\"").append(n((double) i / Math.max(1, topToBottom.length - 1)))
                    .append("\" stop-color=\"").append(hex(topToBottom[i])).append("\"/>");
        }
        sb.append("</linearGradient></defs>\n<rect x=\"").append(n(x)).append("\" y=\"").append(n(y))
                .append("\" width=\"").append(n(w)).append("\" height=\"").append(n(h)).append("\" fill=\"url(#")
                .append(id).append(")\"/>\n");
    }

    static String hex(Color c) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }

    private static String n(double v) {
        if (v == Math.rint(v)) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n') {
                        out.append(' '); // control characters are not allowed in XML 1.0
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
