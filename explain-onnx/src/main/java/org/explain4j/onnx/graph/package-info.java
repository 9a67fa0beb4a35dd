/**
 * A small model of ONNX graphs over the {@code ai.onnx.proto.OnnxMl} protobuf classes, for graph
 * passes (gradient graphs, LRP, exposing activations).
 *
 * <ul>
 * <li>{@link org.explain4j.onnx.graph.OnnxGraph}: parse a model; nodes in topological order,
 * real inputs vs initializers, producers and consumers, opset lookup.</li>
 * <li>{@link org.explain4j.onnx.graph.OnnxNode}: one node with typed attribute accessors.</li>
 * <li>{@link org.explain4j.onnx.graph.Tensors} / {@link org.explain4j.onnx.graph.ConstTensor}:
 * decode initializers ({@code raw_data} and typed fields) to float/double/long arrays; encode
 * constants.</li>
 * <li>{@link org.explain4j.onnx.graph.ConstantFolder}: build-time values of Constant and
 * shape-arithmetic chains (axes, pads, target shapes).</li>
 * <li>{@link org.explain4j.onnx.graph.ValueShapes}: element type and shape of every value,
 * learned by running the model in ONNX Runtime (free dimensions reported as -1).</li>
 * <li>{@link org.explain4j.onnx.graph.ExtraOutputs}: expose chosen values as graph outputs.</li>
 * <li>{@link org.explain4j.onnx.graph.OpsetUpgrade}: raise the opset so passes read one form of
 * each op.</li>
 * <li>{@link org.explain4j.onnx.graph.GraphEmitter} / {@link org.explain4j.onnx.graph.Attrs}:
 * append nodes and constants with names that cannot clash.</li>
 * <li>{@link org.explain4j.onnx.graph.Pruning}: drop nodes no graph output needs.</li>
 * </ul>
 * Every pass returns a new {@code ModelProto}; the caller's model and file are never changed.
 */
package org.explain4j.onnx.graph;
