package org.explain4j.onnx;

import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.explain.gradient.IntegratedGradients;
import org.explain4j.explain.gradient.Saliency;
import org.explain4j.io.Npy;
import org.explain4j.metrics.GroundTruth;
import org.explain4j.metrics.OpenBox;
import org.explain4j.metrics.PerturbationCurve;
import org.explain4j.metrics.PerturbationScale;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics on the embedded reference models through ONNX Runtime, against independent
 * references: PyTorch's float64 gradients and logits for OpenBox on the ReLU MLP, the
 * generator's known cause cells for the synthetic sequence model.
 */
class MetricsReferenceModelsTest {

    @Test
    void openBoxReproducesTheReluMlpToOneInTenToTheFive() {
        GoldenSamples golden = GoldenSamples.load("breast_cancer_mlp");
        FloatTensor x = golden.inputs();
        try (OrtModel model = OrtModel.open(ReferenceModels.source("breast_cancer_mlp"),
                OrtOptions.defaults().withIntraOpThreads(1))) {
            FloatTensor data = ReferenceModels.breastCancer().features();
            OpenBox.Result r = OpenBox.builder().directions(6).scale(PerturbationScale.stdOf(data)).build()
                    .compute(model, x);
            int d = x.sampleSize();
            for (int i = 0; i < golden.samples().size(); i++) {
                GoldenSamples.Sample g = golden.samples().get(i);
                OpenBox.LinearModel lm = r.models()[i];
                double scale = 1 + GoldenSamples.maxAbs(g.logits());
                for (int c = 0; c < golden.classes(); c++) {
                    double gmax = GoldenSamples.maxAbs(g.gradLogit()[c]);
                    for (int j = 0; j < d; j++) {
                        assertEquals(g.gradLogit()[c][j], lm.weights()[c * d + j], 1e-4 * gmax, "W_r vs PyTorch");
                    }
                }
                // the float64 PyTorch linear model at x, W x' + (f(x) − W x), against the runtime at
                // fresh points inside the region OpenBox measured
                for (int k = 0; k < 6; k++) {
                    double s = r.radius()[i][k] / 2;
                    float[] u = r.directions()[i * 6 + k];
                    float[] p = new float[d];
                    for (int j = 0; j < d; j++) {
                        p[j] = (float) (g.x()[j] + s * u[j]);
                    }
                    float[] y = model.forward(new FloatTensor(new long[] {1, d}, p)).data();
                    for (int c = 0; c < golden.classes(); c++) {
                        double lin = g.logits()[c];
                        for (int j = 0; j < d; j++) {
                            lin += g.gradLogit()[c][j] * ((double) p[j] - g.x()[j]);
                        }
                        assertEquals(lin, y[c], 1e-5 * scale, "sample " + i + " direction " + k);
                    }
                    assertTrue(r.radius()[i][k] > 1e-3, "a ReLU region of non-zero size: " + r.radius()[i][k]);
                }
                assertTrue(r.reproductionError()[i] <= 1e-5 * scale, "reproduction " + r.reproductionError()[i]);
                // the same linear model inside the region, up to float32 summation order (another region: O(1))
                assertTrue(r.jacobianChange()[i] <= 1e-4, "Jacobian change " + r.jacobianChange()[i]);
            }
        }
    }

    @Test
    void attributionOfTheSequenceModelFindsTheGeneratorsCauseCells() throws Exception {
        Path npy = Files.createTempFile("bilstm-eval", ".npy");
        try (InputStream in = ReferenceModels.class.getClassLoader()
                .getResourceAsStream("explain4j/models/synthetic_bilstm/synthetic_bilstm.eval.npy");
             InputStream truthIn = ReferenceModels.class.getClassLoader()
                     .getResourceAsStream("explain4j/models/synthetic_bilstm/synthetic_bilstm.eval.truth.json");
             OrtModel model = OrtModel.open(ReferenceModels.source("synthetic_bilstm"),
                     OrtOptions.defaults().withIntraOpThreads(1))) {
            Files.copy(in, npy, StandardCopyOption.REPLACE_EXISTING);
            Npy.Array arr = Npy.readArray(npy);
            FloatTensor all = new FloatTensor(arr.shape(), arr.data());
            GroundTruth truth = GroundTruth.parse(truthIn, "synthetic_bilstm.eval.truth.json");
            int n = 36;
            int[] rows = java.util.stream.IntStream.range(0, n).toArray();
            FloatTensor x = all.slice(0, n);
            GroundTruth t = truth.select(rows);

            Attribution ig = IntegratedGradients.builder().steps(16).build().explain(model, x, Target.predicted());
            GroundTruth.Scores s = t.score(ig, 0);
            assertTrue(s.scored() >= 10, "positives explained as positive: " + s.scored());
            double mass = mean(s.massOnCause());
            double random = mean(s.randomMass());
            assertTrue(mass > 3 * random, "IG mass on the cause cells " + mass + " vs a uniform map's " + random);

            // deleting the cells IG ranks first lowers the positive logit faster than deleting at random
            Attribution sal = Saliency.builder().absolute(false).build().explain(model, x, Target.predicted());
            PerturbationCurve.Result del = PerturbationCurve.deletion().steps(12).build().compute(model, ig);
            float[] noise = new float[x.size()];
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
            for (int j = 0; j < noise.length; j++) {
                noise[j] = (float) rnd.nextGaussian();
            }
            Attribution random0 = new Attribution(new FloatTensor(x.shape(), noise), x, sal.outputs(), sal.targets(),
                    sal.score(), "random", java.util.Map.of(), java.util.Map.of(), sal.provenance());
            PerturbationCurve.Result rndDel = PerturbationCurve.deletion().steps(12).build().compute(model, random0);
            assertTrue(mean(del.auc()) < mean(rndDel.auc()), "IG " + mean(del.auc()) + " vs random "
                    + mean(rndDel.auc()));
        } finally {
            Files.deleteIfExists(npy);
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        int n = 0;
        for (double d : v) {
            if (Double.isFinite(d)) {
                s += d;
                n++;
            }
        }
        return s / n;
    }
}
