package org.explain4j.summary;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunningStatsTest {

    @Test
    void meanAndSampleStdOfAKnownSeries() {
        RunningStats s = new RunningStats();
        for (double x : new double[] {2, 4, 4, 4, 5, 5, 7, 9}) {
            s.add(x);
        }
        assertEquals(8, s.count());
        assertEquals(5.0, s.mean(), 0);
        assertEquals(Math.sqrt(32.0 / 7), s.std(), 1e-15); // Σ(x−5)² = 32
    }

    @Test
    void mergingPartsEqualsOnePassAndTwoPassOverTheWhole() {
        SplittableRandom r = new SplittableRandom(1);
        double[] x = new double[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1e6 + r.nextGaussian() * 3; // a large offset: the naive Σx² formula would lose digits here
        }
        RunningStats whole = new RunningStats();
        RunningStats a = new RunningStats();
        RunningStats b = new RunningStats();
        RunningStats c = new RunningStats();
        for (int i = 0; i < x.length; i++) {
            whole.add(x[i]);
            (i < 123 ? a : i < 700 ? b : c).add(x[i]);
        }
        RunningStats merged = new RunningStats();
        merged.merge(b);
        merged.merge(new RunningStats());
        merged.merge(a);
        merged.merge(c);
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(ss / (x.length - 1));
        assertEquals(mean, whole.mean(), 1e-8); // 1e-14 relative
        assertEquals(std, whole.std(), 1e-8);
        assertEquals(mean, merged.mean(), 1e-8);
        assertEquals(std, merged.std(), 1e-8);
        assertEquals(1000, merged.count());
    }

    @Test
    void emptyAndSingleValues() {
        RunningStats s = new RunningStats();
        assertTrue(Double.isNaN(s.mean()));
        s.add(3);
        assertEquals(3, s.mean(), 0);
        assertTrue(Double.isNaN(s.std()));
    }
}
