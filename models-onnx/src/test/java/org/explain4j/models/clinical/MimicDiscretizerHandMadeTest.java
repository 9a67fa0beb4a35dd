package org.explain4j.models.clinical;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The discretizer on hand-made episodes with a two-variable configuration small enough that every
 * expected cell is written out by hand: Heart Rate (continuous, normal 86, standardised with mean 80,
 * std 10) and Eye (categorical None | To Pain | 4 Spontaneously, normal 4 Spontaneously).
 * Columns: 0 Heart Rate, 1 Eye->None, 2 Eye->To Pain, 3 Eye->4 Spontaneously, 4 mask->Heart Rate, 5 mask->Eye.
 */
class MimicDiscretizerHandMadeTest {

    static final String CONFIG = """
            {"id_to_channel": ["Heart Rate", "Eye"],
             "is_categorical_channel": {"Heart Rate": false, "Eye": true},
             "possible_values": {"Heart Rate": [], "Eye": ["None", "To Pain", "4 Spontaneously"]},
             "normal_values": {"Heart Rate": "86", "Eye": "4 Spontaneously"}}
            """;
    static final String NORMALIZER = """
            index,column,mean,std,standardized_in_ihm
            0,"Heart Rate",80,10,1
            1,"Eye->None",0.3,0.5,0
            2,"Eye->To Pain",0.3,0.5,0
            3,"Eye->4 Spontaneously",0.3,0.5,0
            4,"mask->Heart Rate",0.9,0.3,0
            5,"mask->Eye",0.3,0.4,0
            """;

    static MimicDiscretizer tiny() {
        return new MimicDiscretizer(DiscretizerConfig.parse(CONFIG, NORMALIZER, "tiny config", "tiny normalizer"));
    }

    @Test
    void columnsFollowTheBenchmarkLayout() {
        ClinicalColumns c = tiny().columns();
        assertEquals(List.of("Heart Rate", "Eye->None", "Eye->To Pain", "Eye->4 Spontaneously", "mask->Heart Rate",
                "mask->Eye"), c.names());
        assertArrayEquals(new int[]{0, 1, 1, 1, 0, 1}, new int[]{c.variableOf(0), c.variableOf(1), c.variableOf(2),
                c.variableOf(3), c.variableOf(4), c.variableOf(5)});
        assertFalse(c.isMask(3));
        assertTrue(c.isMask(4));
        assertEquals(5, c.maskColumn(1));
        assertArrayEquals(new int[]{1, 2, 3}, c.valueColumns(1));
    }

    /**
     * Irregular times, a leading gap (hour 0 has a row with nothing measured), two heart rates in
     * hour 1 (100 wins), a category in lower case ("to pain") and one in upper case ("NONE"), a time
     * exactly on the hour (2.0 closes bin 1, as in the benchmark), rows out of order in the file,
     * 48.0 in the last bin, and rows before 0 and after 48 skipped.
     */
    @Test
    void handMadeEpisodeGivesTheHandWrittenMatrix() {
        String csv = """
                Hours,Heart Rate,Eye
                0.25,,
                1.2,90,to pain
                -0.5,55,
                3.9,70,NONE
                1.7,100,
                2.0,95,
                47.5,60,
                48.0,65,
                48.5,50,
                """;
        DiscretizedEpisode e = tiny().discretize(csv, "hand-made");
        float[] m = e.matrix().data();
        assertArrayEquals(new long[]{48, 6}, e.matrix().shape());
        // hour 0: nothing observed yet -> normal values: HR 86 -> (86-80)/10 = 0.6, Eye "4 Spontaneously"
        assertRow(m, 0, 0.6f, 0, 0, 1, 0, 0);
        // hour 1 = (1, 2]: HR 90 at 1.2, 100 at 1.7, 95 at 2.0 -> last (95) wins -> 1.5; Eye "to pain" observed
        assertRow(m, 1, 1.5f, 0, 1, 0, 1, 1);
        // hour 2: nothing -> carry forward 95 and To Pain, masks 0
        assertRow(m, 2, 1.5f, 0, 1, 0, 0, 0);
        // hour 3: HR 70 -> -1.0, Eye "NONE"
        assertRow(m, 3, -1.0f, 1, 0, 0, 1, 1);
        for (int t = 4; t <= 46; t++) {
            assertRow(m, t, -1.0f, 1, 0, 0, 0, 0);
        }
        // hour 47 = (47, 48]: HR 60 at 47.5 then 65 at 48.0 -> 65 wins -> -1.5; Eye carried
        assertRow(m, 47, -1.5f, 1, 0, 0, 1, 0);

        assertEquals(9, e.rowsRead());
        assertEquals(1, e.rowsBeforeStart());
        assertEquals(1, e.rowsAfterEnd());
        assertEquals(2, e.rowsSkipped());
        // used values: 90, to pain, 70, NONE, 100, 95, 60, 65
        assertEquals(8, e.valuesObserved());
        assertEquals(3, e.valuesReplacedInBin()); // 90 and 100 by 95; 60 by 65
        // HR carried in hours 2, 4..46 (44); Eye in 2, 4..47 (45)
        assertEquals(89, e.cellsCarriedForward());
        assertEquals(2, e.cellsNormalValue());
        assertEquals(48.0, e.lastHour());
        assertTrue(e.summary().contains("2 outside 0-48 h skipped"), e.summary());
    }

