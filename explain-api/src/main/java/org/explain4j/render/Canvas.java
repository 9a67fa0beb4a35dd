package org.explain4j.render;

import java.awt.Color;

/**
 * The few drawing operations a chart needs. One chart draws the same calls onto a PNG and an
 * SVG canvas, so both files show the same content.
 */
interface Canvas {
    enum Anchor { START, MIDDLE, END }

    void rect(double x, double y, double w, double h, Color fill);

    void outline(double x, double y, double w, double h, Color stroke);

    void line(double x1, double y1, double x2, double y2, Color stroke, double width);

    /** Text with its baseline at {@code y}, anchored at {@code x}. */
    void text(double x, double y, String text, double size, boolean bold, Color color, Anchor anchor);

    /** Text rotated 90° counter-clockwise, centred on {@code (x, y)} along its length. */
    void verticalText(double x, double y, String text, double size, Color color);

    /** A vertical gradient strip, {@code top} colour at the top to {@code bottom} through {@code steps} colours. */
    void verticalGradient(double x, double y, double w, double h, Color[] topToBottom);

    /** A line through the points {@code (xs[i], ys[i])} in order (a signal trace). */
    default void polyline(double[] xs, double[] ys, Color stroke, double width) {
        for (int i = 1; i < xs.length; i++) {
            line(xs[i - 1], ys[i - 1], xs[i], ys[i], stroke, width);
        }
    }

    /**
     * A {@code columns × rows} grid of RGB pixels ({@code rgb[r * columns + c]}, 0xRRGGBB)
     * stretched over the rectangle, each pixel a flat cell (no smoothing).
     */
    default void raster(double x, double y, double w, double h, int columns, int rows, int[] rgb) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                rect(x + w * c / columns, y + h * r / rows, w / columns, h / rows, new Color(rgb[r * columns + c]));
            }
        }
    }
}
