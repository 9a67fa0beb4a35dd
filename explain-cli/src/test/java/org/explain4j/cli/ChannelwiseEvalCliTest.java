package org.explain4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code evaluate -m channelwise_lstm -d eval}: the Channel-wise LSTM's held-out synthetic cohort
 * (models-onnx/python/channelwise_eval_set.py) comes with its mechanism cells, and the ground-truth
 * columns are scored on the died episodes only, against the generator's own outcome and masks.
 */
class ChannelwiseEvalCliTest {
    private static final int ROWS = 10;

    @TempDir
    Path tmp;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static double column(List<String> csv, int row, String name) {
        return EvaluateCliTest.column(csv, row, name);
    }

    @Test
    void theDiedEpisodesAreScoredOnTheirMechanismCells() throws Exception {
        // the generator's outcome and cause masks of the first ROWS episodes, read independently
        JsonNode samples;
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("explain4j/models/channelwise_lstm/channelwise_lstm.eval.truth.json")) {
            assertNotNull(in, "channelwise_lstm.eval.truth.json is on the classpath");
            samples = new ObjectMapper().readTree(in).get("samples");
        }
        int died = 0;
        double share = 0;
        for (int i = 0; i < ROWS; i++) {
            JsonNode s = samples.get(i);
            int causes = 0;
            for (JsonNode v : s.get("mask")) {
                causes += v.asInt();
            }
            assertEquals(s.get("y").asInt() == 1, causes > 0, "episode " + i + ": cause cells iff died");
            if (causes > 0) {
                died++;
                share += causes / (48.0 * 76);
            }
        }
        assertTrue(died > 0 && died < ROWS, "the first " + ROWS + " episodes mix died and survived: " + died);

        Path out = tmp.resolve("eval");
        ExplainCliTest.Result r = ExplainCliTest.run("evaluate", "-m", "channelwise_lstm", "-d", "eval", "--rows",
                "0-" + (ROWS - 1), "--methods", "saliency,ig:steps=8", "--neighbours", "0", "--infidelity-samples",
                "0", "--steps", "4", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| GT share of abs. attribution on cause ↑ |"), r.out());
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertTrue(csv.get(1).startsWith("saliency," + ROWS + ","), csv.get(1));
        assertTrue(csv.get(2).startsWith("integrated_gradients," + ROWS + ","), csv.get(2));
        for (int row = 1; row <= 2; row++) {
            // one sigmoid output: the died episodes (and only they) are scored, whatever the target's index
            assertEquals(died, column(csv, row, "gt_mass_on_cause_n"));
            assertEquals(share / died, column(csv, row, "gt_random_mass"), 1e-12);
            double mass = column(csv, row, "gt_mass_on_cause");
            assertTrue(mass > 0 && mass <= 1, "a share: " + mass);
        }
        double ig = column(csv, 2, "gt_mass_on_cause");
        assertTrue(ig > 5 * column(csv, 2, "gt_random_mass"),
                "IG finds the mechanism far above a uniform map's share: " + ig);
    }
}
