package org.explain4j.lrp;

import org.explain4j.ExplainException;
import org.explain4j.lrp.Composite.LayerKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompositeTest {

    @Test
    void rulesParseFromTheirNames() {
        assertEquals(new Rule.Epsilon(0.02), Rule.parse("epsilon", 0.02));
        assertEquals(new Rule.Epsilon(1e-3), Rule.parse("epsilon(1e-3)", 0.02));
        assertEquals(new Rule.Epsilon(0), Rule.parse("LRP-0", 0.02));
        assertEquals(new Rule.AlphaBeta(1, 0), Rule.parse("z+", 0.02));
        assertEquals(new Rule.AlphaBeta(1, 0), Rule.parse("alpha1beta0", 0.02));
        assertEquals(new Rule.AlphaBeta(2, 1), Rule.parse("alpha2_beta1", 0.02));
        assertEquals(new Rule.AlphaBeta(3, 2), Rule.parse("alphabeta(3, 2)", 0.02));
        assertEquals(new Rule.Gamma(0.25, Rule.GAMMA_STABILISER), Rule.parse("gamma", 0.02));
        assertEquals(new Rule.Gamma(0.1, Rule.GAMMA_STABILISER), Rule.parse("gamma(0.1)", 0.02));
        assertEquals(new Rule.Flat(), Rule.parse("flat", 0.02));
        assertEquals(new Rule.WSquare(), Rule.parse("w^2", 0.02));
        for (Rule r : List.of(Rule.epsilon(0.5), Rule.zPlus(), Rule.alphaBeta(2, 1), Rule.gamma(0.3), Rule.flat(),
                Rule.wSquare())) {
            assertEquals(r, Rule.parse(r.text(), 9), r.text());
        }
        ExplainException e = assertThrows(ExplainException.class, () -> Rule.parse("sharpen", 0.01));
        assertTrue(e.getMessage().startsWith("unknown LRP rule 'sharpen'; accepted rules: epsilon"), e.getMessage());
        assertThrows(ExplainException.class, () -> Rule.parse("epsilon(-1)", 0.01));
    }

    @Test
    void mostSpecificEntryWins() {
        Composite c = Composite.parse("epsilon, conv=zplus, Conv=alpha2beta1, first=flat, node:/c2=gamma(0.5)", 0.01);
        assertEquals(Rule.epsilon(0.01), c.ruleFor(LayerKind.DENSE, "Gemm", List.of("/fc"), false));
        assertEquals(Rule.flat(), c.ruleFor(LayerKind.DENSE, "Gemm", List.of("/fc"), true));
        assertEquals(Rule.alphaBeta(2, 1), c.ruleFor(LayerKind.CONV, "Conv", List.of("/c1"), false));
        assertEquals(Rule.zPlus(), c.ruleFor(LayerKind.CONV, "ConvInteger", List.of("/c1"), false));
        assertEquals(Rule.gamma(0.5), c.ruleFor(LayerKind.CONV, "Conv", List.of("/c2"), true));
        // the first-layer rule is for weighted input layers, not for a sum or pool
        assertEquals(Rule.epsilon(0.01), c.ruleFor(LayerKind.POOL, "AveragePool", List.of(), true));
    }

    @Test
    void presetsSayWhatTheyDo() {
        Composite p = Composite.preset("epsilon-plus-flat", 0.05);
        assertEquals(Rule.zPlus(), p.ruleFor(LayerKind.CONV, "Conv", List.of(), false));
        assertEquals(Rule.epsilon(0.05), p.ruleFor(LayerKind.DENSE, "Gemm", List.of(), false));
        assertEquals(Rule.flat(), p.ruleFor(LayerKind.CONV, "Conv", List.of(), true));
        for (String name : Composite.PRESETS.keySet()) {
            assertEquals(name, Composite.preset(name, 0.01).name());
        }
        assertEquals(Rule.wSquare(), Composite.parse("epsilon_w2", 0.01).ruleFor(LayerKind.DENSE, "MatMul", List.of(),
                true));
        ExplainException e = assertThrows(ExplainException.class, () -> Composite.parse("fancy", 0.01));
        assertTrue(e.getMessage().startsWith("unknown LRP composite 'fancy'; presets: epsilon, epsilon-plus"),
                e.getMessage());
        assertThrows(ExplainException.class, () -> Composite.parse("epsilon, Conv", 0.01));
        assertThrows(ExplainException.class, () -> Composite.parse("epsilon, lstm=flat", 0.01));
    }

    @Test
    void epsilonOverrideReachesEveryEpsilonRule() {
        Composite c = Composite.parse("default=epsilon(0.1), dense=epsilon(0.2), conv=zplus", 0.01).withEpsilon(1e-6);
        assertEquals(Rule.epsilon(1e-6), c.ruleFor(LayerKind.DENSE, "Gemm", List.of(), false));
        assertEquals(Rule.epsilon(1e-6), c.ruleFor(LayerKind.SUM, "Add", List.of(), false));
        assertEquals(Rule.zPlus(), c.ruleFor(LayerKind.CONV, "Conv", List.of(), false));
        assertTrue(c.describe().contains("conv=zplus"), c.describe());
    }

    @Test
    void sigmoidStartsKeepTheContributionsOfTheDecision() {
        double[] contrib = {2, -1, 0.5}; // sum 1.5
        // bias −3: logit −1.5 < 0 but S − S(0) = σ(−1.5) − σ(−3) > 0
        assertArrayEquals(new double[] {2, 0, 0.5}, OutputInit.SIGMOID_DECISION.maskedStart(contrib, -3), 0);
        assertArrayEquals(new double[] {0, -1, 0}, OutputInit.SIGMOID_LOGIT_SIGN.maskedStart(contrib, -3), 0);
        assertEquals(OutputInit.SIGMOID_LOGIT_SIGN, OutputInit.parse("sigmoid_logit_sign"));
        assertThrows(ExplainException.class, () -> OutputInit.parse("probability"));
    }
}
