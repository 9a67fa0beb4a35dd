package org.explain4j.metrics;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Baseline;
import org.explain4j.explain.ScoreFunction;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Deletion and insertion curves (Petsiuk et al. 2018, "RISE"; Samek et al. 2017): the input's
 * cells are ranked by attribution, most relevant first, and in {@code steps} steps an
 * increasing share of them is
 * <ul>
 *   <li><b>deleted</b>: replaced by the baseline, starting from the input — a faithful
 *       attribution makes the target's score fall fast, so a <em>low</em> area under the curve
 *       is good;</li>
 *   <li><b>inserted</b>: copied from the input into the baseline — a faithful attribution makes
 *       the score rise fast, so a <em>high</em> area is good.</li>
 * </ul>
 * After step {@code k} the top {@code m_k = round(k·d/S)} of the {@code d} cells are changed
 * ({@code S = min(steps, d)}); the curve is the score against {@code m_k/d}, its area the
 * trapezoid rule over [0, 1]. Ties in the ranking go to the lower cell index.
 *
 * <p>All {@code N·(S+1)} masked inputs are pushed through the model {@code batchSize} rows at a
 * time; the score is the attribution's own (logit or probability) unless set.
 */
public final class PerturbationCurve {
    public static final int DEFAULT_STEPS = 20;
    public static final int DEFAULT_BATCH_SIZE = 256;

    public enum Kind {
        DELETION, INSERTION;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How cells are ranked: by signed attribution (evidence for the class first) or by magnitude. */
    public enum Order { SIGNED, ABSOLUTE }

    private final Kind kind;
    private final int steps;
    private final Baseline baseline;
    private final Order order;
    private final Score score;
    private final int batchSize;

    private PerturbationCurve(Builder b) {
        this.kind = b.kind;
        this.steps = b.steps;
        this.baseline = b.baseline;
        this.order = b.order;
        this.score = b.score;
        this.batchSize = b.batchSize;
    }

    public static Builder deletion() {
        return new Builder(Kind.DELETION);
    }

    public static Builder insertion() {
        return new Builder(Kind.INSERTION);
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The curves of every sample of {@code a}, for its target.
     *
     * @param fractions share of cells changed at each step, {@code [S+1]}, from 0 to 1
     * @param scores    per sample, the score at each step
     * @param auc       per sample, the area under its curve
     */
    public record Result(Kind kind, double[] fractions, double[][] scores, double[] auc) {
        /** The curve averaged over samples. */
        public double[] meanCurve() {
            double[] m = new double[fractions.length];
            for (double[] s : scores) {
                for (int k = 0; k < m.length; k++) {
                    m[k] += s[k] / scores.length;
                }
            }
            return m;
        }
    }

    public Result compute(ExplainableModel model, Attribution a) {
        FloatTensor x = a.inputs();
        int n = x.batchSize();
        int d = x.sampleSize();
        if (d == 0) {
            throw new ExplainException("the attribution's samples are empty; nothing to delete or insert");
        }
        FloatTensor base = baseline.resolve(x);
        ScoreFunction sf = ScoreFunction.forModel(model.info(), score != null ? score : a.score());
        int s = Math.min(steps, d);
        int[] changed = new int[s + 1];
        double[] fractions = new double[s + 1];
        for (int k = 0; k <= s; k++) {
            changed[k] = (int) Math.round((double) k * d / s);
            fractions[k] = (double) changed[k] / d;
        }
        int[][] ranking = new int[n][];
        float[] v = a.values().data();
        for (int i = 0; i < n; i++) {
            ranking[i] = rank(v, i * d, d, order == Order.ABSOLUTE);
        }
        float[] xv = x.data();
        float[] bv = base.data();
        int[] targets = a.targets();
        int perSample = s + 1;
        boolean deletion = kind == Kind.DELETION;
        double[] flat = ScoreBatches.scores(model, x.sampleShape(), n * perSample, row -> targets[row / perSample], sf,
                batchSize, (row, dst, offset) -> {
                    int i = row / perSample;
                    int m = changed[row % perSample];
                    // deletion starts from the input and writes baseline cells; insertion the reverse
                    float[] start = deletion ? xv : bv;
                    float[] put = deletion ? bv : xv;
                    System.arraycopy(start, i * d, dst, offset, d);
                    int[] r = ranking[i];
                    for (int k = 0; k < m; k++) {
                        dst[offset + r[k]] = put[i * d + r[k]];
                    }
                });
        double[][] scores = new double[n][perSample];
        double[] auc = new double[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * perSample, scores[i], 0, perSample);
            auc[i] = trapezoid(fractions, scores[i]);
        }
        return new Result(kind, fractions, scores, auc);
    }

    /** Cell indices of {@code v[offset, offset+d)} from the largest value down; ties by index. */
    static int[] rank(float[] v, int offset, int d, boolean absolute) {
        Integer[] idx = new Integer[d];
        for (int j = 0; j < d; j++) {
            idx[j] = j;
        }
        Arrays.sort(idx, (p, q) -> {
            float a = absolute ? Math.abs(v[offset + p]) : v[offset + p];
            float b = absolute ? Math.abs(v[offset + q]) : v[offset + q];
            int c = Float.compare(b, a);
            return c != 0 ? c : Integer.compare(p, q);
        });
        int[] out = new int[d];
        for (int j = 0; j < d; j++) {
            out[j] = idx[j];
        }
        return out;
    }

    static double trapezoid(double[] x, double[] y) {
        double area = 0;
        for (int k = 1; k < x.length; k++) {
            area += (x[k] - x[k - 1]) * (y[k] + y[k - 1]) / 2;
        }
        return area;
    }

    @Override
    public String toString() {
        return kind.label() + "(" + steps + " steps, baseline " + baseline.name() + ", "
                + order.name().toLowerCase(Locale.ROOT) + " order)";
    }

    public static final class Builder {
        private final Kind kind;
        private int steps = DEFAULT_STEPS;
        private Baseline baseline = Baseline.zero();
        private Order order = Order.SIGNED;
        private Score score;
        private int batchSize = DEFAULT_BATCH_SIZE;

        private Builder(Kind kind) {
            this.kind = kind;
        }

        /** Number of steps (default 20; at most one per cell). */
        public Builder steps(int steps) {
            this.steps = steps;
            return this;
        }

        /** The values deleted cells take, and inserted cells start from (default zero). */
        public Builder baseline(Baseline baseline) {
            this.baseline = Objects.requireNonNull(baseline, "baseline");
            return this;
        }

        /** Signed (default) or absolute ranking of the cells. */
        public Builder order(Order order) {
            this.order = Objects.requireNonNull(order, "order");
            return this;
        }

        /** Logit or probability; null (default) takes the attribution's score. */
        public Builder score(Score score) {
            this.score = score;
            return this;
        }

        /** Masked inputs per model call (default 256). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public PerturbationCurve build() {
            if (steps < 1) {
                throw new ExplainException(kind.label() + " curve needs at least 1 step; got " + steps);
            }
            ScoreBatches.checkBatchSize(batchSize);
            return new PerturbationCurve(this);
        }
    }
}
