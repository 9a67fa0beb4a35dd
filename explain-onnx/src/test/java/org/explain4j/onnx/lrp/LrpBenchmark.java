package org.explain4j.onnx.lrp;

import org.explain4j.explain.Target;
import org.explain4j.model.ModelSource;
import org.explain4j.models.ReferenceModels;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.OrtOptions;
import org.explain4j.tensor.FloatTensor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Timed runner (not a test): LRP time per explanation against one forward pass of the same
 * model, on every reference model and the MNIST network, for a single sample and a batch of 32.
 * Also times the part LRP spends in ONNX Runtime (one run that returns every activation it needs).
 * Each figure is the median CPU time of the calling thread over repeated calls after a warm-up of
 * half as long; ONNX Runtime uses one intra-op thread, so it computes on the calling thread.
 *
 * <pre>
 * mvn -B -o -q -pl explain-onnx -am test-compile
 * mvn -B -o -q -pl explain-onnx dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=cp.txt
 * java -cp "explain-onnx/target/test-classes:explain-onnx/target/classes:explain-api/target/classes:\
 * models-onnx/target/classes:$(cat cp.txt)" org.explain4j.onnx.lrp.LrpBenchmark [seconds per figure, default 2] [threads, default 1]
 * </pre>
 */
public final class LrpBenchmark {

    private LrpBenchmark() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        OrtOptions options = OrtOptions.defaults().withIntraOpThreads(threads);
        System.out.printf(Locale.ROOT, "%-18s %5s %12s %12s %12s %8s %8s%n", "model", "batch", "forward ms",
                "lrp ms", "ort part ms", "lrp/fwd", "us/expl");
        System.out.println("(CPU time of the calling thread, median per call; ONNX Runtime with " + threads
                + " intra-op thread(s))");
        List<String> names = new ArrayList<>(ReferenceModels.names());
        names.add("mnist-cntk");
        for (String name : names) {
            ModelSource source = name.equals("mnist-cntk") ? ModelSource.fromClasspath("explain4j/thirdparty/mnist-cntk")
                    : ReferenceModels.source(name);
            try (OrtModel model = OrtModel.open(source, options)) {
                for (int batch : new int[] {1, 32}) {
                    FloatTensor x = inputs(model, batch);
                    LrpExplainer lrp = LrpExplainer.builder().batchSize(batch).build();
                    LrpPlan plan = lrp.plan(model);
                    double fwd = median(() -> model.forward(x), seconds);
                    double ort = median(() -> model.activations(x, plan.fetched()), seconds);
                    double all = median(() -> lrp.explain(model, x, Target.predicted()), seconds);
                    System.out.printf(Locale.ROOT, "%-18s %5d %12.4f %12.4f %12.4f %8.2f %8.1f%n", name, batch,
                            fwd * 1e3, all * 1e3, ort * 1e3, all / fwd, all / batch * 1e6);
                }
            }
        }
    }

    /** Random inputs of the model's sample shape, on the scale of its golden inputs when it has them. */
    private static FloatTensor inputs(OrtModel model, int batch) {
        long[] shape = model.info().input().shape();
        shape[0] = batch;
        int n = Math.toIntExact(FloatTensor.elementCount(shape));
        float[] v = new float[n];
        String name = model.info().name();
        if (ReferenceModels.names().contains(name)) {
            FloatTensor g = LrpFixtures.goldenInputs(name);
            for (int i = 0; i < n; i++) {
                v[i] = g.data()[i % g.size()] * (1 + 0.01f * (i / g.size()));
            }
        } else {
            Random r = new Random(3);
            for (int i = 0; i < n; i++) {
                v[i] = 255 * r.nextFloat();
            }
        }
        return new FloatTensor(shape, v);
    }

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    /**
     * Median CPU time of the calling thread per call, in seconds. With one intra-op thread ONNX
     * Runtime computes on the calling thread, so this counts its work and ours alike, and not the
     * time the thread waits for a core on a busy machine.
     */
    private static double median(Supplier<?> call, double seconds) {
        long warm = System.nanoTime() + (long) (seconds / 2 * 1e9); // let the JIT compile the hot loops
        for (int i = 0; i < 5 || System.nanoTime() < warm; i++) {
            call.get();
        }
        List<Double> times = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (times.size() < 5 || System.nanoTime() < end && times.size() < 100_000) {
            long t0 = CPU.getCurrentThreadCpuTime();
            call.get();
            times.add((CPU.getCurrentThreadCpuTime() - t0) / 1e9);
        }
        double[] t = times.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(t);
        return t[t.length / 2];
    }
}
