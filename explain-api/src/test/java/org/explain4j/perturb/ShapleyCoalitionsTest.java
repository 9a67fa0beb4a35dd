package org.explain4j.perturb;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapleyCoalitionsTest {

    @Test
    void kernelWeightsByHand() {
        // d = 4: sizes 1 and 3 weigh 3/(4·1·3) = 1/4, size 2 weighs 3/(6·2·2) = 1/8.
        assertEquals(0.25, ShapleyCoalitions.kernelWeight(4, 1), 1e-15);
        assertEquals(0.125, ShapleyCoalitions.kernelWeight(4, 2), 1e-15);
        assertEquals(0.25, ShapleyCoalitions.kernelWeight(4, 3), 1e-15);
        assertEquals(184756, ShapleyCoalitions.binomial(20, 10), 0);
    }

    @Test
    void enumerationCoversEveryProperCoalitionOnce() {
        ShapleyCoalitions.Design all = ShapleyCoalitions.draw(4, 1000, new SplittableRandom(1));
        assertTrue(all.exhaustive());
        assertEquals(14, all.z().rows());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 14; i++) {
            int k = all.z().activeCount(i);
            assertTrue(k > 0 && k < 4);
            assertEquals(ShapleyCoalitions.kernelWeight(4, k), all.weights()[i], 1e-15);
            assertTrue(seen.add(row(all.z(), i)));
        }
    }

    @Test
    void samplingFollowsShap() {
        // d = 10, 100 samples: size 1 (and its complements, size 9) is bought in full; the rest random.
        ShapleyCoalitions.Design s = ShapleyCoalitions.draw(10, 100, new SplittableRandom(7));
        assertFalse(s.exhaustive());
        assertEquals(100, s.z().rows());
        Set<String> seen = new HashSet<>();
        double total = 0;
        for (int i = 0; i < 100; i++) {
            int k = s.z().activeCount(i);
            assertTrue(k > 0 && k < 10);
            if (i < 20) {
                assertEquals(i % 2 == 0 ? 1 : 9, k, "row " + i);
            } else {
                assertTrue(k >= 2 && k <= 8, "random rows avoid the enumerated sizes: " + k);
            }
            assertTrue(seen.add(row(s.z(), i)), "rows are distinct");
            total += s.weights()[i];
        }
        // Weights are the normalised kernel mass: size-1/9 rows carry their share, the rest the remainder.
        double[] mass = new double[5];
        double sum = 0;
        for (int k = 1; k <= 5; k++) {
            mass[k - 1] = 9.0 / (k * (10 - k)) * (k <= 4 ? 2 : 1);
            sum += mass[k - 1];
        }
        assertEquals(mass[0] / sum / 20, s.weights()[0], 1e-12);
        assertEquals(1.0, total, 1e-12);
        // Same seed, same design.
        ShapleyCoalitions.Design again = ShapleyCoalitions.draw(10, 100, new SplittableRandom(7));
        for (int i = 0; i < 100; i++) {
            assertEquals(row(s.z(), i), row(again.z(), i));
        }
        assertArrayEquals(s.weights(), again.weights(), 0);
    }

    @Test
    void efficientFitRecoversAdditiveScoresFromASample() {
        double[] phi = {0.5, -1, 2, 0, 0.25, -0.75, 1.5, 3, -2, 0.125};
        double fb = -0.3;
        ShapleyCoalitions.Design s = ShapleyCoalitions.draw(10, 60, new SplittableRandom(3));
        double[] y = new double[s.z().rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = fb;
            for (int j = 0; j < 10; j++) {
                if (s.z().get(i, j)) {
                    y[i] += phi[j];
                }
            }
        }
        double fx = fb;
        for (double p : phi) {
            fx += p;
        }
        assertArrayEquals(phi, ShapleyCoalitions.efficientFit(s.z(), y, s.weights(), fb, fx), 1e-10);
    }

    private static String row(Coalitions z, int i) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < z.features(); j++) {
            sb.append(z.get(i, j) ? '1' : '0');
        }
        return sb.toString();
    }
}
