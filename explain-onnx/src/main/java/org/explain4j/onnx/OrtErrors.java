package org.explain4j.onnx;

import ai.onnxruntime.OrtException;

/** Turns ONNX Runtime's exceptions into the one line a user should read. */
final class OrtErrors {

    private OrtErrors() {
    }

    /**
     * The first line of ORT's message, without the Java binding's
     * {@code "Error code - ORT_X - message: "} prefix.
     */
    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.replaceFirst("^Error code - \\S+ - message:\\s*", "");
        String line = m.lines().map(String::strip).filter(s -> !s.isEmpty()).findFirst().orElse(m.strip());
        return line.length() > 400 ? line.substring(0, 400) + "..." : line;
    }

    static boolean isProviderFailure(OrtException e) {
        return e.getCode() == OrtException.OrtErrorCode.ORT_EP_FAIL;
    }
}
