/**
 * Reverse-mode differentiation of ONNX graphs in Java: {@link
 * org.explain4j.onnx.autodiff.GradientGraphBuilder} turns a forward model into a gradient graph
 * of standard ONNX ops (inputs: the model's inputs and a cotangent {@code w}; outputs: the chosen
 * output, {@code grad_<input>} and {@code grad_<tensor>} for requested intermediates) that ONNX
 * Runtime runs like any model.
 *
 * <p>Ops with a rule (default ONNX domain; opsets 7 and newer are read, tested 8–19; older forms
 * are upgraded to opset 17 first):
 * <ul>
 * <li>linear algebra: Gemm (transA/transB/alpha/beta, broadcast C), MatMul (batched, broadcast,
 * 1-D operands);</li>
 * <li>elementwise with numpy broadcasting: Add, Sub, Mul, Div, Pow (either operand), Sum, Neg,
 * Exp, Log, Sqrt, Reciprocal, Abs, Erf, Where, Expand, Clip, Identity, Dropout (inference), Cast,
 * CastLike; Floor, Ceil, Round, Sign pass no gradient;</li>
 * <li>activations: Relu (true gradient, guided backpropagation or deconvnet: {@link
 * org.explain4j.onnx.autodiff.ReluRule}), LeakyRelu, PRelu, Sigmoid, HardSigmoid, Tanh, Softplus,
 * Elu, Softmax, LogSoftmax;</li>
 * <li>convolution and pooling: Conv 1-D and 2-D (strides, pads, auto_pad, dilations, groups; input
 * gradient by ConvTranspose; 3-D takes the same path, untested), MaxPool (through its Indices output), AveragePool (every
 * count_include_pad/ceil_mode policy), GlobalAveragePool, BatchNormalization (inference);</li>
 * <li>data movement: Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Split, and — by the
 * exact "run the op on flat positions, scatter-add back" rule — Slice, Gather, GatherElements,
 * Pad (all modes), Tile, DepthToSpace, SpaceToDepth;</li>
 * <li>reductions: ReduceSum, ReduceMean;</li>
 * <li>recurrent: LSTM and GRU, unrolled into cell ops over the fixed sequence length
 * ({@link org.explain4j.onnx.autodiff.RecurrentUnroller});</li>
 * <li>everything integer-valued (Shape, Constant, ConstantOfShape, shape arithmetic) is never
 * differentiated; nodes off every input-to-output path emit nothing; an If with a constant
 * condition is inlined; Loop and Scan are refused.</li>
 * </ul>
 */
package org.explain4j.onnx.autodiff;
