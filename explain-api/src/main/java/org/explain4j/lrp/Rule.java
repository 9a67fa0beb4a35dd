package org.explain4j.lrp;

import org.explain4j.ExplainException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one layer {@code z_j = Σ_i a_i w_ij + b_j} hands the relevance {@code R_j} of its outputs
 * to its inputs (METHODS §2). Every rule takes the bias factor δ from the engine: the share
 * {@code δ·b_j / N} of a bias is given back evenly to the {@code N} inputs a unit reads, the
 * rest of it is absorbed (and reported as the layer's conservation residual).
 *
 * <ul>
 *   <li>{@link Epsilon}: {@code R_{i←j} = R_j (z_ij + (δ b_j + ε s_j)/N) / (z_j + ε s_j)}, with
 *       {@code s_j = sign(z_j)} and {@code sign(0) = +1}; ε = 0 is LRP-0.</li>
 *   <li>{@link AlphaBeta}: positive and negative contributions apart,
 *       {@code R_{i←j} = R_j (α z⁺_ij / z⁺_j − β z⁻_ij / z⁻_j)}; α = 1, β = 0 is z⁺.</li>
 *   <li>{@link Gamma}: the ε rule on the weights {@code w + γ w⁺} and bias {@code b + γ b⁺}
 *       (favours positive contributions).</li>
 *   <li>{@link Flat}: every input of a unit gets the same share (input layers).</li>
 *   <li>{@link WSquare}: shares in proportion to {@code w_ij²} (input layers).</li>
 * </ul>
 */
public sealed interface Rule {

    /** The rule as users write it, e.g. {@code epsilon(0.01)}; {@link #parse} reads it back. */
    String text();

    /** ε rule; {@code epsilon} ≥ 0 stabilises the denominator. */
    record Epsilon(double epsilon) implements Rule {
        public Epsilon {
            if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
                throw new ExplainException("LRP epsilon must be a finite number >= 0, got " + epsilon);
            }
        }

        @Override
        public String text() {
            return "epsilon(" + num(epsilon) + ")";
        }
    }

    /** αβ rule; α − β = 1 keeps relevance conserved. α = 1, β = 0 is the z⁺ rule. */
    record AlphaBeta(double alpha, double beta) implements Rule {
        public AlphaBeta {
            if (!(beta >= 0) || !(alpha >= 0) || Double.isInfinite(alpha) || Double.isInfinite(beta)) {
                throw new ExplainException("LRP alpha and beta must be finite numbers >= 0, got alpha " + alpha
                        + ", beta " + beta);
            }
        }

        @Override
        public String text() {
            return alpha == 1 && beta == 0 ? "zplus" : "alphabeta(" + num(alpha) + "," + num(beta) + ")";
        }
    }

    /** γ rule with a small stabiliser {@code epsilon} in the denominator. */
    record Gamma(double gamma, double epsilon) implements Rule {
        public Gamma {
            if (!(gamma >= 0) || Double.isInfinite(gamma) || !(epsilon >= 0) || Double.isInfinite(epsilon)) {
                throw new ExplainException("LRP gamma and its stabiliser must be finite numbers >= 0, got gamma "
                        + gamma + ", epsilon " + epsilon);
            }
        }

        @Override
        public String text() {
            return "gamma(" + num(gamma) + ")";
        }
    }

    /** Flat rule: a unit's relevance is split evenly over the inputs it reads. */
    record Flat() implements Rule {
        @Override
        public String text() {
            return "flat";
        }
    }

    /** w² rule: a unit's relevance is split in proportion to its squared weights. */
    record WSquare() implements Rule {
        @Override
        public String text() {
            return "w2";
        }
    }

    double DEFAULT_GAMMA = 0.25;
    /** Stabiliser of the γ rule's denominator (only guards against 0/0). */
    double GAMMA_STABILISER = 1e-9;

    static Rule epsilon(double epsilon) {
        return new Epsilon(epsilon);
    }

    static Rule zPlus() {
        return new AlphaBeta(1, 0);
    }

    static Rule alphaBeta(double alpha, double beta) {
        return new AlphaBeta(alpha, beta);
    }

    static Rule gamma(double gamma) {
        return new Gamma(gamma, GAMMA_STABILISER);
    }

    static Rule flat() {
        return new Flat();
    }

    static Rule wSquare() {
        return new WSquare();
    }

    /** The rule names {@link #parse} accepts, for messages. */
    String NAMES = "epsilon, epsilon(E), lrp0, zplus (= alpha1beta0), alpha2beta1, alphaAbetaB, alphabeta(A,B),"
            + " gamma, gamma(G), flat, w2";

    Pattern ALPHA_BETA = Pattern.compile("alpha(\\d+(?:\\.\\d+)?)beta(\\d+(?:\\.\\d+)?)");
    Pattern CALL = Pattern.compile("([a-z0-9+^]+)\\((.*)\\)");

    /**
     * Reads a rule name: {@code epsilon} (with {@code defaultEpsilon}), {@code epsilon(1e-3)},
     * {@code lrp0}, {@code zplus}/{@code z+}/{@code alpha1beta0}, {@code alpha2beta1},
     * {@code alphabeta(2,1)}, {@code gamma}/{@code gamma(0.1)}, {@code flat}, {@code w2}/{@code wsquare}.
     *
     * @throws ExplainException naming the accepted names
     */
    static Rule parse(String text, double defaultEpsilon) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        int paren = t.indexOf('(');
        // separators in the name only: the arguments may hold signs and exponents (1e-3)
        t = (paren < 0 ? t : t.substring(0, paren)).replace("-", "").replace("_", "") + (paren < 0 ? "" : t.substring(paren));
        Matcher call = CALL.matcher(t);
        String name = call.matches() ? call.group(1) : t;
        String[] args = call.matches() ? call.group(2).split(",") : new String[0];
        try {
            switch (name) {
                case "epsilon", "eps", "e":
                    return new Epsilon(args.length == 0 ? defaultEpsilon : Double.parseDouble(args[0]));
                case "lrp0", "zero", "0":
                    return new Epsilon(0);
                case "zplus", "z+", "alpha1beta0":
                    return zPlus();
                case "alphabeta":
                    if (args.length != 2) {
                        break;
                    }
                    return new AlphaBeta(Double.parseDouble(args[0]), Double.parseDouble(args[1]));
                case "gamma":
                    return gamma(args.length == 0 ? DEFAULT_GAMMA : Double.parseDouble(args[0]));
                case "flat":
                    return flat();
                case "w2", "wsquare", "w^2", "wsquared":
                    return wSquare();
                default:
                    Matcher ab = ALPHA_BETA.matcher(name);
                    if (ab.matches()) {
                        return new AlphaBeta(Double.parseDouble(ab.group(1)), Double.parseDouble(ab.group(2)));
                    }
            }
        } catch (NumberFormatException e) {
            throw new ExplainException("LRP rule '" + text + "' has a parameter that is not a number; accepted rules: "
                    + NAMES);
        }
        throw new ExplainException("unknown LRP rule '" + text + "'; accepted rules: " + NAMES);
    }

    /** A copy with ε replaced where the rule has an ε parameter (the ε rule only). */
    default Rule withEpsilon(double epsilon) {
        return this instanceof Epsilon ? new Epsilon(epsilon) : this;
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
