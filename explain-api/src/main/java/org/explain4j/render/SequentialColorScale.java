package org.explain4j.render;

import java.awt.Color;

/**
 * White-to-dark-red scale for maps that are never negative (Grad-CAM after its ReLU, |gradient|):
 * 0 is white, {@code max} the darkest colour (the ColorBrewer OrRd stops). The darkest stop is a
 * mid red rather than near-black, so a dark signal trace drawn over it stays readable.
 */
public final class SequentialColorScale {
    private static final double[] STOPS = {0.0, 0.25, 0.5, 0.75, 1.0};
    private static final Color[] COLORS = {
            Color.WHITE, new Color(0xFE, 0xE8, 0xC8), new Color(0xFD, 0xBB, 0x84),
            new Color(0xE3, 0x4A, 0x33), new Color(0xB3, 0x00, 0x00)};

    private final double max;

    /** @param max the value that gets the darkest colour; values beyond it are clipped, below 0 white */
    public SequentialColorScale(double max) {
        this.max = max > 0 && Double.isFinite(max) ? max : 1.0;
    }

    /** A scale whose top is the largest finite value of {@code values}. */
    public static SequentialColorScale upTo(float[][] values) {
        double m = 0;
        for (float[] row : values) {
            for (float v : row) {
                if (Float.isFinite(v)) {
                    m = Math.max(m, v);
                }
            }
        }
        return new SequentialColorScale(m);
    }

    public double max() {
        return max;
    }

    public Color color(double value) {
        if (!Double.isFinite(value)) {
            return Color.GRAY;
        }
        double t = Math.max(0, Math.min(1, value / max));
        return DivergingColorScale.interpolate(t, STOPS, COLORS);
    }
}
