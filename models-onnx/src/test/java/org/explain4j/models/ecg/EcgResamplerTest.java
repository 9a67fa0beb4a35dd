package org.explain4j.models.ecg;

import org.explain4j.ExplainException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resampling on hand-made signals whose interpolated values are known exactly. */
class EcgResamplerTest {
    /** A record of float signals in the given units (adc unused). */
    static WfdbRecord record(double hz, List<String> leads, List<String> units, float[]... signals) {
        List<WfdbSignalSpec> specs = new ArrayList<>();
        for (String l : leads) {
            specs.add(new WfdbSignalSpec("h.dat", 16, 0, 200, 0, "mV", 16, 0, 0, 0, false, 0, l));
        }
        WfdbHeader h = new WfdbHeader("hand", leads.size(), hz, signals[0].length, specs, List.of());
        return new WfdbRecord(h, specs, leads, units, new int[signals.length][0], signals, List.of(), List.of(),
                new int[signals.length]);
    }

    static float[] ramp(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return x;
    }

    @Test
    void upsamplingARampGivesMidpointsThenZeros() {
        // 10 samples at 100 Hz: x(t) = 100 t for t = 0 .. 0.09 s
        WfdbRecord r = record(100, List.of("I"), List.of("mV"), ramp(10));
        float[] y = EcgResampler.window(r, List.of("I"), 200, 25, 0, "mV").tensor().data();
        // output i lies at i / 200 s = source sample i / 2: 0, 0.5, 1, ..., 9 (i = 18); past 9 (i >= 19) zero padding
        for (int i = 0; i < 25; i++) {
            assertEquals(i <= 18 ? i / 2f : 0f, y[i], 0f, "sample " + i);
        }
    }

    @Test
    void downsamplingNonIntegerRatioAndStart() {
        WfdbRecord r = record(360, List.of("II"), List.of("mV"), ramp(3600));
        // 360 -> 200 Hz from 0.5 s: source position 180 + 1.8 i; a ramp interpolates to exactly that
        float[] y = EcgResampler.window(r, List.of("II"), 200, 100, 0.5, "mV").tensor().data();
        for (int i = 0; i < 100; i++) {
            assertEquals(180 + 1.8f * i, y[i], 1e-3f, "sample " + i);
        }
        // a curve: x = i^2 at 100 Hz, 100 -> 40 Hz: position 2.5 i; i = 1 -> between 2 (4) and 3 (9): 6.5
        float[] sq = new float[10];
        for (int i = 0; i < 10; i++) {
            sq[i] = i * i;
        }
        float[] z = EcgResampler.window(record(100, List.of("I"), List.of("mV"), sq), List.of("I"), 40, 5, 0, "mV")
                .tensor().data();
        // positions 0, 2.5, 5, 7.5, 10 (> 9: zero)
        assertArrayEquals(new float[]{0, 6.5f, 25, 56.5f, 0}, z, 1e-6f);
    }

    @Test
    void leadsPickedByNameWithAliasesMissingOnesZeroAndReported() {
        float[] a = {1, 2, 3, 4};
        float[] b = {10, 20, 30, 40};
        float[] c = {-1, -2, -3, -4};
        WfdbRecord r = record(100, List.of("MLII", "V5", "avr"), List.of("mV", "mV", "mV"), a, b, c);
        EcgWindow w = EcgResampler.window(r, List.of("V5", "II", "V1", "aVR"), 100, 4, 0, "mV");
        assertArrayEquals(new long[]{1, 4, 4}, w.tensor().shape());
        assertArrayEquals(new float[]{10, 20, 30, 40, 1, 2, 3, 4, 0, 0, 0, 0, -1, -2, -3, -4}, w.tensor().data());
        assertEquals(List.of("V1"), w.missingLeads());
        assertEquals(List.of("V5", "MLII", "", "avr"), w.sourceLeads());
        assertEquals(List.of("V5", "II", "V1", "aVR"), w.leads());
    }

    @Test
    void unitScaling() {
        WfdbRecord r = record(100, List.of("I"), List.of("mV"), new float[]{0.5f, -1.25f});
        assertArrayEquals(new float[]{500, -1250}, EcgResampler.window(r, List.of("I"), 100, 2, 0, "uV").tensor().data());
        assertArrayEquals(new float[]{0.0005f, -0.00125f}, EcgResampler.window(r, List.of("I"), 100, 2, 0, "V").tensor().data(), 1e-9f);
    }

    @Test
    void errors() {
        WfdbRecord r = record(100, List.of("I", "BP"), List.of("mV", "mmHg"), ramp(100), ramp(100));
        ExplainException e = assertThrows(ExplainException.class, () -> EcgResampler.window(r, List.of("I"), 100, 10, 1.0, "mV"));
        assertTrue(e.getMessage().contains("outside record hand") && e.getMessage().contains("below 1.000 s"), e.getMessage());
        e = assertThrows(ExplainException.class, () -> EcgResampler.window(r, List.of("BP"), 100, 10, 0, "mV"));
        assertTrue(e.getMessage().contains("lead BP") && e.getMessage().contains("mmHg"), e.getMessage());
        e = assertThrows(ExplainException.class, () -> EcgResampler.window(r, List.of("I"), 100, 10, 0, "mmHg"));
        assertTrue(e.getMessage().contains("units 'mmHg' are not a voltage"), e.getMessage());
        e = assertThrows(ExplainException.class, () -> EcgResampler.window(r, List.of("I"), 0, 10, 0, "mV"));
        assertTrue(e.getMessage().contains("sampling rate must be a positive"), e.getMessage());
        float[] gap = {1, Float.NaN, 3};
        WfdbRecord g = record(100, List.of("I"), List.of("mV"), gap);
        e = assertThrows(ExplainException.class, () -> EcgResampler.window(g, List.of("I"), 100, 3, 0, "mV"));
        assertTrue(e.getMessage().contains("missing sample near 0.010 s"), e.getMessage());
    }

    @Test
    void realRecordWindow() {
        WfdbRecord r = EcgRecords.bundled("100");
        // 360 -> 180 Hz: output i is record frame 2 i, so output 39 is frame 78, hand-decoded in WfdbRecordsTest:
        // MLII (1177 - 1024) / 200 = 0.765 mV, V5 (1007 - 1024) / 200 = -0.085 mV; the record has no lead I
        EcgWindow w = EcgResampler.window(r, List.of("I", "II", "V5"), 180, 100, 0, "mV");
        assertEquals(List.of("I"), w.missingLeads());
        float[] y = w.tensor().data();
        assertEquals(0.765f, y[100 + 39], 1e-6f);
        assertEquals(-0.085f, y[200 + 39], 1e-6f);
        // 360 -> 720 Hz: output 155 lies at frame 77.5, the mean of MLII 0.84 (frame 77) and 0.765 (frame 78)
        float[] up = EcgResampler.window(r, List.of("II"), 720, 200, 0, "mV").tensor().data();
        assertEquals((0.84f + 0.765f) / 2, up[155], 1e-6f);
    }
}
