package org.explain4j.cli;

import org.explain4j.summary.SummaryArrowFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code explain4j summarize}, in-process on the embedded reference models. */
class SummarizeCliTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void aDirectoryOfEpisodesIsSummarisedPerClassVariableBinAndHour() throws Exception {
        // the evaluation set's first 40 episodes, one CSV file each, as clinical episodes come
        Path eval = ExplainCliTest.resource("explain4j/models/synthetic_bilstm/synthetic_bilstm.eval.npy",
                tmp.resolve("eval.npy"));
        org.explain4j.io.Npy.Array a = org.explain4j.io.Npy.readArray(eval);
        Path episodes = Files.createDirectories(tmp.resolve("episodes"));
        for (int i = 0; i < 40; i++) {
            StringBuilder sb = new StringBuilder("f0,f1,f2,f3\n");
            for (int t = 0; t < 24; t++) {
                for (int f = 0; f < 4; f++) {
                    sb.append(f == 0 ? "" : ",").append(a.data()[(i * 24 + t) * 4 + f]);
                }
                sb.append('\n');
            }
            Files.writeString(episodes.resolve(String.format("ep%03d.csv", i)), sb.toString());
        }
        Path out = tmp.resolve("summary");
        ExplainCliTest.Result r = ExplainCliTest.run("summarize", "-m", "synthetic_bilstm", "-d", episodes.toString(),
                "--chunk", "16", "--bins", "4", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("summarised 40 episodes of synthetic_bilstm with saliency"), r.out());
        List<String> files = ExplainCliTest.list(out);
        assertEquals(2 + 2 + 4 * 2 + 1, files.size(), files.toString());
        assertTrue(files.containsAll(List.of("summary.arrow", "summary.json", "index.html", "class-0.png",
                "feature-03-class-1.png")));
        SummaryArrowFile.Contents s = SummaryArrowFile.read(out.resolve("summary.arrow"));
        assertEquals("40", s.metadata().get("episodes"));
        assertEquals("synthetic_bilstm", s.metadata().get("model"));
        // every cell of every episode is counted once per variable and hour, over the classes
        for (int f = 0; f < 4; f++) {
            for (int t = 0; t < 24; t++) {
                int ff = f;
                int tt = t;
                long all = s.rows().stream().filter(row -> row.bin() == -1 && row.feature() == ff && row.time() == tt)
                        .mapToLong(SummaryArrowFile.Row::count).sum();
                long binned = s.rows().stream().filter(row -> row.bin() >= 0 && row.feature() == ff && row.time() == tt)
                        .mapToLong(SummaryArrowFile.Row::count).sum();
                assertEquals(40, all);
                assertEquals(40, binned);
            }
        }
        assertNotNull(ImageIO.read(out.resolve("feature-00-class-1.png").toFile()));
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("predicted positive") && html.contains("feature-00-class-1.png"));
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"episodes\" : 40"));
    }

    @Test
    void aTabularCsvIsStreamedRowByRow() throws Exception {
        Path csv = ExplainCliTest.resource("explain4j/data/breast_cancer.csv", tmp.resolve("bc.csv"));
        Path out = tmp.resolve("tab");
        ExplainCliTest.Result r = ExplainCliTest.run("summarize", "-m", "breast_cancer_mlp", "-d", csv.toString(),
                "--method", "gradxinput", "--limit", "100", "--chunk", "32", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("summarised 100 episodes"), r.out());
        assertEquals(List.of("class-0.png", "class-1.png", "index.html", "summary.arrow", "summary.json"),
                ExplainCliTest.list(out));
    }

    @Test
    void mistakesAreUsageErrors() {
        Path out = tmp.resolve("bad");
        ExplainCliTest.Result two = ExplainCliTest.run("summarize", "-m", "synthetic_bilstm", "-d", "eval", "--method",
                "saliency,ig", "-o", out.toString());
        assertEquals(2, two.code());
        assertTrue(two.err().contains("--method takes one method; got 2"), two.err());
        ExplainCliTest.Result bins = ExplainCliTest.run("summarize", "-m", "synthetic_bilstm", "-d", "eval", "--bins",
                "0", "-o", out.toString());
        assertEquals(2, bins.code());
        assertTrue(bins.err().contains("--bins must be 1 or more; got 0"), bins.err());
        assertFalse(Files.exists(out));
    }
}
