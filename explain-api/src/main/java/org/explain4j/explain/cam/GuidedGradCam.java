package org.explain4j.explain.cam;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Provenance;
import org.explain4j.explain.Target;
import org.explain4j.model.BackwardRule;
import org.explain4j.model.ExplainableModel;
import org.explain4j.tensor.FloatTensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Guided Grad-CAM (Selvaraju et al. 2017, METHODS §3): guided backpropagation multiplied
 * element-wise by the Grad-CAM map upsampled to the input (as {@link GradCam#explain} gives
 * it, with that explainer's ReLU, scaling and lead groups): fine detail from the guided
 * gradient, class localisation from the map.
 */
public final class GuidedGradCam implements Explainer {
    public static final String METHOD = "guided_gradcam";

    private final GradCam cam;

    /** @param cam the Grad-CAM whose upsampled map weights the guided gradient (its score is used for both) */
    public GuidedGradCam(GradCam cam) {
        if (cam == null) {
            throw new ExplainException("guided Grad-CAM needs a Grad-CAM (give --layer <tensor name>)");
        }
        this.cam = cam;
    }

    public GradCam gradCam() {
        return cam;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Attribution explain(ExplainableModel model, FloatTensor inputs, Target target) {
        cam.checkedInputs(model, inputs);
        GradCam.LayerMaps lm = cam.layerMaps(model, inputs, target);
        FloatTensor map = cam.upsampled(lm, inputs);
        // The same targets as the map, so a predicted target cannot differ between the two passes.
        RuleGradient g = RuleGradient.of(model, inputs, Target.perSample(lm.targets()), lm.score(),
                BackwardRule.GUIDED_BACKPROP);
        float[] v = new float[inputs.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = g.values().data()[i] * map.data()[i];
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("layer", cam.layer());
        params.put("layer_shape", Arrays.toString(Arrays.copyOfRange(lm.maps().shape(),
                cam.leadGroups() > 0 ? 2 : 1, lm.maps().rank())));
        params.put("relu", cam.relu());
        params.put("scale", cam.scale().name().toLowerCase(Locale.ROOT));
        if (cam.leadGroups() > 0) {
            params.put("lead_groups", cam.leadGroups());
        }
        params.put("relu_rule", BackwardRule.GUIDED_BACKPROP.name().toLowerCase(Locale.ROOT));
        params.put("score", lm.score().name().toLowerCase(Locale.ROOT));
        return new Attribution(new FloatTensor(inputs.shape(), v), inputs, lm.outputs(), lm.targets(), lm.score(),
                METHOD, params, Map.of("score_at_input", lm.scores()), Provenance.of(model.info(), OptionalLong.empty()));
    }

    @Override
    public String toString() {
        return METHOD + "(" + cam + ")";
    }
}
