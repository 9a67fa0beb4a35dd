package org.explain4j.model;

import org.explain4j.tensor.FloatTensor;

/** The model output at the input, and the vector-Jacobian product {@code cotangent · ∂output/∂input}. */
public record VjpResult(FloatTensor output, FloatTensor inputGradient) {
}
