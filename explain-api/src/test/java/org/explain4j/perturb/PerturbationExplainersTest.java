package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerturbationExplainersTest {

    @Test
    void optionsReachTheBuilders() {
        LimeExplainer lime = (LimeExplainer) PerturbationExplainers.byName("LIME", Map.of("samples", "300",
                "--kernel", "l2", "kernel_width", "2", "features", "4", "batch-size", "64", "seed", "7",
                "sampler", "fixed:3"), null);
        assertEquals(300, lime.samples());
        assertEquals(new SimilarityKernel(SimilarityKernel.Distance.L2, 2), lime.kernel());
        assertEquals(Surrogate.kLasso(4), lime.surrogate());
        assertEquals(CoalitionSampler.fixedCount(3), lime.sampler());
        assertEquals(64, lime.batchSize());
        assertEquals(7, lime.seed());
        KernelShapExplainer shap = (KernelShapExplainer) PerturbationExplainers.byName("shap", Map.of("samples", "99",
                "baseline", "mean"), new FloatTensor(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
        assertEquals(99, shap.samples());
        assertEquals("cell_mean(2)", shap.baseline().describe());
        assertInstanceOf(OcclusionExplainer.class, PerturbationExplainers.byName("occlusion", Map.of("window", "1,7,7"), null));
        assertInstanceOf(FeatureAblationExplainer.class, PerturbationExplainers.byName("ablation", Map.of(), null));
        assertTrue(PerturbationExplainers.knows("kernel-shap"));
    }

    @Test
    void mistakesAreNamed() {
        ExplainException unknown = assertThrows(ExplainException.class,
                () -> PerturbationExplainers.byName("gradcam", Map.of(), null));
        assertTrue(unknown.getMessage().contains("known: lime, kernelshap, occlusion, feature_ablation"), unknown.getMessage());
        ExplainException extra = assertThrows(ExplainException.class,
                () -> PerturbationExplainers.byName("kernelshap", Map.of("kernel-width", "1"), null));
        assertTrue(extra.getMessage().contains("does not take --kernel-width"), extra.getMessage());
        ExplainException zero = assertThrows(ExplainException.class,
                () -> PerturbationExplainers.byName("lime", Map.of("samples", "0"), null));
        assertTrue(zero.getMessage().contains("--samples must be a positive whole number"), zero.getMessage());
        assertThrows(ExplainException.class, () -> PerturbationExplainers.byName("lime", Map.of("baseline", "mean"), null));
        assertThrows(ExplainException.class, () -> PerturbationExplainers.byName("lime", Map.of("sampler", "fixed:x"), null));
    }
}
