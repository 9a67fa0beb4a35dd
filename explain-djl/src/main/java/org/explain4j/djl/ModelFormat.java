package org.explain4j.djl;

import org.explain4j.ExplainException;

/**
 * What a model file holds, told from its first bytes, so that a file handed to the wrong
 * engine is reported as such instead of as a native parse error.
 */
enum ModelFormat {
    /** A serialised ONNX {@code ModelProto}: protobuf, starting with field 1 ({@code ir_version}). */
    ONNX("an ONNX model", "djl-ort (or ort)"),
    /** A TorchScript archive ({@code torch.jit.save}): a ZIP file. */
    TORCHSCRIPT("a TorchScript archive", "djl-pytorch"),
    /** Neither of the two. */
    UNKNOWN("neither an ONNX model nor a TorchScript archive", null);

    private final String description;
    private final String backend;

    ModelFormat(String description, String backend) {
        this.description = description;
        this.backend = backend;
    }

    static ModelFormat detect(byte[] bytes) {
        if (bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4) {
            return TORCHSCRIPT;
        }
        // ModelProto's first field is ir_version (field 1, varint): tag byte 0x08.
        if (bytes.length >= 2 && bytes[0] == 0x08) {
            return ONNX;
        }
        return UNKNOWN;
    }

    /**
     * @throws ExplainException naming what the file is and which backend reads it, when it is
     *                          not {@code expected}
     */
    static void require(ModelFormat expected, byte[] bytes, String location, String engine) {
        ModelFormat actual = detect(bytes);
        if (actual == expected || (expected == ONNX && actual == UNKNOWN)) {
            return; // an unrecognised file on the ONNX path gets ONNX Runtime's own parse error
        }
        throw new ExplainException(location + " is " + actual.description + ", not " + expected.description
                + ": " + engine + " cannot read it"
                + (actual.backend == null ? "" : "; run it with the backend " + actual.backend));
    }
}
