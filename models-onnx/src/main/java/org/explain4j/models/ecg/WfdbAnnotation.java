package org.explain4j.models.ecg;

import java.util.Set;

/**
 * One annotation of a WFDB annotation file.
 *
 * @param sample  position, in samples from the start of the record
 * @param code    MIT annotation code (1 = N, 5 = V, 8 = A, 28 = rhythm change, …)
 * @param subtype the SUB field (0 when absent)
 * @param channel the CHN field (carried over from the previous annotation, as WFDB does)
 * @param num     the NUM field (carried over from the previous annotation, as WFDB does)
 * @param aux     the AUX text (e.g. {@code (N} for a rhythm annotation), empty when absent
 */
public record WfdbAnnotation(long sample, int code, int subtype, int channel, int num, String aux) {
    // ecgcodes.h: the symbols of codes 0..41 (codes 15 and 17 are unused)
    private static final String[] SYMBOLS = {" ", "N", "L", "R", "a", "V", "F", "J", "A", "S", "E", "j", "/", "Q",
        "~", "", "|", "", "s", "T", "*", "D", "\"", "=", "p", "B", "^", "t", "+", "u", "?", "!", "[", "]", "e", "n",
        "@", "x", "f", "(", ")", "r"};
    // codes PhysioNet counts as beats: N L R a V F J A S E j / Q B ? e n f r
    private static final Set<Integer> BEATS = Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 30, 34, 35, 38, 41);

    /** The MIT symbol of the code ({@code N}, {@code V}, {@code A}, {@code +}), or {@code [code]} when it has none. */
    public String symbol() {
        return symbolOf(code);
    }

    /** Whether the annotation marks a heartbeat (not a rhythm change, noise or comment). */
    public boolean isBeat() {
        return BEATS.contains(code);
    }

    public static String symbolOf(int code) {
        return code >= 0 && code < SYMBOLS.length && !SYMBOLS[code].isEmpty() ? SYMBOLS[code] : "[" + code + "]";
    }
}
