package org.explain4j.model;

import org.explain4j.tensor.FloatTensor;

/**
 * An intermediate tensor's value at the input and the vector-Jacobian product with respect to
 * it, {@code cotangent · ∂output/∂activation}, both from the same forward pass (Grad-CAM's
 * feature maps and their gradients).
 *
 * @param output     the model's first output at the input {@code [N,C]}
 * @param activation the tensor's value, e.g. {@code [N,K,H,W]}
 * @param gradient   shaped like {@code activation}
 */
public record LayerGradient(FloatTensor output, FloatTensor activation, FloatTensor gradient) {
}
