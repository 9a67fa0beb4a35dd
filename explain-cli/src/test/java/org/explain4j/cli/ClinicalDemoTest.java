package org.explain4j.cli;

import org.explain4j.io.ArrowAttributionFile;
import org.explain4j.models.ReferenceModels;
import org.explain4j.models.clinical.MimicDiscretizer;
import org.explain4j.render.ClinicalHeatmap;
import org.explain4j.report.HtmlReport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code explain4j demo}: the clinical default and the choice of data set. */
class ClinicalDemoTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void theElevenEmbeddedEpisodesWithTheirOutcomes() {
        List<ClinicalDemo.Episode> all = ClinicalDemo.episodes();
        assertEquals(11, all.size());
        assertEquals("10011_episode1", all.get(0).name());
        assertEquals(1, all.get(0).label());
        assertEquals(0, all.get(1).label(), "10026_episode1 survived (listfile.csv)");
        assertTrue(all.get(0).csv().startsWith("Hours,Capillary refill rate"), all.get(0).csv().substring(0, 40));
        assertEquals("10011_episode1", ClinicalDemo.pick(null).name(), "default: the first death");
        assertEquals("44083_episode3", ClinicalDemo.pick("44083_episode3_timeseries.csv").name());
        var e = assertThrows(org.explain4j.ExplainException.class, () -> ClinicalDemo.pick("nobody_episode9"));
        assertTrue(e.getMessage().contains("nobody_episode9") && e.getMessage().contains("10011_episode1"), e.getMessage());
    }

    @Test
    void anUnknownDataSetOrAnEpisodeForBreastCancerIsRefused() {
        ExplainCliTest.Result r = ExplainCliTest.run("demo", "iris", "--out", tmp.resolve("x").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown demo data set 'iris'") && r.err().contains("breast-cancer"), r.err());
        r = ExplainCliTest.run("demo", "breast-cancer", "--episode", "10011_episode1", "--out", tmp.resolve("y").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--episode is for the clinical demo"), r.err());
        assertTrue(!Files.exists(tmp.resolve("x")) && !Files.exists(tmp.resolve("y")));
    }

    @Test
    void sidecarColumnGroupsAgreeWithTheDiscretizer() {
        Assumptions.assumeTrue(ClinicalDemo.available(), "channelwise_lstm is not embedded yet");
        var fromDiscretizer = MimicDiscretizer.standard().columns();
        ClinicalHeatmap.Columns c = ClinicalDemo.columns(null, fromDiscretizer);
        ClinicalHeatmap.Columns s = ClinicalDemo.columns(
                org.explain4j.onnx.OrtModel.open(ReferenceModels.source(ClinicalDemo.MODEL)).info().description(),
                fromDiscretizer);
        assertEquals(c.variables(), s.variables());
        for (int v = 0; v < c.variables().size(); v++) {
            assertArrayEquals(c.valueColumns().get(v), s.valueColumns().get(v), c.variables().get(v));
        }
        assertArrayEquals(c.maskColumns(), s.maskColumns());
        assertEquals(17, c.variables().size());
        assertEquals(76, c.width());
    }

    @Test
    void demoDefaultsToTheClinicalEpisodeAndWritesHeatmapsAndIndex() throws Exception {
        Assumptions.assumeTrue(ClinicalDemo.available(), "channelwise_lstm is not embedded yet");
        Path out = tmp.resolve("demo");
        ExplainCliTest.Result r = ExplainCliTest.run("demo", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("10011_episode1_timeseries.csv") && r.out().contains("True: 1"), r.out());
        assertTrue(r.out().contains("completeness gap") && r.out().contains("lrp conservation residual"), r.out());
        List<String> files;
        try (Stream<Path> s = Files.list(out)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("attribution.arrow", "attribution.csv", "class1_visualization.png",
                "class1_visualization.svg", "explanation.json", "index.html",
                "input.png", "input.svg", "integrated_gradients.png", "integrated_gradients.svg", "lrp.png", "lrp.svg",
                "saliency.png", "saliency.svg"), files);
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("demo"), s.map(p -> p.getFileName().toString()).toList(), "no temporary directory left");
        }
        for (String png : List.of("input.png", "saliency.png", "integrated_gradients.png", "lrp.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(img, png);
            assertTrue(img.getWidth() > img.getHeight(), png + ": 48 hours wide, 17 variables high");
        }
        String svg = Files.readString(out.resolve("lrp.svg"));
        assertTrue(svg.contains("Glucose") && svg.contains("10011_episode1") && svg.contains("Method: lrp"), "lrp.svg");

        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(out.resolve(HtmlReport.FILE).toFile());
        NodeList imgs = doc.getElementsByTagNameNS("*", "img");
        assertEquals(5, imgs.getLength(), "four pictures side by side and the class-1 visualisation");
        for (int i = 0; i < imgs.getLength(); i++) {
            assertTrue(Files.isRegularFile(out.resolve(((Element) imgs.item(i)).getAttribute("src"))));
        }
        assertTrue(doc.getDocumentElement().getTextContent().contains("Predicted"));

        var arrow = ArrowAttributionFile.read(out.resolve("attribution.arrow")).attribution();
        assertEquals(ClinicalDemo.FILES_METHOD, arrow.method());
        assertArrayEquals(new long[]{1, 48, 76}, arrow.values().shape());
        float max = 0;
        for (float v : arrow.values().data()) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0, "the episode gets a non-zero attribution");
    }
}
