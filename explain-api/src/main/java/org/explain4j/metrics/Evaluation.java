package org.explain4j.metrics;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Baseline;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Target;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static org.explain4j.metrics.MetricSummary.Better.HIGHER;
import static org.explain4j.metrics.MetricSummary.Better.LOWER;

/**
 * Every judgement of METHODS §7 for one explanation method over a set of inputs: faithfulness
 * (deletion and insertion curves, infidelity), stability (sensitivity-max and consistency over
 * one shared {@link Neighbourhood}), the method's own conservation residual when it has one,
 * and — given the known causes — ground-truth scores. Each metric is averaged over the
 * inputs; explaining and each metric are timed.
 *
 * <p>All model calls are batched: the curves, infidelity and the neighbourhood push all their
 * derived inputs through the model {@code batchSize} rows at a time, and the explainer sees the
 * neighbours in chunks.
 */
public final class Evaluation {
    private static final Logger LOG = LogManager.getLogger(Evaluation.class);

    private final PerturbationCurve deletion;
    private final PerturbationCurve insertion;
    private final Infidelity infidelity;
    private final Neighbourhood neighbourhood;
    private final int topK;
    private final Map<String, Object> settings;

    private Evaluation(Builder b) {
        this.deletion = PerturbationCurve.deletion().steps(b.steps).baseline(b.baseline).order(b.order)
                .score(b.score).batchSize(b.batchSize).build();
        this.insertion = PerturbationCurve.insertion().steps(b.steps).baseline(b.baseline).order(b.order)
                .score(b.score).batchSize(b.batchSize).build();
        this.infidelity = b.infidelitySamples == 0 ? null : Infidelity.builder().samples(b.infidelitySamples)
                .noise(b.noise).scale(b.scale).seed(b.seed).score(b.score).batchSize(b.batchSize).build();
        this.neighbourhood = b.neighbours == 0 ? null : Neighbourhood.builder().count(b.neighbours).radius(b.radius)
                .scale(b.scale).seed(b.seed + 1).build();
        this.topK = b.topK;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("curve_steps", b.steps);
        s.put("curve_baseline", b.baseline.name());
        s.put("curve_order", b.order.name().toLowerCase(java.util.Locale.ROOT));
        s.put("score", b.score == null ? "the attribution's" : b.score.name().toLowerCase(java.util.Locale.ROOT));
        s.put("infidelity_samples", b.infidelitySamples);
        s.put("infidelity_noise", b.noise);
        s.put("neighbours", b.neighbours);
        s.put("neighbour_radius", b.radius);
        s.put("perturbation_scale", b.scale.describe());
        s.put("top_k", topK == 0 ? "number of cause cells" : topK);
        s.put("seed", b.seed);
        s.put("batch_size", b.batchSize);
        this.settings = java.util.Collections.unmodifiableMap(s);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The settings, for reports. */
    public Map<String, Object> settings() {
        return settings;
    }

    /**
     * What one method scored.
     *
     * @param method      the method's recorded name
     * @param description the explainer as configured
     * @param samples     inputs evaluated
     * @param metrics     by key, in table order
     * @param timingsMs   {@code explain} and each metric, in milliseconds for all inputs
     * @param fractions   the curves' x axis
     * @param deletion    the mean deletion curve
     * @param insertion   the mean insertion curve
     */
    public record MethodResult(String method, String description, int samples, Map<String, MetricSummary> metrics,
                               Map<String, Double> timingsMs, double[] fractions, double[] deletion,
                               double[] insertion) {
        public MethodResult {
            metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
            timingsMs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(timingsMs));
        }

        /** Milliseconds to explain one input. */
        public double explainMsPerSample() {
            return timingsMs.getOrDefault("explain", Double.NaN) / Math.max(1, samples);
        }
    }

