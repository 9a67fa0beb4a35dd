package org.explain4j.model;

/**
 * An exported graph that returns an intermediate tensor and the gradient with respect to it
 * (sidecar {@code "layer_gradient"}, e.g. {@code name.cam.grad.onnx} for Grad-CAM): it takes the
 * model input {@code input} and a cotangent {@code cotangent} shaped like the output, and returns
 * the output {@code output}, the value of tensor {@code layer} as {@code activation}, and
 * {@code grad = cotangent · ∂output/∂layer}. Shapes are fixed at export time to {@code batch}
 * samples (0 when free).
 */
public record LayerGradientSpec(String file, int batch, String input, String cotangent, String output, String layer,
                                String activation, String grad) {

    /** The graph as a gradient graph whose "gradient" output is {@link #grad}. */
    public GradientGraphSpec asGradientSpec() {
        return new GradientGraphSpec(file, batch, input, cotangent, output, grad);
    }
}
