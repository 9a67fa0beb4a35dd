package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.explain4j.models.ReferenceModels;
import org.explain4j.onnx.graph.OnnxGraph;

import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Timed benchmark (a main, not a test): per model, the time to build the gradient graph in
 * Java, and the run time of the Java-built graph against the exported PyTorch gradient graph on
 * the same batch (the exported graphs take a fixed batch of 32). ONNX Runtime CPU, one
 * intra-op thread for both graphs; medians over repeated runs after warm-up.
 *
 * <pre>
 * mvn -o -q -Dexplain4j.target=target-h6 -pl explain-onnx -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt
 * java -cp explain-onnx/target-h6/test-classes:explain-onnx/target-h6/classes:$(cat /tmp/cp.txt) \
 *     org.explain4j.onnx.autodiff.GradientGraphBenchmark [runs]
 * </pre>
 */
public final class GradientGraphBenchmark {

    private GradientGraphBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        System.out.printf(Locale.ROOT, "%-18s %9s %9s %7s %7s %6s %12s %12s%n", "model", "build1 ms", "build ms",
                "nodes J", "nodes E", "batch", "Java-built ms", "exported ms");
        for (String name : ReferenceModels.names()) {
            byte[] forward = ReferenceModels.source(name).readModel();
            byte[] exported = ReferenceModels.source(name).readGradientGraph().orElse(null);
            bench(env, name, forward, exported, 32, runs);
        }
        try (InputStream in = GradientGraphBenchmark.class.getClassLoader()
                .getResourceAsStream("explain4j/thirdparty/mnist-cntk.onnx")) {
            if (in != null) {
                bench(env, "mnist-cntk", in.readAllBytes(), null, 1, runs);
            }
        }
    }

    private static void bench(OrtEnvironment env, String name, byte[] forward, byte[] exported, int batch, int runs)
            throws OrtException {
        long t0 = System.nanoTime();
        byte[] built = GradientGraphBuilder.build(forward, GradientOptions.defaults());
        double first = (System.nanoTime() - t0) / 1e6;
        double[] builds = new double[5];
        for (int i = 0; i < builds.length; i++) {
            long t = System.nanoTime();
            GradientGraphBuilder.build(forward, GradientOptions.defaults());
            builds[i] = (System.nanoTime() - t) / 1e6;
        }
        ModelProto builtModel = OnnxGraph.parseModel(built, name);
        String input = OnnxGraph.of(builtModel).inputNames().get(0);
        long[] shape = shapeOf(builtModel, input, batch);
        long[] wShape = shapeOf(builtModel, "w", batch);
        double java = timeRuns(env, built, input, shape, wShape, runs);
        double exp = exported == null ? Double.NaN : timeRuns(env, exported, input, shape, wShape, runs);
        int nodesE = exported == null ? 0 : OnnxGraph.parseModel(exported, name).getGraph().getNodeCount();
        System.out.printf(Locale.ROOT, "%-18s %9.1f %9.1f %7d %7s %6d %12.3f %12s%n", name, first, median(builds),
                builtModel.getGraph().getNodeCount(), exported == null ? "-" : String.valueOf(nodesE), batch, java,
                exported == null ? "-" : String.format(Locale.ROOT, "%.3f", exp));
    }

    private static long[] shapeOf(ModelProto m, String name, int batch) {
        var v = m.getGraph().getInputList().stream().filter(i -> i.getName().equals(name)).findFirst().orElseThrow();
        var dims = v.getType().getTensorType().getShape().getDimList();
        long[] s = new long[dims.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = dims.get(i).hasDimValue() ? dims.get(i).getDimValue() : batch;
        }
        return s;
    }

    /** Median milliseconds of one run of {@code graph} on random x and a one-hot cotangent. */
    private static double timeRuns(OrtEnvironment env, byte[] graph, String input, long[] shape, long[] wShape, int runs)
            throws OrtException {
        Random r = new Random(1);
        float[] x = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] w = new float[(int) Arrays.stream(wShape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < w.length; i += (int) wShape[1]) {
            w[i] = 1;
        }
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(graph, o);
                 OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                 OnnxTensor wt = OnnxTensor.createTensor(env, FloatBuffer.wrap(w), wShape)) {
                Map<String, OnnxTensor> in = Map.of(input, xt, "w", wt);
                for (int i = 0; i < 10; i++) {
                    s.run(in).close();
                }
                double[] times = new double[runs];
                for (int i = 0; i < runs; i++) {
                    long t = System.nanoTime();
                    s.run(in).close();
                    times[i] = (System.nanoTime() - t) / 1e6;
                }
                return median(times);
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
