package org.explain4j.onnx;

import org.explain4j.model.VjpResult;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** One model shared by four threads gives, call for call, what it gives one thread. */
class OrtModelConcurrencyTest {

    private static final int THREADS = 4;
    private static final int CALLS_PER_THREAD = 6;

    @Test
    void concurrentForwardVjpAndActivationsEqualSequentialResults() throws Exception {
        GoldenSamples golden = GoldenSamples.load("synthetic_cnn1d");
        int classes = golden.classes();
        FloatTensor pool = golden.tiled(40);
        try (OrtModel model = OrtModel.open(ReferenceModels.source("synthetic_cnn1d"),
                OrtOptions.defaults().withIntraOpThreads(1))) {
            String output = model.info().output().name();
            // Each task has its own batch size and targets, so crossed wires would show.
            int tasks = THREADS * CALLS_PER_THREAD;
            List<FloatTensor> xs = new ArrayList<>();
            List<FloatTensor> ws = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                int n = 1 + (t * 7) % 40;
                int shift = t;
                xs.add(pool.slice(40 - n, 40));
                ws.add(OrtModelReferenceTest.oneHot(n, classes, i -> (i + shift) % classes));
            }
            List<float[][]> sequential = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                sequential.add(run(model, xs.get(t), ws.get(t), output));
            }

            ExecutorService pool4 = Executors.newFixedThreadPool(THREADS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<float[][]>> futures = new ArrayList<>();
                for (int t = 0; t < tasks; t++) {
                    int task = t;
                    Callable<float[][]> call = () -> {
                        start.await();
                        return run(model, xs.get(task), ws.get(task), output);
                    };
                    futures.add(pool4.submit(call));
                }
                start.countDown();
                for (int t = 0; t < tasks; t++) {
                    float[][] got = futures.get(t).get(60, TimeUnit.SECONDS);
                    for (int k = 0; k < got.length; k++) {
                        assertArrayEquals(sequential.get(t)[k], got[k], "task " + t + " result " + k);
                    }
                }
            } finally {
                pool4.shutdownNow();
            }
        }
    }

    private static float[][] run(OrtModel model, FloatTensor x, FloatTensor w, String output) {
        FloatTensor y = model.forward(x);
        VjpResult r = model.vjp(x, w);
        FloatTensor a = model.activations(x, List.of(output)).get(output);
        return new float[][] {y.data(), r.output().data(), r.inputGradient().data(), a.data()};
    }
}
