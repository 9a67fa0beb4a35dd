package org.explain4j.models.ecg;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three bundled real records. Expected ADC values were decoded by hand from the bytes
 * ({@code xxd}); the arithmetic is in the comments. The last frames, the checksums and the
 * annotation counts were decoded independently by {@code models-onnx/python/wfdb_check.py}
 * (plain {@code struct}, no wfdb package), whose output is quoted.
 */
class WfdbRecordsTest {
    private static final float EPS = 1e-6f;

    @Test
    void mitBih100Format212() {
        WfdbRecord r = EcgRecords.bundled("100");
        WfdbHeader h = r.header();
        assertEquals("100", h.recordName());
        assertEquals(2, h.signalCount());
        assertEquals(360.0, h.samplingHz());
        assertEquals(650000, h.sampleCount());
        assertEquals(List.of("MLII", "V5"), r.leads());
        assertEquals(List.of("unnecessary comment", "69 M 1085 1629 x1", "Aldomet, Inderal"), h.comments());
        WfdbSignalSpec mlii = h.signals().get(0);
        // "100.dat 212 200 11 1024 995 -22131 0 MLII": no baseline given -> baseline = ADC zero 1024; no units -> mV
        assertEquals("100.dat", mlii.fileName());
        assertEquals(212, mlii.format());
        assertEquals(200.0, mlii.gain());
        assertEquals(1024, mlii.baseline());
        assertEquals("mV", mlii.units());
        assertEquals(11, mlii.adcResolution());
        assertEquals(1024, mlii.adcZero());
        assertEquals(995, mlii.initialValue());
        assertEquals(-22131, mlii.checksum());
        assertEquals(20052, h.signals().get(1).checksum());
        assertEquals(650000, r.length());

        // xxd -l 3 100.dat: e3 33 f3
        //   MLII = e3 | (33 & 0f) << 8 = 0x0e3 | 0x300 = 0x3e3 = 995   (= the header's initial value)
        //   V5   = f3 | (33 & f0) << 4 = 0x0f3 | 0x300 = 0x3f3 = 1011  (= the header's initial value)
        // xxd -s 231 -l 6 100.dat (frames 77, 78; 77 is the first N beat of 100.atr): a8 44 2a 99 34 ef
        //   frame 77: MLII = a8 | 4 << 8 = 0x4a8 = 1192; V5 = 2a | 40 << 4 = 0x42a = 1066
        //   frame 78: MLII = 99 | 4 << 8 = 0x499 = 1177; V5 = ef | 30 << 4 = 0x3ef = 1007
        // xxd -s 3000 -l 3 100.dat (frame 1000): b1 33 ca -> MLII 0x3b1 = 945, V5 0x3ca = 970
        // last 3 bytes (xxd -s -3): 00 43 00 -> MLII 0x300 = 768, V5 0x400 = 1024 (wfdb_check.py: (768, 1024))
        int[][] frames = {{0, 995, 1011}, {77, 1192, 1066}, {78, 1177, 1007}, {1000, 945, 970}, {649999, 768, 1024}};
        for (int[] f : frames) {
            assertEquals(f[1], r.adc()[0][f[0]], "MLII adc at " + f[0]);
            assertEquals(f[2], r.adc()[1][f[0]], "V5 adc at " + f[0]);
            // mV = (adc - 1024) / 200
            assertEquals((f[1] - 1024) / 200f, r.signals()[0][f[0]], EPS);
            assertEquals((f[2] - 1024) / 200f, r.signals()[1][f[0]], EPS);
        }
        assertEquals(-0.145f, r.signals()[0][0], EPS);
        assertEquals(-0.065f, r.signals()[1][0], EPS);
        assertEquals(0.84f, r.signals()[0][77], EPS);
        assertEquals(-1.28f, r.signals()[0][649999], EPS);
        assertEquals(List.of(), r.checksumMismatches());
    }

    @Test
    void mitBih100Annotations() {
        List<WfdbAnnotation> a = EcgRecords.bundled("100").annotations();
        // wfdb_check.py: 2274 annotations, codes {28: 1, 1: 2239, 8: 33, 5: 1},
        // first [(18, 28), (77, 1), (370, 1)], last (649991, 1)
        assertEquals(2274, a.size());
        Map<String, Integer> bySymbol = new TreeMap<>();
        a.forEach(x -> bySymbol.merge(x.symbol(), 1, Integer::sum));
        assertEquals(Map.of("N", 2239, "A", 33, "V", 1, "+", 1), bySymbol);
        assertEquals(2273, a.stream().filter(WfdbAnnotation::isBeat).count());
        // first word 12 70 = 0x7012: code 0x7012 >> 10 = 28 ('+'), time 0x012 = 18; then AUX (fc03: code 63, 3 bytes) "(N\0" + pad
        assertEquals(18, a.get(0).sample());
        assertEquals("+", a.get(0).symbol());
        assertEquals("(N", a.get(0).aux());
        // 3b 04 = 0x043b: code 1 (N), step 0x03b = 59 -> 18 + 59 = 77
        assertEquals(77, a.get(1).sample());
        assertEquals("N", a.get(1).symbol());
        assertEquals(370, a.get(2).sample());
        assertEquals(649991, a.get(a.size() - 1).sample());
        for (int i = 1; i < a.size(); i++) {
            assertTrue(a.get(i).sample() >= a.get(i - 1).sample(), "annotations in time order at " + i);
        }
    }

