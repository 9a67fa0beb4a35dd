package org.explain4j.model;

/** Which quantity of the target class an explanation differentiates. */
public enum Score {
    /** The raw model output of the class (pre-activation). */
    LOGIT,
    /** The class probability after the model's output activation (softmax or sigmoid). */
    PROBABILITY;

    public static Score parse(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "logit" -> LOGIT;
            case "probability", "prob" -> PROBABILITY;
            default -> throw new org.explain4j.ExplainException("unknown score '" + text
                    + "'; expected logit or probability");
        };
    }
}
