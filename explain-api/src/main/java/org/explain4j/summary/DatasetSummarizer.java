package org.explain4j.summary;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Target;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.ModelDescription;
import org.explain4j.perturb.InstanceSource;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Summarises the attribution of a whole data set (ViSFA), streaming: the data is read a chunk of
 * episodes at a time through an {@link InstanceSource} (CSV rows, a directory of episode files,
 * Arrow record batches) and never held whole.
 * <ol>
 *   <li>First pass, no model calls: every value offered to a {@link ValueBins.Builder} (a bounded
 *       reservoir per feature), which makes the value bins. Skipped when bins are given.</li>
 *   <li>Second pass: each chunk explained for the predicted class in one explainer call (the
 *       explainer batches its model calls) and added to an {@link AttributionSummary}; the chunk
 *       and its attribution are then dropped.</li>
 * </ol>
 * Memory: one chunk, its attribution, the reservoirs and the summary grid — constant in the
 * number of episodes.
 */
public final class DatasetSummarizer {
    private static final Logger LOG = LogManager.getLogger(DatasetSummarizer.class);
    public static final int DEFAULT_CHUNK = 256;

    /** Told after every chunk: episodes done so far and seconds since the second pass began. */
    @FunctionalInterface
    public interface Progress {
        void update(long episodes, double seconds);
    }

    private final int chunk;
    private final int bins;
    private final int maxCategories;
    private final int reservoir;
    private final ValueBins given;
    private final long limit;
    private final Progress progress;

    private DatasetSummarizer(Builder b) {
        this.chunk = b.chunk;
        this.bins = b.bins;
        this.maxCategories = b.maxCategories;
        this.reservoir = b.reservoir;
        this.given = b.given;
        this.limit = b.limit;
        this.progress = b.progress;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param summary       the summary
     * @param binSeconds    time of the first pass (0 when bins were given)
     * @param explainSeconds time of the second pass: reading, explaining and aggregating
     */
    public record Result(AttributionSummary summary, double binSeconds, double explainSeconds) {
        public double episodesPerSecond() {
            return summary.episodes() / explainSeconds;
        }
    }

    /**
     * @param data opens the data set afresh (called once per pass); each source is closed here
     */
    public Result summarize(ExplainableModel model, Explainer explainer, Supplier<InstanceSource> data) {
        ModelDescription description = model.info().description();
        long t0 = System.nanoTime();
        ValueBins vb = given;
        SummaryAxes axes = null;
        if (vb == null) {
            ValueBins.Builder b = null; // made once the first chunk shows the sample shape
            long read = 0;
            try (InstanceSource src = data.get()) {
                for (InstanceSource.Chunk c; read < limit && (c = src.next((int) Math.min(chunk, limit - read))) != null; ) {
                    FloatTensor x = c.inputs();
                    if (b == null) {
                        axes = SummaryAxes.of(x.sampleShape(), description);
                        b = ValueBins.builder(axes.features()).bins(bins).maxCategories(maxCategories)
                                .reservoir(reservoir);
                    }
                    checkShape(axes, x);
                    float[] v = x.data();
                    int cells = axes.cells();
                    for (int i = 0; i < c.size(); i++) {
                        for (int cell = 0; cell < cells; cell++) {
                            b.add(axes.feature(cell), v[i * cells + cell]);
                        }
                    }
                    read += c.size();
                }
            }
            if (b == null) {
                throw new ExplainException("the data set holds no episodes; nothing to summarise");
            }
            vb = b.build();
            LOG.info("value bins from {} episodes in {} s", read, String.format("%.1f", (System.nanoTime() - t0) / 1e9));
        }
        double binSeconds = given == null ? (System.nanoTime() - t0) / 1e9 : 0;

        long t1 = System.nanoTime();
        AttributionSummary summary = null;
        long done = 0;
        try (InstanceSource src = data.get()) {
            for (InstanceSource.Chunk c; done < limit && (c = src.next((int) Math.min(chunk, limit - done))) != null; ) {
                FloatTensor x = c.inputs();
                if (summary == null) {
                    if (axes == null) {
                        axes = SummaryAxes.of(x.sampleShape(), description);
                    }
                    summary = new AttributionSummary(axes, vb, classNames(model));
                }
                checkShape(axes, x);
                Attribution a = explainer.explain(model, x, Target.predicted());
                summary.add(a);
                done += c.size();
                double s = (System.nanoTime() - t1) / 1e9;
                LOG.info("summarised {} episodes ({} /s)", done, String.format("%.0f", done / s));
                if (progress != null) {
                    progress.update(done, s);
                }
            }
        }
        if (summary == null) {
            throw new ExplainException("the data set holds no episodes; nothing to summarise");
        }
        return new Result(summary, binSeconds, (System.nanoTime() - t1) / 1e9);
    }

    private static void checkShape(SummaryAxes axes, FloatTensor x) {
        if (x.sampleSize() != axes.cells()) {
            throw new ExplainException("episodes of " + x.sampleSize() + " values after episodes of " + axes.cells()
                    + "; every episode must have the model's input shape");
        }
    }

    /** Class names from the sidecar; a single (sigmoid) output gives two predicted classes. */
    static List<String> classNames(ExplainableModel model) {
        int c = model.info().classCount();
        ModelDescription d = model.info().description();
        List<String> out = new ArrayList<>();
        if (c == 1) {
            out.add("predicted 0 (logit ≤ 0)");
            out.add(d != null && !d.classNames().isEmpty() ? d.classNames().get(0) : "predicted 1 (logit > 0)");
            return out;
        }
        if (c < 1) {
            throw new ExplainException("model '" + model.info().name() + "' does not fix its number of outputs;"
                    + " summaries group episodes by predicted class and need it");
        }
        for (int k = 0; k < c; k++) {
            out.add(d != null ? d.className(k) : "class " + k);
        }
        return out;
    }

    public static final class Builder {
        private int chunk = DEFAULT_CHUNK;
        private int bins = ValueBins.DEFAULT_BINS;
        private int maxCategories = ValueBins.DEFAULT_MAX_CATEGORIES;
        private int reservoir = ValueBins.DEFAULT_RESERVOIR;
        private ValueBins given;
        private long limit = Long.MAX_VALUE;
        private Progress progress;

        private Builder() {
        }

        /** Episodes read and explained together (default 256). */
        public Builder chunk(int chunk) {
            this.chunk = chunk;
            return this;
        }

        /** Quantile bins per continuous feature (default 10). */
        public Builder bins(int bins) {
            this.bins = bins;
            return this;
        }

        /** Features with at most this many distinct values are categorical (default 10). */
        public Builder maxCategories(int maxCategories) {
            this.maxCategories = maxCategories;
            return this;
        }

        /** Values per feature kept for the bins (default 20,000). */
        public Builder reservoir(int reservoir) {
            this.reservoir = reservoir;
            return this;
        }

        /** Bins to use as they are: the first pass is skipped. */
        public Builder bins(ValueBins bins) {
            this.given = bins;
            return this;
        }

        /** At most this many episodes (default all). */
        public Builder limit(long limit) {
            this.limit = limit;
            return this;
        }

        public Builder progress(Progress progress) {
            this.progress = progress;
            return this;
        }

        public DatasetSummarizer build() {
            if (chunk < 1) {
                throw new ExplainException("--chunk must be 1 or more; got " + chunk);
            }
            if (limit < 1) {
                throw new ExplainException("--limit must be 1 or more; got " + limit);
            }
            ValueBins.builder(1).bins(bins).maxCategories(maxCategories).reservoir(reservoir); // checks the values
            return new DatasetSummarizer(this);
        }
    }
}
