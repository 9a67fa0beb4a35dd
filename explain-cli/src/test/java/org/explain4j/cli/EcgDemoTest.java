package org.explain4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code explain4j demo ecg} and {@code evaluate} on the ECG models' evaluation set, in-process. */
class EcgDemoTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void demoEcgWritesThePicturesAndAPageNamingModelsAndRecords() throws Exception {
        Path out = tmp.resolve("demo");
        ExplainCliTest.Result r = ExplainCliTest.run("demo", "ecg", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> files = ExplainCliTest.list(out);
        assertTrue(files.contains("index.html") && files.contains("predictions.csv"), files.toString());
        for (String model : EcgDemo.MODELS) {
            for (String record : EcgDemo.RECORDS) {
                for (String method : List.of("gradcam", "guided_gradcam", "integrated_gradients")) {
                    String name = record + "_" + model + "_" + method;
                    assertTrue(files.contains(name + ".png") && files.contains(name + ".svg"), name + " in " + files);
                    BufferedImage img = ImageIO.read(out.resolve(name + ".png").toFile());
                    assertNotNull(img, name);
                }
            }
        }
        assertEquals(2 * EcgDemo.SYNTHETIC_CLASSES.size(),
                files.stream().filter(f -> f.startsWith("synthetic") && f.endsWith("_gradcam.png")).count(), files.toString());
        String html = Files.readString(out.resolve("index.html"));
        for (String s : List.of("ecg_resnet", "ecg_perlead", "00001_lr", "s0010_re", "no claim of clinical accuracy",
                "per-lead Grad-CAM")) {
            assertTrue(html.contains(s), s);
        }
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(out.resolve("index.html").toFile());
        // header + 2 real records × 2 models + 3 synthetic × 2 models
        assertEquals(1 + 4 + 6, doc.getElementsByTagNameNS("*", "tr").getLength());
        assertEquals(1 + 4 + 6, Files.readAllLines(out.resolve("predictions.csv")).size());
        assertTrue(r.out().contains("no claim of clinical accuracy"), r.out());
        // the real records' probabilities equal the PyTorch reference, which read the WFDB files and
        // resampled them on its own (models-onnx/python/train_ecg.py)
        JsonNode ref = new ObjectMapper().readTree(ExplainCliTest.resource("explain4j/ecg/real_records_predictions.json",
                tmp.resolve("ref.json")).toFile());
        int compared = 0;
        for (String line : Files.readAllLines(out.resolve("predictions.csv")).subList(1, 11)) {
            String[] cells = line.split(",");
            String record = cells[0].replace("\"", "").split(" ")[0];
            for (JsonNode rec : ref.get("records")) {
                if (rec.get("record").asText().equals(record)) {
                    JsonNode probs = rec.get("models").get(cells[1]).get("probs");
                    for (int c = 0; c < 6; c++) {
                        assertEquals(probs.get(c).asDouble(), Double.parseDouble(cells[2 + c]), 1e-4, line);
                    }
                    compared++;
                }
            }
        }
        assertEquals(4, compared, "2 real records x 2 models");
    }

    @Test
    void theEcgEvaluationSetScoresPerClass() throws Exception {
        Path out = tmp.resolve("gt");
        // records 8..10 of the evaluation set are RBBB
        ExplainCliTest.Result r = ExplainCliTest.run("evaluate", "-m", "ecg_perlead", "-d", "eval", "--rows", "8-10",
                "--methods", "gradcam,saliency", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> csv = Files.readAllLines(out.resolve("groundtruth.csv"));
        String rbbb = csv.stream().filter(l -> l.startsWith("gradcam,RBBB,3,")).findFirst().orElseThrow();
        double share = Double.parseDouble(rbbb.split(",")[3]);
        assertTrue(share >= 0 && share <= 1, rbbb);
        assertTrue(Files.readString(out.resolve("groundtruth.md")).contains("synthetic ECG evaluation set"));
    }

    @Test
    void eachDemoHasItsOwnDefaultFolder() {
        assertEquals(java.nio.file.Path.of("explain4j-out", "demo"), DemoCommand.defaultOut("clinical"));
        assertEquals(java.nio.file.Path.of("explain4j-out", "demo-ecg"), DemoCommand.defaultOut("ecg"));
        assertEquals(java.nio.file.Path.of("explain4j-out", "demo-breast-cancer"), DemoCommand.defaultOut("breast-cancer"));
    }

    @Test
    void theEcgDemoTakesNoEpisode() {
        ExplainCliTest.Result r = ExplainCliTest.run("demo", "ecg", "--episode", "x", "-o", tmp.resolve("x").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--episode is for the clinical demo"), r.err());
    }
}
