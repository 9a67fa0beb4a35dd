package org.explain4j.models.ecg;

import org.explain4j.ExplainException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken copies of the real records (in a temp folder) and hand-made files: decoding details and clear errors. */
class WfdbErrorsTest {
    @TempDir
    Path dir;

    static Path copy(Path dir, String file) throws IOException {
        try (InputStream in = WfdbErrorsTest.class.getClassLoader().getResourceAsStream(EcgRecords.FOLDER + "/" + file)) {
            Path p = dir.resolve(file);
            Files.copy(in, p);
            return p;
        }
    }

    private String error(Path hea) {
        ExplainException e = assertThrows(ExplainException.class, () -> WfdbReader.read(hea));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void intactCopyReadsFromAFolderLikeFromTheClasspath() throws IOException {
        Path hea = copy(dir, "00001_lr.hea");
        copy(dir, "00001_lr.dat");
        WfdbRecord fromFile = WfdbReader.read(hea);
        WfdbRecord bundled = EcgRecords.bundled("00001_lr");
        assertArrayEquals(bundled.signals()[3], fromFile.signals()[3]);
        // the record name without .hea works too
        assertEquals(1000, WfdbReader.read(dir.resolve("00001_lr")).length());
    }

    @Test
    void truncatedDatNamesExpectedAndActualBytes() throws IOException {
        Path hea = copy(dir, "100.hea");
        Path dat = copy(dir, "100.dat");
        byte[] b = Files.readAllBytes(dat);
        Files.write(dat, Arrays.copyOf(b, b.length - 3));
        String m = error(hea);
        // 650000 frames x 2 signals = 1300000 samples, 3 bytes per pair -> 1950000 bytes
        assertTrue(m.contains("is truncated") && m.contains("need 1950000 bytes") && m.contains("the file has 1949997"), m);
        assertTrue(m.contains("format 212"), m);
    }

    @Test
    void headerNamingAMissingFile() throws IOException {
        Path hea = copy(dir, "00001_lr.hea");
        String m = error(hea);
        assertTrue(m.contains("names signal file 00001_lr.dat") && m.contains("does not exist"), m);
        // the bundled s0010_re names s0010_re.xyz, which is not there: strict reading fails too
        Path ptb = copy(dir, "s0010_re.hea");
        copy(dir, "s0010_re.dat");
        String m2 = error(ptb);
        assertTrue(m2.contains("s0010_re.xyz") && m2.contains("vx, vy, vz"), m2);
        assertEquals(List.of("vx", "vy", "vz"), WfdbReader.read(ptb, true).absentLeads());
    }

    @Test
    void unsupportedFormatNamesTheSupportedOnes() throws IOException {
        copy(dir, "00001_lr.dat");
        Path hea = dir.resolve("00001_lr.hea");
        Files.writeString(hea, "00001_lr 1 100 1000\n00001_lr.dat 310 1000.0(0)/mV 16 0 -119 1508 0 I\n");
        String m = error(hea);
        assertTrue(m.contains("format 310") && m.contains("not supported") && m.contains("16") && m.contains("212"), m);
    }

    @Test
    void malformedHeaderLines() throws IOException {
        Path hea = dir.resolve("x.hea");
        Files.writeString(hea, "x 1 abc 10\nx.dat 16 200 16 0 0 0 0 I\n");
        String m = error(hea);
        assertTrue(m.contains("line 1") && m.contains("sampling frequency") && m.contains("'abc'"), m);

        Files.writeString(hea, "# comment\nx 1 100 10\nx.dat 16 2oo/mV 16 0 0 0 0 I\n");
        m = error(hea);
        assertTrue(m.contains("line 3") && m.contains("gain") && m.contains("200(0)/mV"), m);

        Files.writeString(hea, "x 2 100 10\nx.dat 16 200 16 0 0 0 0 I\n");
        m = error(hea);
        assertTrue(m.contains("announces 2 signals") && m.contains("1 signal lines"), m);

        Files.writeString(hea, "# only a comment\n");
        assertTrue(error(hea).contains("no record line"));
    }

    @Test
    void missingHeader() {
        String m = error(dir.resolve("nope.hea"));
        assertTrue(m.contains("nope.hea does not exist") && m.contains("give a record's .hea file"), m);
        ExplainException e = assertThrows(ExplainException.class, () -> EcgRecords.bundled("101"));
        assertTrue(e.getMessage().contains("bundled: 100, s0010_re, 00001_lr"), e.getMessage());
    }

    @Test
    void format212SignExtensionAndOddSampleCount() throws IOException {
        // three 12-bit samples of one signal: -5 = 0xffb, 300 = 0x12c, -1000 = 4096 - 1000 = 3096 = 0xc18
        // byte0 = low 8 bits of s0 = fb; byte1 = (s1 >> 8) << 4 | (s0 >> 8) = 1 << 4 | f = 1f; byte2 = low 8 of s1 = 2c;
        // the odd last sample takes 2 bytes: 18, then its high nibble c in the low half of the next byte: 0c
        Files.write(dir.resolve("t.dat"), new byte[]{(byte) 0xfb, 0x1f, 0x2c, 0x18, 0x0c});
        Files.writeString(dir.resolve("t.hea"), "t 1 250 3\nt.dat 212 100(10)/uV 12 0 -5 0 0 ECG\n");
        WfdbRecord r = WfdbReader.read(dir.resolve("t.hea"));
        assertArrayEquals(new int[]{-5, 300, -1000}, r.adc()[0]);
        // (adc - 10) / 100 uV, then uV -> mV: / 1000
        assertArrayEquals(new float[]{-15e-5f, 290e-5f, -1010e-5f}, r.signals()[0], 1e-9f);
        assertEquals(List.of("mV"), r.units());
        // a byte short -> truncated: 3 samples need 5 bytes
        Files.write(dir.resolve("t.dat"), new byte[]{(byte) 0xfb, 0x1f, 0x2c, 0x18});
        assertTrue(error(dir.resolve("t.hea")).contains("need 5 bytes, the file has 4"));
    }

    @Test
    void format16TwoFilesOffsetAndNoSampleCount() throws IOException {
        // a.dat: 4 bytes of prefix, then frames (s0, s1) = (1, -2), (3, -4) as little-endian int16
        Files.write(dir.resolve("a.dat"), new byte[]{9, 9, 9, 9, 1, 0, (byte) 0xfe, (byte) 0xff, 3, 0, (byte) 0xfc, (byte) 0xff});
        Files.write(dir.resolve("b.dat"), new byte[]{0x10, 0x27, (byte) 0xf0, (byte) 0xd8}); // 10000, -10000
        Files.writeString(dir.resolve("r.hea"), "r 3 500\na.dat 16+4 0 16 7 0 0 0 avr\na.dat 16+4 2/V\n"
                + "b.dat 16 1000/uV 16 0 0 0 0 V1\n");
        WfdbRecord r = WfdbReader.read(dir.resolve("r.hea"));
        assertEquals(2, r.length());
        assertArrayEquals(new int[]{1, 3}, r.adc()[0]);
        assertArrayEquals(new int[]{-2, -4}, r.adc()[1]);
        assertArrayEquals(new int[]{10000, -10000}, r.adc()[2]);
        // gain 0 -> 200, baseline = ADC zero 7: (1 - 7) / 200 = -0.03
        assertArrayEquals(new float[]{-0.03f, -0.02f}, r.signals()[0], 1e-7f);
        // 2 per V, baseline 0: -2 / 2 = -1 V = -1000 mV
        assertArrayEquals(new float[]{-1000f, -2000f}, r.signals()[1], 1e-3f);
        // 1000 per uV: 10000 / 1000 = 10 uV = 0.01 mV
        assertArrayEquals(new float[]{0.01f, -0.01f}, r.signals()[2], 1e-8f);
        assertEquals(0, r.leadIndex("aVR"));
        assertEquals(2, r.leadIndex("v1"));
    }

    @Test
    void headerVariants() {
        // counter frequency and base counter, base time and date; a signal line with only file and format;
        // gain 0 with a baseline and units
        WfdbHeader h = WfdbHeader.parse(List.of("  # lead comment", "rec 2 360/720(5) 1000 12:00:00 25/12/2020",
                "rec.dat 16", "rec.dat 16 0(-3)/uV 12 100 0 0 0 Lead V1 (chest)"), "variants.hea");
        assertEquals(360.0, h.samplingHz());
        assertEquals(1000, h.sampleCount());
        assertEquals(List.of("lead comment"), h.comments());
        WfdbSignalSpec bare = h.signals().get(0);
        assertEquals(200.0, bare.gain());
        assertEquals(0, bare.baseline());
        assertEquals("mV", bare.units());
        assertEquals("", bare.description());
        assertEquals(false, bare.hasChecksum());
        WfdbSignalSpec v1 = h.signals().get(1);
        assertEquals(200.0, v1.gain());
        assertEquals(-3, v1.baseline());
        assertEquals(100, v1.adcZero());
        assertEquals("uV", v1.units());
        assertEquals("Lead V1 (chest)", v1.description());
        // no frequency or length: WFDB's default 250 Hz, length from the file
        WfdbHeader minimal = WfdbHeader.parse(List.of("m 1", "m.dat 212"), "minimal.hea");
        assertEquals(250.0, minimal.samplingHz());
        assertEquals(-1, minimal.sampleCount());
    }

    @Test
    void handMadeAnnotations() {
        byte[] b = {
            0x0a, 0x04,                                 // 0x040a: code 1 (N), step 10 -> sample 10
            0x00, (byte) 0xec, 0x01, 0x00, (byte) 0xa0, (byte) 0x86, // SKIP (59 << 10 = 0xec00), then hi 0x0001, lo 0x86a0 = 100000
            0x05, 0x14,                                 // 0x1405: code 5 (V), step 5 -> 10 + 100000 + 5
            0x02, (byte) 0xf4,                          // 0xf402: SUB (61) = 2
            0x05, (byte) 0xfc, '(', 'A', 'F', 'I', 'B', 0, // 0xfc05: AUX (63), 5 bytes, padded to 6
            0x03, (byte) 0xf8,                          // 0xf803: CHN (62) = 3
            0x01, 0x70,                                 // 0x7001: code 28 (+), step 1
            0x00, 0x00};                                // end
        List<WfdbAnnotation> a = WfdbAnnotations.decode(b, "hand-made");
        assertEquals(3, a.size());
        assertEquals(new WfdbAnnotation(10, 1, 0, 0, 0, ""), a.get(0));
        assertEquals(new WfdbAnnotation(100015, 5, 2, 3, 0, "(AFIB"), a.get(1));
        assertEquals("V", a.get(1).symbol());
        // CHN carries over to the next annotation, SUB does not
        assertEquals(new WfdbAnnotation(100016, 28, 0, 3, 0, ""), a.get(2));
        assertEquals("+", a.get(2).symbol());
        ExplainException e = assertThrows(ExplainException.class,
                () -> WfdbAnnotations.decode(new byte[]{0x00, (byte) 0xec, 0x01}, "cut.atr"));
        assertTrue(e.getMessage().contains("cut.atr is truncated"), e.getMessage());
    }
}
