package org.explain4j.onnx;

import org.explain4j.explain.Target;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.ModelSource;
import org.explain4j.models.ReferenceModels;
import org.explain4j.perturb.FeatureMask;
import org.explain4j.perturb.KernelShapExplainer;
import org.explain4j.perturb.LimeExplainer;
import org.explain4j.perturb.PerturbationBaseline;
import org.explain4j.perturb.PerturbationExplainer;
import org.explain4j.tensor.FloatTensor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A timed harness, not a test: how much LIME costs beyond the model calls it cannot avoid.
 * For each model it times, per explanation, (a) LIME with 1000 samples and (b) the same 1000
 * forward rows pushed through ONNX Runtime in the same batches from preallocated arrays, with
 * nothing else done; the ratio (a)/(b) is the overhead of sampling, building the perturbed
 * inputs, reading scores and fitting the surrogate (goal ≤ 1.2). KernelSHAP is timed alongside.
 *
 * <p>Run after {@code mvn -pl explain-onnx -am test-compile}:
 * <pre>
 * java -cp "explain-onnx/target/test-classes:explain-onnx/target/classes:..." \
 *     org.explain4j.onnx.PerturbationBenchmark [explanations] [ortThreads]
 * </pre>
 * (the classpath from {@code mvn dependency:build-classpath}). Times are medians of repeated
 * runs after a warm-up, as CPU time of the calling thread (with one intra-op thread ONNX Runtime
 * computes on the calling thread) and as wall time; CPU time is the steadier of the two on a
 * shared machine.
 */
public final class PerturbationBenchmark {

    private static final int SAMPLES = 1000;

    private PerturbationBenchmark() {
    }

    public static void main(String[] args) {
        int explanations = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int ortThreads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        OrtOptions options = OrtOptions.defaults().withIntraOpThreads(ortThreads);
        System.out.printf(Locale.ROOT, "LIME %d samples per explanation, ORT intra-op threads %d, %d explanations per point%n",
                SAMPLES, ortThreads, explanations);
        try (OrtModel mlp = OrtModel.open(ReferenceModels.source("breast_cancer_mlp"), options)) {
            ReferenceModels.Dataset data = ReferenceModels.breastCancer();
            PerturbationBaseline mean = PerturbationBaseline.cellMean(data.features());
            for (int batch : new int[] {256, 1000}) {
                run("breast_cancer_mlp", mlp, data.features(), null, mean, batch, explanations);
            }
        }
        try (OrtModel mnist = OrtModel.open(ModelSource.fromClasspath("explain4j/thirdparty/mnist-cntk"), options)) {
            float[] seven = PerturbationMnistTest.digit(7);
            float[] three = PerturbationMnistTest.digit(3);
            float[] both = new float[2 * 784];
            System.arraycopy(seven, 0, both, 0, 784);
            System.arraycopy(three, 0, both, 784, 784);
            FloatTensor digits = new FloatTensor(new long[] {2, 1, 28, 28}, both);
            run("mnist-cntk (7x7 patches)", mnist, digits, FeatureMask.patches(new long[] {1, 28, 28}, 7, 7),
                    PerturbationBaseline.zero(), 256, Math.max(4, explanations / 5));
        }
    }

    private static void run(String name, ExplainableModel model, FloatTensor pool, FeatureMask mask,
                            PerturbationBaseline baseline, int batch, int explanations) {
        LimeExplainer.Builder lb = LimeExplainer.builder().samples(SAMPLES).batchSize(batch).baseline(baseline);
        KernelShapExplainer.Builder kb = KernelShapExplainer.builder().samples(SAMPLES - 1).batchSize(batch)
                .baseline(baseline);
        if (mask != null) {
            lb.mask(mask);
            kb.mask(mask);
        }
        LimeExplainer lime = lb.build();
        KernelShapExplainer shap = kb.build();
        int s = pool.sampleSize();
        long[] sample = pool.sampleShape();
        // The floor: the same rows in the same batches, from arrays filled once.
        List<FloatTensor> batches = new ArrayList<>();
        for (int from = 0; from < SAMPLES; from += batch) {
            int rows = Math.min(batch, SAMPLES - from);
            long[] shape = new long[sample.length + 1];
            shape[0] = rows;
            System.arraycopy(sample, 0, shape, 1, sample.length);
            float[] data = new float[rows * s];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(pool.data(), ((from + r) % pool.batchSize()) * s, data, r * s, s);
            }
            batches.add(new FloatTensor(shape, data));
        }
        int warm = Math.max(3, explanations / 5);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        double[][] ms = new double[6][explanations]; // cpu: forwards, lime, shap; wall: the same
        for (int rep = -warm; rep < explanations; rep++) {
            FloatTensor x = pool.sample(Math.floorMod(rep, pool.batchSize()));
            long c0 = cpu.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (FloatTensor b : batches) {
                model.forward(b);
            }
            long c1 = cpu.getCurrentThreadCpuTime();
            long t1 = System.nanoTime();
            explainOnce(lime, model, x);
            long c2 = cpu.getCurrentThreadCpuTime();
            long t2 = System.nanoTime();
            explainOnce(shap, model, x);
            long c3 = cpu.getCurrentThreadCpuTime();
            long t3 = System.nanoTime();
            if (rep >= 0) {
                long[] c = {c0, c1, c2, c3};
                long[] t = {t0, t1, t2, t3};
                for (int k = 0; k < 3; k++) {
                    ms[k][rep] = (c[k + 1] - c[k]) / 1e6;
                    ms[k + 3][rep] = (t[k + 1] - t[k]) / 1e6;
                }
            }
        }
        for (int clock = 0; clock < 2; clock++) {
            double f = median(ms[3 * clock]);
            double l = median(ms[3 * clock + 1]);
            double k = median(ms[3 * clock + 2]);
            System.out.printf(Locale.ROOT, "%-26s batch %4d %-4s | 1000 forwards %8.3f ms | LIME %8.3f ms (x%.2f)"
                            + " | KernelSHAP %8.3f ms (x%.2f) | LIME %.0f explanations/s%n", name, batch,
                    clock == 0 ? "cpu" : "wall", f, l, l / f, k, k / f, 1000 / l);
        }
    }

    private static void explainOnce(PerturbationExplainer e, ExplainableModel model, FloatTensor x) {
        e.explainDetailed(model, x, Target.predicted());
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }
}
