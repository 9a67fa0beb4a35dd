package org.explain4j.render;

import org.explain4j.ExplainException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EcgPlotTest {
    private static final List<String> LEADS = List.of("I", "II", "V1");
    private static final int T = 400;
    private static final double FS = 200;

    @TempDir
    Path tmp;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** Three leads of a 1.3 Hz sine with different amplitudes (mV). */
    private static float[][] signal() {
        float[][] s = new float[3][T];
        for (int l = 0; l < 3; l++) {
            for (int i = 0; i < T; i++) {
                s[l][i] = (float) ((l + 1) * 0.4 * Math.sin(2 * Math.PI * 1.3 * i / FS));
            }
        }
        return s;
    }

    /** {@code value} on lead 1, samples 100..149; 0 everywhere else. */
    private static float[][] block(float value) {
        float[][] a = new float[3][T];
        for (int i = 100; i < 150; i++) {
            a[1][i] = value;
        }
        return a;
    }

    /** A pixel inside the band but above the trace (the trace keeps 8% of the row free at the top). */
    private static Color bandPixel(BufferedImage img, EcgPlot p, int lead, int sample) {
        Rectangle r = p.leadBounds(lead);
        return new Color(img.getRGB(p.columnOf(sample), r.y + 2));
    }

    @Test
    void sequentialBandIsDarkRedWhereTheMapIsLargestAndWhiteWhereItIsZero() throws Exception {
        EcgPlot p = EcgPlot.builder(signal(), LEADS, FS).attribution(block(2.5f)).title("t").build();
        assertEquals(EcgPlot.Colors.SEQUENTIAL, p.colors(), "no negative value: sequential");
        assertEquals(2.5, p.scaleMax(), 1e-12);
        Path png = tmp.resolve("ecg.png");
        p.writePng(png);
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, "PNG signature");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(p.width(), img.getWidth());
        assertEquals(p.height(), img.getHeight());
        // the largest value takes the scale's top stop, OrRd #b30000; zero is white
        assertEquals(new Color(0xB3, 0x00, 0x00), bandPixel(img, p, 1, 125));
        assertEquals(Color.WHITE, bandPixel(img, p, 1, 300));
        assertEquals(Color.WHITE, bandPixel(img, p, 0, 125), "other leads carry no attribution");
        assertNotEquals(bandPixel(img, p, 1, 125), bandPixel(img, p, 1, 300));
        assertEquals(p.bandColor(1, p.columnOf(125)), bandPixel(img, p, 1, 125));
    }

    @Test
    void signedMapsGetTheDivergingScale() throws Exception {
        float[][] a = block(-1f);
        a[2][300] = 0.5f;
        EcgPlot p = EcgPlot.builder(signal(), LEADS, FS).attribution(a).build();
        assertEquals(EcgPlot.Colors.DIVERGING, p.colors());
        assertEquals(1.0, p.scaleMax(), 1e-12, "symmetric: the largest magnitude");
        BufferedImage img = p.toImage();
        assertEquals(new Color(0x21, 0x66, 0xAC), bandPixel(img, p, 1, 125), "-max is the dark blue end of RdBu");
        assertEquals(Color.WHITE, bandPixel(img, p, 1, 20));
    }

    @Test
    void truthIntervalsAreMarkedInGreen() {
        EcgPlot p = EcgPlot.builder(signal(), LEADS, FS).attribution(block(1f))
                .truth(List.of(new EcgPlot.Interval(2, 240, 279))).build();
        BufferedImage img = p.toImage();
        Rectangle r = p.leadBounds(2);
        int bottom = r.y + r.height - 2; // inside the 4-pixel bar along the bottom of the lead
        assertEquals(EcgPlot.TRUTH, new Color(img.getRGB(p.columnOf(260), bottom)));
        assertNotEquals(EcgPlot.TRUTH, new Color(img.getRGB(p.columnOf(100), bottom)));
    }

    @Test
    void svgIsWellFormedAndNamesTheLeads() throws Exception {
        EcgPlot p = EcgPlot.builder(signal(), LEADS, FS).attribution(block(1f)).title("rec · gradcam")
                .subtitle("True: RBBB · Predicted: RBBB 0.97").build();
        Path svg = tmp.resolve("ecg.svg");
        p.writeSvg(svg);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        List<String> texts = new ArrayList<>();
        NodeList nodes = doc.getElementsByTagNameNS("*", "text");
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent());
        }
        assertTrue(texts.containsAll(LEADS), "lead names: " + texts);
        assertTrue(texts.contains("True: RBBB · Predicted: RBBB 0.97"));
        assertEquals(3, doc.getElementsByTagNameNS("*", "polyline").getLength(), "one trace per lead");
        assertEquals(3, doc.getElementsByTagNameNS("*", "image").getLength(), "one band per lead");
        assertEquals(400, doc.getElementsByTagNameNS("*", "polyline").item(0).getAttributes().getNamedItem("points")
                .getNodeValue().split(" ").length, "every sample on the trace");
        assertTrue(Files.list(tmp).noneMatch(x -> x.getFileName().toString().endsWith(".tmp")), "no temp file left");
    }

    @Test
    void aPlotWithoutAttributionHasNoBand() {
        EcgPlot p = EcgPlot.builder(signal(), LEADS, FS).build();
        assertEquals(null, p.colors());
        assertEquals(Color.WHITE, bandPixel(p.toImage(), p, 1, 125));
    }

    @Test
    void aGivenScaleTopClipsLargerValues() {
        float[][] a = block(1f);
        a[1][120] = 50f; // one spike
        // of 1200 cells, 1150 are 0 (ranks 1..1150), 49 are 1 (ranks 1151..1199) and one is 50
        assertEquals(1.0, EcgPlot.magnitudeQuantile(a, 0.96), 1e-12, "rank 1152");
        assertEquals(50.0, EcgPlot.magnitudeQuantile(a, 1.0), 1e-12);
        assertEquals(0.0, EcgPlot.magnitudeQuantile(a, 0.95), 1e-12, "rank 1140 is still a zero");
        assertThrows(ExplainException.class, () -> EcgPlot.magnitudeQuantile(a, 0));
        EcgPlot p = EcgPlot.builder(signal(), LEADS, FS).attribution(a).scaleMax(1.0).build();
        assertEquals(1.0, p.scaleMax());
        assertEquals(new Color(0xB3, 0x00, 0x00), bandPixel(p.toImage(), p, 1, 130), "1 is the top: darkest");
    }

    @Test
    void byLeadSplitsAFlatSample() {
        float[][] g = EcgPlot.byLead(new float[]{1, 2, 3, 4, 5, 6}, 2);
        assertArrayEquals(new float[]{1, 2, 3}, g[0]);
        assertArrayEquals(new float[]{4, 5, 6}, g[1]);
        assertThrows(ExplainException.class, () -> EcgPlot.byLead(new float[5], 2));
    }

    @Test
    void badInputIsRejectedWithAReason() {
        float[][] s = signal();
        assertTrue(assertThrows(ExplainException.class, () -> EcgPlot.builder(s, List.of("I", "II"), FS))
                .getMessage().contains("3 leads but 2 lead names"));
        assertTrue(assertThrows(ExplainException.class, () -> EcgPlot.builder(s, LEADS, 0))
                .getMessage().contains("positive rate"));
        assertTrue(assertThrows(ExplainException.class, () -> EcgPlot.builder(s, LEADS, FS)
                .attribution(new float[3][T - 1])).getMessage().contains("one value per sample"));
        assertTrue(assertThrows(ExplainException.class, () -> EcgPlot.builder(s, LEADS, FS)
                .attribution(new float[2][T])).getMessage().contains("one attribution row per lead"));
        assertTrue(assertThrows(ExplainException.class, () -> EcgPlot.builder(s, LEADS, FS)
                .truth(List.of(new EcgPlot.Interval(0, 390, 400)))).getMessage().contains("outside the record"));
        float[][] ragged = {new float[4], new float[5]};
        assertTrue(assertThrows(ExplainException.class, () -> EcgPlot.builder(ragged, List.of("a", "b"), FS))
                .getMessage().contains("equal length"));
    }
}
