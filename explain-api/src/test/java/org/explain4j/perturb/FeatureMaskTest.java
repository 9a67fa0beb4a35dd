package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureMaskTest {

    @Test
    void columnsAndGroups() {
        FeatureMask cols = FeatureMask.columns(3, List.of("age", "bp", "hr"));
        assertEquals(3, cols.featureCount());
        assertArrayEquals(new int[] {1}, cols.cells(1));
        assertEquals("hr", cols.name(2));
        assertEquals("x[1]", FeatureMask.columns(2, List.of()).name(1));

        Map<String, int[]> groups = new LinkedHashMap<>();
        groups.put("gcs", new int[] {0, 2});
        groups.put("hr", new int[] {1});
        FeatureMask g = FeatureMask.columnGroups(3, groups);
        assertArrayEquals(new int[] {0, 2}, g.cells(0));
        assertEquals(1, g.featureOf(1));

        groups.put("again", new int[] {2});
        ExplainException twice = assertThrows(ExplainException.class, () -> FeatureMask.columnGroups(3, groups));
        assertTrue(twice.getMessage().contains("column 2 is in both groups 'gcs' and 'again'"), twice.getMessage());
        groups.remove("again");
        ExplainException uncovered = assertThrows(ExplainException.class, () -> FeatureMask.columnGroups(4, groups));
        assertTrue(uncovered.getMessage().contains("does not cover the input: cell [3]"), uncovered.getMessage());
    }

    @Test
    void timeWindowsByVariables() {
        // [T=6, F=2], 4-step windows: v0@t0-3, v0@t4-5, v1@t0-3, v1@t4-5.
        FeatureMask tf = FeatureMask.timeWindows(new long[] {6, 2}, InputLayout.TIME_FEATURES, 4, List.of("hr", "bp"));
        assertEquals(List.of("hr@t0-3", "hr@t4-5", "bp@t0-3", "bp@t4-5"), tf.names());
        assertEquals(3, tf.featureOf(5 * 2 + 1)); // t=5, bp
        assertEquals(0, tf.featureOf(3 * 2));     // t=3, hr
        assertArrayEquals(new int[] {9, 11}, tf.cells(3));
        // [C=2, T=6] (leads × samples): same features, channel-major cells.
        FeatureMask ct = FeatureMask.segmentsByLeads(2, 6, 4, List.of());
        assertEquals(3, ct.featureOf(6 + 5));
        assertArrayEquals(new int[] {6, 7, 8, 9}, ct.cells(2));
        assertThrows(ExplainException.class,
                () -> FeatureMask.timeWindows(new long[] {6, 2}, InputLayout.TIME_FEATURES, 7, List.of()));
    }

    @Test
    void imagePatches() {
        FeatureMask mnist = FeatureMask.patches(new long[] {1, 28, 28}, 7, 7);
        assertEquals(16, mnist.featureCount());
        for (int f = 0; f < 16; f++) {
            assertEquals(49, mnist.cellCount(f));
        }
        // Patch r1 c2 covers rows 7..13, columns 14..20.
        assertEquals(1 * 4 + 2, mnist.featureOf(10 * 28 + 17));
        assertEquals("patch r1 c2 (y7-13, x14-20)", mnist.name(6));
        // 3 channels of 5×5 in 2×2 patches: edge patches are smaller and span all channels.
        FeatureMask rgb = FeatureMask.patches(new long[] {3, 5, 5}, 2, 2);
        assertEquals(9, rgb.featureCount());
        assertEquals(12, rgb.cellCount(0));
        assertEquals(3, rgb.cellCount(8));
        assertArrayEquals(new int[] {24, 49, 74}, rgb.cells(8));
    }

    @Test
    void cellMasksMustPartitionTheInput() {
        long[] shape = {4};
        boolean[] a = {true, true, false, false};
        boolean[] b = {false, true, true, false};
        boolean[] c = {false, false, true, true};
        ExplainException overlap = assertThrows(ExplainException.class,
                () -> FeatureMask.fromCellMasks(shape, List.of(a, b), List.of("a", "b"), false));
        assertTrue(overlap.getMessage().contains("cell [1] is in both 'a' and 'b'"), overlap.getMessage());
        boolean[] d = {false, false, true, false};
        ExplainException gap = assertThrows(ExplainException.class,
                () -> FeatureMask.fromCellMasks(shape, List.of(a, d), List.of("a", "d"), false));
        assertTrue(gap.getMessage().contains("does not cover the input: cell [3]"), gap.getMessage());
        FeatureMask allowed = FeatureMask.fromCellMasks(shape, List.of(a, d), List.of("a", "d"), true);
        assertEquals(FeatureMask.UNASSIGNED, allowed.featureOf(3));
        assertArrayEquals(new float[] {0.5f, 0.5f, 3f, 0f}, allowed.spread(new double[] {1, 3}));
        FeatureMask full = FeatureMask.fromCellMasks(shape, List.of(a, c), List.of("a", "c"), false);
        assertArrayEquals(new int[] {2, 3}, full.cells(1));
        ExplainException empty = assertThrows(ExplainException.class,
                () -> FeatureMask.fromCellMasks(shape, List.of(a, c, new boolean[4]), List.of("a", "c", "none"), false));
        assertTrue(empty.getMessage().contains("'none'"), empty.getMessage());
        assertThrows(ExplainException.class, () -> FeatureMask.of(shape, new int[] {0, 0, 1}, List.of("a", "b"), false));
        assertThrows(ExplainException.class, () -> FeatureMask.of(shape, new int[] {0, 0, 1, 2}, List.of("a", "b"), false));
    }

    @Test
    void shapeMismatchIsNamed() {
        FeatureMask m = FeatureMask.patches(new long[] {1, 28, 28}, 7, 7);
        ExplainException e = assertThrows(ExplainException.class, () -> m.requireShape(new long[] {1, 32, 32}));
        assertTrue(e.getMessage().contains("[1, 28, 28]") && e.getMessage().contains("[1, 32, 32]"), e.getMessage());
    }

    @Test
    void spreadAndAggregateAreInverse() {
        FeatureMask m = FeatureMask.patches(new long[] {2, 4, 4}, 2, 2);
        double[] w = {8, -4, 2, 0.5};
        float[] cells = m.spread(w);
        assertEquals(1f, cells[0]);                 // 8 over 2 channels × 4 cells
        assertArrayEquals(w, m.aggregate(cells, 0), 1e-6);
    }

    @Test
    void defaultsFollowTheLayout() {
        ModelDescription tab = description(InputLayout.FEATURES, List.of("a", "b", "c"));
        assertEquals(List.of("a", "b", "c"), FeatureMask.defaultFor(tab, new long[] {3}).names());
        FeatureMask img = FeatureMask.defaultFor(description(InputLayout.IMAGE, List.of()), new long[] {1, 28, 28});
        assertEquals("patches(7x7)", img.description());
        FeatureMask seq = FeatureMask.defaultFor(description(InputLayout.TIME_FEATURES, List.of()), new long[] {24, 4});
        assertEquals(4 * 6, seq.featureCount());
        FeatureMask ecg = FeatureMask.defaultFor(description(InputLayout.CHANNELS_TIME, List.of()), new long[] {3, 128});
        assertEquals(3 * 16, ecg.featureCount());
        assertThrows(ExplainException.class,
                () -> FeatureMask.defaultFor(description(InputLayout.FEATURES, List.of()), new long[] {3, 4}));
    }

    static ModelDescription description(InputLayout layout, List<String> names) {
        return new ModelDescription("m", "", layout, names, OutputActivation.NONE, List.of(), Score.LOGIT,
                Optional.empty(), null);
    }
}
