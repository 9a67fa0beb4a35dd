package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import org.explain4j.ExplainException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decoding and encoding of ONNX tensors. Values come either packed little-endian in
 * {@code raw_data} or in the typed repeated field that the data type prescribes
 * ({@code float_data}, {@code double_data}, {@code int32_data}, {@code int64_data},
 * {@code uint64_data}); both are read. Tensors stored outside the model file are refused.
 */
public final class Tensors {

    private Tensors() {
    }

    public static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    public static long elementCount(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Whether {@code dataType} (a {@link DataType} number) is a floating-point type. */
    public static boolean isFloating(int dataType) {
        return dataType == DataType.FLOAT_VALUE || dataType == DataType.DOUBLE_VALUE
                || dataType == DataType.FLOAT16_VALUE || dataType == DataType.BFLOAT16_VALUE;
    }

    /** The values as doubles, whatever the numeric type (int64 beyond 2^53 loses precision). */
    public static double[] toDoubles(TensorProto t) {
        int type = t.getDataType();
        int n = count(t);
        double[] out = new double[n];
        if (isFloating(type)) {
            if (!t.getRawData().isEmpty()) {
                ByteBuffer b = raw(t);
                for (int i = 0; i < n; i++) {
                    out[i] = switch (type) {
                        case DataType.FLOAT_VALUE -> b.getFloat();
                        case DataType.DOUBLE_VALUE -> b.getDouble();
                        case DataType.FLOAT16_VALUE -> halfToFloat(b.getShort());
                        default -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                    };
                }
                return out;
            }
            for (int i = 0; i < n; i++) {
                out[i] = switch (type) {
                    case DataType.FLOAT_VALUE -> t.getFloatData(i);
                    case DataType.DOUBLE_VALUE -> t.getDoubleData(i);
                    case DataType.FLOAT16_VALUE -> halfToFloat((short) t.getInt32Data(i));
                    default -> Float.intBitsToFloat((t.getInt32Data(i) & 0xffff) << 16);
                };
            }
            return out;
        }
        long[] longs = toLongs(t);
        for (int i = 0; i < n; i++) {
            out[i] = longs[i];
        }
        return out;
    }

    /** The values as floats (see {@link #toDoubles}). */
    public static float[] toFloats(TensorProto t) {
        double[] d = toDoubles(t);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** The values of an integer or boolean tensor as longs (floating tensors are truncated). */
    public static long[] toLongs(TensorProto t) {
        int type = t.getDataType();
        int n = count(t);
        long[] out = new long[n];
        if (isFloating(type)) {
            double[] d = toDoubles(t);
            for (int i = 0; i < n; i++) {
                out[i] = (long) d[i];
            }
            return out;
        }
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = raw(t);
            for (int i = 0; i < n; i++) {
                out[i] = switch (type) {
                    case DataType.INT64_VALUE, DataType.UINT64_VALUE -> b.getLong();
                    case DataType.INT32_VALUE -> b.getInt();
                    case DataType.UINT32_VALUE -> b.getInt() & 0xffffffffL;
                    case DataType.INT16_VALUE -> b.getShort();
                    case DataType.UINT16_VALUE -> b.getShort() & 0xffff;
                    case DataType.INT8_VALUE -> b.get();
                    case DataType.UINT8_VALUE, DataType.BOOL_VALUE -> b.get() & 0xff;
                    default -> throw unsupported(t);
                };
            }
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case DataType.INT64_VALUE -> t.getInt64Data(i);
                case DataType.UINT64_VALUE, DataType.UINT32_VALUE -> t.getUint64Data(i);
                case DataType.INT32_VALUE, DataType.INT16_VALUE, DataType.INT8_VALUE, DataType.UINT16_VALUE,
                        DataType.UINT8_VALUE, DataType.BOOL_VALUE -> t.getInt32Data(i);
                default -> throw unsupported(t);
            };
        }
        return out;
    }

    /** A float tensor with its values packed in {@code raw_data}. */
    public static TensorProto ofFloats(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return packed(name, DataType.FLOAT_VALUE, dims, values.length, b);
    }

    /** A double tensor with its values packed in {@code raw_data}. */
    public static TensorProto ofDoubles(String name, long[] dims, double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return packed(name, DataType.DOUBLE_VALUE, dims, values.length, b);
    }

    /** An int64 tensor with its values packed in {@code raw_data}. */
    public static TensorProto ofLongs(String name, long[] dims, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return packed(name, DataType.INT64_VALUE, dims, values.length, b);
    }

    /**
     * A tensor of floating type {@code dataType} (float, double or float16) holding
     * {@code values}, rounded to that type.
     */
    public static TensorProto ofType(String name, int dataType, long[] dims, double[] values) {
        switch (dataType) {
            case DataType.DOUBLE_VALUE:
                return ofDoubles(name, dims, values);
            case DataType.FLOAT_VALUE: {
                float[] f = new float[values.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) values[i];
                }
                return ofFloats(name, dims, f);
            }
            case DataType.FLOAT16_VALUE: {
                ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (double v : values) {
                    b.putShort(floatToHalf((float) v));
                }
                return packed(name, dataType, dims, values.length, b);
            }
            case DataType.INT64_VALUE: {
                long[] l = new long[values.length];
                for (int i = 0; i < l.length; i++) {
                    l[i] = (long) values[i];
                }
                return ofLongs(name, dims, l);
            }
            default:
                throw new ExplainException("cannot write constants of ONNX data type " + typeName(dataType)
                        + "; float, double, float16 and int64 are supported");
        }
    }

    /** The ONNX name of a data type number, e.g. {@code FLOAT}. */
    public static String typeName(int dataType) {
        DataType t = DataType.forNumber(dataType);
        return t == null ? "type " + dataType : t.name();
    }

    private static TensorProto packed(String name, int dataType, long[] dims, int n, ByteBuffer b) {
        if (elementCount(dims) != n) {
            throw new IllegalArgumentException("dims hold " + elementCount(dims) + " values, got " + n);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType);
        for (long d : dims) {
            t.addDims(d);
        }
        b.flip();
        return t.setRawData(ByteString.copyFrom(b)).build();
    }

    /** IEEE 754 binary16 bits to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h >>> 15) << 31;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** Float to IEEE 754 binary16 bits, rounding to nearest even. */
    static short floatToHalf(float f) {
        int bits = Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        float abs = Math.abs(f);
        if (Float.isNaN(f)) {
            return (short) (sign | 0x7e00);
        }
        if (abs >= 65520f) {
            return (short) (sign | 0x7c00);
        }
        if (abs < 0x1p-14f) {
            return (short) (sign | Math.round(abs * 0x1p24f));
        }
        int e = ((Float.floatToIntBits(abs) >>> 23) & 0xff) - 127;
        int mant = Float.floatToIntBits(abs) & 0x7fffff;
        int half = ((e + 15) << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++;
        }
        return (short) (sign | half);
    }

    private static int count(TensorProto t) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new ExplainException("tensor '" + t.getName() + "' is stored in an external data file; "
                    + "save the model with its weights inside the .onnx file");
        }
        return Math.toIntExact(elementCount(dims(t)));
    }

    private static ByteBuffer raw(TensorProto t) {
        return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ExplainException unsupported(TensorProto t) {
        return new ExplainException("tensor '" + t.getName() + "' has data type " + typeName(t.getDataType())
                + ", which cannot be read as numbers");
    }
}
