package org.explain4j.onnx.graph;

import org.explain4j.ExplainException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Shape arithmetic as ONNX defines it: axes, broadcasting, reshape, squeeze, slicing. */
public final class ShapeMath {

    private ShapeMath() {
    }

    /** {@code axis} in {@code [-rank, rank)} mapped to {@code [0, rank)}. */
    public static long normalizeAxis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.max(rank, 1)) {
            throw new ExplainException("axis " + axis + " is out of range for a tensor of rank " + rank);
        }
        return a;
    }

    /** An index for {@code Shape}'s start/end: negative counts from the end, clamped to {@code [0, rank]}. */
    static long clampAxis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        return Math.max(0, Math.min(rank, a));
    }

    /** Numpy-style broadcast of two static shapes. */
    public static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i < r - a.length ? 1 : a[i - (r - a.length)];
            long db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new ExplainException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Flat index into a tensor of shape {@code from} for flat index {@code i} of its broadcast {@code to}. */
    public static int broadcastIndex(int i, long[] to, long[] from) {
        int idx = 0;
        int stride = 1;
        int rem = i;
        int off = to.length - from.length;
        for (int d = to.length - 1; d >= 0; d--) {
            int size = (int) to[d];
            int coord = rem % size;
            rem /= size;
            if (d >= off) {
                int fs = (int) from[d - off];
                idx += (fs == 1 ? 0 : coord) * stride;
                stride *= fs;
            }
        }
        return idx;
    }

    /** The target shape of a Reshape: 0 copies the input dimension (unless allowzero), -1 is inferred. */
    public static long[] reshape(long[] input, long[] target, boolean allowZero) {
        long[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                out[i] = input[i];
            }
            if (out[i] == -1) {
                infer = i;
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0) {
            out[infer] = known == 0 ? 0 : Tensors.elementCount(input) / known;
        }
        return out;
    }

    /** Dimensions with size-1 axes inserted at {@code axes} (positions in the output). */
    public static long[] unsqueeze(long[] dims, long[] axes) {
        int r = dims.length + axes.length;
        boolean[] inserted = new boolean[r];
        for (long a : axes) {
            inserted[(int) normalizeAxis(a, r)] = true;
        }
        long[] out = new long[r];
        int j = 0;
        for (int i = 0; i < r; i++) {
            out[i] = inserted[i] ? 1 : dims[j++];
        }
        return out;
    }

    /** Dimensions with {@code axes} removed, or every size-1 axis when {@code axes} is empty. */
    public static long[] squeeze(long[] dims, long[] axes) {
        boolean[] drop = new boolean[dims.length];
        if (axes.length == 0) {
            for (int i = 0; i < dims.length; i++) {
                drop[i] = dims[i] == 1;
            }
        } else {
            for (long a : axes) {
                drop[(int) normalizeAxis(a, dims.length)] = true;
            }
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            if (!drop[i]) {
                out.add(dims[i]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** The source positions a Slice with these parameters picks from an axis of length {@code n}. */
    public static int[] sliceIndices(long n, long start, long end, long step) {
        if (step == 0) {
            throw new ExplainException("Slice step must not be 0");
        }
        long s = start < 0 ? start + n : start;
        long e = end < 0 ? end + n : end;
        if (step > 0) {
            s = Math.max(0, Math.min(n, s));
            e = Math.max(0, Math.min(n, e));
        } else {
            s = Math.max(-1, Math.min(n - 1, s));
            e = Math.max(-1, Math.min(n - 1, e));
        }
        List<Integer> picks = new ArrayList<>();
        for (long i = s; step > 0 ? i < e : i > e; i += step) {
            picks.add((int) i);
        }
        return picks.stream().mapToInt(Integer::intValue).toArray();
    }
}
