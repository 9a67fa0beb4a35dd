package org.explain4j.metrics;

import org.explain4j.ExplainException;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.InputChecks;
import org.explain4j.model.VjpResult;
import org.explain4j.tensor.FloatTensor;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * OpenBox (Chu et al. 2018; METHODS §5): inside one activation region a piecewise-linear network
 * (ReLU, max-pool, affine layers) <em>is</em> the linear model {@code f(x) = W_r x + b_r}, with
 * {@code W_r = ∂f/∂x} (all classes, the full Jacobian) and {@code b_r = f(x) − W_r x}. This class
 * computes that model at each input, checks it, and measures the region:
 * <ul>
 *   <li><b>linear model</b>: the Jacobian row of every class by one-hot vector-Jacobian
 *       products ({@code N·C} rows, batched), {@code b_r} in double;</li>
 *   <li><b>region size along random directions</b>: for each of {@code directions} random unit
 *       directions {@code u} (scaled per cell: {@code x + s·(u ⊙ scale)}), the largest {@code s}
 *       up to which the model keeps the same linear model: its Jacobian stays within
 *       {@code jacobianTolerance · max|W_r|} of {@code W_r} and its output within
 *       {@code tolerance · (1 + max_c |f_c(x)|)} of {@code W_r x' + b_r}. The Jacobian jumps at
 *       every kink that matters to the output, so the region is found however small the kink;
 *       the output test alone would only notice it once the departure grew past the tolerance.
 *       A geometric grid of {@code s} from {@code maxRadius·2⁻²³} to {@code maxRadius} brackets
 *       the first departure, bisection narrows it; each step is batched over all inputs and
 *       directions (forward for the outputs, {@code C} one-hot VJP rows per point for the
 *       Jacobian). A radius that reaches {@code maxRadius} is censored (the region is at least
 *       that large). On a smooth model (an LSTM) this measures how far a linear model holds to
 *       the tolerances;</li>
 *   <li><b>exactness</b>: the model is evaluated afresh at the midpoint of each measured segment,
 *       {@code x + (radius/2)·u} — inside the region, which is convex — and compared with
 *       {@code W_r x' + b_r} ({@code reproductionError}, absolute, max over classes and
 *       directions);</li>
 *   <li><b>consistency</b>: the Jacobian at those midpoints compared with {@code W_r}
 *       ({@code jacobianChange}: max |ΔW| / max |W_r|) — float rounding only, when every point of
 *       the region gets the same interpretation, as OpenBox promises.</li>
 * </ul>
 * With {@code checkJacobian(false)} only outputs are compared (a cheaper, tolerance-bound
 * radius, no VJPs after the linear models). The linear prediction is always taken at the float
 * point actually fed to the model, so input rounding does not count as departure.
 */
public final class OpenBox {
    public static final int DEFAULT_DIRECTIONS = 8;
    public static final double DEFAULT_MAX_RADIUS = 10;
    public static final double DEFAULT_TOLERANCE = 1e-4;
    public static final double DEFAULT_JACOBIAN_TOLERANCE = 1e-4;
    public static final int DEFAULT_REFINEMENTS = 16;
    public static final long DEFAULT_SEED = 5L;
    private static final int GRID = 24;

    private final int directions;
    private final double maxRadius;
    private final double tolerance;
    private final double jacobianTolerance;
    private final int refinements;
    private final PerturbationScale scale;
    private final long seed;
    private final int batchSize;
    private final boolean checkJacobian;

    private OpenBox(Builder b) {
        this.directions = b.directions;
        this.maxRadius = b.maxRadius;
        this.tolerance = b.tolerance;
        this.jacobianTolerance = b.jacobianTolerance;
        this.refinements = b.refinements;
        this.scale = b.scale;
        this.seed = b.seed;
        this.batchSize = b.batchSize;
        this.checkJacobian = b.checkJacobian;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The exact local linear model at one input: {@code f(x') = W x' + b} inside its region.
     *
     * @param weights {@code W}, row-major {@code [C, D]}
     * @param bias    {@code b}, {@code [C]}
     * @param outputs {@code f(x)} as the model computed it, {@code [C]}
     */
    public record LinearModel(double[] weights, double[] bias, double[] outputs, int classes, int cells) {
        /** {@code W x' + b} for {@code x' = v[offset, offset + cells)}. */
        public double[] predict(float[] v, int offset) {
            double[] y = bias.clone();
            for (int c = 0; c < classes; c++) {
                double s = 0;
                for (int j = 0; j < cells; j++) {
                    s += weights[c * cells + j] * v[offset + j];
                }
                y[c] += s;
            }
            return y;
        }
    }

    /**
     * @param models            the linear model at each input
     * @param radius            per input and direction, how far (in units of the scale) the model holds
     * @param censored          where the radius reached {@code maxRadius}
     * @param reproductionError per input: max |f − (W x' + b)| at the segments' midpoints
     * @param jacobianChange    per input: max |J(midpoint) − W| / max |W| (NaN when not checked)
     * @param directions        the scaled direction of pair {@code i·directions + k}, {@code [D]} each
     */
    public record Result(LinearModel[] models, double[][] radius, boolean[][] censored, double[] reproductionError,
                         double[] jacobianChange, float[][] directions) {
        /** Per input, the median radius over its directions. */
        public double[] medianRadius() {
            double[] out = new double[radius.length];
            for (int i = 0; i < radius.length; i++) {
                double[] r = radius[i].clone();
                Arrays.sort(r);
                int m = r.length;
                out[i] = m % 2 == 1 ? r[m / 2] : (r[m / 2 - 1] + r[m / 2]) / 2;
            }
            return out;
        }
    }

    /** The linear model at each input (the Jacobian of all classes, batched VJPs). */
    public LinearModel[] linearize(ExplainableModel model, FloatTensor inputs) {
        InputChecks.validate(model.info().input(), inputs);
        if (!model.supportsGradients()) {
            throw new ExplainException("OpenBox needs the model's gradients, but model '" + model.info().name()
                    + "' has none; export a gradient graph");
        }
        int n = inputs.batchSize();
        int d = inputs.sampleSize();
        FloatTensor y = forward(model, inputs);
        int c = y.sampleSize();
        double[][] jac = jacobians(model, inputs, c);
        LinearModel[] out = new LinearModel[n];
        float[] x = inputs.data();
        float[] yv = y.data();
        for (int i = 0; i < n; i++) {
            double[] w = jac[i];
            double[] b = new double[c];
            double[] f = new double[c];
            for (int k = 0; k < c; k++) {
                f[k] = yv[i * c + k];
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += w[k * d + j] * x[i * d + j];
                }
                b[k] = f[k] - s;
            }
            out[i] = new LinearModel(w, b, f, c, d);
        }
        return out;
    }

    /** Linear models, region radii, exactness and consistency at each input. */
    public Result compute(ExplainableModel model, FloatTensor inputs) {
        LinearModel[] lm = linearize(model, inputs);
        int n = inputs.batchSize();
        int d = inputs.sampleSize();
        int c = lm[0].classes();
        int pairs = n * directions;
        float[] x = inputs.data();
        // directions, scaled per cell: dir[p] for pair p = i·directions + k
        float[][] dir = new float[pairs][d];
        float[] cellScale = new float[d];
        for (int i = 0; i < n; i++) {
            scale.of(x, i * d, d, cellScale);
            for (int k = 0; k < directions; k++) {
                SplittableRandom rng = Seeds.random(seed, i * (long) directions + k);
                double[] z = new double[d];
                double norm = 0;
                for (int j = 0; j < d; j++) {
                    z[j] = rng.nextGaussian();
                    norm += z[j] * z[j];
                }
                norm = Math.sqrt(norm);
                for (int j = 0; j < d; j++) {
                    dir[i * directions + k][j] = (float) (z[j] / norm * cellScale[j]);
                }
            }
        }
        double[] threshold = new double[n];
        for (int i = 0; i < n; i++) {
            double m = 0;
            for (double f : lm[i].outputs()) {
                m = Math.max(m, Math.abs(f));
            }
            threshold[i] = tolerance * (1 + m);
        }
        // 1. geometric grid: the first s that departs brackets the radius
        double[] grid = new double[GRID];
        for (int g = 0; g < GRID; g++) {
            grid[g] = maxRadius * Math.pow(2, -(GRID - 1 - g));
        }
        boolean[] departed = departures(probe(model, inputs, lm, dir, pairs * GRID, row -> row / GRID,
                row -> grid[row % GRID], checkJacobian), threshold, row -> row / GRID / directions);
        double[] lo = new double[pairs];
        double[] hi = new double[pairs];
        boolean[] open = new boolean[pairs];
        for (int p = 0; p < pairs; p++) {
            int first = -1;
            for (int g = 0; g < GRID && first < 0; g++) {
                if (departed[p * GRID + g]) {
                    first = g;
                }
            }
            if (first < 0) {
                lo[p] = maxRadius;
                hi[p] = maxRadius;
                open[p] = true;
            } else {
                lo[p] = first == 0 ? 0 : grid[first - 1];
                hi[p] = grid[first];
            }
        }
        // 2. bisection of every bracket at once
        for (int r = 0; r < refinements; r++) {
            double[] mid = new double[pairs];
            for (int p = 0; p < pairs; p++) {
                mid[p] = (lo[p] + hi[p]) / 2;
            }
            boolean[] dm = departures(probe(model, inputs, lm, dir, pairs, row -> row, row -> mid[row], checkJacobian),
                    threshold, row -> row / directions);
            for (int p = 0; p < pairs; p++) {
                if (open[p]) {
                    continue;
                }
                if (dm[p]) {
                    hi[p] = mid[p];
                } else {
                    lo[p] = mid[p];
                }
            }
        }
        double[][] radius = new double[n][directions];
        boolean[][] censored = new boolean[n][directions];
        for (int p = 0; p < pairs; p++) {
            radius[p / directions][p % directions] = lo[p];
            censored[p / directions][p % directions] = open[p];
        }
        // 3. exactness and consistency at fresh points inside each measured segment
        double[] half = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            half[p] = lo[p] / 2;
        }
        double[][] mid = probe(model, inputs, lm, dir, pairs, row -> row, row -> half[row], checkJacobian);
        double[] reproduction = new double[n];
        double[] change = new double[n];
        Arrays.fill(change, checkJacobian ? 0 : Double.NaN);
        for (int p = 0; p < pairs; p++) {
            int i = p / directions;
            reproduction[i] = Math.max(reproduction[i], mid[0][p]);
            if (checkJacobian) {
                change[i] = Math.max(change[i], mid[1][p]);
            }
        }
        return new Result(lm, radius, censored, reproduction, change, dir);
    }

    private interface RowIndex {
        int of(int row);
    }

    /** Whether each probed point left the linear model: output or (when probed) Jacobian departure. */
    private boolean[] departures(double[][] probe, double[] threshold, RowIndex inputOf) {
        boolean[] out = new boolean[probe[0].length];
        for (int r = 0; r < out.length; r++) {
            out[r] = probe[0][r] > threshold[inputOf.of(r)] || (probe[1] != null && probe[1][r] > jacobianTolerance);
        }
        return out;
    }

    private interface PairOf {
        int of(int row);
    }

    private interface StepOf {
        double of(int row);
    }

    /**
     * Probes the points {@code x_i + s·dir_p} (pair and step of each row): {@code [0]} the output
     * departure {@code max_c |f_c − (W x' + b)_c|}, {@code [1]} (when asked) the Jacobian change
     * {@code max |J − W| / max |W|}, else null. Points go through the model in batches: forward
     * for the outputs, {@code C} one-hot VJP rows per point for the Jacobian; only the two
     * numbers per point are kept.
     */
    private double[][] probe(ExplainableModel model, FloatTensor inputs, LinearModel[] lm, float[][] dir, int rows,
                             PairOf pairOf, StepOf stepOf, boolean jacobian) {
        int d = inputs.sampleSize();
        int c = lm[0].classes();
        float[] x = inputs.data();
        double[] outDev = new double[rows];
        double[] jacDev = jacobian ? new double[rows] : null;
        int per = jacobian ? Math.max(1, batchSize / c) : batchSize;
        long[] shape = inputs.shape();
        for (int start = 0; start < rows; start += per) {
            int count = Math.min(per, rows - start);
            float[] pts = new float[count * d];
            double[] predicted = new double[count * c];
            for (int r = 0; r < count; r++) {
                int row = start + r;
                int p = pairOf.of(row);
                int i = p / directions;
                double s = stepOf.of(row);
                float[] u = dir[p];
                for (int j = 0; j < d; j++) {
                    pts[r * d + j] = (float) (x[i * d + j] + s * u[j]);
                }
                System.arraycopy(lm[i].predict(pts, r * d), 0, predicted, r * c, c);
            }
            shape[0] = count;
            FloatTensor batch = new FloatTensor(shape.clone(), pts);
            float[] y = checkedForward(model, batch, c);
            for (int r = 0; r < count; r++) {
                double m = 0;
                for (int k = 0; k < c; k++) {
                    m = Math.max(m, Math.abs(y[r * c + k] - predicted[r * c + k]));
                }
                outDev[start + r] = m;
            }
            if (jacobian) {
                double[][] jac = jacobians(model, batch, c);
                for (int r = 0; r < count; r++) {
                    double[] w = lm[pairOf.of(start + r) / directions].weights();
                    double maxW = 0;
                    double worst = 0;
                    for (int q = 0; q < w.length; q++) {
                        maxW = Math.max(maxW, Math.abs(w[q]));
                        worst = Math.max(worst, Math.abs(jac[r][q] - w[q]));
                    }
                    jacDev[start + r] = maxW == 0 ? worst : worst / maxW;
                }
            }
        }
        return new double[][] {outDev, jacDev};
    }

    private static float[] checkedForward(ExplainableModel model, FloatTensor batch, int c) {
        FloatTensor y = model.forward(batch);
        if (y.batchSize() != batch.batchSize() || y.sampleSize() != c) {
            throw new ExplainException("the model returned " + Arrays.toString(y.shape()) + " for a batch of "
                    + batch.batchSize() + " points; expected [" + batch.batchSize() + "," + c + "]");
        }
        int bad = y.firstNonFinite();
        if (bad >= 0) {
            throw new ExplainException("the model's output " + y.indexOf(bad) + " is " + y.get(bad)
                    + " at a point OpenBox probed; lower the maximum radius");
        }
        return y.data();
    }

    private FloatTensor forward(ExplainableModel model, FloatTensor inputs) {
        int n = inputs.batchSize();
        if (n <= batchSize) {
            return model.forward(inputs);
        }
        java.util.List<FloatTensor> parts = new java.util.ArrayList<>();
        for (int from = 0; from < n; from += batchSize) {
            parts.add(model.forward(inputs.slice(from, Math.min(n, from + batchSize))));
        }
        return FloatTensor.concat(parts);
    }

    /** Jacobian {@code [C, D]} of each input: rows (input, class) with one-hot cotangents, batched. */
    private double[][] jacobians(ExplainableModel model, FloatTensor inputs, int c) {
        int n = inputs.batchSize();
        int d = inputs.sampleSize();
        int rows = n * c;
        double[][] out = new double[n][c * d];
        float[] x = inputs.data();
        long[] shape = inputs.shape();
        for (int start = 0; start < rows; start += batchSize) {
            int count = Math.min(batchSize, rows - start);
            float[] buf = new float[count * d];
            float[] cot = new float[count * c];
            for (int r = 0; r < count; r++) {
                int row = start + r;
                System.arraycopy(x, (row / c) * d, buf, r * d, d);
                cot[r * c + row % c] = 1f;
            }
            shape[0] = count;
            VjpResult res = model.vjp(new FloatTensor(shape, buf), new FloatTensor(new long[] {count, c}, cot));
            float[] g = res.inputGradient().data();
            if (g.length != count * d) {
                throw new ExplainException("the model's input gradient holds " + g.length + " values for "
                        + count + " samples of " + d + " cells");
            }
            for (int r = 0; r < count; r++) {
                int row = start + r;
                double[] w = out[row / c];
                int k = row % c;
                for (int j = 0; j < d; j++) {
                    w[k * d + j] = g[r * d + j];
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "openbox(" + directions + " directions, max radius " + maxRadius + " × " + scale.describe()
                + ", output tolerance " + tolerance + (checkJacobian ? ", Jacobian tolerance " + jacobianTolerance
                : ", outputs only") + ")";
    }

    public static final class Builder {
        private int directions = DEFAULT_DIRECTIONS;
        private double maxRadius = DEFAULT_MAX_RADIUS;
        private double tolerance = DEFAULT_TOLERANCE;
        private double jacobianTolerance = DEFAULT_JACOBIAN_TOLERANCE;
        private int refinements = DEFAULT_REFINEMENTS;
        private PerturbationScale scale = PerturbationScale.unit();
        private long seed = DEFAULT_SEED;
        private int batchSize = PerturbationCurve.DEFAULT_BATCH_SIZE;
        private boolean checkJacobian = true;

        private Builder() {
        }

        /** Random directions per input (default 8). */
        public Builder directions(int directions) {
            this.directions = directions;
            return this;
        }

        /** The farthest point searched, in units of the scale (default 10). */
        public Builder maxRadius(double maxRadius) {
            this.maxRadius = maxRadius;
            return this;
        }

        /** Relative departure that ends the region (default 1e-4 of 1 + max |f(x)|). */
        public Builder tolerance(double tolerance) {
            this.tolerance = tolerance;
            return this;
        }

        /** Relative Jacobian change that ends the region (default 1e-4 of max |W_r|, above float32 noise). */
        public Builder jacobianTolerance(double jacobianTolerance) {
            this.jacobianTolerance = jacobianTolerance;
            return this;
        }

        /** Bisection steps after the grid (default 16). */
        public Builder refinements(int refinements) {
            this.refinements = refinements;
            return this;
        }

        /** Per-cell scale of the directions (default unit: radii in the input's units). */
        public Builder scale(PerturbationScale scale) {
            this.scale = Objects.requireNonNull(scale, "scale");
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Rows per model call (default 256). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Whether probed points compare their Jacobian with {@code W_r} too (default yes; no: outputs only). */
        public Builder checkJacobian(boolean checkJacobian) {
            this.checkJacobian = checkJacobian;
            return this;
        }

        public OpenBox build() {
            if (directions < 1) {
                throw new ExplainException("OpenBox needs at least 1 direction per input; got " + directions);
            }
            if (!(maxRadius > 0) || Double.isInfinite(maxRadius)) {
                throw new ExplainException("OpenBox max radius must be a finite number > 0; got " + maxRadius);
            }
            if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
                throw new ExplainException("OpenBox tolerance must be a finite number > 0; got " + tolerance);
            }
            if (!(jacobianTolerance > 0) || Double.isInfinite(jacobianTolerance)) {
                throw new ExplainException("OpenBox Jacobian tolerance must be a finite number > 0; got "
                        + jacobianTolerance);
            }
            if (refinements < 0) {
                throw new ExplainException("OpenBox refinements must be 0 or more; got " + refinements);
            }
            ScoreBatches.checkBatchSize(batchSize);
            return new OpenBox(this);
        }
    }
}
