package org.explain4j.onnx.lrp;

import org.explain4j.ExplainException;
import org.explain4j.onnx.graph.OnnxNode;

import java.util.Arrays;

/**
 * Sliding-window geometry of Conv and the pools from a node's attributes and the sizes the
 * runtime produced: kernel, strides, dilations and padding (explicit {@code pads} or
 * {@code auto_pad}), and for pools the window of every output position.
 */
final class Windows {

    /** Geometry over the spatial axes. */
    record Geometry(int[] kernel, int[] strides, int[] padsBegin, int[] padsEnd, int[] dilations) {
    }

    private Windows() {
    }

    /**
     * @param kernel kernel sizes (from the weights for Conv, {@code kernel_shape} for pools)
     */
    static Geometry geometry(OnnxNode n, long[] inSpatial, long[] outSpatial, int[] kernel) {
        int r = inSpatial.length;
        int[] strides = ints(n.attrInts("strides"), r, 1, n, "strides");
        int[] dilations = ints(n.attrInts("dilations"), r, 1, n, "dilations");
        int[] begin = new int[r];
        int[] end = new int[r];
        String autoPad = n.attrString("auto_pad", "NOTSET");
        switch (autoPad) {
            case "NOTSET", "" -> {
                long[] pads = n.attrInts("pads");
                if (pads != null) {
                    if (pads.length != 2 * r) {
                        throw new ExplainException(n.op() + " node '" + n.label() + "' has " + pads.length
                                + " pads for " + r + " spatial axes; expected " + 2 * r);
                    }
                    for (int d = 0; d < r; d++) {
                        begin[d] = (int) pads[d];
                        end[d] = (int) pads[d + r];
                    }
                }
            }
            case "VALID" -> {
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                for (int d = 0; d < r; d++) {
                    long total = Math.max(0, (outSpatial[d] - 1) * strides[d] + (long) (kernel[d] - 1) * dilations[d]
                            + 1 - inSpatial[d]);
                    int small = (int) (total / 2);
                    int large = (int) (total - small);
                    begin[d] = autoPad.equals("SAME_UPPER") ? small : large;
                    end[d] = autoPad.equals("SAME_UPPER") ? large : small;
                }
            }
            default -> throw new ExplainException(n.op() + " node '" + n.label() + "' has auto_pad '" + autoPad
                    + "'; expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
        }
        return new Geometry(kernel.clone(), strides, begin, end, dilations);
    }

    private static int[] ints(long[] v, int r, int fallback, OnnxNode n, String what) {
        int[] out = new int[r];
        Arrays.fill(out, fallback);
        if (v == null) {
            return out;
        }
        if (v.length != r) {
            throw new ExplainException(n.op() + " node '" + n.label() + "' has " + v.length + " " + what + " for "
                    + r + " spatial axes");
        }
        for (int d = 0; d < r; d++) {
            out[d] = (int) v[d];
        }
        return out;
    }

    /**
     * The windows of a pool over one channel plane: output position {@code j} reads plane
     * offsets {@code taps[start[j] .. start[j+1])}; {@code padded[j]} counts its taps inside the
     * padded input (what {@code count_include_pad} divides by).
     */
    record Table(int[] start, int[] taps, int[] padded, int inPlane, int outPlane) {
    }

    static Table table(long[] inSpatial, long[] outSpatial, Geometry g) {
        int r = inSpatial.length;
        int[] in = new int[3];
        int[] out = new int[3];
        int[] k = new int[3];
        int[] s = new int[3];
        int[] pb = new int[3];
        int[] pe = new int[3];
        int[] dl = new int[3];
        Arrays.fill(in, 1);
        Arrays.fill(out, 1);
        Arrays.fill(k, 1);
        Arrays.fill(s, 1);
        Arrays.fill(dl, 1);
        int shift = 3 - r;
        for (int d = 0; d < r; d++) {
            in[d + shift] = (int) inSpatial[d];
            out[d + shift] = (int) outSpatial[d];
            k[d + shift] = g.kernel()[d];
            s[d + shift] = g.strides()[d];
            pb[d + shift] = g.padsBegin()[d];
            pe[d + shift] = g.padsEnd()[d];
            dl[d + shift] = g.dilations()[d];
        }
        int outPlane = out[0] * out[1] * out[2];
        int[] start = new int[outPlane + 1];
        int[] padded = new int[outPlane];
        int[] taps = new int[outPlane * k[0] * k[1] * k[2]];
        int count = 0;
        int j = 0;
        for (int o0 = 0; o0 < out[0]; o0++) {
            for (int o1 = 0; o1 < out[1]; o1++) {
                for (int o2 = 0; o2 < out[2]; o2++) {
                    start[j] = count;
                    int pad = 0;
                    for (int k0 = 0; k0 < k[0]; k0++) {
                        int i0 = o0 * s[0] - pb[0] + k0 * dl[0];
                        if (i0 >= in[0] + pe[0]) {
                            continue;
                        }
                        for (int k1 = 0; k1 < k[1]; k1++) {
                            int i1 = o1 * s[1] - pb[1] + k1 * dl[1];
                            if (i1 >= in[1] + pe[1]) {
                                continue;
                            }
                            for (int k2 = 0; k2 < k[2]; k2++) {
                                int i2 = o2 * s[2] - pb[2] + k2 * dl[2];
                                if (i2 >= in[2] + pe[2]) {
                                    continue;
                                }
                                pad++;
                                if (i0 >= 0 && i0 < in[0] && i1 >= 0 && i1 < in[1] && i2 >= 0 && i2 < in[2]) {
                                    taps[count++] = (i0 * in[1] + i1) * in[2] + i2;
                                }
                            }
                        }
                    }
                    padded[j] = pad;
                    j++;
                }
            }
        }
        start[outPlane] = count;
        return new Table(start, Arrays.copyOf(taps, count), padded, in[0] * in[1] * in[2], outPlane);
    }
}
