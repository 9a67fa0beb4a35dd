package org.explain4j.djl;

import org.explain4j.model.VjpResult;
import org.explain4j.tensor.FloatTensor;

/**
 * What {@link DjlModel} asks of one DJL engine. Inputs and cotangents arrive already checked
 * against the model's signature; runners only run and convert.
 */
interface EngineRunner extends AutoCloseable {

    /** The first output of the model for {@code input [N,...]}. */
    FloatTensor forward(FloatTensor input);

    boolean supportsGradients();

    /** Output and {@code cotangent · ∂output/∂input} for {@code input [N,...]} and {@code cotangent [N,C]}. */
    VjpResult vjp(FloatTensor input, FloatTensor cotangent);

    @Override
    void close();
}
