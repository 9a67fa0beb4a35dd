package org.explain4j.explain.gradient;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Baseline;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Provenance;
import org.explain4j.explain.ScoreFunction;
import org.explain4j.explain.Target;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Integrated Gradients (Sundararajan et al. 2017):
 * {@code attr = (x − x') ⊙ ∫₀¹ ∂S/∂x(x' + α(x − x')) dα}, the integral approximated by an
 * {@link IntegrationRule} with {@code steps} nodes. By the gradient theorem the attributions sum
 * to {@code S(x) − S(x')} (completeness); how far they miss is reported per sample as
 * {@code completeness_gap} and {@code relative_completeness_gap}.
 *
 * <p>All (sample, step) points are streamed through the model's VJP {@code batchSize} rows at a
 * time, whatever the number of samples; the weighted gradients are summed in double.
 */
public final class IntegratedGradients implements Explainer {
    public static final String METHOD = "integrated_gradients";
    public static final int DEFAULT_STEPS = 50;
    public static final int DEFAULT_BATCH_SIZE = 64;

    private final int steps;
    private final IntegrationRule rule;
    private final Baseline baseline;
    private final int batchSize;
    private final Score score;

    private IntegratedGradients(Builder b) {
        this.steps = b.steps;
        this.rule = b.rule;
        this.baseline = b.baseline;
        this.batchSize = b.batchSize;
        this.score = b.score;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** 50 Gauss–Legendre steps from a zero baseline, 64 rows per batch, the model's default score. */
    public static IntegratedGradients create() {
        return builder().build();
    }

    public int steps() {
        return steps;
    }

    public IntegrationRule rule() {
        return rule;
    }

    public Baseline baseline() {
        return baseline;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The requested score, or null for the model description's default. */
    public Score score() {
        return score;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Attribution explain(ExplainableModel model, FloatTensor inputs, Target target) {
        GradientBatches.checkInputs(model.info(), inputs);
        ScoreFunction sf = ScoreFunction.forModel(model.info(), score);
        FloatTensor base = baseline.resolve(inputs);
        int bad = base.firstNonFinite();
        if (bad >= 0) {
            throw new ExplainException("baseline value " + base.indexOf(bad) + " is " + base.get(bad)
                    + "; the baseline must be finite");
        }
        FloatTensor outputs = GradientBatches.forward(model, inputs, batchSize);
        int[] targets = target.resolve(outputs);
        double[] atInput = GradientBatches.scoresAt(sf, outputs, targets);
        double[] atBaseline = GradientBatches.scoresAt(sf, GradientBatches.forward(model, base, batchSize), targets);

        IntegrationRule.Quadrature q = rule.nodes(steps);
        int n = inputs.batchSize();
        int f = inputs.sampleSize();
        float[] x = inputs.data();
        float[] xb = base.data();
        double[] integral = new double[n * f]; // Σ_k s_k ∂S/∂x at the path points, per sample
        GradientBatches.stream(model, inputs.sampleShape(), n * steps, steps, targets, outputs.sampleSize(), sf,
                batchSize,
                (row, dst, offset) -> {
                    int i = row / steps;
                    double alpha = q.alpha(row % steps);
                    for (int j = 0, p = i * f; j < f; j++, p++) {
                        dst[offset + j] = (float) (xb[p] + alpha * ((double) x[p] - xb[p]));
                    }
                },
                (row, grad, offset) -> {
                    int i = row / steps;
                    double s = q.weight(row % steps);
                    for (int j = 0, p = i * f; j < f; j++, p++) {
                        integral[p] += s * grad[offset + j];
                    }
                });

        float[] values = new float[n * f];
        double[] gap = new double[n];
        double[] relative = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0, p = i * f; j < f; j++, p++) {
                double a = ((double) x[p] - xb[p]) * integral[p];
                values[p] = (float) a;
                sum += a;
            }
            double delta = atInput[i] - atBaseline[i];
            gap[i] = sum - delta;
            // Undefined where the input scores exactly like the baseline.
            relative[i] = delta == 0 ? Double.NaN : gap[i] / Math.abs(delta);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("steps", steps);
        params.put("rule", rule.label());
        params.put("baseline", baseline.name());
        if (baseline instanceof Baseline.Mean m) {
            params.put("baseline_background_samples", m.count());
        }
        params.put("batch_size", batchSize);
        params.put("score", sf.score().name().toLowerCase(java.util.Locale.ROOT));
        Map<String, double[]> diagnostics = new LinkedHashMap<>();
        diagnostics.put("completeness_gap", gap);
        diagnostics.put("relative_completeness_gap", relative);
        diagnostics.put("score_at_input", atInput);
        diagnostics.put("score_at_baseline", atBaseline);
        return new Attribution(new FloatTensor(inputs.shape(), values), inputs, outputs, targets, sf.score(),
                METHOD, params, diagnostics, Provenance.of(model.info(), OptionalLong.empty()));
    }

    @Override
    public String toString() {
        return METHOD + "(" + rule.label() + " " + steps + " steps, baseline " + baseline.name() + ", batch "
                + batchSize + (score == null ? "" : ", " + score) + ")";
    }

    public static final class Builder {
        private int steps = DEFAULT_STEPS;
        private IntegrationRule rule = IntegrationRule.GAUSS_LEGENDRE;
        private Baseline baseline = Baseline.zero();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Score score;

        private Builder() {
        }

        /** Number of quadrature nodes (default 50). */
        public Builder steps(int steps) {
            this.steps = steps;
            return this;
        }

        /** Quadrature rule (default Gauss–Legendre, as Captum). */
        public Builder rule(IntegrationRule rule) {
            this.rule = java.util.Objects.requireNonNull(rule, "rule");
            return this;
        }

        /** Reference input (default zero). */
        public Builder baseline(Baseline baseline) {
            this.baseline = java.util.Objects.requireNonNull(baseline, "baseline");
            return this;
        }

        /** Path points per VJP call (default 64). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Logit or probability; null (default) takes the model description's default score. */
        public Builder score(Score score) {
            this.score = score;
            return this;
        }

        /** @throws ExplainException when steps or batch size are out of range for the rule */
        public IntegratedGradients build() {
            if (steps < rule.minSteps()) {
                throw new ExplainException("integrated gradients with rule " + rule.label() + " needs at least "
                        + rule.minSteps() + " step" + (rule.minSteps() == 1 ? "" : "s") + "; got " + steps);
            }
            GradientBatches.checkBatchSize(batchSize);
            return new IntegratedGradients(this);
        }
    }
}
