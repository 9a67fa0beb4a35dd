package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.explain4j.ExplainException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TensorsTest {

    @Test
    void readsRawAndTypedFieldsAlike() {
        float[] f = {1.5f, -2.25f, 3e-8f, 7f};
        TensorProto raw = Tensors.ofFloats("a", new long[] {2, 2}, f);
        TensorProto typed = TensorProto.newBuilder().setName("a").setDataType(DataType.FLOAT_VALUE)
                .addDims(2).addDims(2).addFloatData(1.5f).addFloatData(-2.25f).addFloatData(3e-8f).addFloatData(7f)
                .build();
        assertArrayEquals(f, Tensors.toFloats(raw));
        assertArrayEquals(f, Tensors.toFloats(typed));
        assertArrayEquals(new long[] {2, 2}, Tensors.dims(raw));

        double[] d = {Math.PI, -1e300};
        assertArrayEquals(d, Tensors.toDoubles(Tensors.ofDoubles("d", new long[] {2}, d)));
        assertArrayEquals(d, Tensors.toDoubles(TensorProto.newBuilder().setDataType(DataType.DOUBLE_VALUE)
                .addDims(2).addDoubleData(Math.PI).addDoubleData(-1e300).build()));

        long[] l = {Long.MAX_VALUE, -3, 0};
        assertArrayEquals(l, Tensors.toLongs(Tensors.ofLongs("l", new long[] {3}, l)));
        assertArrayEquals(l, Tensors.toLongs(TensorProto.newBuilder().setDataType(DataType.INT64_VALUE)
                .addDims(3).addInt64Data(Long.MAX_VALUE).addInt64Data(-3).addInt64Data(0).build()));

        TensorProto int32 = TensorProto.newBuilder().setDataType(DataType.INT32_VALUE).addDims(2)
                .addInt32Data(-7).addInt32Data(9).build();
        assertArrayEquals(new long[] {-7, 9}, Tensors.toLongs(int32));
        assertArrayEquals(new double[] {-7, 9}, Tensors.toDoubles(int32));
        TensorProto int32Raw = TensorProto.newBuilder().setDataType(DataType.INT32_VALUE).addDims(2)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[] {-7, -1, -1, -1, 9, 0, 0, 0})).build();
        assertArrayEquals(new long[] {-7, 9}, Tensors.toLongs(int32Raw));
    }

    @Test
    void halfPrecisionRoundTripsExactlyRepresentableValues() {
        double[] v = {0, 1, -2.5, 65504, 6.103515625e-05, 5.960464477539063e-08};
        TensorProto h = Tensors.ofType("h", DataType.FLOAT16_VALUE, new long[] {v.length}, v);
        assertArrayEquals(v, Tensors.toDoubles(h));
        // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): rounds to even, i.e. 1.
        assertEquals(1.0, Tensors.toDoubles(Tensors.ofType("r", DataType.FLOAT16_VALUE, new long[] {1},
                new double[] {1 + Math.pow(2, -11)}))[0]);
    }

    @Test
    void externalDataIsRefusedWithAClearMessage() {
        TensorProto ext = TensorProto.newBuilder().setName("w").setDataType(DataType.FLOAT_VALUE).addDims(1)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL).build();
        ExplainException e = assertThrows(ExplainException.class, () -> Tensors.toFloats(ext));
        assertEquals(true, e.getMessage().contains("external data"));
    }
}
