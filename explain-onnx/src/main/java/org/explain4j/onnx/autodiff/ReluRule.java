package org.explain4j.onnx.autodiff;

/**
 * How the backward pass treats ReLU (and so what the "gradient" means).
 * <ul>
 * <li>{@link #GRADIENT}: the true derivative, {@code g · [x > 0]}.</li>
 * <li>{@link #GUIDED_BACKPROP}: guided backpropagation (Springenberg et al. 2015), {@code max(g, 0) · [x > 0]}:
 * only positive signal flows back, and only through units that were active.</li>
 * <li>{@link #DECONVNET}: the deconvnet rule (Zeiler and Fergus 2014), {@code max(g, 0)}: the
 * forward activation pattern is ignored.</li>
 * </ul>
 */
public enum ReluRule {
    GRADIENT, GUIDED_BACKPROP, DECONVNET
}
