package org.explain4j.render;

import org.explain4j.explain.Attribution;
import org.explain4j.io.Fixtures;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeatmapTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static Color at(BufferedImage img, Rectangle r) {
        return new Color(img.getRGB(r.x + r.width / 2, r.y + r.height / 2));
    }

    private static boolean reddish(Color c) {
        return c.getRed() > c.getBlue() + 60 && c.getRed() > c.getGreen() + 40;
    }

    private static boolean bluish(Color c) {
        return c.getBlue() > c.getRed() + 60;
    }

    private static boolean whitish(Color c) {
        return c.getRed() > 235 && c.getGreen() > 235 && c.getBlue() > 235;
    }

    private static Document parseSvg(Path f) throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        return dbf.newDocumentBuilder().parse(f.toFile());
    }

    @Test
    void timeByFeatureGridIsTransposedAndColouredBySign() throws Exception {
        ModelInfo info = Fixtures.model("seq", new long[]{-1, 24, 4}, 2, InputLayout.TIME_FEATURES,
                List.of("heart rate", "glucose", "temp", "ph"), List.of("alive", "dead"));
        float[] v = new float[24 * 4];
        v[3 * 4 + 1] = 2f;   // t3, glucose: strongly for
        v[20 * 4 + 2] = -1.5f; // t20, temp: against
        Attribution a = Fixtures.attribution(info, new long[]{1, 24, 4}, v, new int[]{1});
        Heatmap h = Heatmap.of(a, 0, info);
        assertEquals(Heatmap.Kind.GRID, h.kind());
        assertEquals(4, h.rows(), "rows are features");
        assertEquals(24, h.columns(), "columns are time steps");
        assertTrue(h.title().contains("seq") && h.title().contains("integrated_gradients") && h.title().contains("dead"));
        assertEquals(2.0, h.scale().max(), 1e-9);
        Path png = tmp.resolve("h.png");
        h.writePng(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "PNG decodes");
        assertEquals(h.width(), img.getWidth());
        assertEquals(h.height(), img.getHeight());
        assertTrue(img.getWidth() > img.getHeight(), "24 time steps by 4 features is a wide picture");
        Color pos = at(img, h.cellBounds(1, 3));
        Color neg = at(img, h.cellBounds(2, 20));
        Color zero = at(img, h.cellBounds(0, 0));
        assertTrue(reddish(pos), "positive cell " + pos);
        assertTrue(bluish(neg), "negative cell " + neg);
        assertTrue(whitish(zero), "zero cell " + zero);
        Rectangle c1 = h.cellBounds(1, 3);
        assertTrue(c1.width >= 2 && c1.height >= 4);

        Path svg = tmp.resolve("h.svg");
        h.writeSvg(svg);
        Document doc = parseSvg(svg);
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertEquals(Integer.toString(h.width()), doc.getDocumentElement().getAttribute("width"));
        String text = doc.getDocumentElement().getTextContent();
        assertTrue(text.contains("glucose") && text.contains("time step") && text.contains("+2"), text);
        // the same cell fills in the SVG: one rect with the positive cell's colour where the PNG has it
        Rectangle r = h.cellBounds(1, 3);
        String expected = "x=\"" + r.x + "\" y=\"" + r.y + "\"";
        String svgText = java.nio.file.Files.readString(svg);
        int i = svgText.indexOf("<rect " + expected);
        assertTrue(i > 0, "cell rect at " + expected);
        String fill = svgText.substring(svgText.indexOf("fill=\"", i) + 6, svgText.indexOf("fill=\"", i) + 13);
        assertEquals(SvgCanvas.hex(pos), fill);
    }

    @Test
    void featureBarsAreSortedByMagnitudeAndColouredBySign() throws Exception {
        List<String> names = new ArrayList<>();
        float[] v = new float[40];
        for (int i = 0; i < 40; i++) {
            names.add("feature <" + i + ">");
            v[i] = (i % 2 == 0 ? 1 : -1) * (i + 1) * 0.01f;
        }
        ModelInfo info = Fixtures.model("mlp", new long[]{-1, 40}, 2, InputLayout.FEATURES, names,
                List.of("malignant", "benign"));
        Attribution a = Fixtures.attribution(info, new long[]{1, 40}, v, new int[]{0});
        Heatmap h = Heatmap.of(a, 0, info);
        assertEquals(Heatmap.Kind.BARS, h.kind());
        assertEquals(Heatmap.MAX_BARS, h.rows());
        assertTrue(h.barLabel(0).startsWith("feature <39>"), h.barLabel(0)); // |v| = 0.40, negative
        assertTrue(h.barLabel(1).startsWith("feature <38>"), h.barLabel(1));
        BufferedImage img = h.toImage();
        assertTrue(img.getHeight() > Heatmap.MAX_BARS * 20, "one row per bar");
        assertTrue(bluish(at(img, h.barBounds(0))), "largest bar is negative: blue");
        assertTrue(reddish(at(img, h.barBounds(1))), "second is positive: red");
        assertTrue(h.barBounds(0).width > h.barBounds(29).width);
        Path svg = tmp.resolve("bars.svg");
        h.writeSvg(svg);
        String text = parseSvg(svg).getDocumentElement().getTextContent();
        assertTrue(text.contains("feature <39>") && text.contains("top 30 of 40 features"), text);
    }

    @Test
    void imageSumsChannelsIntoASquareGrid() {
        ModelInfo info = Fixtures.model("cnn", new long[]{-1, 2, 8, 8}, 2, InputLayout.IMAGE, List.of(), List.of());
        float[] v = new float[2 * 8 * 8];
        v[5 * 8 + 6] = 1f;          // channel 0, y5 x6
        v[64 + 5 * 8 + 6] = 1f;     // channel 1, same pixel: sums to 2
        v[64 + 1 * 8 + 1] = -0.5f;  // channel 1, y1 x1
        Attribution a = Fixtures.attribution(info, new long[]{1, 2, 8, 8}, v, new int[]{1});
        Heatmap h = Heatmap.of(a, 0, info);
        assertEquals(8, h.rows());
        assertEquals(8, h.columns());
        assertEquals(2.0, h.scale().max(), 1e-9);
        Rectangle cell = h.cellBounds(0, 0);
        assertEquals(cell.width, cell.height, "square pixels");
        BufferedImage img = h.toImage();
        Color hot = at(img, h.cellBounds(5, 6));
        assertTrue(reddish(hot) && hot.getGreen() < 60, "darkest red at the maximum " + hot);
        Color cold = at(img, h.cellBounds(1, 1));
        assertTrue(cold.getBlue() > cold.getRed() + 25 && cold.getRed() > 100, "light blue at a quarter of the range " + cold);
    }

    @Test
    void colourScaleIsSymmetricAndWhiteAtZero() {
        DivergingColorScale s = new DivergingColorScale(4);
        assertEquals(Color.WHITE, s.color(0));
        Color p = s.color(4);
        Color n = s.color(-4);
        assertEquals(new Color(0xB2, 0x18, 0x2B), p);
        assertEquals(new Color(0x21, 0x66, 0xAC), n);
        assertEquals(p, s.color(100), "clipped beyond the range");
        Color half = s.color(1);
        assertTrue(whitish(s.color(0.01)) && reddish(s.color(3)) && bluish(s.color(-3)));
        assertTrue(half.getRed() > half.getBlue(), "a quarter of the range is still on the red side " + half);
    }
}
