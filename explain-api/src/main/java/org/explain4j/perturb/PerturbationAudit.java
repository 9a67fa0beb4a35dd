package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.ModelDescription;
import org.explain4j.tensor.FloatTensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Explains every instance of a data set with one perturbation method and streams the results:
 * a chunk of instances is read, explained (batched, optionally on several threads), written as
 * one Arrow record batch ({@link AuditWriter}) and folded into the {@link AuditSummary}; then
 * the next. Only one chunk is held at a time, so memory does not grow with the data set.
 *
 * <p>Per instance the audit records one value per interpretable feature of the feature mask
 * (the explainer's, or the model's {@linkplain FeatureMask#defaultFor default}): the feature's
 * weight for LIME, KernelSHAP and ablation; for occlusion, whose windows need not match the
 * features, the mean of the cell attributions over the feature's cells.
 *
 * <p>{@link #stop()} (from another thread, e.g. a shutdown hook) ends the run after the chunk
 * being written and closes the Arrow file, so it is valid and holds every instance counted in
 * the summary.
 */
public final class PerturbationAudit {

    /** Called after each chunk is written. */
    @FunctionalInterface
    public interface Listener {
        void chunkWritten(long instancesDone, AuditSummary summary);
    }

    /**
     * @param interrupted whether {@link #stop()} ended the run early
     */
    public record Outcome(long instances, boolean interrupted, double seconds, AuditSummary summary,
                          FeatureMask mask) {
    }

    private final PerturbationExplainer explainer;
    private final ExplainableModel model;
    private final Target target;
    private final int chunk;
    private final long limit;
    private final Object lock = new Object();
    private AuditWriter writer;       // guarded by lock
    private AuditSummary summary;     // guarded by lock
    private boolean stopped;          // guarded by lock

    /**
     * @param chunk instances read and explained together
     * @param limit the most instances to explain, or {@code Long.MAX_VALUE}
     */
    public PerturbationAudit(PerturbationExplainer explainer, ExplainableModel model, Target target, int chunk,
                             long limit) {
        if (chunk < 1) {
            throw new ExplainException("audit chunk must be at least 1 instance; got " + chunk);
        }
        if (limit < 1) {
            throw new ExplainException("audit limit must be at least 1 instance; got " + limit);
        }
        this.explainer = explainer;
        this.model = model;
        this.target = target;
        this.chunk = chunk;
        this.limit = limit;
    }

    /**
     * Runs the audit over {@code data}, writing {@code arrowFile}.
     *
     * @param metadata schema metadata for the Arrow file (method, parameters, model, …)
     * @throws ExplainException when the data holds no instance, or anything the explainer rejects
     */
    public Outcome run(InstanceSource data, Path arrowFile, Map<String, String> metadata, Listener listener) {
        long start = System.nanoTime();
        InstanceSource.Chunk next = data.next((int) Math.min(chunk, limit));
        if (next == null) {
            throw new ExplainException("the data holds no instances; give a file with at least one row or sample");
        }
        long[] sampleShape = next.inputs().sampleShape();
        ModelDescription description = model.info().description();
        FeatureMask mask = explainer.mask() != null ? explainer.mask() : FeatureMask.defaultFor(description, sampleShape);
        mask.requireShape(sampleShape);
        List<String> classNames = description == null ? List.of() : description.classNames();
        synchronized (lock) {
            if (stopped) {
                return new Outcome(0, true, 0, new AuditSummary(mask.names(), classNames), mask);
            }
            writer = new AuditWriter(arrowFile, mask.names(), classNames, metadata);
            summary = new AuditSummary(mask.names(), classNames);
        }
        long done = 0;
        boolean interrupted = false;
        try {
            while (next != null) {
                PerturbationResult r = explainer.explainDetailed(model, next.inputs(), target, done);
                Attribution a = r.attribution();
                int[] predicted = Target.predicted().resolve(a.outputs());
                List<AuditWriter.Row> rows = new ArrayList<>(next.size());
                List<double[]> values = new ArrayList<>(next.size());
                for (int i = 0; i < next.size(); i++) {
                    SurrogateExplanation e = r.instance(i);
                    double[] v = featureValues(r, i, mask, a.values());
                    values.add(v);
                    rows.add(new AuditWriter.Row(done + i, next.ids().get(i), predicted[i], e.target(), next.labels()[i],
                            e.modelPrediction(), e.intercept(), e.localPrediction(), e.weightedR2(), v));
                }
                synchronized (lock) {
                    if (stopped || !writer.write(rows)) {
                        interrupted = true;
                        break;
                    }
                    for (int i = 0; i < rows.size(); i++) {
                        summary.add(rows.get(i).target(), values.get(i), rows.get(i).r2());
                    }
                    done += rows.size();
                }
                if (listener != null) {
                    listener.chunkWritten(done, summary);
                }
                next = done >= limit ? null : data.next((int) Math.min(chunk, limit - done));
            }
        } finally {
            synchronized (lock) {
                interrupted |= stopped;
                writer.close();
            }
        }
        return new Outcome(done, interrupted, (System.nanoTime() - start) / 1e9, summary, mask);
    }

    /** Ends the run: no further chunk is written, and the Arrow file is closed (valid). */
    public void stop() {
        synchronized (lock) {
            stopped = true;
            if (writer != null) {
                writer.close();
            }
        }
    }

    /** The summary so far (null before the first chunk). */
    public AuditSummary summary() {
        synchronized (lock) {
            return summary;
        }
    }

    /** Instances written so far. */
    public long written() {
        synchronized (lock) {
            return writer == null ? 0 : writer.rows();
        }
    }

    private double[] featureValues(PerturbationResult r, int i, FeatureMask mask, FloatTensor cells) {
        if (r.mask() != null) {
            return r.instance(i).weights();
        }
        // Occlusion: mean of the cell map over each feature's cells.
        double[] sums = mask.aggregate(cells.data(), i * cells.sampleSize());
        for (int f = 0; f < sums.length; f++) {
            sums[f] /= mask.cellCount(f);
        }
        return sums;
    }
}
