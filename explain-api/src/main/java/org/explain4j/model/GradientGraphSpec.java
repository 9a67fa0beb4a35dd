package org.explain4j.model;

/**
 * Where an exported gradient graph lives and how its tensors are named. The graph takes the
 * input {@code input} and a cotangent {@code cotangent} shaped like the output, and returns the
 * output {@code output} and the vector-Jacobian product {@code grad} shaped like the input.
 * Shapes are fixed at export time to {@code batch} samples.
 */
public record GradientGraphSpec(String file, int batch, String input, String cotangent, String output,
                                String grad) {
}
