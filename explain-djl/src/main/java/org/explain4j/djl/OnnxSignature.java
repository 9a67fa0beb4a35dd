package org.explain4j.djl;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.ValueInfo;
import org.explain4j.ExplainException;
import org.explain4j.model.TensorInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The declared inputs and outputs of an ONNX graph. DJL's ONNX Runtime block names its inputs
 * but not their shapes, so the signature is read from a short-lived session of ONNX Runtime
 * itself (the same library DJL runs on).
 */
record OnnxSignature(List<TensorInfo> inputs, List<TensorInfo> outputs) {

    static OnnxSignature read(byte[] model, String where) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // The signature is all that is read: skip the graph optimisations that make sessions slow to create.
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            return read(env, model, options);
        } catch (OrtException e) {
            throw new ExplainException(where + " is not a readable ONNX model: " + firstLine(e.getMessage()), e);
        }
    }

    private static OnnxSignature read(OrtEnvironment env, byte[] model, OrtSession.SessionOptions options)
            throws OrtException {
        try (OrtSession session = env.createSession(model, options)) {
            return new OnnxSignature(infos(session.getInputInfo()), infos(session.getOutputInfo()));
        }
    }

    /** ONNX Runtime's version string, e.g. {@code 1.29.0}. */
    static String runtimeVersion() {
        return OrtEnvironment.getEnvironment().getVersion();
    }

    TensorInfo input(String name) {
        return find(inputs, name);
    }

    TensorInfo output(String name) {
        return find(outputs, name);
    }

    private static TensorInfo find(List<TensorInfo> list, String name) {
        return list.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    private static List<TensorInfo> infos(Map<String, NodeInfo> nodes) {
        List<TensorInfo> out = new ArrayList<>();
        for (NodeInfo n : nodes.values()) {
            ValueInfo v = n.getInfo();
            if (v instanceof ai.onnxruntime.TensorInfo t) {
                out.add(new TensorInfo(n.getName(), t.getShape(), dtype(t)));
            } else {
                out.add(new TensorInfo(n.getName(), new long[0], v.getClass().getSimpleName()));
            }
        }
        return out;
    }

    private static String dtype(ai.onnxruntime.TensorInfo t) {
        return switch (t.type) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case FLOAT16 -> "float16";
            case BFLOAT16 -> "bfloat16";
            case INT8 -> "int8";
            case UINT8 -> "uint8";
            case INT16 -> "int16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case BOOL -> "bool";
            case STRING -> "string";
            default -> t.type.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        return message.strip().lines().findFirst().orElse("");
    }
}
