package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import org.explain4j.ExplainException;
import org.explain4j.model.GradientGraphSpec;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.GraphEmitter;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.onnx.graph.OpsetUpgrade;
import org.explain4j.onnx.graph.Pruning;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.onnx.graph.ValueShapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the gradient graph of an ONNX model in Java: reverse-mode differentiation of the
 * forward graph, written as standard ONNX ops appended to it, so that ONNX Runtime (CPU or
 * CUDA) runs it like any model.
 *
 * <p>The result takes the model's inputs plus a cotangent {@code w} shaped like the chosen
 * output, and returns that output, {@code grad_<input>} = {@code w · ∂output/∂input}, and
 * {@code grad_<name>} for each requested intermediate tensor (the gradient reaching that
 * tensor, e.g. a last convolutional feature map for Grad-CAM). The batch dimension stays free
 * when the model's is.
 *
 * <p>Steps: upgrade the opset to at least {@value #MIN_OPSET} (one form per op), unroll
 * LSTM/GRU over the sequence length, learn every value's type and shape by running the model in
 * ONNX Runtime ({@link ValueShapes}), sweep backwards applying per-op rules (only on paths from
 * the input to the output), and drop what the outputs do not need. Weights stay initializers;
 * the caller's bytes are not changed.
 */
public final class GradientGraphBuilder {

    /** The default opset the gradient graph uses at least. */
    public static final int MIN_OPSET = 17;

    /** The "file" of a {@link GradientGraphSpec} for a graph built by this class (for provenance). */
    public static final String BUILT_IN_JAVA = "built in Java by explain4j (GradientGraphBuilder)";

    private GradientGraphBuilder() {
    }

    /** The gradient graph of serialized model {@code forwardModel}, serialized. */
    public static byte[] build(byte[] forwardModel, GradientOptions options) {
        return build(OnnxGraph.parseModel(forwardModel, "the forward model"), options).toByteArray();
    }

    /**
     * How the graph that {@link #build} makes for these options names its tensors, as the ORT
     * backend reads an exported graph's sidecar: input, cotangent, output and gradient names; batch
     * 0 (the batch stays free wherever the model's does). Intermediate gradients are named
     * {@code grad_<tensor>}.
     */
    public static GradientGraphSpec describe(byte[] forwardModel, GradientOptions options) {
        OnnxGraph g = OnnxGraph.parse(forwardModel, "the forward model");
        String input = options.input() != null ? options.input() : firstOf(g.inputNames(), "input");
        String output = options.output() != null ? options.output() : firstOf(g.outputNames(), "output");
        return new GradientGraphSpec(BUILT_IN_JAVA, 0, input, options.cotangentName(), output,
                options.gradName() != null ? options.gradName() : "grad_" + input);
    }

    /** The gradient graph of {@code forward}. */
    public static ModelProto build(ModelProto forward, GradientOptions options) {
        OnnxGraph original = OnnxGraph.of(forward);
        String input = options.input() != null ? options.input() : firstOf(original.inputNames(), "input");
        String output = options.output() != null ? options.output() : firstOf(original.outputNames(), "output");
        if (!original.inputNames().contains(input)) {
            throw new ExplainException("'" + input + "' is not an input of the model; its inputs are "
                    + String.join(", ", original.inputNames()));
        }
        if (!original.hasValue(output)) {
            throw new ExplainException("'" + output + "' is not a tensor of the model; its outputs are "
                    + String.join(", ", original.outputNames()));
        }
        for (String t : options.intermediates()) {
            if (!original.hasValue(t)) {
                throw new ExplainException("'" + t + "' is not a tensor of the model; pick intermediate tensors "
                        + "among its node outputs");
            }
        }
        ControlFlow.check(original);

        int opset = Math.max(original.opsetVersion(), MIN_OPSET);
        ModelProto model = sorted(OpsetUpgrade.upgrade(ControlFlow.inlineConstantIfs(forward), opset, null));
        Map<String, long[]> fixed = options.inputShape() == null ? Map.of() : Map.of(input, options.inputShape());
        ValueShapes shapes = ValueShapes.probe(model, fixed);
        if (RecurrentUnroller.applies(model)) {
            model = sorted(RecurrentUnroller.unroll(model, shapes));
            shapes = ValueShapes.probe(model, fixed);
        }
        OnnxGraph graph = OnnxGraph.of(model);
        checkDifferentiable(shapes, output, "output");
        checkDifferentiable(shapes, input, "input");
        for (String t : options.intermediates()) {
            checkDifferentiable(shapes, t, "intermediate tensor");
        }

        GraphEmitter emitter = new GraphEmitter(model.getGraph(), "vjp_");
        String cotangent = options.cotangentName();
        String gradName = options.gradName() != null ? options.gradName() : "grad_" + input;
        List<String> outputNames = new ArrayList<>(List.of(output, gradName));
        for (String t : options.intermediates()) {
            outputNames.add("grad_" + t);
        }
        reserve(emitter, cotangent, "cotangent");
        for (String name : outputNames.subList(1, outputNames.size())) {
            reserve(emitter, name, "gradient output");
        }

        List<String> sources = new ArrayList<>(List.of(input));
        sources.addAll(options.intermediates());
        ReverseSweep sweep = new ReverseSweep(graph, shapes, emitter, options);
        Map<String, String> grads = sweep.run(output, cotangent, sources);

        GraphProto.Builder g = emitter.builder();
        g.clearOutput();
        g.addInput(valueInfo(cotangent, shapes.require(output), original.declared(output).orElse(null)));
        g.addOutput(original.declared(output).filter(v -> v.getType().hasTensorType())
                .orElse(valueInfo(output, shapes.require(output), null)));
        Map<String, String> gradOutputs = new LinkedHashMap<>();
        gradOutputs.put(gradName, input);
        for (String t : options.intermediates()) {
            gradOutputs.put("grad_" + t, t);
        }
        for (Map.Entry<String, String> e : gradOutputs.entrySet()) {
            String value = e.getValue();
            String grad = grads.get(value);
            if (grad == null) {
                // The output does not depend on this tensor: its gradient is zero.
                String shape = emitter.op("Shape", List.of(value));
                grad = emitter.op("ConstantOfShape", List.of(shape), Attrs.t("value",
                        Tensors.ofType("", shapes.elemType(value), new long[] {1}, new double[] {0})));
            }
            emitter.node("Identity", List.of(grad), List.of(e.getKey()));
            g.addOutput(valueInfo(e.getKey(), shapes.require(value), value.equals(input)
                    ? original.declared(input).orElse(null) : null));
        }
        if (options.inputShape() != null) {
            fixInputShape(g, input, options.inputShape());
        }
        dropInitializerInputs(g);
        ModelProto result = model.toBuilder().setGraph(g).setDocString("Gradient graph built by explain4j from "
                + (forward.getProducerName().isEmpty() ? "an ONNX model" : "a " + forward.getProducerName() + " model")
                + ": inputs " + String.join(", ", original.inputNames()) + ", " + cotangent + "; outputs "
                + String.join(", ", outputNames) + "; options " + options).build();
        return Pruning.withoutDeadNodes(result);
    }

    private static String firstOf(List<String> names, String what) {
        if (names.isEmpty()) {
            throw new ExplainException("the model has no " + what + " tensor");
        }
        return names.get(0);
    }

    private static void checkDifferentiable(ValueShapes shapes, String value, String role) {
        int type = shapes.require(value).elemType();
        if (!Tensors.isFloating(type)) {
            throw new ExplainException("the " + role + " '" + value + "' has element type " + Tensors.typeName(type)
                    + "; gradients need a floating-point tensor (float, double or float16)");
        }
    }

    private static void reserve(GraphEmitter emitter, String name, String role) {
        if (!emitter.reserve(name)) {
            throw new ExplainException("the model already has a tensor named '" + name + "', which the " + role
                    + " of the gradient graph would use; choose another name in GradientOptions");
        }
    }

    /** The model with its nodes in topological order (the sweep relies on it). */
    private static ModelProto sorted(ModelProto model) {
        OnnxGraph g = OnnxGraph.of(model);
        GraphProto.Builder b = model.getGraph().toBuilder().clearNode();
        for (OnnxNode n : g.nodes()) {
            b.addNode(n.proto());
        }
        return model.toBuilder().setGraph(b).build();
    }

    /**
     * A typed declaration for {@code name}: dimensions from {@code like} (a declaration of the
     * corresponding model tensor, keeping its symbolic names) when its rank matches, else static
     * sizes from the probe and unnamed free dimensions.
     */
    private static ValueInfoProto valueInfo(String name, ValueShapes.Info info, ValueInfoProto like) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        long[] s = info.shape();
        boolean useLike = like != null && like.getType().hasTensorType()
                && like.getType().getTensorType().getShape().getDimCount() == s.length;
        for (int i = 0; i < s.length; i++) {
            if (useLike) {
                shape.addDim(like.getType().getTensorType().getShape().getDim(i));
            } else if (s[i] >= 0) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(s[i]));
            } else {
                shape.addDim(TensorShapeProto.Dimension.newBuilder());
            }
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(info.elemType()).setShape(shape))).build();
    }

    /**
     * Old models (IR version 3) list their weights among the graph inputs as well; at the IR
     * version the gradient graph has they need not be, and leaving them out keeps the graph's
     * inputs to what a caller feeds.
     */
    private static void dropInitializerInputs(GraphProto.Builder g) {
        java.util.Set<String> weights = new java.util.HashSet<>();
        g.getInitializerList().forEach(t -> weights.add(t.getName()));
        List<ValueInfoProto> kept = g.getInputList().stream().filter(v -> !weights.contains(v.getName())).toList();
        g.clearInput().addAllInput(kept);
    }

    private static void fixInputShape(GraphProto.Builder g, String input, long[] shape) {
        for (int i = 0; i < g.getInputCount(); i++) {
            if (g.getInput(i).getName().equals(input)) {
                ValueInfoProto.Builder v = g.getInputBuilder(i);
                TensorShapeProto.Builder s = v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
                if (s.getDimCount() != shape.length) {
                    throw new ExplainException("input shape " + Arrays.toString(shape) + " does not match the rank "
                            + s.getDimCount() + " of model input '" + input + "'");
                }
                for (int d = 0; d < shape.length; d++) {
                    if (shape[d] >= 0) {
                        s.setDim(d, TensorShapeProto.Dimension.newBuilder().setDimValue(shape[d]));
                    }
                }
            }
        }
    }
}
