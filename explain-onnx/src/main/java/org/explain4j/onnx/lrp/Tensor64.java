package org.explain4j.onnx.lrp;

import org.explain4j.tensor.FloatTensor;

import java.util.Arrays;

/** A dense row-major double tensor: activations and relevance inside the LRP pass. */
record Tensor64(long[] shape, double[] data) {

    Tensor64 {
        if (FloatTensor.elementCount(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " for " + data.length + " values");
        }
    }

    static Tensor64 of(FloatTensor t) {
        float[] f = t.data();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return new Tensor64(t.shape(), d);
    }

    int size() {
        return data.length;
    }

    int rank() {
        return shape.length;
    }

    int dim(int axis) {
        return Math.toIntExact(shape[axis]);
    }

    /** Row-major strides. */
    static int[] strides(long[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc = Math.multiplyExact(acc, Math.toIntExact(shape[d]));
        }
        return s;
    }

    static int product(long[] shape, int from, int to) {
        long p = 1;
        for (int d = from; d < to; d++) {
            p *= shape[d];
        }
        return Math.toIntExact(p);
    }
}
