package org.explain4j.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.ExplainException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClinicalHeatmapTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /**
     * 3 hours × 6 columns: "Glucose" = column 0 (mask 4), "GCS eye" = one-hot columns 1..3 (mask 5).
     * Written as the sidecar writes it: groups include the mask, mask_columns lists 4 and 5.
     */
    private static ClinicalHeatmap.Columns columns() throws Exception {
        String json = "{\"variables\":[\"Glucose\",\"GCS eye\"],"
                + "\"column_groups\":{\"GCS eye\":[1,2,3,5],\"Glucose\":[0,4]},\"mask_columns\":[4,5]}";
        return ClinicalHeatmap.Columns.fromSidecar(new ObjectMapper().readTree(json));
    }

    private static final float[] M = {
            // glu   eye0   eye1   eye2   m_glu m_eye
            0.5f, 1.0f, -2.0f, 0.25f, 1f, 0f,   // hour 0
            -3.0f, 0.0f, 0.5f, 0.75f, 0f, 1f,   // hour 1
            1.5f, -0.5f, -0.5f, 4.0f, 1f, -2f,  // hour 2
    };

    @Test
    void sidecarGroupsSplitIntoValueColumnsAndMasks() throws Exception {
        ClinicalHeatmap.Columns c = columns();
        assertEquals(List.of("Glucose", "GCS eye"), c.variables(), "the order of \"variables\", not of the object");
        assertArrayEquals(new int[]{0}, c.valueColumns().get(0));
        assertArrayEquals(new int[]{1, 2, 3}, c.valueColumns().get(1));
        assertArrayEquals(new int[]{4, 5}, c.maskColumns());
        assertEquals(6, c.width());
    }

    @Test
    void aggregationEqualsHandSums() throws Exception {
        ClinicalHeatmap.Columns c = columns();
        float[][] signed = ClinicalHeatmap.aggregate(M, c, ClinicalHeatmap.View.SIGNED, false);
        // by hand: glucose is its own column; eye = eye0 + eye1 + eye2; masks left out
        assertArrayEquals(new float[]{0.5f, -3.0f, 1.5f}, signed[0], 0f);
        assertArrayEquals(new float[]{1.0f - 2.0f + 0.25f, 0.0f + 0.5f + 0.75f, -0.5f - 0.5f + 4.0f}, signed[1], 1e-6f);
        assertEquals(2, signed.length, "no mask rows unless asked");

        float[][] magnitude = ClinicalHeatmap.aggregate(M, c, ClinicalHeatmap.View.MAGNITUDE, false);
        assertArrayEquals(new float[]{0.5f, 3.0f, 1.5f}, magnitude[0], 0f);
        assertArrayEquals(new float[]{3.25f, 1.25f, 5.0f}, magnitude[1], 1e-6f);

        float[][] withMasks = ClinicalHeatmap.aggregate(M, c, ClinicalHeatmap.View.SIGNED, true);
        assertEquals(4, withMasks.length);
        assertArrayEquals(signed[1], withMasks[1], 0f, "value rows unchanged by showing masks");
        assertArrayEquals(new float[]{1f, 0f, 1f}, withMasks[2], 0f);
        assertArrayEquals(new float[]{0f, 1f, -2f}, withMasks[3], 0f);
        assertEquals(List.of("Glucose", "GCS eye", "mask: Glucose", "mask: GCS eye"),
                ClinicalHeatmap.rowLabels(c, true));
        // nothing lost: the signed rows with masks hold every column's attribution once
        double all = 0;
        for (float v : M) {
            all += v;
        }
        assertEquals(all, ClinicalHeatmap.total(withMasks), 1e-5);
    }

    @Test
    void inputViewClipsValuesAndScalesTheCategoryIndex() throws Exception {
        float[][] in = ClinicalHeatmap.aggregate(M, columns(), ClinicalHeatmap.View.INPUT, true);
        assertArrayEquals(new float[]{0.5f, -2.0f, 1.5f}, in[0], 0f, "-3 clipped to -2");
        // largest one-hot column: hour 0 → k=0 → -2; hour 1 → k=2 → +2; hour 2 → k=2 → +2
        assertArrayEquals(new float[]{-2f, 2f, 2f}, in[1], 0f);
        assertArrayEquals(new float[]{2f, 0f, 2f}, in[2], 0f, "mask 1 → +2 (observed), 0 → white");
    }

    @Test
    void heatmapHasVariablesByHoursTheTitleAndSignColours() throws Exception {
        ClinicalHeatmap.Caption caption = new ClinicalHeatmap.Caption("10011_episode1", "1", "0", "lrp",
                "p(death) = 0.210");
        Heatmap h = ClinicalHeatmap.render(M, columns(), ClinicalHeatmap.View.SIGNED, false, caption, "death");
        assertEquals("10011_episode1   True: 1   Predicted: 0   Method: lrp", h.title());
        assertEquals(2, h.rows());
        assertEquals(3, h.columns());
        assertEquals(3.0, h.scale().max(), 1e-6, "symmetric: the largest |row sum| (glucose, hour 1)");
        BufferedImage img = h.toImage();
        Color hot = at(img, h.cellBounds(1, 2));   // eye, hour 2: +3.0, the maximum
        Color cold = at(img, h.cellBounds(0, 1));  // glucose, hour 1: -3.0
        Color pale = at(img, h.cellBounds(0, 0));  // +0.5 of 3: near white, a little red
        assertTrue(hot.getRed() > hot.getBlue() + 60 && hot.getGreen() < 60, "darkest red " + hot);
        assertTrue(cold.getBlue() > cold.getRed() + 60, "blue " + cold);
        assertTrue(pale.getRed() > 235 && pale.getRed() > pale.getBlue(), "pale red " + pale);

        Path png = tmp.resolve("c.png");
        h.writePng(png);
        assertEquals(h.width(), ImageIO.read(png.toFile()).getWidth());
        Path svg = tmp.resolve("c.svg");
        h.writeSvg(svg);
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        String text = f.newDocumentBuilder().parse(svg.toFile()).getDocumentElement().getTextContent();
        assertTrue(text.contains("Glucose") && text.contains("GCS eye") && text.contains("hour")
                && text.contains("Method: lrp") && text.contains("red: for death, blue: against"), text);
    }

    @Test
    void inputViewUsesTheFixedRangeAndGradientViewIsAllRed() throws Exception {
        ClinicalHeatmap.Caption caption = new ClinicalHeatmap.Caption("e", null, "1", "input", "");
        Heatmap in = ClinicalHeatmap.render(M, columns(), ClinicalHeatmap.View.INPUT, false, caption, "death");
        assertEquals(2.0, in.scale().max(), 0, "normalized inputs on a fixed ±2 scale");
        assertTrue(in.title().contains("True: ?"), in.title());
        Heatmap g = ClinicalHeatmap.render(M, columns(), ClinicalHeatmap.View.MAGNITUDE, false, caption, "death");
        BufferedImage img = g.toImage();
        for (int r = 0; r < 2; r++) {
            for (int t = 0; t < 3; t++) {
                Color col = at(img, g.cellBounds(r, t));
                assertTrue(col.getRed() >= col.getBlue(), "magnitudes are never blue: " + col);
            }
        }
        assertEquals(ClinicalHeatmap.View.MAGNITUDE, ClinicalHeatmap.View.forMethod("saliency"));
        assertEquals(ClinicalHeatmap.View.SIGNED, ClinicalHeatmap.View.forMethod("lrp"));
        assertEquals(ClinicalHeatmap.View.SIGNED, ClinicalHeatmap.View.forMethod("integrated_gradients"));
        assertEquals(ClinicalHeatmap.View.INPUT, ClinicalHeatmap.View.forMethod("input"));
    }

    @Test
    void badShapesAndGroupsAreClearErrors() throws Exception {
        ExplainException wrongWidth = assertThrows(ExplainException.class,
                () -> ClinicalHeatmap.aggregate(new float[7], columns(), ClinicalHeatmap.View.SIGNED, false));
        assertTrue(wrongWidth.getMessage().contains("7 values") && wrongWidth.getMessage().contains("6 columns"),
                wrongWidth.getMessage());
        ExplainException noGroups = assertThrows(ExplainException.class,
                () -> ClinicalHeatmap.Columns.fromSidecar(new ObjectMapper().readTree("{\"name\":\"m\"}")));
        assertTrue(noGroups.getMessage().contains("column_groups"), noGroups.getMessage());
        ExplainException missing = assertThrows(ExplainException.class, () -> ClinicalHeatmap.Columns.fromSidecar(
                new ObjectMapper().readTree("{\"variables\":[\"A\",\"B\"],\"column_groups\":{\"A\":[0]}}")));
        assertTrue(missing.getMessage().contains("'B'"), missing.getMessage());
    }

    private static Color at(BufferedImage img, Rectangle r) {
        return new Color(img.getRGB(r.x + r.width / 2, r.y + r.height / 2));
    }
}
