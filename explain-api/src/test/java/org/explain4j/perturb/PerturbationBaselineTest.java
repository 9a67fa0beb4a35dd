package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.explain4j.explain.Baseline;
import org.explain4j.model.InputLayout;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerturbationBaselineTest {

    private static final FloatTensor BACKGROUND = new FloatTensor(new long[] {2, 4},
            new float[] {1, 2, 3, 4, 3, 6, 5, 0});

    @Test
    void meansOfABackgroundSet() {
        float[] x = new float[4];
        assertArrayEquals(new float[] {2, 4, 4, 2},
                PerturbationBaseline.cellMean(BACKGROUND).values(x, new long[] {4}, InputLayout.FEATURES));
        FeatureMask m = FeatureMask.of(new long[] {4}, new int[] {0, 0, 1, 1}, List.of("ab", "cd"), false);
        // Feature "ab": mean of cells 0,1 over both samples = (1+2+3+6)/4 = 3; "cd": (3+4+5+0)/4 = 3.
        assertArrayEquals(new float[] {3, 3, 3, 3},
                PerturbationBaseline.featureMean(BACKGROUND, m).values(x, new long[] {4}, null));
        assertArrayEquals(new float[] {2, 4, 4, 2}, PerturbationBaseline.from(Baseline.meanOf(BACKGROUND))
                .values(x, new long[] {4}, null));
        assertArrayEquals(new float[] {-1, -1, -1, -1}, PerturbationBaseline.constant(-1).values(x, new long[] {4}, null));
        ExplainException empty = assertThrows(ExplainException.class,
                () -> PerturbationBaseline.cellMean(new FloatTensor(new long[] {0, 4}, new float[0])));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        ExplainException size = assertThrows(ExplainException.class,
                () -> PerturbationBaseline.of(new float[3]).values(x, new long[] {4}, null));
        assertTrue(size.getMessage().contains("3 values"), size.getMessage());
    }

    @Test
    void blurAlongTimeAndOverImages() {
        // [C=1, T=5], radius 1: means of clipped 3-windows.
        float[] x = {0, 3, 6, 0, 3};
        assertArrayEquals(new float[] {1.5f, 3, 3, 3, 1.5f},
                PerturbationBaseline.blurred(1).values(x, new long[] {1, 5}, InputLayout.CHANNELS_TIME), 1e-6f);
        // [T=3, F=2]: blur runs down the time axis, per feature.
        float[] tf = {0, 10, 3, 20, 6, 30};
        assertArrayEquals(new float[] {1.5f, 15, 3, 20, 4.5f, 25},
                PerturbationBaseline.blurred(1).values(tf, new long[] {3, 2}, InputLayout.TIME_FEATURES), 1e-5f);
        // [1,3,3] image with a single bright centre: radius 1 spreads it over its 3×3 neighbourhood.
        float[] img = new float[9];
        img[4] = 36;
        float[] b = PerturbationBaseline.blurred(1).values(img, new long[] {1, 3, 3}, InputLayout.IMAGE);
        assertEquals(36f / 4, b[0], 1e-5f);   // corner: 2×2 window
        assertEquals(36f / 6, b[1], 1e-5f);   // edge: 2×3 window
        assertEquals(36f / 9, b[4], 1e-5f);   // centre: 3×3 window
        assertThrows(ExplainException.class,
                () -> PerturbationBaseline.blurred(1).values(new float[3], new long[] {3}, InputLayout.FEATURES));
    }
}
