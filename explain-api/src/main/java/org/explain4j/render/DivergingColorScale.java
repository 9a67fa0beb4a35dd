package org.explain4j.render;

import java.awt.Color;

/**
 * Blue–white–red scale centred at zero and symmetric: {@code -max} is dark blue, 0 white,
 * {@code +max} dark red (the ColorBrewer RdBu stops). Red is evidence for the explained class,
 * blue evidence against it.
 */
public final class DivergingColorScale {
    private static final double[] STOPS = {-1.0, -0.5, 0.0, 0.5, 1.0};
    private static final Color[] COLORS = {
            new Color(0x21, 0x66, 0xAC), new Color(0x92, 0xC5, 0xDE), Color.WHITE,
            new Color(0xF4, 0xA5, 0x82), new Color(0xB2, 0x18, 0x2B)};
    /** Solid colours for bars: positive and negative. */
    public static final Color POSITIVE = COLORS[4];
    public static final Color NEGATIVE = COLORS[0];

    private final double max;

    /** @param max the magnitude that gets the darkest colour; values beyond it are clipped */
    public DivergingColorScale(double max) {
        this.max = max > 0 && Double.isFinite(max) ? max : 1.0;
    }

    /** A scale whose ends are ±(the largest magnitude in {@code values}). */
    public static DivergingColorScale symmetric(float[] values) {
        double m = 0;
        for (float v : values) {
            if (Float.isFinite(v)) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return new DivergingColorScale(m);
    }

    public double max() {
        return max;
    }

    public Color color(double value) {
        if (!Double.isFinite(value)) {
            return Color.GRAY;
        }
        double t = Math.max(-1, Math.min(1, value / max));
        return interpolate(t, STOPS, COLORS);
    }

    /** The colour at {@code t} between ascending {@code stops}, linear in RGB between their colours. */
    static Color interpolate(double t, double[] stops, Color[] colors) {
        int i = 0;
        while (i < stops.length - 2 && t > stops[i + 1]) {
            i++;
        }
        double f = (t - stops[i]) / (stops[i + 1] - stops[i]);
        Color a = colors[i];
        Color b = colors[i + 1];
        return new Color(mix(a.getRed(), b.getRed(), f), mix(a.getGreen(), b.getGreen(), f),
                mix(a.getBlue(), b.getBlue(), f));
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }
}
