package org.explain4j.perturb;

import org.explain4j.ExplainException;

import java.util.List;
import java.util.Map;

/**
 * KernelSHAP (Lundberg and Lee 2017) with one baseline: the Shapley values of the game
 * {@code v(S) = f(x on S, baseline elsewhere)} estimated by weighted least squares over
 * coalitions with the Shapley kernel, the empty and the full coalition pinned exactly
 * ({@code φ₀ = f(baseline)}, {@code Σφ = f(x) − f(baseline)}); see {@link ShapleyCoalitions}.
 * With a budget of at least {@code 2^d − 2} samples every coalition is evaluated and the values
 * are the exact Shapley values.
 *
 * <p>Model rows per instance: the coalitions plus one for the baseline; {@code f(x)} comes from
 * the run's forward pass on the inputs. Default budget: {@code 2·d + 2048} coalitions, as shap.
 * Differences from shap's {@code KernelExplainer}: one baseline sample instead of the average
 * over a background set, and no automatic L1 feature selection.
 *
 * <p>Diagnostics: {@code efficiency_gap} {@code Σφ − (f(x) − f(b))} (rounding only),
 * {@code baseline_prediction} {@code f(b)}, {@code weighted_r2} of the additive model over the
 * coalitions, {@code exhaustive} (1 when all coalitions were enumerated).
 */
public final class KernelShapExplainer extends PerturbationExplainer {
    public static final String METHOD = "kernelshap";
    /** Sample budget meaning "2·d + 2048", shap's default. */
    public static final int AUTO_SAMPLES = 0;

    private final int samples;

    private KernelShapExplainer(Builder b) {
        super(b);
        this.samples = b.samples;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The coalition budget, or {@link #AUTO_SAMPLES}. */
    public int samples() {
        return samples;
    }

    @Override
    public String method() {
        return METHOD;
    }

    /** The budget for {@code d} features. */
    int budget(int d) {
        return samples == AUTO_SAMPLES ? 2 * d + 2048 : samples;
    }

    @Override
    InstanceResult explainInstance(Instance in) {
        FeatureMask m = in.mask();
        int d = m.featureCount();
        float[] x = in.x();
        float[] off = in.off();
        ShapleyCoalitions.Design design = d == 1
                ? new ShapleyCoalitions.Design(new Coalitions(0, 1), new double[0], true)
                : ShapleyCoalitions.draw(d, budget(d), in.random());
        Coalitions z = design.z();
        int n = z.rows();
        // Row 0: the baseline (every feature off); rows 1..n: the coalitions.
        double[] all = in.scorer().scores(n + 1, in.target(), (k, dest, o) -> {
            if (k == 0) {
                m.composeAllOff(x, off, dest, o);
            } else {
                m.compose(x, off, z, k - 1, dest, o);
            }
        });
        double fb = all[0];
        double fx = in.modelScore();
        double[] y = new double[n];
        System.arraycopy(all, 1, y, 0, n);
        double[] phi = ShapleyCoalitions.efficientFit(z, y, design.weights(), fb, fx);
        double sum = 0;
        for (double p : phi) {
            sum += p;
        }
        double r2 = Double.NaN;
        if (n > 0) {
            double sw = 0;
            double sy = 0;
            for (int i = 0; i < n; i++) {
                sw += design.weights()[i];
                sy += design.weights()[i] * y[i];
            }
            r2 = WeightedLinearFit.weightedR2(z, y, design.weights(), phi, fb, sy / sw);
        }
        SurrogateExplanation e = new SurrogateExplanation(in.index(), in.target(), m.names(), phi, fb, r2, fb + sum,
                fx, WeightedGram.all(d), n + 1L);
        return new InstanceResult(m.spread(phi), e);
    }

    @Override
    void addParameters(Map<String, Object> params) {
        params.put("samples", samples == AUTO_SAMPLES ? "auto(2d+2048)" : samples);
    }

    @Override
    void addDiagnostics(List<SurrogateExplanation> explanations, Map<String, double[]> diagnostics) {
        int n = explanations.size();
        double[] gap = new double[n];
        double[] fb = new double[n];
        double[] r2 = new double[n];
        double[] exhaustive = new double[n];
        for (int i = 0; i < n; i++) {
            SurrogateExplanation e = explanations.get(i);
            double sum = 0;
            for (double p : e.weights()) {
                sum += p;
            }
            gap[i] = sum - (e.modelPrediction() - e.intercept());
            fb[i] = e.intercept();
            r2[i] = e.weightedR2();
            int d = e.featureCount();
            exhaustive[i] = d == 1 || e.evaluations() - 1 == ShapleyCoalitions.properCoalitions(d) ? 1 : 0;
        }
        diagnostics.put("efficiency_gap", gap);
        diagnostics.put("baseline_prediction", fb);
        diagnostics.put("weighted_r2", r2);
        diagnostics.put("exhaustive", exhaustive);
    }

    @Override
    public String toString() {
        return METHOD + "(" + (samples == AUTO_SAMPLES ? "2d+2048" : samples) + " coalitions, batch " + batchSize
                + ", seed " + seed + ")";
    }

    public static final class Builder extends PerturbationExplainer.Builder<Builder> {
        private int samples = AUTO_SAMPLES;

        private Builder() {
        }

        /** Coalitions per explanation (default {@link #AUTO_SAMPLES}: 2·d + 2048). */
        public Builder samples(int samples) {
            if (samples < 1) {
                throw new ExplainException("kernelshap needs at least 1 coalition per explanation; got " + samples);
            }
            this.samples = samples;
            return this;
        }

        public KernelShapExplainer build() {
            checkCommon(METHOD);
            return new KernelShapExplainer(this);
        }
    }
}
