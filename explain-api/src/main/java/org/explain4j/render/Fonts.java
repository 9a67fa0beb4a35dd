package org.explain4j.render;

import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.geom.AffineTransform;

/** The one font family charts use, and text widths for laying them out. */
final class Fonts {
    /** Java's logical sans-serif maps to DejaVu Sans on most Linux systems; SVG asks for the same. */
    static final String SVG_FAMILY = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";
    private static final FontRenderContext CONTEXT = new FontRenderContext(new AffineTransform(), true, true);

    private Fonts() {
    }

    static Font font(double size, boolean bold) {
        return new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, 1).deriveFont((float) size);
    }

    static double width(String text, double size, boolean bold) {
        return font(size, bold).getStringBounds(text, CONTEXT).getWidth();
    }
}
