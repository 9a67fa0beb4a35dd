package org.explain4j.models.clinical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.ExplainException;
import org.explain4j.io.InputData;
import org.explain4j.io.RowSelection;
import org.explain4j.model.TensorInfo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The discretizer with the embedded mimic3-benchmarks configuration, its errors, and the NumPy reference. */
class MimicDiscretizerBenchmarkTest {
    static final String HEADER = "Hours,Capillary refill rate,Diastolic blood pressure,Fraction inspired oxygen,"
            + "Glascow coma scale eye opening,Glascow coma scale motor response,Glascow coma scale total,"
            + "Glascow coma scale verbal response,Glucose,Heart Rate,Height,Mean blood pressure,Oxygen saturation,"
            + "Respiratory rate,Systolic blood pressure,Temperature,Weight,pH";
    static final MimicDiscretizer D = MimicDiscretizer.standard();

    @Test
    void seventySixColumnsInTheNormalizersOrder() {
        ClinicalColumns c = D.columns();
        assertEquals(76, c.size());
        assertEquals(17, c.variables().size());
        assertEquals("Capillary refill rate->0.0", c.name(0));
        assertEquals("Glascow coma scale eye opening->To Pain", c.name(4));
        assertEquals("Glascow coma scale total->15", c.name(28));
        assertEquals("Heart Rate", c.name(50));
        assertEquals("mask->Capillary refill rate", c.name(59));
        assertEquals("mask->pH", c.name(75));
        int masks = 0;
        for (int i = 0; i < 76; i++) {
            masks += c.isMask(i) ? 1 : 0;
            assertEquals(i >= 59, c.isMask(i), c.name(i));
        }
        assertEquals(17, masks);
        assertEquals("Glascow coma scale total", c.variables().get(c.variableOf(28)));
        assertEquals(13, c.valueColumns(c.variables().indexOf("Glascow coma scale total")).length);
        int standardized = 0;
        for (boolean s : D.config().standardize()) {
            standardized += s ? 1 : 0;
        }
        assertEquals(12, standardized); // the 12 continuous variables; one-hot and mask columns stay 0/1
    }

    /** A few cells of a hand-made episode against values worked out from the normalizer table. */
    @Test
    void handMadeEpisodeWithTheRealConfiguration() {
        String csv = HEADER + "\n"
                + "0.5,,,,4 SPONTANEOUSLY,,15,,,80,,,,,,,,\n"
                + "2.25,,,,,,8,,,100,,,,,,,,\n";
        float[] m = D.discretize(csv, "hand-made").matrix().data();
        double hrMean = 86.25870678236019;
        double hrStd = 19.406306128762413;
        // hour 0: HR 80; hours 1: carried 80; hour 2..47: 100
        assertEquals((float) ((80 - hrMean) / hrStd), m[50], 1e-6);
        assertEquals((float) ((80 - hrMean) / hrStd), m[76 + 50], 1e-6);
        assertEquals((float) ((100 - hrMean) / hrStd), m[47 * 76 + 50], 1e-6);
        // glucose never measured: normal value 128 everywhere, standardised with mean 137.495..., std 57.166...
        assertEquals((float) ((128 - 137.49547825250193) / 57.16662981850497), m[49], 1e-6);
        assertEquals((float) ((128 - 137.49547825250193) / 57.16662981850497), m[30 * 76 + 49], 1e-6);
        // capillary refill never measured: normal "0.0" -> column 0 one-hot, not standardised
        assertEquals(1f, m[0]);
        assertEquals(0f, m[1]);
        // eye opening "4 SPONTANEOUSLY" -> column 7 ("4 Spontaneously"); GCS total 15 (col 28) then 8 (col 36)
        assertEquals(1f, m[7]);
        assertEquals(1f, m[28]);
        assertEquals(0f, m[2 * 76 + 28]);
        assertEquals(1f, m[2 * 76 + 36]);
        // masks: eye observed in hour 0 only; GCS total in hours 0 and 2
        assertEquals(1f, m[62]);
        assertEquals(0f, m[76 + 62]);
        assertEquals(1f, m[64]);
        assertEquals(0f, m[76 + 64]);
        assertEquals(1f, m[2 * 76 + 64]);
    }

    @Test
    void missingHoursColumn() {
        String csv = HEADER.substring("Hours,".length()) + "\n,,,,,,,,80,,,,,,,,\n";
        assertError(csv, "episode x has no 'Hours' column; a mimic3-benchmarks episode starts with Hours");
    }

    @Test
    void nonNumericValueInNumericColumn() {
        String csv = HEADER + "\n0.5,,,,,,,,,80,,,,,,,,\n1.5,,,,,,,,,fast,,,,,,,,\n";
        assertError(csv, "episode x line 3: 'fast' in column 'Heart Rate' is not a finite number");
        assertError(HEADER + "\nsoon,,,,,,,,,80,,,,,,,,\n", "episode x line 2: 'soon' in column 'Hours' is not a finite number");
        assertError(HEADER + "\n1.5,,,,,,,,,NaN,,,,,,,,\n", "episode x line 2: 'NaN' in column 'Heart Rate' is not a finite number");
    }

