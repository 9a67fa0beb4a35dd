package org.explain4j.explain;

import org.explain4j.ExplainException;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

import java.util.Arrays;

/**
 * The scalar an explanation differentiates for each sample, S(x) = the target's logit or its
 * probability after the model's output activation, and the cotangent {@code w [N,C]} for which
 * the model's vector-Jacobian product {@code w · ∂y/∂x} is {@code ∂S/∂x}:
 * <ul>
 *   <li>logit: {@code w = onehot(c)};</li>
 *   <li>softmax probability {@code p_c}: {@code w_k = ∂p_c/∂y_k = p_c (δ_ck − p_k)};</li>
 *   <li>sigmoid probability {@code p_c = σ(y_c)}: {@code w_c = p_c (1 − p_c)}, zero elsewhere.</li>
 * </ul>
 * Probabilities are computed in double, softmax with the maximum subtracted, so large logits
 * neither overflow nor lose the small side of {@code 1 − p}.
 */
public final class ScoreFunction {
    private final Score score;
    private final OutputActivation activation;

    private ScoreFunction(Score score, OutputActivation activation) {
        this.score = score;
        this.activation = activation;
    }

    /**
     * @throws ExplainException when a probability is asked of a model whose outputs have no
     *                          declared activation
     */
    public static ScoreFunction of(Score score, OutputActivation activation) {
        if (score == null) {
            throw new IllegalArgumentException("score is null");
        }
        OutputActivation act = activation == null ? OutputActivation.NONE : activation;
        if (score == Score.PROBABILITY && act == OutputActivation.NONE) {
            throw new ExplainException("score 'probability' needs the model's output activation, but the model's"
                    + " sidecar declares no output activation (output.activation); use score 'logit' or declare"
                    + " softmax or sigmoid in the sidecar");
        }
        return new ScoreFunction(score, act);
    }

    /** The score a model's explanations use: {@code requested}, or the sidecar's default when null. */
    public static ScoreFunction forModel(ModelInfo info, Score requested) {
        ModelDescription d = info.description();
        Score s = requested != null ? requested : d != null && d.defaultScore() != null ? d.defaultScore() : Score.LOGIT;
        return of(s, d == null ? OutputActivation.NONE : d.activation());
    }

    public Score score() {
        return score;
    }

    public OutputActivation activation() {
        return activation;
    }

    /** Whether the cotangent depends on the logits (probabilities) or only on the target (logits). */
    public boolean needsOutputs() {
        return score == Score.PROBABILITY;
    }

    /**
     * Scores and cotangents of a batch.
     *
     * @param scores    {@code S} per sample
     * @param cotangent row-major {@code [N,C]}
     */
    public record Evaluation(double[] scores, double[] cotangent, int classCount) {
        /** The cotangent as the float tensor {@link org.explain4j.model.ExplainableModel#vjp} takes. */
        public FloatTensor cotangentTensor() {
            float[] w = new float[cotangent.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) cotangent[i];
            }
            return new FloatTensor(new long[] {scores.length, classCount}, w);
        }
    }

    /**
     * Evaluates the score of each sample's target on the model's outputs {@code [N,C]}.
     *
     * @throws ExplainException when the outputs are not {@code [N,C]}, not finite, or a target is
     *                          out of range
     */
    public Evaluation evaluate(FloatTensor logits, int[] targets) {
        int n = checkOutputs(logits, targets);
        int c = logits.sampleSize();
        float[] y = logits.data();
        double[] s = new double[n];
        double[] w = new double[n * c];
        double[] p = new double[c];
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            int row = i * c;
            switch (score == Score.LOGIT ? OutputActivation.NONE : activation) {
                case NONE -> {
                    s[i] = y[row + t];
                    w[row + t] = 1.0;
                }
                case SOFTMAX -> {
                    softmax(y, row, c, p);
                    s[i] = p[t];
                    for (int k = 0; k < c; k++) {
                        w[row + k] = p[t] * ((k == t ? 1.0 : 0.0) - p[k]);
                    }
                }
                case SIGMOID -> {
                    double pt = sigmoid(y[row + t]);
                    s[i] = pt;
                    w[row + t] = pt * sigmoid(-(double) y[row + t]); // 1 − σ(y) = σ(−y), exact for large y
                }
            }
        }
        return new Evaluation(s, w, c);
    }

    /** One-hot cotangent {@code [N,C]}: the gradient of each sample's target logit. */
    public static FloatTensor oneHot(int[] targets, int classCount) {
        float[] w = new float[targets.length * classCount];
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] < 0 || targets[i] >= classCount) {
                throw new ExplainException("target class " + targets[i] + " is out of range: the model has "
                        + classCount + " outputs (valid: 0.." + (classCount - 1) + ")");
            }
            w[i * classCount + targets[i]] = 1f;
        }
        return new FloatTensor(new long[] {targets.length, classCount}, w);
    }

    @Override
    public String toString() {
        return score == Score.LOGIT ? "logit" : "probability(" + activation.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    /** Softmax of {@code y[row..row+c)} into {@code p}, in double with the maximum subtracted. */
    static void softmax(float[] y, int row, int c, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) {
            max = Math.max(max, y[row + k]);
        }
        double z = 0;
        for (int k = 0; k < c; k++) {
            p[k] = Math.exp(y[row + k] - max);
            z += p[k];
        }
        for (int k = 0; k < c; k++) {
            p[k] /= z;
        }
    }

    static double sigmoid(double y) {
        if (y >= 0) {
            return 1.0 / (1.0 + Math.exp(-y));
        }
        double e = Math.exp(y);
        return e / (1.0 + e);
    }

    private static int checkOutputs(FloatTensor logits, int[] targets) {
        if (logits.rank() != 2) {
            throw new ExplainException("the model's output has shape " + Arrays.toString(logits.shape())
                    + "; explanations need outputs shaped [N,C] (one score per class)");
        }
        int n = logits.batchSize();
        if (targets.length != n) {
            throw new ExplainException(targets.length + " targets given for " + n + " samples; give one per sample");
        }
        int bad = logits.firstNonFinite();
        if (bad >= 0) {
            throw new ExplainException("the model's output " + logits.indexOf(bad) + " is " + logits.get(bad)
                    + "; the input of that sample drives the model out of range");
        }
        int c = logits.sampleSize();
        for (int t : targets) {
            if (t < 0 || t >= c) {
                throw new ExplainException("target class " + t + " is out of range: the model has " + c
                        + " output" + (c == 1 ? "" : "s") + " (valid: 0.." + (c - 1) + ")");
            }
        }
        return n;
    }
}
