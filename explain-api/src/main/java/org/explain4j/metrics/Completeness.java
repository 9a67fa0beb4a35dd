package org.explain4j.metrics;

import org.explain4j.explain.Attribution;

import java.util.Optional;

/**
 * The conservation laws some methods promise, read from the residuals they record in their
 * diagnostics (the explainers compute them; this class only names and relativises them):
 * <ul>
 *   <li>Integrated Gradients' completeness, {@code Σ attr − (S(x) − S(x'))}
 *       ({@code completeness_gap}, {@code relative_completeness_gap});</li>
 *   <li>LRP's conservation, {@code f(x) − Σ R_input} ({@code lrp_conservation_residual}),
 *       made relative to the explained logit ({@code lrp_logit}).</li>
 * </ul>
 * Methods that promise no such law have none.
 */
public final class Completeness {
    private Completeness() {
    }

    /**
     * @param law      which law: {@code ig_completeness} or {@code lrp_conservation}
     * @param absolute the residual per sample
     * @param relative the residual over the quantity that should be conserved (NaN where that is 0)
     */
    public record Residual(String law, double[] absolute, double[] relative) {
    }

    public static Optional<Residual> of(Attribution a) {
        var d = a.diagnostics();
        if (d.containsKey("completeness_gap")) {
            double[] abs = d.get("completeness_gap");
            double[] rel = d.get("relative_completeness_gap");
            return Optional.of(new Residual("ig_completeness", abs, rel != null ? rel : nanLike(abs)));
        }
        if (d.containsKey("lrp_conservation_residual")) {
            double[] abs = d.get("lrp_conservation_residual");
            double[] logit = d.get("lrp_logit");
            double[] rel = new double[abs.length];
            for (int i = 0; i < abs.length; i++) {
                rel[i] = logit == null || logit[i] == 0 ? Double.NaN : abs[i] / Math.abs(logit[i]);
            }
            return Optional.of(new Residual("lrp_conservation", abs, rel));
        }
        return Optional.empty();
    }

    private static double[] nanLike(double[] v) {
        double[] out = new double[v.length];
        java.util.Arrays.fill(out, Double.NaN);
        return out;
    }
}
