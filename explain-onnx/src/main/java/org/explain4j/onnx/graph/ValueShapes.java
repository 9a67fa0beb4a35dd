package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.explain4j.ExplainException;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Element type and shape of every value of a graph, learned by running it: ONNX Runtime runs
 * the model (with every node output exposed) on synthetic inputs twice, once with each free
 * input dimension (a symbolic or unknown one, usually the batch) set to 2 and once set to 3.
 * A dimension that is the same in both runs is static; one that differs follows the free
 * dimensions and is reported as -1. Models without free dimensions run once.
 *
 * <p>This stands in for ONNX shape inference, which has no Java implementation, and it also
 * resolves shapes computed at run time (Shape → Gather → Concat → Reshape chains).
 */
public final class ValueShapes {

    /** Type and shape of one value; {@code shape[i] == -1} marks a dimension that varies with the input size. */
    public record Info(int elemType, long[] shape) {
        public Info {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public int rank() {
            return shape.length;
        }

        /** Whether every dimension is static. */
        public boolean isStatic() {
            return Arrays.stream(shape).allMatch(d -> d >= 0);
        }

        @Override
        public String toString() {
            return Tensors.typeName(elemType) + Arrays.toString(shape);
        }
    }

    private static final long[] PROBE_SIZES = {2, 3};

    private final Map<String, Info> infos;

    private ValueShapes(Map<String, Info> infos) {
        this.infos = infos;
    }

    /**
     * Probes {@code model}.
     *
     * @param fixedInputShapes input name to the shape to use instead of the declared one (a
     *                         -1 entry stays free); may be empty
     */
    public static ValueShapes probe(ModelProto model, Map<String, long[]> fixedInputShapes) {
        OnnxGraph g = OnnxGraph.of(model);
        Map<String, long[]> declared = new LinkedHashMap<>();
        Map<String, Integer> inputTypes = new HashMap<>();
        boolean free = false;
        for (String in : g.inputNames()) {
            ValueInfoProto v = g.declared(in).orElseThrow();
            if (!v.getType().hasTensorType()) {
                throw new ExplainException("model input '" + in + "' is not a tensor; only tensor inputs are supported");
            }
            inputTypes.put(in, v.getType().getTensorType().getElemType());
            long[] shape = fixedInputShapes.containsKey(in) ? fixedInputShapes.get(in).clone()
                    : declaredShape(v.getType().getTensorType().getShape());
            declared.put(in, shape);
            free |= Arrays.stream(shape).anyMatch(d -> d < 0);
        }
        List<String> values = ExtraOutputs.nodeOutputs(g);
        ModelProto exposed = ExtraOutputs.withOutputs(model, values);
        Map<String, Info> infos = new LinkedHashMap<>();
        for (TensorProto t : g.initializers().values()) {
            infos.put(t.getName(), new Info(t.getDataType(), Tensors.dims(t)));
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = env.createSession(exposed.toByteArray(), opts)) {
                Map<String, long[]> first = run(env, session, declared, inputTypes, PROBE_SIZES[0]);
                Map<String, long[]> second = free ? run(env, session, declared, inputTypes, PROBE_SIZES[1]) : first;
                Map<String, NodeInfo> outInfo = session.getOutputInfo();
                for (Map.Entry<String, long[]> e : first.entrySet()) {
                    long[] a = e.getValue();
                    long[] b = second.get(e.getKey());
                    long[] shape = new long[a.length];
                    for (int i = 0; i < a.length; i++) {
                        shape[i] = b != null && b.length == a.length && b[i] == a[i] ? a[i] : -1;
                    }
                    infos.put(e.getKey(), new Info(elemType(outInfo.get(e.getKey())), shape));
                }
            }
        } catch (OrtException e) {
            throw new ExplainException("ONNX Runtime cannot run the model to learn its tensor shapes: "
                    + firstLine(e));
        }
        for (Map.Entry<String, long[]> e : declared.entrySet()) {
            long[] s = e.getValue();
            infos.put(e.getKey(), new Info(inputTypes.get(e.getKey()), s));
        }
        return new ValueShapes(infos);
    }

    /** Type and shape of {@code value}, when the probe saw it. */
    public Optional<Info> info(String value) {
        return Optional.ofNullable(infos.get(value));
    }

