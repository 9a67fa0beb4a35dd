package org.explain4j.explain.cam;

import org.explain4j.ExplainException;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.InputChecks;
import org.explain4j.render.DivergingColorScale;
import org.explain4j.tensor.FloatTensor;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Activation maps (METHODS §3): the raw feature maps of any layer, per channel, as the forward
 * pass computes them — no gradient, no target. A layer {@code [N,K,L]} (or {@code [N,K,H,W]},
 * whose positions are read row by row) is drawn per sample as a K × positions heatmap.
 */
public final class ActivationMaps {
    public static final String METHOD = "activations";

    private ActivationMaps() {
    }

    /**
     * The layer's values at {@code inputs}, checked to be feature maps {@code [N,K,...]}.
     *
     * @throws ExplainException when the layer does not exist (the backend lists candidates) or is
     *                          not shaped {@code [N,K,L]} / {@code [N,K,H,W]}
     */
    public static FloatTensor of(ExplainableModel model, FloatTensor inputs, String layer) {
        if (layer == null || layer.isBlank()) {
            throw new ExplainException("activations needs --layer <tensor name>: the layer whose feature maps to write");
        }
        InputChecks.validate(model.info().input(), inputs);
        FloatTensor a = model.activations(inputs, List.of(layer)).get(layer);
        if (a.rank() < 3 || a.rank() > 4 || a.dim(0) != inputs.batchSize()) {
            throw new ExplainException("layer '" + layer + "' has shape " + Arrays.toString(a.shape())
                    + "; activation maps need feature maps shaped [N,K,L] or [N,K,H,W]");
        }
        return a;
    }

    /**
     * Writes sample {@code i}'s maps as a PNG heatmap: one row per channel, one column per
     * position, coloured on a symmetric scale around 0 (so ReLU outputs are one-sided).
     */
    public static void writePng(FloatTensor maps, int i, String title, Path file) throws IOException {
        int k = (int) maps.dim(1);
        int positions = maps.sampleSize() / k;
        float[] v = Arrays.copyOfRange(maps.data(), i * k * positions, (i + 1) * k * positions);
        DivergingColorScale scale = DivergingColorScale.symmetric(v);
        // Cells at least 2 px, the picture about 1000 px wide and 600 px tall at most.
        int cw = Math.max(1, Math.min(16, 1000 / Math.max(1, positions)));
        int ch = Math.max(2, Math.min(24, 600 / Math.max(1, k)));
        int top = 28;
        int left = 8;
        int width = Math.max(360, left * 2 + cw * positions);
        int height = top + ch * k + 8;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(title + String.format(" (%d channels x %d positions, |max| %.3g)", k, positions, scale.max()),
                    left, 18);
            for (int c = 0; c < k; c++) {
                for (int p = 0; p < positions; p++) {
                    g.setColor(scale.color(v[c * positions + p]));
                    g.fillRect(left + p * cw, top + c * ch, cw, ch);
                }
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
    }
}
