package org.explain4j.models.ecg;

import java.util.Locale;
import java.util.Map;

/** Matches ECG lead names across conventions: case-insensitive, with common aliases. */
public final class LeadNames {
    // MIT-BIH's modified limb leads stand in for the limb leads; D1..D3 is the European spelling
    private static final Map<String, String> ALIASES = Map.of(
            "MLI", "I", "MLII", "II", "MLIII", "III", "DI", "I", "DII", "II", "DIII", "III",
            "D1", "I", "D2", "II", "D3", "III");

    private LeadNames() {
    }

    /** The comparison key of a lead name: {@code MLII} → {@code II}, {@code avr} → {@code AVR}, {@code Lead V1} → {@code V1}. */
    public static String canonical(String name) {
        String s = name.strip().toUpperCase(Locale.ROOT).replace(" ", "").replace("-", "").replace("_", "");
        if (s.startsWith("LEAD") && s.length() > 4) {
            s = s.substring(4);
        }
        return ALIASES.getOrDefault(s, s);
    }
}
