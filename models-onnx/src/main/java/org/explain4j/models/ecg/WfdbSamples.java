package org.explain4j.models.ecg;

import org.explain4j.ExplainException;

/**
 * Decodes the samples of one WFDB signal file: {@code signals} signals interleaved frame by frame
 * (frame = one sample of each signal), in format 16 or 212.
 */
final class WfdbSamples {
    /** Formats this reader decodes. */
    static final String SUPPORTED = "16 (16-bit little-endian) and 212 (two 12-bit samples in 3 bytes)";

    private WfdbSamples() {
    }

    /** Bytes that {@code frames} frames of {@code signals} signals take in {@code format}. */
    static long bytesNeeded(int format, int signals, long frames) {
        long samples = frames * signals;
        return switch (format) {
            case 16 -> 2 * samples;
            // pairs take 3 bytes; an odd last sample still takes 2 (byte 0 and the low nibble of byte 1)
            case 212 -> samples / 2 * 3 + (samples % 2 == 1 ? 2 : 0);
            default -> throw new IllegalArgumentException("format " + format);
        };
    }

    /** Frames the bytes after {@code offset} hold completely. */
    static long framesIn(int format, int signals, long bytes) {
        if (signals == 0) {
            return 0;
        }
        long samples = format == 16 ? bytes / 2 : bytes / 3 * 2 + (bytes % 3 == 2 ? 1 : 0);
        return samples / signals;
    }

    static void checkFormat(int format, String signal, String source) {
        if (format != 16 && format != 212) {
            throw new ExplainException("signal '" + signal + "' of " + source + " is stored in WFDB format " + format
                    + ", which is not supported; supported formats: " + SUPPORTED);
        }
    }

    /**
     * Returns {@code [signal][frame]} ADC values. The caller has checked that {@code bytes} holds
     * {@link #bytesNeeded} bytes after {@code offset}.
     */
    static int[][] decode(byte[] bytes, int offset, int format, int signals, int frames) {
        int[][] out = new int[signals][frames];
        long total = (long) signals * frames;
        if (format == 16) {
            int p = offset;
            for (int t = 0; t < frames; t++) {
                for (int s = 0; s < signals; s++, p += 2) {
                    out[s][t] = (short) ((bytes[p] & 0xFF) | (bytes[p + 1] << 8));
                }
            }
            return out;
        }
        int p = offset;
        for (long k = 0; k < total; k += 2, p += 3) {
            int b0 = bytes[p] & 0xFF;
            int b1 = bytes[p + 1] & 0xFF;
            put(out, signals, k, signExtend12(b0 | (b1 & 0x0F) << 8));
            if (k + 1 < total) {
                int b2 = bytes[p + 2] & 0xFF;
                put(out, signals, k + 1, signExtend12(b2 | (b1 & 0xF0) << 4));
            }
        }
        return out;
    }

    /** The value WFDB writes for a missing sample in {@code format}. */
    static int invalidSample(int format) {
        return format == 212 ? -2048 : -32768;
    }

    private static void put(int[][] out, int signals, long k, int v) {
        out[(int) (k % signals)][(int) (k / signals)] = v;
    }

    private static int signExtend12(int v) {
        return (v << 20) >> 20;
    }
}
