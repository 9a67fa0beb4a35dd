package org.explain4j.io;

import org.explain4j.ExplainException;
import org.explain4j.model.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvInputTest {
    private static final TensorInfo THREE_FEATURES = new TensorInfo("x", new long[]{-1, 3}, "float32");
    private static final TensorInfo TIME_BY_FEATURES = new TensorInfo("x", new long[]{-1, 4, 2}, "float32");

    @TempDir
    Path tmp;

    private InputData read(String csv, TensorInfo input, String rows) throws Exception {
        Path f = Files.writeString(tmp.resolve("in.csv"), csv);
        return InputFiles.read(f, input, "m", RowSelection.parse(rows));
    }

    private String error(String csv, TensorInfo input) {
        return assertThrows(ExplainException.class, () -> read(csv, input, "all")).getMessage();
    }

    @Test
    void rowsWithAHeaderOfNames() throws Exception {
        InputData d = read("a,\"b, quoted\",c\n1,2,3\n4.5,-5e-1,6\n", THREE_FEATURES, "all");
        assertArrayEquals(new long[]{2, 3}, d.tensor().shape());
        assertArrayEquals(new float[]{1, 2, 3, 4.5f, -0.5f, 6}, d.tensor().data());
        assertEquals(List.of("a", "b, quoted", "c"), d.columnNames());
        assertTrue(d.labels().isEmpty());
    }

    @Test
    void sklearnHeaderIsSkippedAndTheTrailingLabelColumnKeptAside() throws Exception {
        InputData d = read("3,3,malignant,benign\n1,2,3,0\n4,5,6,1\n7,8,9,1\n", THREE_FEATURES, "1-2");
        assertArrayEquals(new float[]{4, 5, 6, 7, 8, 9}, d.tensor().data());
        assertArrayEquals(new int[]{1, 2}, d.rows());
        assertArrayEquals(new float[]{1, 1}, d.labels().orElseThrow());
        assertEquals(List.of(), d.columnNames());
    }

    @Test
    void noHeaderSemicolons() throws Exception {
        InputData d = read("1;2;3\n", THREE_FEATURES, "all");
        assertArrayEquals(new float[]{1, 2, 3}, d.tensor().data());
    }

    @Test
    void wrongWidthNamesRowLineAndExpectation() {
        String m = error("a,b,c\n1,2,3\n1,2\n", THREE_FEATURES);
        assertEquals("in.csv row 1 (line 3) has 2 values, model 'm' expects 3 features (or 4 with a trailing label column)",
                m.substring(m.indexOf("in.csv")));
    }

    @Test
    void rowsWithAndWithoutALabelDoNotMix() {
        assertTrue(error("1,2,3,0\n4,5,6\n", THREE_FEATURES)
                .contains("in.csv row 1 (line 2) has 3 values but row 0 has 4; every row needs the same number"));
    }

    @Test
    void badCellsNameTheirPosition() {
        assertTrue(error("a,b,c\n1,x,3\n", THREE_FEATURES).endsWith("in.csv row 0 (line 2) column 1 ('b'): 'x' is not a number"));
        assertTrue(error("1,,3\n", THREE_FEATURES).contains("row 0 (line 1) column 1 is empty"));
        assertTrue(error("1,2,3\n1,2,NaN\n", THREE_FEATURES).contains("row 1 (line 2) column 2 is NaN"));
        assertTrue(error("1,2,3\n-inf,2,3\n", THREE_FEATURES).contains("row 1 (line 2) column 0 is -inf"));
    }

    @Test
    void emptyHeaderOnlyAndMissingFiles() throws Exception {
        assertTrue(error("", THREE_FEATURES).endsWith("in.csv is empty; expected CSV rows of numbers"));
        assertTrue(error("\n \n", THREE_FEATURES).contains("is empty"));
        assertTrue(error("a,b,c\n", THREE_FEATURES).contains("has a header but no data rows"));
        Path missing = tmp.resolve("nope.csv");
        ExplainException e = assertThrows(ExplainException.class,
                () -> InputFiles.read(missing, THREE_FEATURES, "m", RowSelection.all()));
        assertTrue(e.getMessage().contains("nope.csv does not exist"));
    }

    @Test
    void matrixInputIsOneSample() throws Exception {
        InputData d = read("f0,f1\n1,2\n3,4\n5,6\n7,8\n", TIME_BY_FEATURES, "all");
        assertArrayEquals(new long[]{1, 4, 2}, d.tensor().shape());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6, 7, 8}, d.tensor().data());
        assertEquals(List.of("f0", "f1"), d.columnNames());
    }

    @Test
    void matrixWithWrongRowsOrColumns() {
        assertTrue(error("1,2\n3,4\n5,6\n", TIME_BY_FEATURES)
                .contains("in.csv has 3 data rows, model 'm' expects one sample of 4 rows × 2 columns"));
        assertTrue(error("1,2\n3,4\n5,6,7\n7,8\n", TIME_BY_FEATURES)
                .contains("in.csv row 2 (line 3) has 3 values, model 'm' expects one sample of 4 rows × 2 columns"));
    }
}
