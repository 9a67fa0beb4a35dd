package org.explain4j.djl;

import org.explain4j.model.VjpResult;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Gradients through DJL's PyTorch engine keep eval-mode behaviour. The CNN has a BatchNorm1d:
 * in train mode it would normalise with the batch's own statistics, so a sample's output and
 * gradient would change with the other samples of its batch; with the running statistics of
 * eval mode they do not. Repeated calls agree exactly (no dropout noise), forward after
 * gradient work agrees with forward before it (the module's mode is untouched), and gradient
 * calls from several threads give the sequential answers (they are serialised process-wide).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TorchScriptEvalModeTest {

    private static final String CNN = "synthetic_cnn1d";

    private DjlModel model;
    private GoldenSamples golden;

    @BeforeAll
    void open() {
        model = DjlModel.openTorchScript(TorchScriptSources.beside(ReferenceModels.source(CNN)));
        golden = GoldenSamples.load(CNN);
    }

    @AfterAll
    void close() {
        model.close();
    }

    @Test
    void aSamplesGradientDoesNotDependOnTheRestOfItsBatch() {
        FloatTensor batch = golden.tiled(12);
        int classes = golden.classes();
        VjpResult together = model.vjp(batch, BackendAgreementTest.oneHot(12, classes, 1));
        for (int i : new int[] {0, 5, 11}) {
            VjpResult alone = model.vjp(batch.sample(i), BackendAgreementTest.oneHot(1, classes, 1));
            double dy = BackendAgreementTest.maxAbsDiff(together.output().sample(i), alone.output());
            double dg = BackendAgreementTest.maxAbsDiff(together.inputGradient().sample(i), alone.inputGradient());
            assertEquals(0, dy, 1e-5, "output of sample " + i + " alone vs in a batch of 12");
            assertEquals(0, dg, 1e-5, "gradient of sample " + i + " alone vs in a batch of 12");
        }
    }

    @Test
    void gradientCallsRepeatExactlyAndLeaveForwardUntouched() {
        FloatTensor x = golden.inputs();
        FloatTensor before = model.forward(x);
        FloatTensor w = BackendAgreementTest.oneHot(x.batchSize(), golden.classes(), 0);
        VjpResult first = model.vjp(x, w);
        for (int k = 0; k < 3; k++) {
            VjpResult again = model.vjp(x, w);
            assertArrayEquals(first.inputGradient().data(), again.inputGradient().data(), "call " + k);
        }
        assertEquals(0, BackendAgreementTest.maxAbsDiff(before, first.output()), 1e-5, "vjp output vs forward");
        assertArrayEquals(before.data(), model.forward(x).data(), "forward after gradient work");
    }

    @Test
    void concurrentGradientCallsGiveTheSequentialAnswers() throws Exception {
        FloatTensor x = golden.tiled(8);
        List<FloatTensor> cotangents = new ArrayList<>();
        List<FloatTensor> expected = new ArrayList<>();
        for (int c = 0; c < golden.classes(); c++) {
            cotangents.add(BackendAgreementTest.oneHot(8, golden.classes(), c));
            expected.add(model.vjp(x, cotangents.get(c)).inputGradient());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<FloatTensor>> futures = new ArrayList<>();
            for (int k = 0; k < 12; k++) {
                int c = k % golden.classes();
                futures.add(pool.submit(() -> {
                    model.forward(x); // forward runs beside gradient work
                    return model.vjp(x, cotangents.get(c)).inputGradient();
                }));
            }
            for (int k = 0; k < futures.size(); k++) {
                assertArrayEquals(expected.get(k % golden.classes()).data(), futures.get(k).get().data(), "call " + k);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
