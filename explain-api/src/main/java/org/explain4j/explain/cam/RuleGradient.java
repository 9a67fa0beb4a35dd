package org.explain4j.explain.cam;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Provenance;
import org.explain4j.explain.ScoreFunction;
import org.explain4j.explain.Target;
import org.explain4j.model.BackwardRule;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.InputChecks;
import org.explain4j.model.Score;
import org.explain4j.model.VjpResult;
import org.explain4j.tensor.FloatTensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The backward pass of the target's score with a modified ReLU rule, shared by guided
 * backpropagation, deconvnet and guided Grad-CAM.
 *
 * @param values  the modified gradient, shaped like the input
 * @param outputs the model's outputs at the input
 * @param targets the resolved target class per sample
 * @param scores  the target's score per sample
 * @param score   the score explained (logit or probability)
 */
record RuleGradient(FloatTensor values, FloatTensor outputs, int[] targets, double[] scores, Score score) {

    static RuleGradient of(ExplainableModel model, FloatTensor inputs, Target target, Score requested,
                           BackwardRule rule) {
        InputChecks.validate(model.info().input(), inputs);
        ScoreFunction sf = ScoreFunction.forModel(model.info(), requested);
        FloatTensor outputs = model.forward(inputs);
        int[] targets = target.resolve(outputs);
        ScoreFunction.Evaluation ev = sf.evaluate(outputs, targets);
        VjpResult r = model.vjp(inputs, ev.cotangentTensor(), rule);
        if (!Arrays.equals(r.inputGradient().shape(), inputs.shape())) {
            throw new ExplainException("model '" + model.info().name() + "' returned a " + rule + " gradient shaped "
                    + Arrays.toString(r.inputGradient().shape()) + " for an input shaped "
                    + Arrays.toString(inputs.shape()));
        }
        return new RuleGradient(r.inputGradient(), outputs, targets, ev.scores(), sf.score());
    }

    /** The modified gradient itself as the attribution of {@code method} (guided backprop, deconvnet). */
    static Attribution explain(String method, ExplainableModel model, FloatTensor inputs, Target target,
                               Score requested, BackwardRule rule) {
        RuleGradient g = of(model, inputs, target, requested, rule);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("relu_rule", rule.name().toLowerCase(Locale.ROOT));
        params.put("score", g.score().name().toLowerCase(Locale.ROOT));
        return new Attribution(g.values(), inputs, g.outputs(), g.targets(), g.score(), method, params,
                Map.of("score_at_input", g.scores()), Provenance.of(model.info(), OptionalLong.empty()));
    }
}
