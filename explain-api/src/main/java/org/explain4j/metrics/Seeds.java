package org.explain4j.metrics;

import java.util.SplittableRandom;

/**
 * One generator per (seed, index), SplitMix64-mixed so nearby indices give unrelated streams:
 * what a perturbation draws depends on the seed and its own index only, never on batch sizes.
 */
final class Seeds {
    private Seeds() {
    }

    static SplittableRandom random(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new SplittableRandom(z ^ (z >>> 31));
    }
}
