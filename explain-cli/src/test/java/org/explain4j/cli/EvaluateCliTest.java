package org.explain4j.cli;

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

/** {@code explain4j evaluate}, in-process on the embedded reference models. */
class EvaluateCliTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** The value of column {@code name} in row {@code row} of a metrics CSV. */
    static double column(List<String> csv, int row, String name) {
        List<String> header = List.of(csv.get(0).split(","));
        int col = header.indexOf(name);
        assertTrue(col >= 0, "column " + name + " in " + header);
        return Double.parseDouble(csv.get(row).split(",", -1)[col]);
    }

    @Test
    void theSequenceModelsEvaluationSetComesWithGroundTruth() throws Exception {
        Path out = tmp.resolve("eval");
        ExplainCliTest.Result r = ExplainCliTest.run("evaluate", "-m", "synthetic_bilstm", "-d", "eval", "--rows",
                "0-11", "--methods", "saliency:signed=true,ig:steps=8", "--neighbours", "2", "--infidelity-samples",
                "8", "--steps", "6", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("curves.csv", "metrics.csv", "metrics.md", "metrics.png"), ExplainCliTest.list(out));
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(3, csv.size());
        assertTrue(csv.get(1).startsWith("saliency,12,"));
        assertTrue(csv.get(2).startsWith("integrated_gradients,12,"));
        // positives among the first 12 held-out samples: their cause cells are scored
        assertTrue(column(csv, 2, "gt_topk_precision_n") > 0);
        double mass = column(csv, 2, "gt_mass_on_cause");
        double uniform = column(csv, 2, "gt_random_mass");
        assertTrue(mass > uniform, "IG puts more than a uniform share on the cause: " + mass + " vs " + uniform);
        assertTrue(column(csv, 2, "ig_completeness_residual_n") == 12);
        String md = Files.readString(out.resolve("metrics.md"));
        assertTrue(md.contains("| metric | saliency | integrated_gradients |"), md);
        assertFalse(md.contains("OpenBox"), "an LSTM is not piecewise linear: no OpenBox under auto");
        assertTrue(r.out().contains("| deletion AUC ↓ |"), r.out());
        assertEquals(1 + 7, Files.readAllLines(out.resolve("curves.csv")).size()); // header + 6 steps from 0
        assertNotNull(ImageIO.read(out.resolve("metrics.png").toFile()));
    }

    /**
     * The clinical model's example: one synthetic death with known cause cells, two synthetic
     * survivors (no cause) and a real patient whose truth mask is null (cause unknown).
     * Only the death is scored, against the model's single sigmoid output.
     */
    @Test
    void theClinicalExampleScoresOnlyTheSyntheticDeath() throws Exception {
        Path out = tmp.resolve("clinical");
        ExplainCliTest.Result r = ExplainCliTest.run("evaluate", "-m", "channelwise_lstm", "-d", "example",
                "--methods", "saliency", "--neighbours", "0", "--infidelity-samples", "2", "--steps", "4",
                "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertTrue(csv.get(1).startsWith("saliency,4,"), csv.get(1));
        assertEquals(1, column(csv, 1, "gt_topk_precision_n"));
        assertTrue(column(csv, 1, "gt_mass_on_cause") > column(csv, 1, "gt_random_mass"));
    }

    @Test
    void theReluMlpGetsOpenBox() throws Exception {
        Path out = tmp.resolve("mlp");
        ExplainCliTest.Result r = ExplainCliTest.run("evaluate", "-m", "breast_cancer_mlp", "-d", "example", "--rows",
                "0-5", "--methods", "gradxinput", "--neighbours", "0", "--infidelity-samples", "4",
                "--openbox-directions", "3", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(ExplainCliTest.list(out).contains("openbox.csv"));
        List<String> ob = Files.readAllLines(out.resolve("openbox.csv"));
        assertEquals(7, ob.size());
        for (String line : ob.subList(1, ob.size())) {
            String[] cells = line.split(",");
            assertTrue(Double.parseDouble(cells[1]) > 0, "a region of non-zero size: " + line);
            assertTrue(Double.parseDouble(cells[4]) < 1e-4, "reproduced inside the region: " + line);
        }
        String md = Files.readString(out.resolve("metrics.md"));
        assertTrue(md.contains("## OpenBox"), md);
        assertFalse(md.contains("sensitivity"), "--neighbours 0 skips sensitivity and consistency");
    }

    @Test
    void mistakesAreOneLineAndLeaveNothingBehind() {
        Path out = tmp.resolve("bad");
        ExplainCliTest.Result unknown = ExplainCliTest.run("evaluate", "-m", "synthetic_bilstm", "-d", "eval",
                "--methods", "saliency,magic", "-o", out.toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("explain4j: error: unknown method 'magic'; known: saliency"), unknown.err());
        assertEquals(1, unknown.err().strip().lines().count());

        ExplainCliTest.Result option = ExplainCliTest.run("evaluate", "-m", "synthetic_bilstm", "-d", "eval",
                "--methods", "lime:window=3", "-o", out.toString());
        assertEquals(2, option.code());
        assertTrue(option.err().contains("method lime does not take 'window'"), option.err());

        ExplainCliTest.Result noEval = ExplainCliTest.run("evaluate", "-m", "breast_cancer_mlp", "-d", "eval",
                "-o", out.toString());
        assertEquals(1, noEval.code());
        assertTrue(noEval.err().contains("model 'breast_cancer_mlp' comes without an evaluation set"), noEval.err());
        assertFalse(Files.exists(out));
    }
}