    @Test
    void ptbS0010Format16WithAbsentFrankLeads() {
        WfdbRecord r = EcgRecords.bundled("s0010_re");
        WfdbHeader h = r.header();
        assertEquals(15, h.signalCount());
        assertEquals(1000.0, h.samplingHz());
        assertEquals(38400, h.sampleCount());
        assertEquals(38400, r.length());
        assertEquals(38.4, r.durationSeconds(), 1e-12);
        assertEquals(List.of("i", "ii", "iii", "avr", "avl", "avf", "v1", "v2", "v3", "v4", "v5", "v6"), r.leads());
        // the copy has no s0010_re.xyz (Frank leads)
        assertEquals(List.of("vx", "vy", "vz"), r.absentLeads());
        assertEquals("s0010_re.xyz", h.signals().get(12).fileName());
        // "2000": gain 2000 per mV, no baseline -> ADC zero 0, no units -> mV
        assertEquals(2000.0, h.signals().get(0).gain());
        assertEquals(0, h.signals().get(0).baseline());
        assertEquals("mV", h.signals().get(0).units());
        assertTrue(h.comments().contains("Reason for admission: Myocardial infarction"));
        // xxd -l 24 s0010_re.dat: 17fe 36fe 1f00 da01 fcfe 2aff a8ff 0fff 90ff d400 8901 8601 (little-endian int16)
        //   0xfe17 - 65536 = -489, 0xfe36 - 65536 = -458, 0x001f = 31, 0x01da = 474, 0xfefc - 65536 = -260,
        //   0xff2a - 65536 = -214, 0xffa8 - 65536 = -88, 0xff0f - 65536 = -241, 0xff90 - 65536 = -112,
        //   0x00d4 = 212, 0x0189 = 393, 0x0186 = 390   (= the header's initial values)
        int[] first = {-489, -458, 31, 474, -260, -214, -88, -241, -112, 212, 393, 390};
        // xxd -s -24: 0e01 0502 f900 76fe 0b00 7f01 48ff a400 7600 58ff 07ff b3fe
        //   270, 517, 249, 0xfe76 - 65536 = -394, 11, 383, 0xff48 - 65536 = -184, 164, 118, 0xff58 - 65536 = -168,
        //   0xff07 - 65536 = -249, 0xfeb3 - 65536 = -333   (wfdb_check.py prints the same)
        int[] last = {270, 517, 249, -394, 11, 383, -184, 164, 118, -168, -249, -333};
        for (int l = 0; l < 12; l++) {
            assertEquals(first[l], r.adc()[l][0], "lead " + l);
            assertEquals(last[l], r.adc()[l][38399], "lead " + l);
            assertEquals(first[l] / 2000f, r.signals()[l][0], EPS);
            assertEquals(last[l] / 2000f, r.signals()[l][38399], EPS);
        }
        assertEquals(-0.2445f, r.signals()[0][0], EPS);
        assertEquals(List.of(), r.checksumMismatches());
        assertEquals(List.of(), r.annotations());
    }

    @Test
    void ptbXl00001Format16() {
        WfdbRecord r = EcgRecords.bundled("00001_lr");
        WfdbHeader h = r.header();
        assertEquals(12, h.signalCount());
        assertEquals(100.0, h.samplingHz());
        assertEquals(1000, h.sampleCount());
        assertEquals(List.of("I", "II", "III", "AVR", "AVL", "AVF", "V1", "V2", "V3", "V4", "V5", "V6"), r.leads());
        assertEquals(List.of(), r.absentLeads());
        // "1000.0(0)/mV": gain 1000, baseline 0, units mV
        WfdbSignalSpec s = h.signals().get(0);
        assertEquals(1000.0, s.gain());
        assertEquals(0, s.baseline());
        assertEquals("mV", s.units());
        assertEquals(16, s.adcResolution());
        assertEquals(1508, s.checksum());
        // xxd -l 48 00001_lr.dat, frame 0: 89ff c9ff 4000 5600 a5ff 0400 bbff e1ff 0000 e6ff d9ff b1ff
        //   0xff89 - 65536 = -119, 0xffc9 - 65536 = -55, 64, 86, 0xffa5 - 65536 = -91, 4,
        //   0xffbb - 65536 = -69, 0xffe1 - 65536 = -31, 0, 0xffe6 - 65536 = -26, 0xffd9 - 65536 = -39, 0xffb1 - 65536 = -79
        int[] f0 = {-119, -55, 64, 86, -91, 4, -69, -31, 0, -26, -39, -79};
        // frame 1: 8cff cdff 4100 5300 a6ff 0600 c0ff dcff fdff e1ff deff b6ff
        int[] f1 = {-116, -51, 65, 83, -90, 6, -64, -36, -3, -31, -34, -74};
        // last frame (xxd -s -24): 1600 e1ff caff 0500 2600 d6ff ffff 6b00 6bff 8f00 ddff 88ff
        int[] last = {22, -31, -54, 5, 38, -42, -1, 107, -149, 143, -35, -120};
        for (int l = 0; l < 12; l++) {
            assertEquals(f0[l], r.adc()[l][0]);
            assertEquals(f1[l], r.adc()[l][1]);
            assertEquals(last[l], r.adc()[l][999]);
            assertEquals(f0[l] / 1000f, r.signals()[l][0], EPS);
            assertEquals(last[l] / 1000f, r.signals()[l][999], EPS);
        }
        // wfdb_check.py checksums [1508, 723, -778, -1113, ...]; the header writes -778 as 64758 (mod 2^16)
        assertArrayEquals(new int[]{1508, 723, -778, -1113, 1211, 7, -1709, 6999, -1777, -4089, -557, 832}, r.checksums());
        assertEquals(List.of(), r.checksumMismatches());
    }
}
