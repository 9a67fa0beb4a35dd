package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Provenance;
import org.explain4j.explain.ScoreFunction;
import org.explain4j.explain.Target;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.InputChecks;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * The perturbation family: methods that only call {@link ExplainableModel#forward}, on inputs
 * with parts replaced by a baseline, so they work on every model, with or without gradients.
 * This base class holds what they share: the interpretable representation ({@link FeatureMask},
 * by default {@link FeatureMask#defaultFor} the model's layout), the baseline, batching, the
 * score, seeding and threads.
 *
 * <p><b>Reproducibility.</b> Instance {@code i} of a run draws from its own generator,
 * {@code new SplittableRandom(mix(seed, firstInstance + i)).split()}: a function of the seed and
 * the instance's index only. Samples are drawn before any model call and batches are cut from
 * them in order, so results are identical for every batch size and thread count (given a
 * model whose output rows do not depend on their batch neighbours).
 *
 * <p><b>Threads.</b> With {@code threads > 1}, instances are explained concurrently, each
 * worker with its own batch buffer; the model must be thread-safe, as the SPI requires.
 */
public abstract sealed class PerturbationExplainer implements Explainer
        permits LimeExplainer, KernelShapExplainer, OcclusionExplainer, FeatureAblationExplainer {

    public static final int DEFAULT_BATCH_SIZE = 256;
    public static final long DEFAULT_SEED = 42L;

    final FeatureMask mask;
    final PerturbationBaseline baseline;
    final int batchSize;
    final long seed;
    final int threads;
    final Score score;

    PerturbationExplainer(Builder<?> b) {
        this.mask = b.mask;
        this.baseline = b.baseline;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.threads = b.threads;
        this.score = b.score;
    }

    /** The configured mask, or null when each model's default is used. */
    public FeatureMask mask() {
        return mask;
    }

    public PerturbationBaseline baseline() {
        return baseline;
    }

    public int batchSize() {
        return batchSize;
    }

    public long seed() {
        return seed;
    }

    public int threads() {
        return threads;
    }

    /** The requested score, or null for the model description's default. */
    public Score score() {
        return score;
    }

    @Override
    public Attribution explain(ExplainableModel model, FloatTensor inputs, Target target) {
        return explainDetailed(model, inputs, target, 0).attribution();
    }

    /** {@link #explain} with the feature weights and surrogate statistics of every instance. */
    public PerturbationResult explainDetailed(ExplainableModel model, FloatTensor inputs, Target target) {
        return explainDetailed(model, inputs, target, 0);
    }

    /**
     * @param firstInstance the index of {@code inputs}' first sample in a longer run (audits
     *                      explain a data set chunk by chunk); it seeds each instance's
     *                      generator, so chunking does not change results
     */
    public PerturbationResult explainDetailed(ExplainableModel model, FloatTensor inputs, Target target,
                                              long firstInstance) {
        ModelInfo info = model.info();
        InputChecks.validate(info.input(), inputs);
        ScoreFunction sf = ScoreFunction.forModel(info, score);
        long[] sampleShape = inputs.sampleShape();
        FeatureMask m = null;
        if (usesMask()) {
            m = mask != null ? mask : defaultMask(info.description(), sampleShape);
            m.requireShape(sampleShape);
        }
        Object plan = prepare(m, sampleShape, info.description());
        FloatTensor outputs = BatchedScorer.forwardAll(model, inputs, batchSize);
        int[] targets = target.resolve(outputs);
        double[] atInput = sf.evaluate(outputs, targets).scores();
        InputLayout layout = info.description() == null ? null : info.description().layout();

        int n = inputs.batchSize();
        int s = inputs.sampleSize();
        InstanceResult[] results = new InstanceResult[n];
        FeatureMask fm = m;
        runInstances(n, () -> new BatchedScorer(model, sampleShape, batchSize, sf), (i, scorer) -> {
            float[] x = inputs.sampleData(i);
            float[] off = baseline.values(x, sampleShape, layout);
            SplittableRandom rng = instanceRandom(seed, firstInstance + i);
            results[i] = explainInstance(new Instance(firstInstance + i, x, off, targets[i], atInput[i], fm, rng,
                    scorer, sampleShape, plan));
        });

        float[] values = new float[n * s];
        List<SurrogateExplanation> explanations = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            System.arraycopy(results[i].cells(), 0, values, i * s, s);
            explanations.add(results[i].explanation());
        }
        Map<String, Object> params = new LinkedHashMap<>();
        addParameters(params);
        if (m != null) {
            params.put("mask", m.description());
            params.put("features", m.featureCount());
        }
        params.put("baseline", baseline.describe());
        params.put("batch_size", batchSize);
        params.put("seed", seed);
        params.put("score", sf.score().name().toLowerCase(Locale.ROOT));
        Map<String, double[]> diagnostics = new LinkedHashMap<>();
        diagnostics.put("model_prediction", column(explanations, SurrogateExplanation::modelPrediction));
        diagnostics.put("local_prediction", column(explanations, SurrogateExplanation::localPrediction));
        diagnostics.put("intercept", column(explanations, SurrogateExplanation::intercept));
        addDiagnostics(explanations, diagnostics);
        diagnostics.put("evaluations", column(explanations, e -> e.evaluations()));
        Attribution a = new Attribution(new FloatTensor(inputs.shape(), values), inputs, outputs, targets, sf.score(),
                method(), params, diagnostics, Provenance.of(info, OptionalLong.of(seed)));
        return new PerturbationResult(a, m, explanations);
    }

    /** The last default mask made, reused while the model and sample shape stay the same. */
    private volatile DefaultMask lastDefault;

    private record DefaultMask(ModelDescription description, long[] shape, FeatureMask mask) {
    }

    private FeatureMask defaultMask(ModelDescription description, long[] shape) {
        DefaultMask last = lastDefault;
        if (last != null && last.description() == description && java.util.Arrays.equals(last.shape(), shape)) {
            return last.mask();
        }
        FeatureMask m = FeatureMask.defaultFor(description, shape);
        lastDefault = new DefaultMask(description, shape.clone(), m);
        return m;
    }

    /** Whether the method works on a feature mask (all but occlusion). */
    boolean usesMask() {
        return true;
    }

    /**
     * Checks the method's parameters against the representation before any model call, and
     * returns what every instance of the run shares (e.g. occlusion's windows), or null.
     */
    Object prepare(FeatureMask m, long[] sampleShape, ModelDescription description) {
        return null;
    }

    abstract InstanceResult explainInstance(Instance in);

    abstract void addParameters(Map<String, Object> params);

    void addDiagnostics(List<SurrogateExplanation> explanations, Map<String, double[]> diagnostics) {
    }

    /** One instance's inputs to its explanation. */
    record Instance(long index, float[] x, float[] off, int target, double modelScore, FeatureMask mask,
                    SplittableRandom random, BatchedScorer scorer, long[] sampleShape, Object plan) {
    }

    /** One instance's cell values (sample-sized) and feature-level explanation. */
    record InstanceResult(float[] cells, SurrogateExplanation explanation) {
    }

    /**
     * The generator of instance {@code index}: SplitMix64-mixed so nearby seeds and indices give
     * unrelated streams, then split so each instance also gets its own gamma.
     */
    static SplittableRandom instanceRandom(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return new SplittableRandom(z).split();
    }

    static double[] column(List<SurrogateExplanation> e, ToDoubleFunction<SurrogateExplanation> f) {
        double[] out = new double[e.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(e.get(i));
        }
        return out;
    }

    private interface ScorerFactory {
        BatchedScorer create();
    }

    private interface InstanceTask {
        void run(int i, BatchedScorer scorer);
    }

    /** Runs instances on {@code threads} workers pulling indices; each worker reuses one scorer. */
    private void runInstances(int n, ScorerFactory factory, InstanceTask task) {
        int workers = Math.min(threads, n);
        if (workers <= 1) {
            BatchedScorer scorer = factory.create();
            for (int i = 0; i < n; i++) {
                task.run(i, scorer);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "explain4j-" + method());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    BatchedScorer scorer = factory.create();
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        task.run(i, scorer);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExplainException(method() + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new ExplainException(method() + " failed: " + c, c);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Settings every perturbation method takes. */
    @SuppressWarnings("unchecked")
    public abstract static sealed class Builder<B extends Builder<B>>
            permits LimeExplainer.Builder, KernelShapExplainer.Builder, OcclusionExplainer.Builder,
            FeatureAblationExplainer.Builder {
        FeatureMask mask;
        PerturbationBaseline baseline = PerturbationBaseline.zero();
        int batchSize = DEFAULT_BATCH_SIZE;
        long seed = DEFAULT_SEED;
        int threads = 1;
        Score score;

        Builder() {
        }

        /** The interpretable representation; default: {@link FeatureMask#defaultFor} the model. */
        public B mask(FeatureMask mask) {
            this.mask = mask;
            return (B) this;
        }

        /** The off values (default zero). */
        public B baseline(PerturbationBaseline baseline) {
            if (baseline == null) {
                throw new ExplainException("baseline is missing; give zero, a constant, a mean or a sample");
            }
            this.baseline = baseline;
            return (B) this;
        }

        /** Perturbed samples per model call (default 256). */
        public B batchSize(int batchSize) {
            this.batchSize = batchSize;
            return (B) this;
        }

        /** Seed of the run's generators (default 42), recorded in the provenance. */
        public B seed(long seed) {
            this.seed = seed;
            return (B) this;
        }

        /** Instances explained concurrently (default 1); results do not depend on it. */
        public B threads(int threads) {
            this.threads = threads;
            return (B) this;
        }

        /** Logit or probability; null (default) takes the model description's default score. */
        public B score(Score score) {
            this.score = score;
            return (B) this;
        }

        void checkCommon(String method) {
            if (batchSize < 1) {
                throw new ExplainException(method + ": batch size " + batchSize + " is invalid; give a positive number of rows");
            }
            if (threads < 1) {
                throw new ExplainException(method + ": threads " + threads + " is invalid; give 1 or more");
            }
        }
    }
}
