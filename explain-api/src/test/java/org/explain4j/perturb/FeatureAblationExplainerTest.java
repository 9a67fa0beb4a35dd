package org.explain4j.perturb;

import org.explain4j.explain.Target;
import org.explain4j.model.InputLayout;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class FeatureAblationExplainerTest {

    @Test
    void eachGroupCarriesItsLinearContribution() {
        TestModels.FunctionModel model = TestModels.linear(new long[] {6}, InputLayout.FEATURES,
                LimeExplainerTest.W, LimeExplainerTest.B);
        Map<String, int[]> groups = new LinkedHashMap<>();
        groups.put("first", new int[] {0, 3});
        groups.put("second", new int[] {1, 2, 5});
        groups.put("third", new int[] {4});
        float[] base = {1, 1, 1, 1, 1, 1};
        PerturbationResult r = FeatureAblationExplainer.builder().mask(FeatureMask.columnGroups(6, groups))
                .baseline(PerturbationBaseline.of(base)).build()
                .explainDetailed(model, LimeExplainerTest.one(LimeExplainerTest.X), Target.of(0));
        double[] w = LimeExplainerTest.W;
        float[] x = LimeExplainerTest.X;
        double g0 = w[0] * (x[0] - 1) + w[3] * (x[3] - 1);
        double g1 = w[1] * (x[1] - 1) + w[2] * (x[2] - 1) + w[5] * (x[5] - 1);
        double g2 = w[4] * (x[4] - 1);
        assertArrayEquals(new double[] {g0, g1, g2}, r.instance(0).weights(), 1e-9);
        assertEquals(List.of("first", "second", "third"), r.featureNames());
        assertEquals(g1 / 3, r.attribution().values().get(5), 1e-6);
        assertEquals(3, r.instance(0).evaluations());
        assertEquals(LimeExplainerTest.B + 6, r.instance(0).localPrediction(), 0);
    }
}
