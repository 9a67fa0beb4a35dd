package org.explain4j.io;

import org.explain4j.ExplainException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowSelectionTest {
    @Test
    void parsesSinglesRangesListsAndOpenEnds() {
        assertArrayEquals(new int[]{0, 1, 2}, RowSelection.parse("all").resolve(3, "f"));
        assertArrayEquals(new int[]{2, 3, 4}, RowSelection.parse("2-4").resolve(10, "f"));
        assertArrayEquals(new int[]{7, 0, 5, 6}, RowSelection.parse("7, 0,5-6").resolve(10, "f"));
        assertArrayEquals(new int[]{8, 9}, RowSelection.parse("8-").resolve(10, "f"));
    }

    @Test
    void rejectsRowsPastTheEndAndBadText() {
        ExplainException e = assertThrows(ExplainException.class, () -> RowSelection.parse("3-12").resolve(10, "in.csv"));
        assertTrue(e.getMessage().contains("row 12") && e.getMessage().contains("in.csv has 10 rows"), e.getMessage());
        assertThrows(ExplainException.class, () -> RowSelection.parse("5-2"));
        assertThrows(ExplainException.class, () -> RowSelection.parse("a-b"));
        assertThrows(ExplainException.class, () -> RowSelection.parse("-3"));
    }
}