    /** Type and shape of {@code value}; an error when the probe did not see it. */
    public Info require(String value) {
        Info i = infos.get(value);
        if (i == null) {
            throw new ExplainException("no type or shape is known for tensor '" + value + "'");
        }
        return i;
    }

    public int elemType(String value) {
        return require(value).elemType();
    }

    public long[] shape(String value) {
        return require(value).shape();
    }

    public int rank(String value) {
        return require(value).rank();
    }

    /** The shape with -1 for free dimensions, or {@code null} when unknown (for {@link ConstantFolder}). */
    public long[] shapeOrNull(String value) {
        Info i = infos.get(value);
        return i == null ? null : i.shape();
    }

    public Map<String, Info> all() {
        return java.util.Collections.unmodifiableMap(infos);
    }

    private static long[] declaredShape(TensorShapeProto shape) {
        long[] s = new long[shape.getDimCount()];
        for (int i = 0; i < s.length; i++) {
            var d = shape.getDim(i);
            s[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
        }
        return s;
    }

    private static Map<String, long[]> run(OrtEnvironment env, OrtSession session, Map<String, long[]> declared,
                                           Map<String, Integer> types, long freeSize) throws OrtException {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        Random random = new Random(7);
        try {
            for (Map.Entry<String, long[]> e : declared.entrySet()) {
                long[] shape = e.getValue().clone();
                for (int i = 0; i < shape.length; i++) {
                    if (shape[i] < 0) {
                        shape[i] = freeSize;
                    }
                }
                inputs.put(e.getKey(), syntheticInput(env, types.get(e.getKey()), shape, random, e.getKey()));
            }
            Map<String, long[]> shapes = new LinkedHashMap<>();
            try (OrtSession.Result r = session.run(inputs)) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    if (e.getValue() instanceof OnnxTensor t) {
                        shapes.put(e.getKey(), t.getInfo().getShape());
                    }
                }
            }
            for (Map.Entry<String, long[]> e : declared.entrySet()) {
                shapes.putIfAbsent(e.getKey(), inputs.get(e.getKey()).getInfo().getShape());
            }
            return shapes;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Uniform values in (0.1, 0.9) for floating inputs (positive, so Log/Sqrt stay finite), zeros otherwise. */
    private static OnnxTensor syntheticInput(OrtEnvironment env, int type, long[] shape, Random random, String name)
            throws OrtException {
        int n = Math.toIntExact(Tensors.elementCount(shape));
        switch (type) {
            case DataType.FLOAT_VALUE: {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = 0.1f + 0.8f * random.nextFloat();
                }
                return OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
            }
            case DataType.DOUBLE_VALUE: {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = 0.1 + 0.8 * random.nextDouble();
                }
                return OnnxTensor.createTensor(env, DoubleBuffer.wrap(v), shape);
            }
            case DataType.INT64_VALUE:
                return OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), shape);
            case DataType.INT32_VALUE:
                return OnnxTensor.createTensor(env, IntBuffer.wrap(new int[n]), shape);
            case DataType.BOOL_VALUE:
                return OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(n), shape, OnnxJavaType.BOOL);
            default:
                throw new ExplainException("model input '" + name + "' has element type " + Tensors.typeName(type)
                        + "; float, double, int32, int64 and bool inputs are supported");
        }
    }

    private static int elemType(NodeInfo info) {
        if (info != null && info.getInfo() instanceof TensorInfo t) {
            // ORT's Java enum numbers differ from ONNX's; the names match after the prefix.
            String name = t.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "");
            DataType d = switch (name) {
                case "FLOAT16" -> DataType.FLOAT16;
                case "BFLOAT16" -> DataType.BFLOAT16;
                default -> {
                    try {
                        yield DataType.valueOf(name);
                    } catch (IllegalArgumentException e) {
                        yield DataType.UNDEFINED;
                    }
                }
            };
            return d.getNumber();
        }
        return DataType.UNDEFINED_VALUE;
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.replaceFirst("^Error code - \\S+ - message:\\s*", "");
        return m.lines().map(String::strip).filter(s -> !s.isEmpty()).findFirst().orElse(m.strip());
    }
}
