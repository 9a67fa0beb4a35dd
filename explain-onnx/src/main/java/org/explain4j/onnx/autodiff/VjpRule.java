package org.explain4j.onnx.autodiff;

/**
 * The reverse-mode rule of one op: given the gradients of the node's outputs, it emits ONNX
 * nodes computing the gradients of the node's inputs (only those that need one) and adds them
 * through {@link NodeGradient#add}.
 */
@FunctionalInterface
interface VjpRule {
    void apply(NodeGradient n);
}
