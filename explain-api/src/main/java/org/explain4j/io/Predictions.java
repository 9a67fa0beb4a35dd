package org.explain4j.io;

import org.explain4j.model.OutputActivation;

/** Turns a sample's logits into probabilities, as the model's output activation defines them. */
public final class Predictions {
    private Predictions() {
    }

    /** Probabilities of each class, or {@code null} when the activation is {@link OutputActivation#NONE}. */
    public static double[] probabilities(float[] logits, OutputActivation activation) {
        if (activation == null || activation == OutputActivation.NONE) {
            return null;
        }
        double[] p = new double[logits.length];
        if (activation == OutputActivation.SIGMOID) {
            for (int i = 0; i < p.length; i++) {
                p[i] = 1.0 / (1.0 + Math.exp(-(double) logits[i]));
            }
            return p;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max); // shifted by the max so large logits cannot overflow
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Index of the largest logit (the first one on ties). */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
