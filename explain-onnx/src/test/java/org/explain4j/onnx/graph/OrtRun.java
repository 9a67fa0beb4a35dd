package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test helper: a real ONNX Runtime session over a model, fed and read as double arrays
 * (float tensors are converted on the way in and out).
 */
public final class OrtRun implements AutoCloseable {

    /** A tensor's shape, values and ONNX Java type. */
    public record Arr(long[] shape, double[] data, OnnxJavaType type) {
        public static Arr of(double[] data, long... shape) {
            return new Arr(shape, data, OnnxJavaType.DOUBLE);
        }

        public static Arr ofFloat(double[] data, long... shape) {
            return new Arr(shape, data, OnnxJavaType.FLOAT);
        }

        public static Arr ofLong(long[] data, long... shape) {
            double[] d = new double[data.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = data[i];
            }
            return new Arr(shape, d, OnnxJavaType.INT64);
        }

        public Arr with(double[] newData) {
            return new Arr(shape, newData, type);
        }
    }

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    public OrtRun(ModelProto model) {
        this(model.toByteArray());
    }

    public OrtRun(byte[] model) {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            this.session = ENV.createSession(model, o);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    public OrtSession session() {
        return session;
    }

    public Map<String, Arr> run(Map<String, Arr> inputs) {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Arr> e : inputs.entrySet()) {
                Arr a = e.getValue();
                in.put(e.getKey(), switch (a.type()) {
                    case FLOAT -> {
                        float[] f = new float[a.data().length];
                        for (int i = 0; i < f.length; i++) {
                            f[i] = (float) a.data()[i];
                        }
                        yield OnnxTensor.createTensor(ENV, FloatBuffer.wrap(f), a.shape());
                    }
                    case INT64 -> {
                        long[] l = new long[a.data().length];
                        for (int i = 0; i < l.length; i++) {
                            l[i] = (long) a.data()[i];
                        }
                        yield OnnxTensor.createTensor(ENV, LongBuffer.wrap(l), a.shape());
                    }
                    default -> OnnxTensor.createTensor(ENV, DoubleBuffer.wrap(a.data()), a.shape());
                });
            }
            Map<String, Arr> out = new LinkedHashMap<>();
            try (OrtSession.Result r = session.run(in)) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    long[] shape = t.getInfo().getShape();
                    int n = (int) t.getInfo().getNumElements();
                    double[] d = new double[n];
                    OnnxJavaType type = t.getInfo().type;
                    switch (type) {
                        case FLOAT -> {
                            FloatBuffer b = t.getFloatBuffer();
                            for (int i = 0; i < n; i++) {
                                d[i] = b.get(i);
                            }
                        }
                        case DOUBLE -> t.getDoubleBuffer().get(d);
                        case INT64 -> {
                            LongBuffer b = t.getLongBuffer();
                            for (int i = 0; i < n; i++) {
                                d[i] = b.get(i);
                            }
                        }
                        default -> throw new IllegalStateException("unexpected output type " + type);
                    }
                    out.put(e.getKey(), new Arr(shape, d, type));
                }
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
