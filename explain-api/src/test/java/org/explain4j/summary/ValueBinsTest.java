package org.explain4j.summary;

import org.explain4j.ExplainException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ValueBinsTest {

    @Test
    void quartilesOfOneToAHundredByLinearInterpolation() {
        ValueBins.Builder b = ValueBins.builder(1).bins(4);
        for (int v = 100; v >= 1; v--) {
            b.add(0, v);
        }
        ValueBins vb = b.build();
        assertEquals(ValueBins.Kind.QUANTILE, vb.kind(0));
        assertEquals(4, vb.count(0));
        // numpy.quantile(range(1, 101), [.25, .5, .75]) = 25.75, 50.5, 75.25
        assertEquals(25.75, vb.high(0, 0), 1e-12);
        assertEquals(50.5, vb.high(0, 1), 1e-12);
        assertEquals(75.25, vb.high(0, 2), 1e-12);
        assertEquals(0, vb.bin(0, 1));
        assertEquals(0, vb.bin(0, 25.7));
        assertEquals(1, vb.bin(0, 25.75)); // an edge value falls in the bin above
        assertEquals(3, vb.bin(0, 1e9));
        assertEquals("< 25.8", vb.label(0, 0));
        assertEquals("[25.8, 50.5)", vb.label(0, 1));
        assertEquals("≥ 75.3", vb.label(0, 3));
        assertEquals(1, vb.min(0), 0);
        assertEquals(100, vb.max(0), 0);
    }

    @Test
    void fewDistinctValuesAreCategoriesAndUnseenOnesGoToOther() {
        ValueBins.Builder b = ValueBins.builder(2).maxCategories(3);
        for (int i = 0; i < 50; i++) {
            b.add(0, i % 3);      // 0, 1, 2: categorical
            b.add(1, i * 0.5f);   // continuous
        }
        ValueBins vb = b.build();
        assertEquals(ValueBins.Kind.CATEGORY, vb.kind(0));
        assertEquals(4, vb.count(0));
        assertEquals(1, vb.bin(0, 1));
        assertEquals(3, vb.bin(0, 7));
        assertEquals("= 2", vb.label(0, 2));
        assertEquals("other", vb.label(0, 3));
        assertEquals(ValueBins.Kind.QUANTILE, vb.kind(1));
        assertEquals(10, vb.count(1));
    }

    @Test
    void skewedFeaturesMergeEqualEdges() {
        ValueBins.Builder b = ValueBins.builder(1).bins(4).maxCategories(0);
        for (int i = 0; i < 100; i++) {
            b.add(0, i < 80 ? 0 : i);
        }
        ValueBins vb = b.build();
        // quantiles .25, .5, .75 are all 0 (= the minimum): no interior edge below the 80 % mass
        assertEquals(1, vb.count(0));
        assertEquals("all", vb.label(0, 0));
    }

    @Test
    void theReservoirBoundsMemoryAndStillApproximatesTheQuantiles() {
        ValueBins.Builder b = ValueBins.builder(1).bins(2).reservoir(2000);
        for (int i = 0; i < 200_000; i++) {
            b.add(0, i);
        }
        assertEquals(200_000, b.seen(0));
        ValueBins vb = b.build();
        assertEquals(100_000, vb.high(0, 0), 5_000); // the median of a uniform sample of 2000
        assertEquals(0, vb.min(0), 0);
        assertEquals(199_999, vb.max(0), 0);
    }

    @Test
    void givenEdgesMustIncrease() {
        ValueBins vb = ValueBins.ofEdges(new double[][] {{0, 1}});
        assertArrayEquals(new int[] {0, 1, 2}, new int[] {vb.bin(0, -1), vb.bin(0, 0.5), vb.bin(0, 1)});
        assertThrows(ExplainException.class, () -> ValueBins.ofEdges(new double[][] {{1, 1}}));
        assertThrows(ExplainException.class, () -> ValueBins.builder(1).bins(0));
    }
}
