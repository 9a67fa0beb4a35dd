package org.explain4j.onnx;

import org.explain4j.explain.Target;
import org.explain4j.models.ReferenceModels;
import org.explain4j.perturb.FeatureAblationExplainer;
import org.explain4j.perturb.FeatureMask;
import org.explain4j.perturb.KernelShapExplainer;
import org.explain4j.perturb.LimeExplainer;
import org.explain4j.perturb.OcclusionExplainer;
import org.explain4j.perturb.PerturbationBaseline;
import org.explain4j.perturb.PerturbationResult;
import org.explain4j.perturb.SurrogateExplanation;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Perturbation methods on the embedded reference models through ONNX Runtime. The references
 * are the models' own outputs on inputs the test builds itself: KernelSHAP's efficiency
 * {@code Σφ = f(x) − f(b)}, ablation and occlusion deltas by direct forward passes, and whether
 * LIME's top features are the ones whose removal moves the score.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PerturbationReferenceModelsTest {

    private final Map<String, OrtModel> models = new HashMap<>();
    private ReferenceModels.Dataset cancer;
    private PerturbationBaseline cancerMean;

    @BeforeAll
    void open() {
        for (String name : List.of("breast_cancer_mlp", "synthetic_cnn1d", "synthetic_bilstm")) {
            models.put(name, OrtModel.open(ReferenceModels.source(name), OrtOptions.defaults().withIntraOpThreads(1)));
        }
        cancer = ReferenceModels.breastCancer();
        cancerMean = PerturbationBaseline.cellMean(cancer.features());
    }

    @AfterAll
    void close() {
        models.values().forEach(OrtModel::close);
    }

    private FloatTensor cancerRows(int... rows) {
        float[] out = new float[rows.length * 30];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(cancer.features().sampleData(rows[i]), 0, out, i * 30, 30);
        }
        return new FloatTensor(new long[] {rows.length, 30}, out);
    }

    private double logit(OrtModel m, float[] x, long[] sample, int target) {
        long[] shape = new long[sample.length + 1];
        shape[0] = 1;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        return m.forward(new FloatTensor(shape, x.clone())).get(target);
    }

    @Test
    void limeOnTheBreastCancerMlpRanksFeaturesWhoseRemovalMovesTheScore() {
        OrtModel mlp = models.get("breast_cancer_mlp");
        float[] mean = cancerMean.values(new float[30], new long[] {30}, null);
        int[] rows = {0, 1, 19, 20}; // two malignant, two benign
        PerturbationResult r = LimeExplainer.builder().baseline(cancerMean).samples(1000).build()
                .explainDetailed(mlp, cancerRows(rows), Target.predicted());
        assertEquals(cancer.featureNames(), r.featureNames());
        for (int i = 0; i < rows.length; i++) {
            SurrogateExplanation e = r.instance(i);
            assertEquals(cancer.labels()[rows[i]], e.target(), "row " + rows[i] + " is classified correctly");
            assertTrue(e.weightedR2() > 0.8, "row " + rows[i] + " R² " + e.weightedR2());
            float[] x = cancer.features().sampleData(rows[i]);
            double fx = logit(mlp, x, new long[] {30}, e.target());
            int[] rank = e.ranking();
            // Removing (setting to the mean) the top 5 moves the score more than the bottom 5.
            double top = fx - logit(mlp, replace(x, mean, rank, 0, 5), new long[] {30}, e.target());
            double bottom = fx - logit(mlp, replace(x, mean, rank, 25, 30), new long[] {30}, e.target());
            assertTrue(Math.abs(top) > 5 * Math.abs(bottom), "row " + rows[i] + ": top-5 " + top + ", bottom-5 " + bottom);
            // The strongest feature's sign is the sign of its own ablation effect.
            double alone = fx - logit(mlp, replace(x, mean, rank, 0, 1), new long[] {30}, e.target());
            assertEquals(Math.signum(alone), Math.signum(e.weight(rank[0])), "row " + rows[i] + " " + e.featureNames().get(rank[0]));
        }
    }

    private static float[] replace(float[] x, float[] mean, int[] rank, int from, int to) {
        float[] z = x.clone();
        for (int k = from; k < to; k++) {
            z[rank[k]] = mean[rank[k]];
        }
        return z;
    }

    @ParameterizedTest
    @ValueSource(strings = {"breast_cancer_mlp", "synthetic_cnn1d", "synthetic_bilstm"})
    void kernelShapAddsUpToTheModelsOwnDifference(String name) {
        OrtModel m = models.get(name);
        long[] sample = m.info().input().sampleShape();
        FloatTensor inputs;
        PerturbationBaseline baseline;
        if (name.equals("breast_cancer_mlp")) {
            inputs = cancerRows(3, 40);
            baseline = cancerMean;
        } else {
            inputs = syntheticInputs(sample, 2);
            baseline = PerturbationBaseline.zero();
        }
        PerturbationResult r = KernelShapExplainer.builder().baseline(baseline).samples(1024).build()
                .explainDetailed(m, inputs, Target.predicted());
        float[] b = baseline.values(inputs.sampleData(0), sample, null);
        for (int i = 0; i < inputs.batchSize(); i++) {
            SurrogateExplanation e = r.instance(i);
            double fx = logit(m, inputs.sampleData(i), sample, e.target());
            double fb = logit(m, b, sample, e.target());
            assertEquals(fx - fb, e.weightSum(), 1e-4 * Math.max(1, Math.abs(fx - fb)), name + " sample " + i);
            assertEquals(fb, e.intercept(), 1e-4 * Math.max(1, Math.abs(fb)));
        }
    }

    @Test
    void featureAblationEqualsDirectForwards() {
        OrtModel mlp = models.get("breast_cancer_mlp");
        float[] mean = cancerMean.values(new float[30], new long[] {30}, null);
        SurrogateExplanation e = FeatureAblationExplainer.builder().baseline(cancerMean).batchSize(7).build()
                .explainDetailed(mlp, cancerRows(5), Target.of(0)).instance(0);
        float[] x = cancer.features().sampleData(5);
        double fx = logit(mlp, x, new long[] {30}, 0);
        for (int j = 0; j < 30; j++) {
            float[] z = x.clone();
            z[j] = mean[j];
            assertEquals(fx - logit(mlp, z, new long[] {30}, 0), e.weight(j), 1e-5, cancer.featureNames().get(j));
        }
    }

    @Test
    void occlusionOnTheCnn1dEqualsDirectForwards() {
        OrtModel cnn = models.get("synthetic_cnn1d");
        long[] sample = cnn.info().input().sampleShape(); // [3, 128]
        FloatTensor x = syntheticInputs(sample, 1);
        PerturbationResult r = OcclusionExplainer.builder().window(3, 16).strides(3, 16).build()
                .explainDetailed(cnn, x, Target.predicted());
        int target = r.instance(0).target();
        float[] in = x.sampleData(0);
        double fx = logit(cnn, in, sample, target);
        assertEquals(8, r.instance(0).featureCount());
        for (int w = 0; w < 8; w++) {
            float[] z = in.clone();
            for (int ch = 0; ch < 3; ch++) {
                for (int t = w * 16; t < w * 16 + 16; t++) {
                    z[ch * 128 + t] = 0;
                }
            }
            double direct = fx - logit(cnn, z, sample, target);
            assertEquals(direct, r.instance(0).weight(w), 1e-5 * Math.max(1, Math.abs(direct)), "window " + w);
            assertEquals(direct, r.attribution().values().get(w * 16 + 5), 1e-5 * Math.max(1, Math.abs(direct)));
        }
    }

    @Test
    void sequenceModelsGetWindowsByVariablesAndLimeReportsItsFit() {
        OrtModel lstm = models.get("synthetic_bilstm");
        long[] sample = lstm.info().input().sampleShape(); // [24, 4]
        FeatureMask windows = FeatureMask.defaultFor(lstm.info().description(), sample);
        assertEquals(4 * 6, windows.featureCount());
        PerturbationResult r = LimeExplainer.builder().samples(800).build()
                .explainDetailed(lstm, syntheticInputs(sample, 2), Target.predicted());
        for (SurrogateExplanation e : r.instances()) {
            assertEquals(24, e.featureCount());
            assertTrue(e.weightedR2() > 0 && e.weightedR2() <= 1, "R² " + e.weightedR2());
            assertTrue(Double.isFinite(e.localPrediction()));
        }
        assertEquals(r.attribution().diagnostics().get("weighted_r2")[1], r.instance(1).weightedR2());
    }

    @Test
    void batchSizeAndThreadsDoNotChangeResultsOnOnnxRuntime() {
        OrtModel mlp = models.get("breast_cancer_mlp");
        FloatTensor x = cancerRows(7, 8, 9);
        PerturbationResult a = LimeExplainer.builder().baseline(cancerMean).samples(500).build()
                .explainDetailed(mlp, x, Target.predicted());
        PerturbationResult b = LimeExplainer.builder().baseline(cancerMean).samples(500).batchSize(61).threads(2).build()
                .explainDetailed(mlp, x, Target.predicted());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(a.instance(i).weights(), b.instance(i).weights(), 1e-5);
        }
    }

    /** Deterministic smooth inputs shaped like the model's samples. */
    private static FloatTensor syntheticInputs(long[] sample, int n) {
        int size = Math.toIntExact(FloatTensor.elementCount(sample));
        float[] x = new float[n * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (Math.sin(i * 0.37) + 0.5 * Math.cos(i * 0.11 + n));
        }
        long[] shape = new long[sample.length + 1];
        shape[0] = n;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        return new FloatTensor(shape, x);
    }
}
