package org.explain4j.perturb;

import org.explain4j.ExplainException;

import java.util.List;

/** Weighted (ridge) least squares with an unpenalised intercept on a subset of binary features. */
final class WeightedLinearFit {
    private WeightedLinearFit() {
    }

    /**
     * Minimises {@code Σ w_i (y_i − b − Σ_{j∈S} β_j z_ij)² + α Σ β_j²}: centring by the weighted
     * means removes the intercept, then {@code (Z_cᵀWZ_c + αI) β = Z_cᵀW y_c}, and
     * {@code b = ȳ − Σ β_j z̄_j}.
     */
    static SurrogateFit fit(WeightedGram g, Coalitions z, double[] y, double[] w, int[] selected, double alpha,
                            List<String> names) {
        if (!(g.sw > 0)) {
            throw new ExplainException("every sample of the surrogate has weight 0; widen the kernel or use more samples");
        }
        int m = selected.length;
        double[] beta = new double[0];
        if (m > 0) {
            double[] gram = g.centeredGram(selected);
            for (int a = 0; a < m; a++) {
                gram[a * m + a] += alpha;
            }
            try {
                beta = Cholesky.solve(gram, m, g.centeredCross(selected));
            } catch (Cholesky.Singular s) {
                String name = names == null ? "#" + selected[s.row] : "'" + names.get(selected[s.row]) + "'";
                throw new ExplainException("the surrogate is undetermined: feature " + name + " is on in every sample,"
                        + " off in every sample, or always switched together with another; raise the number of"
                        + " samples or use a ridge alpha > 0");
            }
        }
        int d = g.d;
        double[] weights = new double[d];
        double intercept = g.meanY();
        double local = 0;
        for (int a = 0; a < m; a++) {
            weights[selected[a]] = beta[a];
            intercept -= beta[a] * g.sz[selected[a]] / g.sw;
            local += beta[a];
        }
        local += intercept;
        return new SurrogateFit(weights, intercept, weightedR2(z, y, w, weights, intercept, g.meanY()), local, selected);
    }

    /**
     * {@code 1 − Σw(y − ŷ)² / Σw(y − ȳ)²} from the residuals themselves (not from the Gram
     * matrix, where a near-perfect fit would cancel); NaN when y does not vary.
     */
    static double weightedR2(Coalitions z, double[] y, double[] w, double[] weights, double intercept, double meanY) {
        double rss = 0;
        double tss = 0;
        int words = z.words();
        for (int i = 0; i < y.length; i++) {
            double pred = intercept;
            for (int word = 0; word < words; word++) {
                long b = z.word(i, word);
                while (b != 0) {
                    pred += weights[(word << 6) + Long.numberOfTrailingZeros(b)];
                    b &= b - 1;
                }
            }
            double r = y[i] - pred;
            double t = y[i] - meanY;
            rss += w[i] * r * r;
            tss += w[i] * t * t;
        }
        return tss > 0 ? 1 - rss / tss : Double.NaN;
    }
}
