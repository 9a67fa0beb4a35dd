package org.explain4j.perturb;

import org.explain4j.ExplainException;

/**
 * LIME's locality weights {@code π(z) = exp(−D(1, z')²/σ²)}, with D the distance between the
 * all-on vector and the sample in the binary interpretable space ({@code k} of {@code d}
 * features on):
 * <ul>
 *   <li>cosine: {@code D = 1 − cos(1, z') = 1 − sqrt(k/d)} (1 when nothing is on), in [0, 1];</li>
 *   <li>L2: {@code D = sqrt(d − k)}, the square root of the number of switched-off features.</li>
 * </ul>
 *
 * <p><b>Default</b>: cosine distance with {@code σ = 0.25·√2 ≈ 0.354}. lime writes its kernel as
 * {@code sqrt(exp(−D²/w²)) = exp(−D²/(2w²))}, so this is exactly lime's image explainer
 * ({@code LimeImageExplainer}: cosine distance on the binary segment vector,
 * {@code kernel_width=0.25}). With uniform sampling (half the features on, D ≈ 0.29) a typical
 * sample weighs ≈ 0.5, a sample with one feature of 16 on ≈ 0.002.
 *
 * <p>How the others compare:
 * <ul>
 *   <li>lime tabular: L2 distance of the <em>scaled, sampled feature values</em> (not the binary
 *       vector), {@code kernel_width = 0.75·sqrt(d)}, i.e. {@code exp(−D²/(2·0.5625·d))}.
 *       {@link #limeTabularLike(int)} transfers that width to L2 in the binary space:
 *       {@code σ = √2·0.75·√d}, so the all-off sample still weighs {@code exp(−1/1.125) ≈ 0.41}
 *       — a very wide, almost global kernel.</li>
 *   <li>Captum ({@code get_exp_kernel_similarity_function}): {@code exp(−D²/(2w²))}, w = 1.0, with
 *       D = 1 − cosine similarity of the original and the perturbed <em>input tensors</em>.
 *       {@link #captumLike()} uses the binary cosine distance with {@code σ = √2} instead; weights
 *       then lie in [0.61, 1], nearly uniform.</li>
 * </ul>
 */
public record SimilarityKernel(Distance distance, double width) {

    public enum Distance { COSINE, L2 }

    /** σ of the default kernel: lime's image-explainer width 0.25 in lime's convention. */
    public static final double DEFAULT_WIDTH = 0.25 * Math.sqrt(2);

    public SimilarityKernel {
        if (distance == null) {
            throw new ExplainException("kernel distance is missing; give cosine or l2");
        }
        if (!(width > 0) || Double.isInfinite(width)) {
            throw new ExplainException("kernel width must be a finite number > 0; got " + width);
        }
    }

    /** Cosine distance, σ = 0.25·√2 (lime's image explainer). */
    public static SimilarityKernel defaultKernel() {
        return new SimilarityKernel(Distance.COSINE, DEFAULT_WIDTH);
    }

    public static SimilarityKernel cosine(double width) {
        return new SimilarityKernel(Distance.COSINE, width);
    }

    public static SimilarityKernel l2(double width) {
        return new SimilarityKernel(Distance.L2, width);
    }

    /** L2 in the binary space with lime tabular's default width carried over: σ = √2·0.75·√d. */
    public static SimilarityKernel limeTabularLike(int d) {
        return new SimilarityKernel(Distance.L2, Math.sqrt(2) * 0.75 * Math.sqrt(d));
    }

    /** Binary cosine distance with Captum's default width carried over: σ = √2·1.0. */
    public static SimilarityKernel captumLike() {
        return new SimilarityKernel(Distance.COSINE, Math.sqrt(2));
    }

    /** Parses {@code cosine} / {@code l2} (CLI). */
    public static Distance parseDistance(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "cosine" -> Distance.COSINE;
            case "l2", "euclidean" -> Distance.L2;
            default -> throw new ExplainException("unknown kernel distance '" + text + "'; expected cosine or l2");
        };
    }

    /** The distance of a sample with {@code active} of {@code d} features on from the all-on vector. */
    public double distance(int active, int d) {
        return switch (distance) {
            case COSINE -> active == 0 ? 1.0 : 1.0 - Math.sqrt((double) active / d);
            case L2 -> Math.sqrt(d - active);
        };
    }

    /** {@code π = exp(−D²/σ²)}. */
    public double weight(int active, int d) {
        double dist = distance(active, d);
        return Math.exp(-dist * dist / (width * width));
    }

    public String describe() {
        return "exp(-D^2/sigma^2), D=" + distance.name().toLowerCase(java.util.Locale.ROOT) + ", sigma=" + width;
    }
}
