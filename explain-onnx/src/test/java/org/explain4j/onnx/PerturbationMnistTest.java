package org.explain4j.onnx;

import org.explain4j.explain.Target;
import org.explain4j.model.ModelSource;
import org.explain4j.perturb.FeatureMask;
import org.explain4j.perturb.KernelShapExplainer;
import org.explain4j.perturb.LimeExplainer;
import org.explain4j.perturb.OcclusionExplainer;
import org.explain4j.perturb.PerturbationResult;
import org.explain4j.perturb.SurrogateExplanation;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Perturbation methods on a real third-party model: the CNTK MNIST CNN of the ONNX model zoo
 * (copied into models-onnx as explain4j/thirdparty/mnist-cntk.onnx; batch fixed to 1, so every
 * perturbed image is its own ORT run) on real MNIST digits, with 7×7 patches.
 *
 * <p>What can be checked without a reference implementation: with the zero baseline, a patch
 * with no ink is the same on and off, so it is a null player — its exact Shapley value is 0 and
 * occluding it changes nothing; KernelSHAP's values add up to f(x) − f(0) in the model's own
 * outputs; and the explained class is the digit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PerturbationMnistTest {

    private static final long[] SAMPLE = {1, 28, 28};
    private static final FeatureMask PATCHES = FeatureMask.patches(SAMPLE, 7, 7);

    private OrtModel model;

    @BeforeAll
    void open() {
        model = OrtModel.open(ModelSource.fromClasspath("explain4j/thirdparty/mnist-cntk"),
                OrtOptions.defaults().withIntraOpThreads(1));
    }

    @AfterAll
    void close() {
        model.close();
    }

    /** A real MNIST digit from the test resources, grey values in 0..1 (the model reads both 0..1 and 0..255). */
    static float[] digit(int d) {
        try (InputStream in = PerturbationMnistTest.class.getResourceAsStream("/explain4j/mnist/digit" + d + ".txt")) {
            String[] t = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+");
            float[] x = new float[t.length];
            for (int i = 0; i < t.length; i++) {
                x[i] = Float.parseFloat(t[i]);
            }
            assertEquals(784, x.length);
            return x;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static FloatTensor image(float[] x) {
        return new FloatTensor(new long[] {1, 1, 28, 28}, x.clone());
    }

    /** Patches whose 49 pixels are all 0. */
    static boolean[] blankPatches(float[] x) {
        boolean[] blank = new boolean[PATCHES.featureCount()];
        for (int f = 0; f < blank.length; f++) {
            blank[f] = Arrays.stream(PATCHES.cells(f)).allMatch(c -> x[c] == 0f);
        }
        return blank;
    }

    @Test
    void theCopiedModelIsTheSharedOne() throws IOException {
        byte[] copy;
        try (InputStream in = getClass().getResourceAsStream("/explain4j/thirdparty/mnist-cntk.onnx")) {
            copy = in.readAllBytes();
        }
        assertArrayEquals(Files.readAllBytes(SharedFiles.mnistCntk()), copy);
    }

    @Test
    void limeOnPatchesExplainsTheDigitWithTheInk() {
        for (int d : new int[] {7, 3}) {
            float[] x = digit(d);
            PerturbationResult r = LimeExplainer.builder().mask(PATCHES).samples(1000).build()
                    .explainDetailed(model, image(x), Target.predicted());
            SurrogateExplanation e = r.instance(0);
            assertEquals(d, e.target(), "the model reads the digit " + d);
            assertEquals(16, e.featureCount());
            assertTrue(e.weightedR2() > 0.5, "R² " + e.weightedR2());
            boolean[] blank = blankPatches(x);
            double maxInk = 0;
            double maxBlank = 0;
            for (int f = 0; f < 16; f++) {
                if (blank[f]) {
                    maxBlank = Math.max(maxBlank, Math.abs(e.weight(f)));
                } else {
                    maxInk = Math.max(maxInk, Math.abs(e.weight(f)));
                }
            }
            // Blank patches do not change the input, so only sampling noise gives them weight.
            assertTrue(maxBlank < 0.1 * maxInk, "digit " + d + ": blank " + maxBlank + " vs ink " + maxInk);
            assertTrue(e.weight(e.ranking()[0]) > 0, "the strongest patch speaks for the digit");
        }
    }

    @Test
    void kernelShapAddsUpInTheModelsOwnOutputsAndIgnoresBlankPatches() {
        float[] x = digit(7);
        SurrogateExplanation e = KernelShapExplainer.builder().mask(PATCHES).samples(1500).build()
                .explainDetailed(model, image(x), Target.of(7)).instance(0);
        double fx = model.forward(image(x)).get(7);
        double f0 = model.forward(image(new float[784])).get(7);
        assertEquals(fx - f0, e.weightSum(), 1e-4 * Math.max(1, Math.abs(fx - f0)));
        assertEquals(f0, e.intercept(), 1e-4 * Math.max(1, Math.abs(f0)));
        boolean[] blank = blankPatches(x);
        double scale = Arrays.stream(e.weights()).map(Math::abs).max().orElseThrow();
        for (int f = 0; f < 16; f++) {
            if (blank[f]) {
                assertEquals(0, e.weight(f), 0.02 * scale, "null player " + PATCHES.name(f));
            }
        }
    }

    @Test
    void occlusionOfBlankRegionsChangesNothing() {
        float[] x = digit(3);
        PerturbationResult r = OcclusionExplainer.builder().window(1, 7, 7).strides(1, 7, 7).build()
                .explainDetailed(model, image(x), Target.of(3));
        boolean[] blank = blankPatches(x);
        float[] v = r.attribution().values().data();
        double fx = model.forward(image(x)).get(3);
        for (int f = 0; f < 16; f++) {
            int[] cells = PATCHES.cells(f);
            if (blank[f]) {
                for (int c : cells) {
                    assertEquals(0f, v[c], "blank patch " + f + " occluded by zeros is the same image");
                }
            } else {
                // Non-overlapping windows: every cell of the patch carries f(x) − f(x without the patch).
                float[] occluded = x.clone();
                for (int c : cells) {
                    occluded[c] = 0;
                }
                double direct = fx - model.forward(image(occluded)).get(3);
                assertEquals(direct, v[cells[0]], 1e-4 * Math.max(1, Math.abs(direct)));
            }
        }
    }
}
