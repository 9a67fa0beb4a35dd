package org.explain4j.perturb;

import java.util.ArrayList;
import java.util.List;

/**
 * The Lasso regularisation path by least angle regression with the Lasso modification (Efron,
 * Hastie, Johnstone, Tibshirani 2004), on the Gram form of a centred problem: with
 * {@code G = XᵀX} and {@code c₀ = Xᵀy}, every point solves
 * {@code min ½βᵀGβ − c₀ᵀβ + λ‖β‖₁} at its {@code λ}. Between points β moves linearly; a point is
 * recorded where a feature joins (its correlation reaches the active ones') or leaves (its
 * weight crosses zero, the Lasso modification). The path starts at {@code λ = max|c₀|}, β = 0,
 * and ends at λ = 0 (the least-squares solution) or where the active set becomes singular.
 */
final class LassoLarsPath {

    /** One breakpoint: the Lasso solution {@code beta} at penalty {@code lambda}. */
    record Point(double lambda, double[] beta) {
        int nonZero() {
            int k = 0;
            for (double b : beta) {
                if (b != 0) {
                    k++;
                }
            }
            return k;
        }
    }

    private LassoLarsPath() {
    }

    /**
     * @param gram  row-major d × d, symmetric positive semi-definite
     * @param cross {@code Xᵀy}, length d
     */
    static List<Point> compute(double[] gram, double[] cross, int d) {
        List<Point> path = new ArrayList<>();
        double[] beta = new double[d];
        double[] c = cross.clone();
        boolean[] active = new boolean[d];
        int[] act = new int[d];
        double[] sign = new double[d];
        int na = 0;

        double lambda = 0;
        int first = -1;
        for (int j = 0; j < d; j++) {
            if (Math.abs(c[j]) > lambda) {
                lambda = Math.abs(c[j]);
                first = j;
            }
        }
        path.add(new Point(lambda, beta.clone()));
        // Steps shorter than this are rounding, not progress.
        double tol = 1e-12 * Math.max(lambda, Double.MIN_NORMAL);
        if (first < 0 || lambda <= tol) {
            return path;
        }
        active[first] = true;
        act[na++] = first;
        sign[first] = Math.signum(c[first]);

        int maxSteps = 8 * d + 8; // the Lasso path has finitely many kinks; this only guards rounding loops
        for (int step = 0; step < maxSteps; step++) {
            // Equiangular direction: u = G_AA⁻¹ s_A lowers every active |c_j| at unit rate.
            double[] gaa = new double[na * na];
            double[] s = new double[na];
            for (int a = 0; a < na; a++) {
                s[a] = sign[act[a]];
                for (int b = 0; b < na; b++) {
                    gaa[a * na + b] = gram[act[a] * d + act[b]];
                }
            }
            double[] u;
            try {
                u = Cholesky.solve(gaa, na, s);
            } catch (Cholesky.Singular singular) {
                break; // the active set is collinear (e.g. fewer samples than features): the path ends here
            }
            double[] a = new double[d];
            for (int j = 0; j < d; j++) {
                double v = 0;
                for (int k = 0; k < na; k++) {
                    v += gram[j * d + act[k]] * u[k];
                }
                a[j] = v;
            }
            // Next join: an inactive correlation c_j − γ a_j reaching ±(λ − γ).
            double gamma = lambda;
            int join = -1;
            for (int j = 0; j < d; j++) {
                if (active[j]) {
                    continue;
                }
                double g1 = (1 - a[j]) > 0 ? (lambda - c[j]) / (1 - a[j]) : Double.POSITIVE_INFINITY;
                double g2 = (1 + a[j]) > 0 ? (lambda + c[j]) / (1 + a[j]) : Double.POSITIVE_INFINITY;
                double g = Math.min(g1 > tol ? g1 : Double.POSITIVE_INFINITY, g2 > tol ? g2 : Double.POSITIVE_INFINITY);
                if (g < gamma) {
                    gamma = g;
                    join = j;
                }
            }
            // Lasso modification: an active weight crossing zero leaves before anything joins.
            int drop = -1;
            for (int k = 0; k < na; k++) {
                int j = act[k];
                if (u[k] != 0 && beta[j] != 0) {
                    double g = -beta[j] / u[k];
                    if (g > tol && g < gamma) {
                        gamma = g;
                        drop = j;
                    }
                }
            }
            for (int k = 0; k < na; k++) {
                beta[act[k]] += gamma * u[k];
            }
            lambda = Math.max(0, lambda - gamma);
            if (drop >= 0) {
                beta[drop] = 0;
                active[drop] = false;
                int w = 0;
                for (int k = 0; k < na; k++) {
                    if (act[k] != drop) {
                        act[w++] = act[k];
                    }
                }
                na = w;
            }
            // Correlations afresh from β, so rounding does not accumulate along the path.
            for (int j = 0; j < d; j++) {
                double v = cross[j];
                for (int k = 0; k < d; k++) {
                    if (beta[k] != 0) {
                        v -= gram[j * d + k] * beta[k];
                    }
                }
                c[j] = v;
            }
            path.add(new Point(lambda, beta.clone()));
            if (lambda <= tol) {
                break;
            }
            if (drop < 0) {
                if (join < 0) {
                    break;
                }
                active[join] = true;
                act[na++] = join;
                sign[join] = Math.signum(c[join]);
            } else if (na == 0) {
                break;
            }
        }
        return path;
    }

    /**
     * The features of the last point (smallest λ) with at most {@code k} non-zero weights, as
     * lime's {@code lasso_path} selection picks them.
     */
    static int[] support(List<Point> path, int k) {
        for (int i = path.size() - 1; i >= 0; i--) {
            Point p = path.get(i);
            if (p.nonZero() <= k) {
                int[] out = new int[p.nonZero()];
                int w = 0;
                for (int j = 0; j < p.beta().length; j++) {
                    if (p.beta()[j] != 0) {
                        out[w++] = j;
                    }
                }
                return out;
            }
        }
        return new int[0];
    }
}
