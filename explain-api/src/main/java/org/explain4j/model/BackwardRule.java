package org.explain4j.model;

/**
 * How a backward pass treats ReLU, and so what {@link ExplainableModel#vjp(org.explain4j.tensor.FloatTensor,
 * org.explain4j.tensor.FloatTensor, BackwardRule)} returns (METHODS §3).
 * <ul>
 * <li>{@link #GRADIENT}: the true derivative, {@code g · [x > 0]}.</li>
 * <li>{@link #GUIDED_BACKPROP}: guided backpropagation (Springenberg et al. 2015),
 * {@code max(g, 0) · [x > 0]}: only positive signal, only through units that were active.</li>
 * <li>{@link #DECONVNET}: the deconvnet rule (Zeiler and Fergus 2014), {@code max(g, 0)}: the
 * forward activation pattern is ignored.</li>
 * </ul>
 * Every other operation is differentiated as usual.
 */
public enum BackwardRule {
    GRADIENT, GUIDED_BACKPROP, DECONVNET
}
