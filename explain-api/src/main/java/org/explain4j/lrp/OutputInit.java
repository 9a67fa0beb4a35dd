package org.explain4j.lrp;

import org.explain4j.ExplainException;

import java.util.Locale;

/**
 * Where the relevance starts (METHODS §2).
 * <ul>
 *   <li>{@link #LOGIT}: the target's logit, all other outputs 0. A final Softmax or Sigmoid in
 *       the graph is stepped over: the logit is its input.</li>
 *   <li>{@link #SOFTMAX}: the same start for a softmax output (the chosen class's logit); the
 *       model must end in a Softmax or declare a softmax output.</li>
 *   <li>{@link #SIGMOID_DECISION}: a sigmoid output {@code S = σ(w·h + b)}: the last dense
 *       layer's input gets {@code R(h) = Mask ⊙ w ⊙ h} with
 *       {@code Mask = 1{sign(w ⊙ h) = sign(S − S(0))}}, where {@code S(0) = σ(b)} is the output
 *       with the layer's input at zero: the contributions that agree with the decision.</li>
 *   <li>{@link #SIGMOID_LOGIT_SIGN}: as above with {@code Mask = 1{sign(w ⊙ h) = sign(w·h + b)}}
 *       (the published code's variant: a prediction ≥ 0.5 keeps the positive contributions).</li>
 * </ul>
 */
public enum OutputInit {
    LOGIT("logit"),
    SOFTMAX("softmax"),
    SIGMOID_DECISION("sigmoid-decision"),
    SIGMOID_LOGIT_SIGN("sigmoid-logit-sign");

    private final String text;

    OutputInit(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** Whether the start is a masked contribution vector at the last dense layer's input. */
    public boolean isSigmoidMask() {
        return this == SIGMOID_DECISION || this == SIGMOID_LOGIT_SIGN;
    }

    public static OutputInit parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (OutputInit o : values()) {
            if (o.text.equals(t)) {
                return o;
            }
        }
        throw new ExplainException("unknown LRP output init '" + text + "'; expected logit, softmax,"
                + " sigmoid-decision (mask = sign(S - S(0))) or sigmoid-logit-sign (mask = sign(logit))");
    }

    /**
     * The masked start of a sigmoid output: {@code contributions[i] = w_i h_i} of the target's
     * logit {@code w·h + bias}; a contribution is kept when its sign is the sign of the decision
     * ({@code w·h}, which has the sign of {@code S − S(0)}) or of the logit, by variant.
     */
    public double[] maskedStart(double[] contributions, double bias) {
        if (!isSigmoidMask()) {
            throw new IllegalStateException(text + " is not a sigmoid mask");
        }
        double sum = 0;
        for (double c : contributions) {
            sum += c;
        }
        double basis = this == SIGMOID_DECISION ? sum : sum + bias;
        double[] out = new double[contributions.length];
        for (int i = 0; i < out.length; i++) {
            double c = contributions[i];
            if (c > 0 && basis > 0 || c < 0 && basis < 0) {
                out[i] = c;
            }
        }
        return out;
    }
}
