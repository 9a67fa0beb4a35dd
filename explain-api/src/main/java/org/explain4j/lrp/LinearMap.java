package org.explain4j.lrp;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleUnaryOperator;

/**
 * A linear layer of one sample, {@code z_j = Σ_i w_ij a_i + b_j}, as the rules need it: forward
 * and transposed products with the layer's weights or a transform of them ({@code w⁺},
 * {@code w²}, all ones for the connection pattern), without ever forming the dense matrix.
 * Subclasses store the weights in their own layout and say which weight entry links which
 * input and output; a transform is applied entry by entry and cached.
 *
 * <p>Immutable and safe to share between threads.
 */
public abstract class LinearMap {

    /** An entry-wise transform of the weights, with a key for the cache. */
    public record WeightTransform(String key, DoubleUnaryOperator f) {
        public static final WeightTransform ORIGINAL = new WeightTransform("w", w -> w);
        public static final WeightTransform POSITIVE = new WeightTransform("w+", w -> Math.max(w, 0));
        public static final WeightTransform NEGATIVE = new WeightTransform("w-", w -> Math.min(w, 0));
        public static final WeightTransform SQUARED = new WeightTransform("w2", w -> w * w);
        /** Every connection weighs 1: the connection pattern. */
        public static final WeightTransform ONES = new WeightTransform("1", w -> 1);

        /** {@code w + γ w⁺}. */
        public static WeightTransform gamma(double gamma) {
            return new WeightTransform("gamma" + gamma, w -> w + gamma * Math.max(w, 0));
        }
    }

    private final int inSize;
    private final int outSize;
    private final double[] weights;
    private final double[] bias;
    private final ConcurrentHashMap<String, double[]> transformed = new ConcurrentHashMap<>();
    private volatile double[] fanIn;
    private volatile double[] squaredNorm;

    /**
     * @param weights the layer's weight entries in the subclass's layout
     * @param bias    per output unit ({@code outSize} values), or {@code null} for none
     */
    protected LinearMap(int inSize, int outSize, double[] weights, double[] bias) {
        if (bias != null && bias.length != outSize) {
            throw new IllegalArgumentException("bias has " + bias.length + " values for " + outSize + " outputs");
        }
        this.inSize = inSize;
        this.outSize = outSize;
        this.weights = weights;
        this.bias = bias;
        transformed.put(WeightTransform.ORIGINAL.key(), weights);
    }

    /** Inputs per sample. */
    public final int inSize() {
        return inSize;
    }

    /** Outputs per sample. */
    public final int outSize() {
        return outSize;
    }

    /** The bias per output unit, or {@code null}. Do not change it. */
    public final double[] bias() {
        return bias;
    }

    /** The weight entries after {@code t}. Do not change them. */
    public final double[] weights(WeightTransform t) {
        return transformed.computeIfAbsent(t.key(), k -> {
            double[] w = new double[weights.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = t.f().applyAsDouble(weights[i]);
            }
            return w;
        });
    }

    /** {@code z[zOff + j] += Σ_i w_ij a[aOff + i]} with weight entries {@code w} (a transform of this map's). */
    public abstract void forward(double[] a, int aOff, double[] w, double[] z, int zOff);

    /** {@code out[outOff + i] += Σ_j w_ij s[sOff + j]}. */
    public abstract void transpose(double[] s, int sOff, double[] w, double[] out, int outOff);

    /**
     * {@code out[outOff + i] += Σ_j c_ij s[sOff + j]} over the connection pattern ({@code c_ij = 1}
     * where unit {@code j} reads input {@code i}): how evenly shared parts (a bias's, ε's) reach the
     * inputs. Subclasses may do it faster than {@link #transpose} with {@link WeightTransform#ONES}.
     */
    public void transposeConnections(double[] s, int sOff, double[] out, int outOff) {
        transpose(s, sOff, weights(WeightTransform.ONES), out, outOff);
    }

    /** {@code N_j}: how many inputs output unit {@code j} reads (in-bounds taps for a convolution). */
    public final double[] fanIn() {
        double[] f = fanIn;
        if (f == null) {
            f = rowSums(WeightTransform.ONES);
            fanIn = f;
        }
        return f;
    }

    /** {@code Σ_i w_ij²} per output unit (the w² rule's denominator). */
    public final double[] squaredNorm() {
        double[] f = squaredNorm;
        if (f == null) {
            f = rowSums(WeightTransform.SQUARED);
            squaredNorm = f;
        }
        return f;
    }

    private double[] rowSums(WeightTransform t) {
        double[] ones = new double[inSize];
        Arrays.fill(ones, 1);
        double[] z = new double[outSize];
        forward(ones, 0, weights(t), z, 0);
        return z;
    }
}
