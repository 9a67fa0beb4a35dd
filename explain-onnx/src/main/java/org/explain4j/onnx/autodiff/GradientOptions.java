package org.explain4j.onnx.autodiff;

import java.util.Arrays;
import java.util.List;

/**
 * What {@link GradientGraphBuilder} differentiates and how the gradient graph names things.
 *
 * @param output        the model output to differentiate; {@code null} for the first output
 * @param input         the model input to differentiate with respect to; {@code null} for the first
 * @param intermediates further tensors of the model to return gradients for (Grad-CAM's feature
 *                      maps), each as an output {@code grad_<name>}
 * @param reluRule      the ReLU backward rule (true gradient, guided backprop or deconvnet)
 * @param cotangentName name of the new input holding the cotangent (shaped like the output)
 * @param gradName      name of the gradient output; {@code null} for {@code grad_<input>}
 * @param inputShape    the input's shape to build for, overriding the declared one; -1 keeps a
 *                      dimension free (the batch). Needed when a dimension other than the batch is
 *                      symbolic and the graph needs it fixed (recurrent unrolling, convolutions).
 *                      {@code null} to use the declared shape.
 */
public record GradientOptions(String output, String input, List<String> intermediates, ReluRule reluRule,
                              String cotangentName, String gradName, long[] inputShape) {

    public GradientOptions {
        intermediates = List.copyOf(intermediates);
        inputShape = inputShape == null ? null : inputShape.clone();
    }

    /** First output w.r.t. first input, true gradient, cotangent {@code w}, output {@code grad_<input>}. */
    public static GradientOptions defaults() {
        return new GradientOptions(null, null, List.of(), ReluRule.GRADIENT, "w", null, null);
    }

    public GradientOptions withOutput(String name) {
        return new GradientOptions(name, input, intermediates, reluRule, cotangentName, gradName, inputShape);
    }

    public GradientOptions withInput(String name) {
        return new GradientOptions(output, name, intermediates, reluRule, cotangentName, gradName, inputShape);
    }

    public GradientOptions withIntermediates(List<String> names) {
        return new GradientOptions(output, input, names, reluRule, cotangentName, gradName, inputShape);
    }

    public GradientOptions withReluRule(ReluRule rule) {
        return new GradientOptions(output, input, intermediates, rule, cotangentName, gradName, inputShape);
    }

    public GradientOptions withCotangentName(String name) {
        return new GradientOptions(output, input, intermediates, reluRule, name, gradName, inputShape);
    }

    public GradientOptions withGradName(String name) {
        return new GradientOptions(output, input, intermediates, reluRule, cotangentName, name, inputShape);
    }

    public GradientOptions withInputShape(long... shape) {
        return new GradientOptions(output, input, intermediates, reluRule, cotangentName, gradName, shape);
    }

    @Override
    public long[] inputShape() {
        return inputShape == null ? null : inputShape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GradientOptions g && java.util.Objects.equals(g.output, output)
                && java.util.Objects.equals(g.input, input) && g.intermediates.equals(intermediates)
                && g.reluRule == reluRule && java.util.Objects.equals(g.cotangentName, cotangentName)
                && java.util.Objects.equals(g.gradName, gradName) && Arrays.equals(g.inputShape, inputShape);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(output, input, intermediates, reluRule, cotangentName, gradName)
                * 31 + Arrays.hashCode(inputShape);
    }

    @Override
    public String toString() {
        return "GradientOptions[output=" + output + ", input=" + input + ", intermediates=" + intermediates
                + ", reluRule=" + reluRule + ", cotangent=" + cotangentName + ", grad=" + gradName
                + ", inputShape=" + (inputShape == null ? "declared" : Arrays.toString(inputShape)) + "]";
    }
}
