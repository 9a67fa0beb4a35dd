package org.explain4j.model;

import org.explain4j.tensor.FloatTensor;

import java.util.Collection;
import java.util.Map;

/**
 * The model SPI: what every backend offers and all that explainers see. Inputs and outputs are
 * batched along the first dimension and any batch size is accepted; a backend splits or pads
 * internally to what its runtime graphs take.
 *
 * <p>Implementations are safe to call from several threads at once unless their documentation
 * says otherwise. Close the model to release native sessions.
 */
public interface ExplainableModel extends AutoCloseable {

    ModelInfo info();

    /** Runs the model: input {@code [N,...]} to the first output {@code [N,C]}. */
    FloatTensor forward(FloatTensor input);

    /** Whether {@link #vjp} is available (an exported or built gradient graph, or autograd). */
    boolean supportsGradients();

    /**
     * Vector-Jacobian product of the first output with respect to the input: for each sample
     * {@code n}, {@code grad[n] = Σ_c cotangent[n,c] · ∂output[n,c]/∂input[n]}. A one-hot
     * cotangent gives the gradient of one class; any other weighting gives the gradient of that
     * mix (e.g. of a probability through the chain rule).
     *
     * @param cotangent shaped like the output, {@code [N,C]}
     */
    VjpResult vjp(FloatTensor input, FloatTensor cotangent);

    /**
     * {@link #vjp(FloatTensor, FloatTensor)} with ReLUs passed backwards by {@code rule}
     * (guided backpropagation, deconvnet); {@link BackwardRule#GRADIENT} is the plain vjp.
     *
     * @throws org.explain4j.ExplainException when the backend cannot change its backward rule
     */
    default VjpResult vjp(FloatTensor input, FloatTensor cotangent, BackwardRule rule) {
        if (rule == BackwardRule.GRADIENT) {
            return vjp(input, cotangent);
        }
        throw new org.explain4j.ExplainException("backend " + info().backend() + " of model '" + info().name()
                + "' cannot run its backward pass with the " + rule.name().toLowerCase(java.util.Locale.ROOT)
                + " ReLU rule; open the model with the ONNX Runtime backend (OrtModel), which builds such"
                + " gradient graphs in Java");
    }

    /**
     * Intermediate tensors of the forward pass, by name (for LRP, Grad-CAM, activation maps).
     * The first output is included under its own name when asked for.
     *
     * @throws org.explain4j.ExplainException when a name is not a tensor of the model
     */
    Map<String, FloatTensor> activations(FloatTensor input, Collection<String> tensorNames);

    /**
     * Vector-Jacobian product of the first output with respect to the intermediate tensor
     * {@code tensorName}, with that tensor's value from the same pass (for Grad-CAM).
     *
     * @param cotangent shaped like the output, {@code [N,C]}
     * @throws org.explain4j.ExplainException when the backend cannot differentiate with respect to
     *                                        intermediate tensors or the name is not a tensor of the model
     */
    default LayerGradient layerVjp(FloatTensor input, FloatTensor cotangent, String tensorName) {
        throw new org.explain4j.ExplainException("backend " + info().backend() + " of model '" + info().name()
                + "' cannot differentiate w.r.t. intermediate tensors; open the model with the ONNX Runtime backend"
                + " (OrtModel) for layer gradients such as Grad-CAM");
    }

    @Override
    void close();
}
