package org.explain4j.report;

import org.explain4j.ExplainException;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTableTest {
    @Test
    void tablesAreEscapedWellFormedAndComeBeforeThePictures() throws Exception {
        String html = HtmlReport.titled("ecg").summary("s")
                .table("Predictions <p>", List.of("class", "p"), List.of(List.of("RBBB & co", "0.97"), List.of("AF", "0.01")))
                .html();
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        Element table = (Element) doc.getElementsByTagNameNS("*", "table").item(0);
        assertEquals("Predictions <p>", table.getElementsByTagNameNS("*", "caption").item(0).getTextContent());
        assertEquals(3, table.getElementsByTagNameNS("*", "tr").getLength(), "header + 2 rows");
        assertEquals("RBBB & co", table.getElementsByTagNameNS("*", "td").item(0).getTextContent());
        assertTrue(html.indexOf("<table>") < html.indexOf("<div class=\"panels\">"));
        assertTrue(assertThrows(ExplainException.class, () -> HtmlReport.titled("t").table("c", List.of("a", "b"),
                List.of(List.of("1")))).getMessage().contains("a row has 1 cells but the header 2"));
    }
}
