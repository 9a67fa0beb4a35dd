package org.explain4j.model;

/** How the axes of one input sample are meant; decides how attributions are drawn. */
public enum InputLayout {
    /** {@code [N,F]}: one value per named feature. */
    FEATURES,
    /** {@code [N,C,T]}: channels (leads, variables) by time, as 1-D convolutions take them. */
    CHANNELS_TIME,
    /** {@code [N,T,F]}: time steps by features, as batch-first recurrent nets take them. */
    TIME_FEATURES,
    /** {@code [N,C,H,W]}: images. */
    IMAGE;

    public static InputLayout parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new org.explain4j.ExplainException("unknown input layout '" + text
                    + "'; expected one of features, channels_time, time_features, image");
        }
    }

    /** A guess from the rank of the input when no sidecar says. */
    public static InputLayout guess(int rank) {
        return switch (rank) {
            case 2 -> FEATURES;
            case 3 -> TIME_FEATURES;
            case 4 -> IMAGE;
            default -> FEATURES;
        };
    }
}
