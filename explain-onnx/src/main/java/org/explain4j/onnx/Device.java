package org.explain4j.onnx;

import org.explain4j.ExplainException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where ONNX Runtime runs a model: {@code cpu}, {@code cuda} (GPU 0), {@code cuda:N} or
 * {@code auto} (CUDA when it loads, else CPU).
 */
public record Device(Kind kind, int index) {

    public enum Kind { CPU, CUDA, AUTO }

    public static final Device CPU = new Device(Kind.CPU, 0);
    public static final Device AUTO = new Device(Kind.AUTO, 0);

    private static final Pattern CUDA = Pattern.compile("cuda(?::(\\d{1,4}))?");

    public Device {
        if (index < 0) {
            throw new ExplainException("GPU index must be 0 or more, got " + index);
        }
    }

    public static Device cuda(int index) {
        return new Device(Kind.CUDA, index);
    }

    /**
     * Parses {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto} (any case).
     *
     * @throws ExplainException naming the accepted forms, for anything else
     */
    public static Device parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("auto")) {
            return AUTO;
        }
        Matcher m = CUDA.matcher(t);
        if (m.matches()) {
            return cuda(m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
        }
        throw new ExplainException("unknown device '" + text + "'; expected cpu, cuda, cuda:N (N = GPU index) or auto");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CPU -> "cpu";
            case AUTO -> "auto";
            case CUDA -> "cuda:" + index;
        };
    }
}
