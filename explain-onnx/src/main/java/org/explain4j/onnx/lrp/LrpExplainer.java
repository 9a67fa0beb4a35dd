package org.explain4j.onnx.lrp;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Provenance;
import org.explain4j.explain.Target;
import org.explain4j.lrp.Composite;
import org.explain4j.lrp.OutputInit;
import org.explain4j.lrp.Rule;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.Score;
import org.explain4j.onnx.OrtModel;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Layer-wise relevance propagation (METHODS §2) over the model's ONNX graph: the runtime
 * computes the activations, Java walks the graph backwards applying the composite's rule per
 * layer, in double. The attribution sums (up to what biases and ε absorbed) to the explained
 * logit; its diagnostics give the logit, the relevance at the start and at the input, the
 * conservation residual at the input, and each layer's residual.
 *
 * <p>Needs a model that exposes its ONNX graph: an {@link OrtModel}. The plan per model (canonized
 * graph, weights, rules) is built on first use and kept.
 */
public final class LrpExplainer implements Explainer {

    public static final String METHOD = "lrp";
    /** ε of the ε rules by default (the clinical thesis's value). */
    public static final double DEFAULT_EPSILON = 0.01;
    /** δ by default: biases keep their relevance (the thesis's choice). */
    public static final double DEFAULT_BIAS_FACTOR = 0;
    public static final int DEFAULT_BATCH_SIZE = 64;

    private final Composite composite;
    private final OutputInit outputInit;
    private final double biasFactor;
    private final int batchSize;
    private final Map<String, LrpPlan> plans = new ConcurrentHashMap<>();
    private final String rules;

