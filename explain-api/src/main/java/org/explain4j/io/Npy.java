package org.explain4j.io;

import org.explain4j.ExplainException;
import org.explain4j.model.TensorInfo;
import org.explain4j.tensor.FloatTensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1, 2 and 3). Reads C-ordered arrays of
 * {@code f4}/{@code f8} (either byte order) and, converted to float, {@code i1 i2 i4 i8 u1 u2 bool};
 * writes {@code <f4} version 1.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** An array as stored: its shape and its values converted to float. */
    public record Array(long[] shape, float[] data, String dtype) {
    }

    /** Reads an {@code .npy} file as it is. */
    public static Array readArray(Path file) {
        String source = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ExplainException("input file " + source + " does not exist");
        } catch (IOException e) {
            throw new ExplainException("cannot read " + source + ": " + e.getMessage());
        }
        Raw raw = parse(bytes, source);
        float[] out = new float[raw.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) raw.element().read(raw.data(), i);
        }
        return new Array(raw.shape(), out, raw.descr());
    }

    /**
     * The values of an {@code .npy} array's bytes in double precision, flat in C order (a float64
     * array keeps every digit, as reference values need); {@code source} names it in errors.
     */
    public static double[] readDoubles(byte[] bytes, String source) {
        Raw raw = parse(bytes, source);
        double[] out = new double[raw.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = raw.element().read(raw.data(), i);
        }
        return out;
    }

    /** A parsed header and the element bytes behind it. */
    private record Raw(long[] shape, String descr, Element element, ByteBuffer data, int count) {
    }

    private static Raw parse(byte[] bytes, String source) {
        if (bytes.length == 0) {
            throw new ExplainException(source + " is empty; expected a NumPy .npy array");
        }
        if (bytes.length < 10 || !startsWithMagic(bytes)) {
            throw new ExplainException(source + " is not a NumPy .npy file (no \\x93NUMPY magic); save it with numpy.save");
        }
        int major = bytes[6] & 0xff;
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = buf.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new ExplainException(source + " is a truncated .npy file");
            }
            headerLength = buf.getInt(8);
            headerStart = 12;
        } else {
            throw new ExplainException(source + " uses .npy format version " + major + "; supported: 1, 2, 3");
        }
        if (headerLength < 0 || headerStart + headerLength > bytes.length) {
            throw new ExplainException(source + " is a truncated .npy file (header runs past the end)");
        }
        String header = new String(bytes, headerStart, headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = match(DESCR, header, "descr", source);
        if (match(FORTRAN, header, "fortran_order", source).equals("True")) {
            throw new ExplainException(source + " stores its array in Fortran order; save numpy.ascontiguousarray(a) instead");
        }
        long[] shape = parseShape(match(SHAPE, header, "shape", source), source);
        long count = FloatTensor.elementCount(shape);
        Element element = Element.of(descr, source);
        int dataStart = headerStart + headerLength;
        long needed = count * element.size;
        if (bytes.length - dataStart < needed) {
            throw new ExplainException(source + " is truncated: shape " + InputShapes.text(shape) + " of " + descr
                    + " needs " + needed + " data bytes, the file has " + (bytes.length - dataStart));
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) needed).slice().order(element.order);
        return new Raw(shape, descr, element, data, Math.toIntExact(count));
    }

    /**
     * Reads samples for a model input: the array is {@code [N,...]} like the model input, or one
     * sample without the batch axis.
     */
    public static InputData read(Path file, TensorInfo input, String modelName, RowSelection selection) {
        Array a = readArray(file);
        String source = file.toString();
        long[] shape = InputShapes.fit(a.shape(), input, source, modelName);
        FloatTensor all = new FloatTensor(shape, a.data());
        checkFinite(all, source);
        return InputFiles.select(all, selection, source, Optional.empty(), List.of());
    }

    static void checkFinite(FloatTensor t, String source) {
        int bad = t.firstNonFinite();
        if (bad >= 0) {
            throw new ExplainException(source + " holds " + t.get(bad) + " at index " + t.indexOf(bad)
                    + " (sample " + bad / Math.max(1, t.sampleSize()) + "); inputs must be finite numbers");
        }
    }

    /** Writes {@code tensor} as a little-endian float32, C-ordered, version 1 {@code .npy} file. */
    public static void write(FloatTensor tensor, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(tensor, out);
        }
    }

    public static void write(FloatTensor tensor, OutputStream out) throws IOException {
        long[] shape = tensor.shape();
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 2); // (3,) for rank 1 keeps its comma, (2, 3) does not need one
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims.toString().trim() + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.write(head.array());
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        float[] data = tensor.data();
        ByteBuffer body = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(data);
        out.write(body.array());
    }

    private static boolean startsWithMagic(byte[] bytes) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static String match(Pattern p, String header, String key, String source) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new ExplainException(source + " has a .npy header without '" + key + "': " + header.trim());
        }
        return m.group(1);
    }

    private static long[] parseShape(String text, String source) {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                dims.add(Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p));
            } catch (NumberFormatException e) {
                throw new ExplainException(source + " has a .npy shape that is not a tuple of integers: (" + text + ")");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** One NumPy element type. */
    private record Element(char kind, int size, ByteOrder order) {
        static Element of(String descr, String source) {
            if (descr.length() < 3) {
                throw unsupported(descr, source);
            }
            char endian = descr.charAt(0);
            char kind = descr.charAt(1);
            int size;
            try {
                size = Integer.parseInt(descr.substring(2));
            } catch (NumberFormatException e) {
                throw unsupported(descr, source);
            }
            ByteOrder order = endian == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            boolean known = switch (kind) {
                case 'f' -> size == 4 || size == 8;
                case 'i' -> size == 1 || size == 2 || size == 4 || size == 8;
                case 'u' -> size == 1 || size == 2;
                case 'b' -> size == 1;
                default -> false;
            };
            if (!known || (endian != '<' && endian != '>' && endian != '|' && endian != '=')) {
                throw unsupported(descr, source);
            }
            return new Element(kind, size, order);
        }

        double read(ByteBuffer b, int i) {
            int at = i * size;
            return switch (kind) {
                case 'f' -> size == 4 ? b.getFloat(at) : b.getDouble(at);
                case 'i' -> switch (size) {
                    case 1 -> b.get(at);
                    case 2 -> b.getShort(at);
                    case 4 -> b.getInt(at);
                    default -> b.getLong(at);
                };
                case 'u' -> size == 1 ? b.get(at) & 0xff : b.getShort(at) & 0xffff;
                default -> b.get(at) != 0 ? 1 : 0;
            };
        }

        private static ExplainException unsupported(String descr, String source) {
            return new ExplainException(source + " holds elements of type '" + descr
                    + "'; supported: <f4, <f8 (float32/float64, either byte order) and small integer types");
        }
    }
}