    @Test
    void categoriesMatchInAnyCase() {
        MimicDiscretizer d = tiny();
        float[] upper = d.discretize("Hours,Heart Rate,Eye\n0.5,,4 SPONTANEOUSLY\n1.5,,TO PAIN\n", "upper").matrix().data();
        float[] lower = d.discretize("Hours,Heart Rate,Eye\n0.5,, 4 spontaneously \n1.5,,to pain\n", "lower").matrix().data();
        float[] config = d.discretize("Hours,Heart Rate,Eye\n0.5,,4 Spontaneously\n1.5,,To Pain\n", "as config").matrix().data();
        assertArrayEquals(config, upper);
        assertArrayEquals(config, lower);
        assertRow(config, 0, 0.6f, 0, 0, 1, 0, 1);
        assertRow(config, 1, 0.6f, 0, 1, 0, 0, 1);
        assertRow(config, 2, 0.6f, 0, 1, 0, 0, 0);
    }

    @Test
    void columnsMayComeInAnyOrderAndHeaderCase() {
        float[] a = tiny().discretize("Hours,Heart Rate,Eye\n0.5,90,None\n1.5,100,\n", "a").matrix().data();
        float[] b = tiny().discretize("eye,HOURS,heart rate\nNone,0.5,90\n,1.5,100\n", "b").matrix().data();
        assertArrayEquals(a, b);
        assertRow(a, 0, 1.0f, 1, 0, 0, 1, 1);
        assertRow(a, 1, 2.0f, 1, 0, 0, 1, 0);
    }

    @Test
    void sumsPerVariableHideMasksUnlessAsked() {
        ClinicalColumns c = tiny().columns();
        float[] m = new float[2 * 6]; // two hours
        float[] hour0 = {1, -2, 3, 4, 10, 20};
        float[] hour1 = {-5, 1, 1, -1, 30, 40};
        System.arraycopy(hour0, 0, m, 0, 6);
        System.arraycopy(hour1, 0, m, 6, 6);
        float[][] signed = c.sumPerVariable(m, false, false);
        assertArrayEquals(new float[]{1, -5}, signed[0]);
        assertArrayEquals(new float[]{5, 1}, signed[1]); // -2+3+4, 1+1-1
        float[][] abs = c.sumPerVariable(m, false, true);
        assertArrayEquals(new float[]{1, 5}, abs[0]);
        assertArrayEquals(new float[]{9, 3}, abs[1]);
        float[][] withMasks = c.sumPerVariable(m, true, false);
        assertArrayEquals(new float[]{11, 25}, withMasks[0]);
        assertArrayEquals(new float[]{25, 41}, withMasks[1]);
    }

    static void assertRow(float[] m, int hour, float... expected) {
        float[] row = new float[expected.length];
        System.arraycopy(m, hour * expected.length, row, 0, expected.length);
        assertArrayEquals(expected, row, 1e-6f, "hour " + hour);
    }
}