    /**
     * Explains {@code inputs} with {@code explainer} and judges the result.
     *
     * @param truth the known causes of each input, or null
     */
    public MethodResult evaluate(ExplainableModel model, Explainer explainer, FloatTensor inputs, Target target,
                                 GroundTruth truth) {
        if (truth != null && truth.size() != inputs.batchSize()) {
            throw new ExplainException("ground truth " + truth.source() + " holds " + truth.size() + " samples for "
                    + inputs.batchSize() + " inputs; give one per input");
        }
        Map<String, Double> t = new LinkedHashMap<>();
        Map<String, MetricSummary> m = new LinkedHashMap<>();
        long start = System.nanoTime();
        Attribution a = explainer.explain(model, inputs, target);
        t.put("explain", ms(start));
        LOG.info("{}: explained {} inputs in {} ms", explainer.method(), inputs.batchSize(), Math.round(t.get("explain")));

        start = System.nanoTime();
        PerturbationCurve.Result del = deletion.compute(model, a);
        PerturbationCurve.Result ins = insertion.compute(model, a);
        t.put("curves", ms(start));
        m.put("deletion_auc", MetricSummary.of("deletion_auc", "deletion AUC", LOWER, del.auc()));
        m.put("insertion_auc", MetricSummary.of("insertion_auc", "insertion AUC", HIGHER, ins.auc()));

        if (infidelity != null) {
            start = System.nanoTime();
            Infidelity.Result inf = infidelity.compute(model, a);
            t.put("infidelity", ms(start));
            m.put("infidelity", MetricSummary.of("infidelity", "infidelity", LOWER, inf.infidelity()));
            m.put("relative_infidelity", MetricSummary.of("relative_infidelity", "relative infidelity", LOWER,
                    inf.relative()));
        }
        if (neighbourhood != null) {
            start = System.nanoTime();
            Neighbourhood.Explained nb = neighbourhood.explain(model, explainer, a);
            double[] sens = SensitivityMax.of(nb);
            Consistency.Result cons = Consistency.of(nb);
            t.put("neighbourhood", ms(start));
            m.put("sensitivity_max", MetricSummary.of("sensitivity_max", "sensitivity-max", LOWER, sens));
            m.put("consistency_cosine", MetricSummary.of("consistency_cosine", "consistency (cosine)", HIGHER,
                    cons.cosine()));
            m.put("consistency_spearman", MetricSummary.of("consistency_spearman", "consistency (Spearman)", HIGHER,
                    cons.spearman()));
        }
        Optional<Completeness.Residual> res = Completeness.of(a);
        res.ifPresent(r -> {
            // one key per law: IG's completeness and LRP's conservation are different promises
            m.put(r.law() + "_residual", MetricSummary.of(r.law() + "_residual",
                    r.law().replace('_', ' ') + " residual (abs.)", LOWER, abs(r.absolute())));
            m.put(r.law() + "_relative", MetricSummary.of(r.law() + "_relative",
                    r.law().replace('_', ' ') + " relative residual (abs.)", LOWER, abs(r.relative())));
        });
        if (truth != null) {
            start = System.nanoTime();
            GroundTruth.Scores g = truth.score(a, topK);
            t.put("ground_truth", ms(start));
            m.put("gt_mass_on_cause", MetricSummary.of("gt_mass_on_cause", "GT share of abs. attribution on cause", HIGHER,
                    g.massOnCause()));
            m.put("gt_positive_mass_on_cause", MetricSummary.of("gt_positive_mass_on_cause",
                    "GT positive mass on cause", HIGHER, g.positiveMassOnCause()));
            m.put("gt_topk_precision", MetricSummary.of("gt_topk_precision", "GT top-k precision", HIGHER,
                    g.precisionAtK()));
            m.put("gt_topk_recall", MetricSummary.of("gt_topk_recall", "GT top-k recall", HIGHER, g.recallAtK()));
            m.put("gt_random_mass", MetricSummary.of("gt_random_mass", "GT mass of a uniform map",
                    MetricSummary.Better.NEITHER, g.randomMass()));
        }
        return new MethodResult(explainer.method(), explainer.toString(), inputs.batchSize(), m, t, del.fractions(),
                del.meanCurve(), ins.meanCurve());
    }

    /** {@link #evaluate} for several methods, in order. */
    public List<MethodResult> evaluateAll(ExplainableModel model, List<Explainer> explainers, FloatTensor inputs,
                                          Target target, GroundTruth truth) {
        List<MethodResult> out = new ArrayList<>();
        for (Explainer e : explainers) {
            out.add(evaluate(model, e, inputs, target, truth));
        }
        return out;
    }

    private static double[] abs(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.abs(v[i]);
        }
        return out;
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    public static final class Builder {
        private int steps = PerturbationCurve.DEFAULT_STEPS;
        private Baseline baseline = Baseline.zero();
        private PerturbationCurve.Order order = PerturbationCurve.Order.SIGNED;
        private Score score;
        private int infidelitySamples = Infidelity.DEFAULT_SAMPLES;
        private double noise = Infidelity.DEFAULT_NOISE;
        private int neighbours = Neighbourhood.DEFAULT_COUNT;
        private double radius = Neighbourhood.DEFAULT_RADIUS;
        private PerturbationScale scale = PerturbationScale.sampleRange();
        private long seed = 1L;
        private int batchSize = PerturbationCurve.DEFAULT_BATCH_SIZE;
        private int topK;

        private Builder() {
        }

        /** Deletion/insertion steps (default 20). */
        public Builder steps(int steps) {
            this.steps = steps;
            return this;
        }

        /** Deletion/insertion baseline (default zero). */
        public Builder baseline(Baseline baseline) {
            this.baseline = Objects.requireNonNull(baseline, "baseline");
            return this;
        }

        public Builder order(PerturbationCurve.Order order) {
            this.order = Objects.requireNonNull(order, "order");
            return this;
        }

        /** Score of the curves and infidelity; null (default) takes each attribution's. */
        public Builder score(Score score) {
            this.score = score;
            return this;
        }

        /** Infidelity perturbations per input (default 32; 0 skips infidelity). */
        public Builder infidelitySamples(int samples) {
            this.infidelitySamples = samples;
            return this;
        }

        /** Infidelity noise, relative to the scale (default 0.1). */
        public Builder noise(double noise) {
            this.noise = noise;
            return this;
        }

        /** Neighbours per input for sensitivity and consistency (default 8; 0 skips both). */
        public Builder neighbours(int neighbours) {
            this.neighbours = neighbours;
            return this;
        }

        /** Neighbourhood half-width, relative to the scale (default 0.05). */
        public Builder radius(double radius) {
            this.radius = radius;
            return this;
        }

        /** Per-cell scale of noise and radius (default: each sample's range). */
        public Builder scale(PerturbationScale scale) {
            this.scale = Objects.requireNonNull(scale, "scale");
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** k of the ground-truth top-k (default 0: each sample's number of cause cells). */
        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        public Evaluation build() {
            if (infidelitySamples < 0 || neighbours < 0 || topK < 0) {
                throw new ExplainException("infidelity samples, neighbours and top-k must be 0 or more");
            }
            return new Evaluation(this);
        }
    }
}