    private LrpExplainer(Builder b) {
        this.composite = b.composite;
        this.outputInit = b.outputInit;
        this.biasFactor = b.biasFactor;
        this.batchSize = b.batchSize;
        this.rules = composite.describe();
        if (!(biasFactor >= 0) || biasFactor > 1) {
            throw new ExplainException("--lrp-bias-factor must be between 0 and 1, got " + biasFactor);
        }
        if (batchSize < 1) {
            throw new ExplainException("batch size " + batchSize + " is invalid; give a positive number of rows");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds the explainer from command-line options (keys without dashes; the {@code lrp-}
     * prefix may be left out): {@code lrp-rule} (one rule everywhere, see {@link Rule#parse}),
     * {@code lrp-composite} (a preset or a list, see {@link Composite#parse}; not with
     * {@code lrp-rule}), {@code lrp-epsilon} (ε of ε rules, default 0.01),
     * {@code lrp-bias-factor} (δ in [0, 1], default 0), {@code lrp-output-init} (logit,
     * softmax, sigmoid-decision, sigmoid-logit-sign; default logit), {@code batch-size}.
     *
     * @throws ExplainException for an option LRP does not take or a bad value
     */
    public static LrpExplainer fromOptions(Map<String, String> options) {
        Map<String, String> o = new LinkedHashMap<>();
        if (options != null) {
            options.forEach((k, v) -> {
                String key = k.trim().toLowerCase(Locale.ROOT).replaceFirst("^-+", "").replace('_', '-');
                if (!key.startsWith("lrp-") && !key.equals("batch-size")) {
                    key = "lrp-" + key;
                }
                o.put(key, v == null ? "" : v.trim());
            });
        }
        Set<String> known = new LinkedHashSet<>(List.of("lrp-rule", "lrp-composite", "lrp-epsilon", "lrp-bias-factor",
                "lrp-output-init", "batch-size"));
        List<String> extra = new ArrayList<>();
        for (String k : o.keySet()) {
            if (!known.contains(k)) {
                extra.add("--" + k);
            }
        }
        if (!extra.isEmpty()) {
            throw new ExplainException("method lrp does not take " + String.join(", ", extra) + "; it takes "
                    + String.join(", ", known.stream().map(k -> "--" + k).toList()));
        }
        double eps = o.containsKey("lrp-epsilon") ? number(o.get("lrp-epsilon"), "lrp-epsilon") : DEFAULT_EPSILON;
        if (o.containsKey("lrp-rule") && o.containsKey("lrp-composite")) {
            throw new ExplainException("give either --lrp-rule (one rule everywhere) or --lrp-composite, not both");
        }
        Builder b = builder();
        if (o.containsKey("lrp-rule")) {
            b.composite(Composite.uniform(Rule.parse(o.get("lrp-rule"), eps)));
        } else if (o.containsKey("lrp-composite")) {
            b.composite(Composite.parse(o.get("lrp-composite"), eps));
        } else {
            b.composite(Composite.preset("epsilon", eps));
        }
        if (o.containsKey("lrp-bias-factor")) {
            b.biasFactor(number(o.get("lrp-bias-factor"), "lrp-bias-factor"));
        }
        if (o.containsKey("lrp-output-init")) {
            b.outputInit(OutputInit.parse(o.get("lrp-output-init")));
        }
        if (o.containsKey("batch-size")) {
            try {
                b.batchSize(Integer.parseInt(o.get("batch-size")));
            } catch (NumberFormatException e) {
                throw new ExplainException("--batch-size must be a positive whole number; got '" + o.get("batch-size") + "'");
            }
        }
        return b.build();
    }

    private static double number(String v, String key) {
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d) || d < 0) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ExplainException("--" + key + " must be a finite number >= 0; got '" + v + "'");
        }
    }

    @Override
    public String method() {
        return METHOD;
    }

    public Composite composite() {
        return composite;
    }

    public OutputInit outputInit() {
        return outputInit;
    }

    public double biasFactor() {
        return biasFactor;
    }

    /**
     * The plan for {@code model} (built once per model).
     *
     * @throws ExplainException when the model does not expose an ONNX graph or LRP does not cover it
     */
    public LrpPlan plan(ExplainableModel model) {
        if (!(model instanceof OrtModel ort)) {
            throw new ExplainException("LRP reads the model's ONNX graph; open the model with the ONNX Runtime backend"
                    + " (an .onnx file), not " + model.getClass().getSimpleName());
        }
        String key = model.info().checksum() + "|" + model.info().name();
        return plans.computeIfAbsent(key, k -> LrpPlan.build(ort.onnxModel(), model.info(), composite, outputInit,
                biasFactor));
    }

    @Override
    public Attribution explain(ExplainableModel model, FloatTensor inputs, Target target) {
        LrpPlan plan = plan(model);
        int n = inputs.batchSize();
        float[] values = new float[inputs.size()];
        List<FloatTensor> outputs = new ArrayList<>();
        int[] targets = new int[n];
        Map<String, double[]> diagnostics = new LinkedHashMap<>();
        int per = inputs.sampleSize();
        if (target instanceof Target.PerSample p && p.classIndices().length != n) {
            throw new ExplainException(p.classIndices().length + " targets given for " + n
                    + " samples; give one per sample");
        }
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            FloatTensor chunk = n <= batchSize ? inputs : inputs.slice(from, to);
            Target part = target instanceof Target.PerSample p
                    ? Target.perSample(Arrays.copyOfRange(p.classIndices(), from, to)) : target;
            LrpPlan.Run run = plan.run(model, chunk, part::resolve);
            for (int i = 0; i < run.relevance().length; i++) {
                values[from * per + i] = (float) run.relevance()[i];
            }
            outputs.add(run.outputs());
            System.arraycopy(run.targets(), 0, targets, from, to - from);
            int offset = from;
            run.diagnostics().forEach((k, v) -> {
                double[] all = diagnostics.computeIfAbsent(k, kk -> new double[n]);
                System.arraycopy(v, 0, all, offset, v.length);
            });
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("composite", composite.name());
        params.put("rules", rules);
        params.put("bias_factor", biasFactor);
        params.put("output_init", outputInit.text());
        params.put("batch_size", batchSize);
        params.put("batchnorm_folded", plan.folded());
        params.put("layers", plan.layers());
        return new Attribution(new FloatTensor(inputs.shape(), values), inputs, FloatTensor.concat(outputs), targets,
                Score.LOGIT, METHOD, params, diagnostics, Provenance.of(model.info(), OptionalLong.empty()));
    }

    public static final class Builder {
        private Composite composite = Composite.preset("epsilon", DEFAULT_EPSILON);
        private OutputInit outputInit = OutputInit.LOGIT;
        private double biasFactor = DEFAULT_BIAS_FACTOR;
        private int batchSize = DEFAULT_BATCH_SIZE;

        private Builder() {
        }

        public Builder composite(Composite c) {
            this.composite = c;
            return this;
        }

        /** One rule everywhere. */
        public Builder rule(Rule r) {
            this.composite = Composite.uniform(r);
            return this;
        }

        public Builder outputInit(OutputInit init) {
            this.outputInit = init;
            return this;
        }

        /** δ in [0, 1]: the share of each bias given back to the layer's inputs. */
        public Builder biasFactor(double delta) {
            this.biasFactor = delta;
            return this;
        }

        /** Samples per runtime call. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public LrpExplainer build() {
            return new LrpExplainer(this);
        }
    }
}
