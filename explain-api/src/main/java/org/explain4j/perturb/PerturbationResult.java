package org.explain4j.perturb;

import org.explain4j.explain.Attribution;

import java.util.List;

/**
 * What a perturbation explainer returns beyond the cell map: the {@link Attribution} (values
 * shaped like the input, each feature's weight spread evenly over its cells), the interpretable
 * representation used, and per instance the feature weights and surrogate statistics.
 *
 * @param mask the feature mask; null for occlusion, whose windows overlap
 */
public record PerturbationResult(Attribution attribution, FeatureMask mask, List<SurrogateExplanation> instances) {
    public PerturbationResult {
        instances = List.copyOf(instances);
    }

    public SurrogateExplanation instance(int i) {
        return instances.get(i);
    }

    /** The interpretable features' names (windows for occlusion). */
    public List<String> featureNames() {
        if (!instances.isEmpty()) {
            return instances.get(0).featureNames();
        }
        return mask == null ? List.of() : mask.names();
    }
}
