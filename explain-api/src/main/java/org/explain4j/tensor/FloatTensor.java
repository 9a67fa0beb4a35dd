package org.explain4j.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense row-major float tensor. The first dimension is the batch wherever a tensor carries
 * samples. The array is owned by the tensor: callers must not mutate what {@link #data()}
 * returns unless they created the tensor from that array themselves.
 */
public final class FloatTensor {
    private final long[] shape;
    private final float[] data;

    public FloatTensor(long[] shape, float[] data) {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        long n = elementCount(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but the data has " + data.length);
        }
        this.shape = shape.clone();
        this.data = data;
    }

    public static FloatTensor zeros(long... shape) {
        return new FloatTensor(shape, new float[Math.toIntExact(elementCount(shape))]);
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    /** Number of samples: the first dimension. */
    public int batchSize() {
        return Math.toIntExact(shape[0]);
    }

    /** Shape of one sample: the shape without the batch dimension. */
    public long[] sampleShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** Elements per sample. */
    public int sampleSize() {
        return Math.toIntExact(elementCount(sampleShape()));
    }

    public int size() {
        return data.length;
    }

    /** The backing array (not a copy). */
    public float[] data() {
        return data;
    }

    public float get(int flatIndex) {
        return data[flatIndex];
    }

    /** Samples {@code [from, to)} as a new tensor (copies). */
    public FloatTensor slice(int from, int to) {
        if (from < 0 || to > batchSize() || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + "," + to + ") of batch " + batchSize());
        }
        int s = sampleSize();
        long[] newShape = shape.clone();
        newShape[0] = to - from;
        return new FloatTensor(newShape, Arrays.copyOfRange(data, from * s, to * s));
    }

    /** One sample, keeping a batch dimension of 1. */
    public FloatTensor sample(int i) {
        return slice(i, i + 1);
    }

    /** A copy of sample {@code i}'s values. */
    public float[] sampleData(int i) {
        int s = sampleSize();
        return Arrays.copyOfRange(data, i * s, (i + 1) * s);
    }

    /** Same data, new shape with the same element count. */
    public FloatTensor reshape(long... newShape) {
        return new FloatTensor(newShape, data);
    }

    public FloatTensor copy() {
        return new FloatTensor(shape, data.clone());
    }

    /** Concatenates tensors along the batch dimension; all must share the sample shape. */
    public static FloatTensor concat(java.util.List<FloatTensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        long[] sample = parts.get(0).sampleShape();
        int total = 0;
        for (FloatTensor p : parts) {
            if (!Arrays.equals(sample, p.sampleShape())) {
                throw new IllegalArgumentException("cannot concatenate sample shapes " + Arrays.toString(sample)
                        + " and " + Arrays.toString(p.sampleShape()));
            }
            total += p.batchSize();
        }
        long[] shape = new long[sample.length + 1];
        shape[0] = total;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        float[] out = new float[Math.toIntExact(elementCount(shape))];
        int offset = 0;
        for (FloatTensor p : parts) {
            System.arraycopy(p.data, 0, out, offset, p.data.length);
            offset += p.data.length;
        }
        return new FloatTensor(shape, out);
    }

    /** Index of the first NaN or infinite element, or -1 when all are finite. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Multi-dimensional index of a flat index, for error messages. */
    public String indexOf(int flatIndex) {
        long[] idx = new long[shape.length];
        long rest = flatIndex;
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : rest % shape[d];
            rest = shape[d] == 0 ? 0 : rest / shape[d];
        }
        return Arrays.toString(idx);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
