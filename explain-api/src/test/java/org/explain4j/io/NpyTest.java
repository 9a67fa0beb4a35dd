package org.explain4j.io;

import org.explain4j.ExplainException;
import org.explain4j.model.TensorInfo;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {
    private static final TensorInfo INPUT = new TensorInfo("x", new long[]{-1, 2, 3}, "float32");

    @TempDir
    Path tmp;

    /** An .npy file built byte by byte as the NumPy format document describes it. */
    private static byte[] npy(int major, String header, ByteBuffer data) {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        int prefix = major == 1 ? 10 : 12;
        ByteBuffer b = ByteBuffer.allocate(prefix + h.length + data.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        b.put(h).put(data.array());
        return b.array();
    }

    @Test
    void readsFloat64Version2WithoutBatchAxis() throws Exception {
        ByteBuffer data = ByteBuffer.allocate(6 * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            data.putDouble(i * 0.5);
        }
        Path f = Files.write(tmp.resolve("a.npy"), npy(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n", data));
        InputData d = InputFiles.read(f, INPUT, "m", RowSelection.all());
        assertArrayEquals(new long[]{1, 2, 3}, d.tensor().shape());
        assertArrayEquals(new float[]{0, 0.5f, 1, 1.5f, 2, 2.5f}, d.tensor().data());
    }

    /** Reference values: float64 keeps every digit (0.1 and 1e-300 are not floats). */
    @Test
    void readDoublesKeepsFloat64Digits() {
        ByteBuffer data = ByteBuffer.allocate(3 * 8).order(ByteOrder.LITTLE_ENDIAN);
        data.putDouble(0.1).putDouble(1e-300).putDouble(-7.25);
        byte[] bytes = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n", data);
        assertArrayEquals(new double[]{0.1, 1e-300, -7.25}, Npy.readDoubles(bytes, "ref.npy"));
        ExplainException e = assertThrows(ExplainException.class, () -> Npy.readDoubles(new byte[3], "ref.npy"));
        assertTrue(e.getMessage().startsWith("ref.npy is not a NumPy .npy file"), e.getMessage());
    }

    @Test
    void readsBigEndianFloat32BatchAndSelectsRows() throws Exception {
        ByteBuffer data = ByteBuffer.allocate(12 * 4).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < 12; i++) {
            data.putFloat(i);
        }
        Path f = Files.write(tmp.resolve("b.npy"), npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2, 3), }\n", data));
        InputData d = InputFiles.read(f, INPUT, "m", RowSelection.parse("1"));
        assertArrayEquals(new float[]{6, 7, 8, 9, 10, 11}, d.tensor().data());
        assertArrayEquals(new int[]{1}, d.rows());
    }

    @Test
    void writerProducesTheVersion1LayoutNumpyReads() throws Exception {
        FloatTensor t = new FloatTensor(new long[]{2, 3}, new float[]{1, 2, 3, 4, 5, 6});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(t, out);
        byte[] b = out.toByteArray();
        int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        String header = new String(b, 10, headerLen, StandardCharsets.ISO_8859_1);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header.trim());
        assertEquals(0, (10 + headerLen) % 64, "data starts 64-byte aligned");
        assertEquals('\n', header.charAt(header.length() - 1));
        assertEquals(10 + headerLen + 24, b.length);
        assertEquals(6f, ByteBuffer.wrap(b, 10 + headerLen + 20, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
        Path f = tmp.resolve("w.npy");
        Npy.write(new FloatTensor(new long[]{3}, new float[]{1, 2, 3}), f);
        Npy.Array a = Npy.readArray(f);
        assertArrayEquals(new long[]{3}, a.shape());
        assertArrayEquals(new float[]{1, 2, 3}, a.data());
    }

    @Test
    void errorsNameShapesPositionsAndFormats() throws Exception {
        Path f = tmp.resolve("c.npy");
        Npy.write(new FloatTensor(new long[]{1, 3, 3}, new float[9]), f);
        String m = assertThrows(ExplainException.class, () -> InputFiles.read(f, INPUT, "m", RowSelection.all())).getMessage();
        assertTrue(m.endsWith("holds an array of shape [1,3,3], model 'm' expects [N,2,3] (axis 1 must be 2, found 3)"), m);
        Npy.write(new FloatTensor(new long[]{6}, new float[6]), f);
        m = assertThrows(ExplainException.class, () -> InputFiles.read(f, INPUT, "m", RowSelection.all())).getMessage();
        assertTrue(m.contains("(rank 1), model 'm' expects [N,2,3] (rank 3, or rank 2 for one sample)"), m);
        float[] v = new float[12];
        v[10] = Float.POSITIVE_INFINITY;
        Npy.write(new FloatTensor(new long[]{2, 2, 3}, v), f);
        m = assertThrows(ExplainException.class, () -> InputFiles.read(f, INPUT, "m", RowSelection.all())).getMessage();
        assertTrue(m.contains("Infinity at index [1, 1, 1] (sample 1)"), m);
        Files.write(f, npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n", ByteBuffer.allocate(24)));
        m = assertThrows(ExplainException.class, () -> Npy.readArray(f)).getMessage();
        assertTrue(m.contains("Fortran order"), m);
        Files.write(f, npy(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }\n", ByteBuffer.allocate(24)));
        m = assertThrows(ExplainException.class, () -> Npy.readArray(f)).getMessage();
        assertTrue(m.contains("'<c8'"), m);
        Files.writeString(f, "not numpy");
        m = assertThrows(ExplainException.class, () -> Npy.readArray(f)).getMessage();
        assertTrue(m.contains("not a NumPy .npy file"), m);
        Files.write(f, new byte[0]);
        assertTrue(assertThrows(ExplainException.class, () -> Npy.readArray(f)).getMessage().contains("is empty"));
    }
}
