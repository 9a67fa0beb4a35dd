package org.explain4j.perturb;

import org.explain4j.ExplainException;

import java.util.SplittableRandom;

/**
 * How LIME draws binary samples {@code z'} around the all-on input. Each row is drawn from the
 * instance's own generator only, in row order, so a sample set depends on the seed and the
 * instance, never on batching or threads. LIME always adds the all-on row itself as row 0.
 */
public sealed interface CoalitionSampler {

    /** Each feature on independently with probability {@code pOn} (lime_image: 0.5). */
    static CoalitionSampler uniform(double pOn) {
        return new Uniform(pOn);
    }

    /** Exactly {@code active} features on, chosen uniformly among all subsets of that size. */
    static CoalitionSampler fixedCount(int active) {
        return new FixedCount(active);
    }

    /**
     * The number of features switched off uniform in {@code 1..d}, then which ones uniformly (as
     * lime_text draws its neighbourhood): small and large perturbations are equally frequent.
     */
    static CoalitionSampler uniformCount() {
        return new UniformCount();
    }

    /** Fills row {@code row} of {@code z}. */
    void sample(SplittableRandom rng, Coalitions z, int row);

    /** Checks the sampler fits {@code d} features. */
    default void check(int d) {
    }

    /** A short description for attribution parameters. */
    String describe();

    record Uniform(double pOn) implements CoalitionSampler {
        public Uniform {
            if (!(pOn > 0 && pOn < 1)) {
                throw new ExplainException("uniform sampler needs 0 < p(on) < 1; got " + pOn);
            }
        }

        @Override
        public void sample(SplittableRandom rng, Coalitions z, int row) {
            if (pOn == 0.5) {
                // Fair coins: 64 features per draw.
                for (int w = 0; w < z.words(); w++) {
                    z.setWord(row, w, rng.nextLong());
                }
                return;
            }
            for (int j = 0; j < z.features(); j++) {
                z.set(row, j, rng.nextDouble() < pOn);
            }
        }

        @Override
        public String describe() {
            return "uniform(p_on=" + pOn + ")";
        }
    }

    record FixedCount(int active) implements CoalitionSampler {
        public FixedCount {
            if (active < 0) {
                throw new ExplainException("fixed-count sampler needs a count of active features >= 0; got " + active);
            }
        }

        @Override
        public void check(int d) {
            if (active > d) {
                throw new ExplainException("fixed-count sampler keeps " + active + " features on but the representation has "
                        + d + "; give a count <= " + d);
            }
        }

        @Override
        public void sample(SplittableRandom rng, Coalitions z, int row) {
            setRandomSubset(rng, z, row, active);
        }

        @Override
        public String describe() {
            return "fixed_count(active=" + active + ")";
        }
    }

    record UniformCount() implements CoalitionSampler {
        @Override
        public void sample(SplittableRandom rng, Coalitions z, int row) {
            int d = z.features();
            int off = 1 + rng.nextInt(d);
            setRandomSubset(rng, z, row, d - off);
        }

        @Override
        public String describe() {
            return "uniform_count";
        }
    }

    /** Sets exactly {@code on} random features of the row on (partial Fisher–Yates shuffle). */
    private static void setRandomSubset(SplittableRandom rng, Coalitions z, int row, int on) {
        int d = z.features();
        int[] idx = new int[d];
        for (int j = 0; j < d; j++) {
            idx[j] = j;
        }
        z.fill(row, false);
        for (int k = 0; k < on; k++) {
            int r = k + rng.nextInt(d - k);
            int t = idx[k];
            idx[k] = idx[r];
            idx[r] = t;
            z.set(row, idx[k], true);
        }
    }
}
