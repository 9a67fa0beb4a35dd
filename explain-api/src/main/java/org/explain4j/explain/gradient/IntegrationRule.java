package org.explain4j.explain.gradient;

import org.explain4j.ExplainException;

import java.util.Arrays;
import java.util.Locale;

/**
 * How Integrated Gradients approximates {@code ∫₀¹ ∂S/∂x(x' + α(x − x')) dα} by
 * {@code Σ_k s_k ∂S/∂x(x' + α_k(x − x'))}; the names and nodes are Captum's
 * ({@code captum/attr/_utils/approximation_methods.py}):
 * <ul>
 *   <li>{@code riemann_left}: {@code α_k = k/n}, {@code s_k = 1/n};</li>
 *   <li>{@code riemann_right}: {@code α_k = (k+1)/n}, {@code s_k = 1/n};</li>
 *   <li>{@code riemann_middle}: {@code α_k = (k+½)/n}, {@code s_k = 1/n};</li>
 *   <li>{@code riemann_trapezoid}: {@code α = linspace(0,1,n)}, {@code s_k = 1/(n−1)} with the first and
 *       last halved, the composite trapezoid rule (weights sum to 1; Captum's own code uses
 *       {@code 1/n}, which shrinks every attribution by {@code (n−1)/n});</li>
 *   <li>{@code gausslegendre}: the Legendre nodes {@code t} and weights {@code v} on [−1,1] mapped
 *       to {@code α = (t+1)/2}, {@code s = v/2}, exact for polynomials up to degree {@code 2n−1}.</li>
 * </ul>
 */
public enum IntegrationRule {
    RIEMANN_LEFT,
    RIEMANN_RIGHT,
    RIEMANN_MIDDLE,
    RIEMANN_TRAPEZOID,
    GAUSS_LEGENDRE;

    /** Nodes {@code α ∈ [0,1]} (ascending) and weights {@code s} of an {@code n}-point rule. */
    public record Quadrature(double[] alphas, double[] weights) {
        public Quadrature {
            alphas = alphas.clone();
            weights = weights.clone();
        }

        @Override
        public double[] alphas() {
            return alphas.clone();
        }

        @Override
        public double[] weights() {
            return weights.clone();
        }

        public int size() {
            return alphas.length;
        }

        public double alpha(int k) {
            return alphas[k];
        }

        public double weight(int k) {
            return weights[k];
        }
    }

    /** The name used on the command line and in attribution parameters, e.g. {@code riemann_trapezoid}. */
    public String label() {
        return this == GAUSS_LEGENDRE ? "gausslegendre" : name().toLowerCase(Locale.ROOT);
    }

    public static IntegrationRule parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (IntegrationRule r : values()) {
            if (r.label().equals(t) || r.name().toLowerCase(Locale.ROOT).equals(t)) {
                return r;
            }
        }
        throw new ExplainException("unknown integration rule '" + text + "'; expected one of "
                + String.join(", ", Arrays.stream(values()).map(IntegrationRule::label).toList()));
    }

    /** The smallest number of steps the rule takes. */
    public int minSteps() {
        return this == RIEMANN_TRAPEZOID ? 2 : 1;
    }

    public Quadrature nodes(int n) {
        if (n < minSteps()) {
            throw new ExplainException("rule " + label() + " needs at least " + minSteps() + " steps; got " + n);
        }
        double[] a = new double[n];
        double[] s = new double[n];
        switch (this) {
            case RIEMANN_LEFT, RIEMANN_RIGHT, RIEMANN_MIDDLE -> {
                double offset = this == RIEMANN_LEFT ? 0.0 : this == RIEMANN_RIGHT ? 1.0 : 0.5;
                for (int k = 0; k < n; k++) {
                    a[k] = (k + offset) / n;
                    s[k] = 1.0 / n;
                }
            }
            case RIEMANN_TRAPEZOID -> {
                for (int k = 0; k < n; k++) {
                    a[k] = (double) k / (n - 1);
                    s[k] = 1.0 / (n - 1);
                }
                s[0] *= 0.5;
                s[n - 1] *= 0.5;
            }
            case GAUSS_LEGENDRE -> {
                double[][] tv = legendre(n);
                for (int k = 0; k < n; k++) {
                    a[k] = (tv[0][k] + 1.0) / 2.0;
                    s[k] = tv[1][k] / 2.0;
                }
            }
        }
        return new Quadrature(a, s);
    }

    /**
     * Gauss–Legendre nodes (ascending) and weights on [−1,1]: the roots of {@code P_n} by Newton
     * iteration from the Chebyshev-like guesses {@code cos(π(i − ¼)/(n + ½))}, with
     * {@code w = 2 / ((1 − t²) P_n'(t)²)}; the weights are then scaled to sum to exactly 2, as
     * NumPy's {@code leggauss} does.
     */
    static double[][] legendre(int n) {
        double[] t = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < (n + 1) / 2; i++) {
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int iter = 0; iter < 100; iter++) {
                double[] pd = legendreAndDerivative(n, z);
                dp = pd[1];
                double dz = pd[0] / dp;
                z -= dz;
                if (Math.abs(dz) <= 1e-16 * Math.max(1.0, Math.abs(z))) {
                    break;
                }
            }
            dp = legendreAndDerivative(n, z)[1];
            double wi = 2.0 / ((1.0 - z * z) * dp * dp);
            t[i] = -z; // the guesses run from the largest root down; store ascending
            t[n - 1 - i] = z;
            w[i] = wi;
            w[n - 1 - i] = wi;
        }
        if (n % 2 == 1) {
            t[n / 2] = 0.0; // exactly, not ±1e-17
        }
        double sum = 0;
        for (double v : w) {
            sum += v;
        }
        for (int i = 0; i < n; i++) {
            w[i] *= 2.0 / sum;
        }
        return new double[][] {t, w};
    }

    /** {@code P_n(z)} by the three-term recurrence, and {@code P_n'(z) = n (z P_n − P_{n−1}) / (z² − 1)}. */
    private static double[] legendreAndDerivative(int n, double z) {
        double p0 = 1.0;
        double p1 = z;
        if (n == 0) {
            return new double[] {1.0, 0.0};
        }
        for (int j = 2; j <= n; j++) {
            double p2 = ((2.0 * j - 1.0) * z * p1 - (j - 1.0) * p0) / j;
            p0 = p1;
            p1 = p2;
        }
        return new double[] {p1, n * (z * p1 - p0) / (z * z - 1.0)};
    }
}
