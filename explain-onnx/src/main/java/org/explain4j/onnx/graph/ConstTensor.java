package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.Arrays;

/**
 * A small tensor whose values are known when the graph is built: an initializer, a Constant,
 * or something folded from them. Integer and boolean types keep exact values in
 * {@link #longs()}; floating types keep theirs in {@link #doubles()}; both arrays are filled so
 * callers can read either.
 */
public record ConstTensor(int dataType, long[] dims, long[] longs, double[] doubles) {

    public ConstTensor {
        dims = dims.clone();
        if (longs == null) {
            longs = new long[doubles.length];
            for (int i = 0; i < doubles.length; i++) {
                longs[i] = (long) doubles[i];
            }
        }
        if (doubles == null) {
            doubles = new double[longs.length];
            for (int i = 0; i < longs.length; i++) {
                doubles[i] = longs[i];
            }
        }
    }

    public static ConstTensor of(TensorProto t) {
        long[] dims = Tensors.dims(t);
        if (Tensors.isFloating(t.getDataType())) {
            return new ConstTensor(t.getDataType(), dims, null, Tensors.toDoubles(t));
        }
        return new ConstTensor(t.getDataType(), dims, Tensors.toLongs(t), null);
    }

    /** A 1-D int64 tensor. */
    public static ConstTensor ofLongs(long... values) {
        return new ConstTensor(DataType.INT64_VALUE, new long[] {values.length}, values.clone(), null);
    }

    /** An int64 tensor of the given shape. */
    public static ConstTensor ofLongs(long[] dims, long[] values) {
        return new ConstTensor(DataType.INT64_VALUE, dims, values.clone(), null);
    }

    public boolean isFloating() {
        return Tensors.isFloating(dataType);
    }

    public int size() {
        return longs.length;
    }

    public int rank() {
        return dims.length;
    }

    /** The single value of a scalar or one-element tensor. */
    public long scalarLong() {
        if (longs.length != 1) {
            throw new IllegalStateException("not a single value: shape " + Arrays.toString(dims));
        }
        return longs[0];
    }

    public double scalarDouble() {
        if (doubles.length != 1) {
            throw new IllegalStateException("not a single value: shape " + Arrays.toString(dims));
        }
        return doubles[0];
    }

    /** This tensor as an ONNX initializer named {@code name}. */
    public TensorProto toProto(String name) {
        if (isFloating()) {
            return Tensors.ofType(name, dataType, dims, doubles);
        }
        if (dataType == DataType.INT64_VALUE) {
            return Tensors.ofLongs(name, dims, longs);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType);
        for (long d : dims) {
            t.addDims(d);
        }
        for (long v : longs) {
            if (dataType == DataType.UINT64_VALUE || dataType == DataType.UINT32_VALUE) {
                t.addUint64Data(v);
            } else {
                t.addInt32Data((int) v);
            }
        }
        return t.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConstTensor c && c.dataType == dataType && Arrays.equals(c.dims, dims)
                && Arrays.equals(c.longs, longs) && Arrays.equals(c.doubles, doubles);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + Arrays.hashCode(doubles);
    }

    @Override
    public String toString() {
        return Tensors.typeName(dataType) + Arrays.toString(dims) + " "
                + (isFloating() ? Arrays.toString(doubles) : Arrays.toString(longs));
    }
}
