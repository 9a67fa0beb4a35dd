package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Surrogate fits against a dense normal-equations solution and brute-force subset searches. */
class SurrogateFitTest {

    private static final List<String> NAMES = List.of("a", "b", "c", "d", "e", "f", "g");

    /** A random binary design with random targets and positive weights. */
    private record Problem(Coalitions z, double[][] x, double[] y, double[] w) {
    }

    private static Problem randomProblem(long seed, int n, int d, double[] trueWeights, double noise) {
        SplittableRandom r = new SplittableRandom(seed);
        Coalitions z = new Coalitions(n, d);
        double[] y = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double yi = 0.7;
            for (int j = 0; j < d; j++) {
                boolean on = r.nextBoolean();
                z.set(i, j, on);
                if (on) {
                    yi += trueWeights == null ? r.nextGaussian() : trueWeights[j];
                }
            }
            y[i] = yi + noise * r.nextGaussian();
            w[i] = 0.05 + r.nextDouble();
        }
        return new Problem(z, z.toMatrix(), y, w);
    }

    @Test
    void ridgeEqualsNormalEquations() {
        Problem p = randomProblem(1, 200, 6, null, 0.5);
        for (double alpha : new double[] {0, 0.7, 1.0, 25}) {
            SurrogateFit fit = Surrogate.ridge(alpha).fit(p.z(), p.y(), p.w(), NAMES.subList(0, 6));
            int[] cols = WeightedGram.all(6);
            double[] ref = ReferenceAlgebra.ridgeNormalEquations(p.x(), p.y(), p.w(), cols, alpha);
            assertEquals(ref[0], fit.intercept(), 1e-8, "intercept, alpha " + alpha);
            assertArrayEquals(Arrays.copyOfRange(ref, 1, 7), fit.weights(), 1e-8, "weights, alpha " + alpha);
            assertEquals(ref[0] + Arrays.stream(ref, 1, 7).sum(), fit.localPrediction(), 1e-8);
            assertEquals(referenceR2(p, cols, ref), fit.weightedR2(), 1e-8);
        }
    }

    @Test
    void fitsWithFewDistinctWeightsEqualNormalEquations() {
        // LIME-like weights (a function of the number of features on): the Gram matrix is
        // accumulated by groups of equal weight; the result must not change.
        Problem p = randomProblem(21, 700, 9, null, 0.5);
        double[] w = new double[700];
        for (int i = 0; i < 700; i++) {
            w[i] = Math.exp(-(9 - p.z().activeCount(i)) / 4.0);
        }
        w[3] = 0; // a sample without weight is left out
        for (double alpha : new double[] {0, 1}) {
            SurrogateFit fit = Surrogate.ridge(alpha).fit(p.z(), p.y(), w, List.of("a", "b", "c", "d", "e", "f", "g", "h", "i"));
            double[] ref = ReferenceAlgebra.ridgeNormalEquations(p.x(), p.y(), w, WeightedGram.all(9), alpha);
            assertEquals(ref[0], fit.intercept(), 1e-8);
            assertArrayEquals(Arrays.copyOfRange(ref, 1, 10), fit.weights(), 1e-8);
        }
    }

    @Test
    void leastSquaresRecoversAnExactlyLinearTarget() {
        double[] truth = {1.5, -2, 0, 0.25, 3, -0.5};
        Problem p = randomProblem(2, 120, 6, truth, 0);
        SurrogateFit fit = Surrogate.leastSquares().fit(p.z(), p.y(), p.w(), NAMES.subList(0, 6));
        assertArrayEquals(truth, fit.weights(), 1e-10);
        assertEquals(0.7, fit.intercept(), 1e-10);
        assertEquals(1.0, fit.weightedR2(), 1e-12);
    }

    @Test
    void lassoPathPointsAreLassoSolutionsByBruteForce() {
        for (long seed = 3; seed < 9; seed++) {
            Problem p = randomProblem(seed, 60, 5, null, 1.0);
            WeightedGram g = WeightedGram.of(p.z(), p.y(), p.w());
            int[] all = WeightedGram.all(5);
            double[] gram = g.centeredGram(all);
            double[] cross = g.centeredCross(all);
            List<LassoLarsPath.Point> path = LassoLarsPath.compute(gram, cross, 5);
            assertTrue(path.size() >= 6, "a full path has at least d + 1 points, got " + path.size());
            assertEquals(0, path.get(path.size() - 1).lambda(), 1e-9, "the path ends at least squares");
            for (LassoLarsPath.Point pt : path) {
                double[] ref = bruteForceLasso(gram, cross, 5, pt.lambda());
                assertArrayEquals(ref, pt.beta(), 1e-8, "seed " + seed + ", lambda " + pt.lambda());
            }
        }
    }

    @Test
    void lassoPathWithAFeatureLeavingMatchesBruteForce() {
        // Strongly correlated continuous columns: on these seeds a weight crosses zero and leaves
        // the active set (the Lasso modification of LARS), then the path goes on.
        for (long seed : new long[] {416, 708}) {
            SplittableRandom r = new SplittableRandom(seed);
            int n = 12;
            int d = 4;
            double[] gram = new double[d * d];
            double[] cross = new double[d];
            for (int i = 0; i < n; i++) {
                double common = r.nextGaussian();
                double[] x = new double[d];
                for (int j = 0; j < d; j++) {
                    x[j] = common + 0.5 * r.nextGaussian();
                }
                double y = r.nextGaussian() * 2 + x[0] - x[1];
                for (int j = 0; j < d; j++) {
                    cross[j] += x[j] * y;
                    for (int k = 0; k < d; k++) {
                        gram[j * d + k] += x[j] * x[k];
                    }
                }
            }
            List<LassoLarsPath.Point> path = LassoLarsPath.compute(gram, cross, d);
            boolean dropped = false;
            for (int i = 1; i < path.size(); i++) {
                dropped |= path.get(i).nonZero() < path.get(i - 1).nonZero();
            }
            assertTrue(dropped, "seed " + seed + " should have a feature leave the path");
            for (LassoLarsPath.Point pt : path) {
                assertArrayEquals(bruteForceLasso(gram, cross, d, pt.lambda()), pt.beta(), 1e-8,
                        "seed " + seed + ", lambda " + pt.lambda());
            }
        }
    }

    @Test
    void kLassoSelectsTheBestSubsetWhenKFeaturesCarryTheSignal() {
        double[] truth = {3, 0, 0, -2, 0, 1.5, 0};
        Problem p = randomProblem(11, 400, 7, truth, 0.05);
        SurrogateFit fit = Surrogate.kLasso(3).fit(p.z(), p.y(), p.w(), NAMES);
        // Brute force over all C(7,3) subsets: the smallest weighted residual.
        int[] best = null;
        double bestRss = Double.POSITIVE_INFINITY;
        for (int[] subset : subsets(7, 3)) {
            double[] theta = ReferenceAlgebra.ridgeNormalEquations(p.x(), p.y(), p.w(), subset, 0);
            double rss = ReferenceAlgebra.weightedRss(p.x(), p.y(), p.w(), subset, theta);
            if (rss < bestRss) {
                bestRss = rss;
                best = subset;
            }
        }
        assertArrayEquals(best, fit.selected());
        double[] theta = ReferenceAlgebra.ridgeNormalEquations(p.x(), p.y(), p.w(), best, 0);
        assertEquals(theta[0], fit.intercept(), 1e-8);
        for (int k = 0; k < best.length; k++) {
            assertEquals(theta[k + 1], fit.weights()[best[k]], 1e-8);
        }
        assertEquals(3, Arrays.stream(fit.weights()).filter(v -> v != 0).count());
    }

    @Test
    void kLassoSelectionMatchesTheLassoPathSupport() {
        // On noisy data the K features are the support of the last path point with <= K non-zeros.
        Problem p = randomProblem(12, 80, 6, null, 2.0);
        for (int k = 1; k <= 6; k++) {
            SurrogateFit fit = Surrogate.kLasso(k).fit(p.z(), p.y(), p.w(), NAMES.subList(0, 6));
            assertTrue(fit.selected().length <= k);
            double[] theta = ReferenceAlgebra.ridgeNormalEquations(p.x(), p.y(), p.w(), fit.selected(), 0);
            assertEquals(theta[0], fit.intercept(), 1e-8);
            for (int a = 0; a < fit.selected().length; a++) {
                assertEquals(theta[a + 1], fit.weights()[fit.selected()[a]], 1e-8);
            }
            // The selected set is a Lasso solution's support: check by brute force at some λ.
            assertTrue(isLassoSupport(p, fit.selected()), "K=" + k + " selected " + Arrays.toString(fit.selected()));
        }
        SurrogateFit all = Surrogate.kLasso(6).fit(p.z(), p.y(), p.w(), NAMES.subList(0, 6));
        SurrogateFit ls = Surrogate.leastSquares().fit(p.z(), p.y(), p.w(), NAMES.subList(0, 6));
        assertArrayEquals(ls.weights(), all.weights(), 1e-10);
    }

    @Test
    void badInputIsRejected() {
        Problem p = randomProblem(13, 50, 4, null, 1);
        ExplainException tooMany = assertThrows(ExplainException.class,
                () -> Surrogate.kLasso(5).fit(p.z(), p.y(), p.w(), NAMES.subList(0, 4)));
        assertTrue(tooMany.getMessage().contains("K = 5") && tooMany.getMessage().contains("K <= 4"), tooMany.getMessage());
        assertThrows(ExplainException.class, () -> Surrogate.kLasso(0));
        assertThrows(ExplainException.class, () -> Surrogate.ridge(-1));
        // A feature on in every sample cannot be told from the intercept without a ridge.
        Coalitions z = new Coalitions(20, 3);
        double[] y = new double[20];
        double[] w = new double[20];
        for (int i = 0; i < 20; i++) {
            z.set(i, 0, true);
            z.set(i, 1, i % 2 == 0);
            z.set(i, 2, i % 3 == 0);
            y[i] = i;
            w[i] = 1;
        }
        ExplainException singular = assertThrows(ExplainException.class,
                () -> Surrogate.leastSquares().fit(z, y, w, List.of("always", "b", "c")));
        assertTrue(singular.getMessage().contains("'always'"), singular.getMessage());
        SurrogateFit ridge = Surrogate.ridge(1).fit(z, y, w, List.of("always", "b", "c"));
        assertEquals(0, ridge.weights()[0], 1e-12);
    }

    private static double referenceR2(Problem p, int[] cols, double[] theta) {
        double sw = 0;
        double sy = 0;
        for (int i = 0; i < p.y().length; i++) {
            sw += p.w()[i];
            sy += p.w()[i] * p.y()[i];
        }
        double mean = sy / sw;
        double tss = 0;
        for (int i = 0; i < p.y().length; i++) {
            tss += p.w()[i] * (p.y()[i] - mean) * (p.y()[i] - mean);
        }
        return 1 - ReferenceAlgebra.weightedRss(p.x(), p.y(), p.w(), cols, theta) / tss;
    }

    /**
     * The Lasso solution of {@code min ½βᵀGβ − cᵀβ + λ‖β‖₁} by trying every support and sign
     * pattern (3^d) against the KKT conditions.
     */
    static double[] bruteForceLasso(double[] g, double[] c, int d, double lambda) {
        double[] found = null;
        int patterns = (int) Math.pow(3, d);
        for (int code = 0; code < patterns; code++) {
            int[] sign = new int[d];
            int rest = code;
            List<Integer> support = new ArrayList<>();
            for (int j = 0; j < d; j++) {
                sign[j] = rest % 3 - 1;
                rest /= 3;
                if (sign[j] != 0) {
                    support.add(j);
                }
            }
            int m = support.size();
            double[] beta = new double[d];
            if (m > 0) {
                double[][] a = new double[m][m];
                double[] b = new double[m];
                for (int r = 0; r < m; r++) {
                    for (int s = 0; s < m; s++) {
                        a[r][s] = g[support.get(r) * d + support.get(s)];
                    }
                    b[r] = c[support.get(r)] - lambda * sign[support.get(r)];
                }
                double[] sol = ReferenceAlgebra.solve(a, b);
                boolean signsHold = true;
                for (int r = 0; r < m; r++) {
                    beta[support.get(r)] = sol[r];
                    signsHold &= sol[r] * sign[support.get(r)] > 0;
                }
                if (!signsHold) {
                    continue;
                }
            }
            boolean kkt = true;
            for (int j = 0; j < d && kkt; j++) {
                if (sign[j] != 0) {
                    continue;
                }
                double grad = c[j];
                for (int k = 0; k < d; k++) {
                    grad -= g[j * d + k] * beta[k];
                }
                kkt = Math.abs(grad) <= lambda * (1 + 1e-9) + 1e-12;
            }
            if (kkt) {
                found = beta;
                break;
            }
        }
        if (found == null) {
            throw new AssertionError("no Lasso solution found at lambda " + lambda);
        }
        return found;
    }

    private static boolean isLassoSupport(Problem p, int[] selected) {
        WeightedGram g = WeightedGram.of(p.z(), p.y(), p.w());
        int[] all = WeightedGram.all(6);
        double[] gram = g.centeredGram(all);
        double[] cross = g.centeredCross(all);
        for (LassoLarsPath.Point pt : LassoLarsPath.compute(gram, cross, 6)) {
            double[] beta = bruteForceLasso(gram, cross, 6, pt.lambda());
            int[] support = java.util.stream.IntStream.range(0, 6).filter(j -> Math.abs(beta[j]) > 1e-12).toArray();
            if (Arrays.equals(support, selected)) {
                return true;
            }
        }
        return false;
    }

    private static List<int[]> subsets(int n, int k) {
        List<int[]> out = new ArrayList<>();
        for (int m = 0; m < (1 << n); m++) {
            if (Integer.bitCount(m) == k) {
                int[] s = new int[k];
                int w = 0;
                for (int j = 0; j < n; j++) {
                    if ((m >>> j & 1) != 0) {
                        s[w++] = j;
                    }
                }
                out.add(s);
            }
        }
        return out;
    }
}
