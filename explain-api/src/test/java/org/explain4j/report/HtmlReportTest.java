package org.explain4j.report;

import org.explain4j.ExplainException;
import org.explain4j.io.OutputDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {
    @TempDir
    Path tmp;

    @Test
    void pageParsesAsXmlEscapesTextAndLinksOnlyWrittenFiles() throws Exception {
        Path out = tmp.resolve("run");
        try (OutputDirectory dir = OutputDirectory.create(out)) {
            for (String f : List.of("lrp.png", "lrp.svg", "input.png", "attribution.arrow")) {
                Files.writeString(dir.file(f), "x");
            }
            HtmlReport.titled("episode <1> & \"friends\"")
                    .summary("True: 1 · Predicted: 0 (p = 0.21) <script>alert('x')</script>")
                    .panel(new HtmlReport.Panel("LRP", "lrp.png", "lrp.svg", "red: for death, blue: against"))
                    .panel(new HtmlReport.Panel("input", "input.png", null, "normalized values in [-2, 2]"))
                    .file("attribution.arrow")
                    .write(dir);
            dir.commit();
        }
        Path index = out.resolve("index.html");
        String html = Files.readString(index);
        assertFalse(html.contains("<script>"), "text is escaped");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)"), html);

        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(index.toFile());
        assertEquals("html", doc.getDocumentElement().getLocalName());
        assertEquals("episode <1> & \"friends\"", doc.getElementsByTagNameNS("*", "title").item(0).getTextContent());
        List<String> linked = new ArrayList<>();
        NodeList imgs = doc.getElementsByTagNameNS("*", "img");
        for (int i = 0; i < imgs.getLength(); i++) {
            linked.add(((Element) imgs.item(i)).getAttribute("src"));
        }
        assertEquals(List.of("lrp.png", "input.png"), linked, "the panels side by side, in order");
        NodeList links = doc.getElementsByTagNameNS("*", "a");
        for (int i = 0; i < links.getLength(); i++) {
            linked.add(((Element) links.item(i)).getAttribute("href"));
        }
        for (String l : linked) {
            assertTrue(Files.isRegularFile(out.resolve(l)), "links to an existing file: " + l);
        }
        assertEquals(2, doc.getElementsByTagNameNS("*", "figcaption").getLength());
    }

    @Test
    void aMissingPictureIsRefusedAndNothingIsLeftBehind() {
        Path out = tmp.resolve("broken");
        ExplainException e;
        try (OutputDirectory dir = OutputDirectory.create(out)) {
            e = assertThrows(ExplainException.class, () -> HtmlReport.titled("t")
                    .panel(new HtmlReport.Panel("LRP", "lrp.png", null, "c")).write(dir));
        }
        assertTrue(e.getMessage().contains("'lrp.png'"), e.getMessage());
        assertFalse(Files.exists(out));
    }
}
