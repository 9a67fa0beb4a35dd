package org.explain4j.model;

/** The activation that turns the model's output (logits) into probabilities. */
public enum OutputActivation {
    /** Outputs are already the scores of interest; no probability is defined. */
    NONE,
    /** Classes are mutually exclusive: {@code p = softmax(y)}. */
    SOFTMAX,
    /** Each output is its own binary decision: {@code p_c = sigmoid(y_c)}. */
    SIGMOID;

    public static OutputActivation parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new org.explain4j.ExplainException("unknown output activation '" + text
                    + "'; expected one of none, softmax, sigmoid");
        }
    }
}
