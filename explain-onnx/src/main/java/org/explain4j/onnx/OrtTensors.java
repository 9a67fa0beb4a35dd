package org.explain4j.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import org.explain4j.ExplainException;
import org.explain4j.tensor.FloatTensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Locale;

/** Copies between {@link FloatTensor} and ONNX Runtime tensors. */
final class OrtTensors {

    private OrtTensors() {
    }

    /**
     * An ORT tensor of {@code rows} samples holding samples {@code [from, from + count)} of
     * {@code x}; rows past {@code count} are zero (padding). Backed by a direct buffer, so ORT
     * reads it in place. The caller closes it.
     */
    static OnnxTensor rows(OrtEnvironment env, FloatTensor x, int from, int count, int rows) throws OrtException {
        int s = x.sampleSize();
        long[] shape = x.shape();
        shape[0] = rows;
        FloatBuffer buffer = ByteBuffer.allocateDirect(Math.multiplyExact(Math.multiplyExact(rows, s), Float.BYTES))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        buffer.put(x.data(), from * s, count * s); // a fresh direct buffer is zeroed: the rest is padding
        buffer.rewind();
        return OnnxTensor.createTensor(env, buffer, shape);
    }

    /** Copies a float ORT output into a {@link FloatTensor}; {@code what} names it in errors. */
    static FloatTensor toFloatTensor(OnnxValue value, String what) {
        if (!(value instanceof OnnxTensor t)) {
            throw new ExplainException(what + " is a " + value.getType() + ", not a tensor");
        }
        TensorInfo info = t.getInfo();
        if (info.type != OnnxJavaType.FLOAT) {
            throw new ExplainException(what + " holds " + dtype(info) + " values; only float32 tensors can be read");
        }
        FloatBuffer fb = t.getFloatBuffer();
        float[] data = new float[fb.remaining()];
        fb.get(data);
        return new FloatTensor(info.getShape(), data);
    }

    /** Element type as explain4j writes it: {@code float32}, {@code int64}, ... */
    static String dtype(ValueInfo info) {
        if (!(info instanceof TensorInfo t)) {
            return info.getClass().getSimpleName().replace("Info", "").toLowerCase(Locale.ROOT);
        }
        return switch (t.onnxType) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> "float32";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> "float64";
            default -> t.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase(Locale.ROOT);
        };
    }

    /** Shape of a tensor value, or an empty shape for sequences and maps. */
    static long[] shape(ValueInfo info) {
        return info instanceof TensorInfo t ? t.getShape() : new long[0];
    }
}
