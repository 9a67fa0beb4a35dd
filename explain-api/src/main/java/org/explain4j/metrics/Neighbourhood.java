package org.explain4j.metrics;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Target;
import org.explain4j.model.ExplainableModel;
import org.explain4j.tensor.FloatTensor;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Explanations of random points near each input, for the metrics that ask whether nearby inputs
 * get similar explanations ({@link SensitivityMax}, {@link Consistency}). Each input gets
 * {@code count} neighbours drawn uniformly from the box {@code |y_j − x_j| ≤ radius · scale_j}
 * (Captum's default perturbation, per-cell scaled), and each neighbour is explained for the
 * input's own target — never re-predicted, so a neighbour across the decision boundary is still
 * asked about the same class.
 *
 * <p>Neighbours are explained {@code chunk} inputs per explainer call, so memory holds one chunk
 * of attributions besides the result; the explainer batches its own model calls.
 */
public final class Neighbourhood {
    public static final int DEFAULT_COUNT = 8;
    public static final double DEFAULT_RADIUS = 0.05;
    public static final long DEFAULT_SEED = 11L;
    public static final int DEFAULT_CHUNK = 256;

    private final int count;
    private final double radius;
    private final PerturbationScale scale;
    private final long seed;
    private final int chunk;

    private Neighbourhood(Builder b) {
        this.count = b.count;
        this.radius = b.radius;
        this.scale = b.scale;
        this.seed = b.seed;
        this.chunk = b.chunk;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int count() {
        return count;
    }

    public double radius() {
        return radius;
    }

    /**
     * An attribution and the explanations of its inputs' neighbours.
     *
     * @param original   the attribution at the inputs {@code [N,...]}
     * @param neighbours neighbour {@code k} of input {@code i} is row {@code i·count + k}
     * @param values     the attribution of each neighbour, shaped like {@code neighbours}
     */
    public record Explained(Attribution original, FloatTensor neighbours, FloatTensor values, int count) {
    }

    /** Draws the neighbours of {@code a}'s inputs and explains them with {@code explainer}. */
    public Explained explain(ExplainableModel model, Explainer explainer, Attribution a) {
        FloatTensor x = a.inputs();
        int n = x.batchSize();
        int d = x.sampleSize();
        int rows = Math.multiplyExact(n, count);
        float[] y = new float[Math.multiplyExact(rows, d)];
        float[] xv = x.data();
        float[] cellScale = new float[d];
        for (int i = 0; i < n; i++) {
            scale.of(xv, i * d, d, cellScale);
            for (int k = 0; k < count; k++) {
                int row = i * count + k;
                SplittableRandom rng = Seeds.random(seed, row);
                for (int j = 0; j < d; j++) {
                    y[row * d + j] = (float) (xv[i * d + j] + radius * cellScale[j] * (2 * rng.nextDouble() - 1));
                }
            }
        }
        long[] shape = x.shape();
        shape[0] = rows;
        FloatTensor neighbours = new FloatTensor(shape, y);
        int[] targets = a.targets();
        float[] values = new float[y.length];
        for (int from = 0; from < rows; from += chunk) {
            int to = Math.min(rows, from + chunk);
            int[] t = new int[to - from];
            for (int r = from; r < to; r++) {
                t[r - from] = targets[r / count];
            }
            Attribution part = explainer.explain(model, neighbours.slice(from, to), Target.perSample(t));
            float[] pv = part.values().data();
            if (pv.length != (to - from) * d) {
                throw new ExplainException("explainer " + explainer.method() + " returned " + pv.length
                        + " values for " + (to - from) + " neighbours of " + d + " cells");
            }
            System.arraycopy(pv, 0, values, from * d, pv.length);
        }
        return new Explained(a, neighbours, new FloatTensor(shape, values), count);
    }

    @Override
    public String toString() {
        return "neighbourhood(" + count + " points, radius " + radius + " × " + scale.describe() + ")";
    }

    public static final class Builder {
        private int count = DEFAULT_COUNT;
        private double radius = DEFAULT_RADIUS;
        private PerturbationScale scale = PerturbationScale.sampleRange();
        private long seed = DEFAULT_SEED;
        private int chunk = DEFAULT_CHUNK;

        private Builder() {
        }

        /** Neighbours per input (default 8). */
        public Builder count(int count) {
            this.count = count;
            return this;
        }

        /** Half-width of the box, relative to the scale (default 0.05). */
        public Builder radius(double radius) {
            this.radius = radius;
            return this;
        }

        /** Per-cell scale of the box (default: each sample's range). */
        public Builder scale(PerturbationScale scale) {
            this.scale = Objects.requireNonNull(scale, "scale");
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Neighbours per explainer call (default 256). */
        public Builder chunk(int chunk) {
            this.chunk = chunk;
            return this;
        }

        public Neighbourhood build() {
            if (count < 1) {
                throw new ExplainException("a neighbourhood needs at least 1 point per input; got " + count);
            }
            if (!(radius > 0) || Double.isInfinite(radius)) {
                throw new ExplainException("the neighbourhood radius must be a finite number > 0; got " + radius);
            }
            if (chunk < 1) {
                throw new ExplainException("neighbours per explainer call must be positive; got " + chunk);
            }
            return new Neighbourhood(this);
        }
    }
}
