package org.explain4j.model;

import java.util.Arrays;

/**
 * Name, shape and element type of a model input or output. A dimension of -1 is dynamic
 * (typically the batch).
 */
public record TensorInfo(String name, long[] shape, String dtype) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Shape of one sample (without the batch dimension). */
    public long[] sampleShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** Shape as users read it: {@code [N,30]} with N for a dynamic dimension. */
    public String shapeText() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(shape[i] < 0 ? "N" : Long.toString(shape[i]));
        }
        return sb.append(']').toString();
    }

    @Override
    public String toString() {
        return name + shapeText() + ":" + dtype;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && dtype.equals(t.dtype);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + dtype.hashCode();
    }
}
