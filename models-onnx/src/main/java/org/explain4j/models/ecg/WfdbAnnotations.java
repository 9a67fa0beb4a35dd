package org.explain4j.models.ecg;

import org.explain4j.ExplainException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes WFDB annotation files in MIT format: 16-bit little-endian words whose top 6 bits are
 * the code and low 10 bits the time step, with pseudo-codes SKIP (59, a 32-bit step follows),
 * NUM (60), SUB (61), CHN (62) and AUX (63, text follows) that modify the annotation before them.
 */
public final class WfdbAnnotations {
    static final int SKIP = 59;
    static final int NUM = 60;
    static final int SUB = 61;
    static final int CHN = 62;
    static final int AUX = 63;

    private WfdbAnnotations() {
    }

    public static List<WfdbAnnotation> decode(byte[] b, String source) {
        List<WfdbAnnotation> out = new ArrayList<>();
        long time = 0;
        int num = 0;
        int chan = 0;
        int p = 0;
        while (p + 2 <= b.length) {
            int w = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
            p += 2;
            int code = w >>> 10;
            int value = w & 0x3FF;
            if (code == 0 && value == 0) {
                return out; // end of file marker
            }
            switch (code) {
                case SKIP -> {
                    need(b, p, 4, source);
                    // PDP-11 long: the high 16-bit word first, each word little-endian
                    int hi = (short) ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8);
                    int lo = (b[p + 2] & 0xFF) | (b[p + 3] & 0xFF) << 8;
                    time += (long) hi << 16 | lo;
                    p += 4;
                }
                case NUM -> {
                    num = value;
                    replaceLast(out, a -> new WfdbAnnotation(a.sample(), a.code(), a.subtype(), a.channel(), value, a.aux()));
                }
                case SUB -> replaceLast(out, a -> new WfdbAnnotation(a.sample(), a.code(), value, a.channel(), a.num(), a.aux()));
                case CHN -> {
                    chan = value;
                    replaceLast(out, a -> new WfdbAnnotation(a.sample(), a.code(), a.subtype(), value, a.num(), a.aux()));
                }
                case AUX -> {
                    need(b, p, value, source);
                    int len = value;
                    while (len > 0 && b[p + len - 1] == 0) {
                        len--; // the text is NUL-terminated inside its length
                    }
                    String text = new String(b, p, len, StandardCharsets.ISO_8859_1);
                    p += value + (value & 1);
                    replaceLast(out, a -> new WfdbAnnotation(a.sample(), a.code(), a.subtype(), a.channel(), a.num(), text));
                }
                default -> {
                    time += value;
                    out.add(new WfdbAnnotation(time, code, 0, chan, num, ""));
                }
            }
        }
        if (p != b.length) {
            throw new ExplainException("annotation file " + source + " ends inside a word (" + b.length
                    + " bytes); MIT-format annotation files hold whole 16-bit words");
        }
        return out; // no end marker: WFDB accepts the end of the file
    }

    private static void need(byte[] b, int p, int n, String source) {
        if (p + n > b.length) {
            throw new ExplainException("annotation file " + source + " is truncated: a field at byte " + p + " needs "
                    + n + " bytes but only " + (b.length - p) + " remain");
        }
    }

    private static void replaceLast(List<WfdbAnnotation> out, java.util.function.UnaryOperator<WfdbAnnotation> f) {
        if (out.isEmpty()) {
            return; // a modifier before any annotation (only sets the carried-over num/chan)
        }
        out.set(out.size() - 1, f.apply(out.get(out.size() - 1)));
    }
}