    @Test
    void emptyFileAndHeaderOnly() {
        assertError("", "episode x is empty; expected a header 'Hours,Capillary refill rate,");
        assertError("\n  \n", "episode x is empty");
        assertError(HEADER + "\n", "episode x has a header but no rows");
    }

    @Test
    void episodeShorterThanOneHour() {
        String csv = HEADER + "\n0.2,,,,,,,,,80,,,,,,,,\n0.9,,,,,,,,,82,,,,,,,,\n";
        assertError(csv, "episode x is shorter than 1 hour (its last row is at Hours=0.9)");
        assertError(HEADER + "\n-2,,,,,,,,,80,,,,,,,,\n50,,,,,,,,,82,,,,,,,,\n",
                "episode x has no row between 0 and 48 hours (1 before 0, 1 after 48)");
    }

    @Test
    void unknownCategoryNamesValueColumnLineAndAllowedValues() {
        String csv = HEADER + "\n0.5,,,,,,,,,80,,,,,,,,\n1.5,,,,OPEN WIDE,,,,,,,,,,,,,\n";
        String msg = assertError(csv, "episode x line 3: 'OPEN WIDE' is not a known value of column "
                + "'Glascow coma scale eye opening'; allowed (any case): To Pain | 3 To speech | 1 No Response");
        assertTrue(msg.endsWith("Spontaneously | 2 To pain"), msg);
    }

    @Test
    void malformedHeaderAndRows() {
        assertError(HEADER + ",Lactate\n0.5,,,,,,,,,80,,,,,,,,,\n", "episode x has an unknown column 'Lactate'");
        assertError(HEADER.replace(",pH", "") + "\n0.5,,,,,,,,,80,,,,,,,\n", "episode x lacks column 'pH'");
        assertError(HEADER + "\n0.5,80\n", "episode x line 2 has 2 fields; the header has 18");
        assertError(HEADER + "\n,,,,,,,,,80,,,,,,,,\n", "episode x line 2 has no Hours value");
    }

    static String assertError(String csv, String expectedStart) {
        ExplainException e = assertThrows(ExplainException.class, () -> D.discretize(csv, "x"));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    /** The 11 real demo test episodes against the NumPy reference (models-onnx/python/mimic_discretizer.py). */
    @Test
    void realDemoEpisodesEqualTheNumpyReference() throws IOException {
        InputStream golden = getClass().getClassLoader()
                .getResourceAsStream("explain4j/golden/channelwise_lstm.discretized.json");
        Assumptions.assumeTrue(golden != null, "NumPy reference explain4j/golden/channelwise_lstm.discretized.json not there yet");
        JsonNode root;
        try (golden) {
            root = new ObjectMapper().readTree(golden);
        }
        assertEquals(11, root.get("episodes").size());
        for (JsonNode ep : root.get("episodes")) {
            String file = ep.get("file").asText();
            List<String> names = new java.util.ArrayList<>();
            ep.get("columns").forEach(n -> names.add(n.asText()));
            assertEquals(D.columns().names(), names, file);
            DiscretizedEpisode e;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("explain4j/clinical/demo-test/" + file)) {
                assertTrue(in != null, "demo episode " + file + " is embedded");
                e = D.discretize(new String(in.readAllBytes(), StandardCharsets.UTF_8), file);
            }
            float[] m = e.matrix().data();
            JsonNode ref = ep.get("matrix");
            assertEquals(48 * 76, ref.size(), file);
            for (int i = 0; i < m.length; i++) {
                double r = ref.get(i).asDouble();
                assertEquals(r, m[i], 1e-6, file + " hour " + i / 76 + " column " + D.columns().name(i % 76));
            }
            assertEquals(ep.get("rows_skipped").asInt(), e.rowsSkipped(), file);
        }
    }

    @Test
    void cliInputReadsAnEpisodeForAFortyEightBySeventySixModel(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("episode.csv");
        Files.writeString(file, HEADER + "\n0.5,,,,,,,,,80,,,,,,,,\n3.5,,,,,,,,,100,,,,,,,,\n");
        TensorInfo lstm = new TensorInfo("x", new long[]{-1, 48, 76}, "float32");
        TensorInfo mlp = new TensorInfo("x", new long[]{-1, 30}, "float32");
        assertTrue(MimicEpisodeInput.detect(file, lstm));
        assertFalse(MimicEpisodeInput.detect(file, mlp));
        InputData d = MimicEpisodeInput.read(file, lstm, "channelwise_lstm", RowSelection.all());
        assertArrayEquals(new long[]{1, 48, 76}, d.tensor().shape());
        assertArrayEquals(new int[]{0}, d.rows());
        assertEquals(D.columns().names(), d.columnNames());
        assertArrayEquals(D.discretize(file).matrix().data(), d.tensor().data());
        ExplainException e = assertThrows(ExplainException.class,
                () -> MimicEpisodeInput.read(file, mlp, "breast_cancer_mlp", RowSelection.all()));
        assertEquals("model 'breast_cancer_mlp' takes input [N,30]; an episode read with --format mimic-episode "
                + "becomes [N,48,76]", e.getMessage());
        assertThrows(ExplainException.class, () -> MimicEpisodeInput.read(file, lstm, "m", RowSelection.parse("1")));
    }
}
