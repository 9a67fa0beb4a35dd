package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.explain4j.ExplainException;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.ConstTensor;
import org.explain4j.onnx.graph.ConstantFolder;
import org.explain4j.onnx.graph.GraphEmitter;
import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.onnx.graph.ValueShapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@link VjpRule} sees of one node during the reverse sweep: the node, its output
 * gradients, which inputs need gradients, and helpers that emit common backward patterns
 * (typed scalars, shapes, reducing a broadcast gradient back to an operand's shape).
 */
final class NodeGradient {

    private final ReverseSweep sweep;
    private final OnnxNode node;

    NodeGradient(ReverseSweep sweep, OnnxNode node) {
        this.sweep = sweep;
        this.node = node;
    }

    OnnxNode node() {
        return node;
    }

    GraphEmitter emit() {
        return sweep.emitter();
    }

    GradientOptions options() {
        return sweep.options();
    }

    ConstantFolder consts() {
        return sweep.consts();
    }

    /** The forward value name of input {@code i}. */
    String in(int i) {
        return node.input(i);
    }

    /** The forward value name of output {@code i}. */
    String out(int i) {
        return node.output(i);
    }

    /** The gradient of output {@code i}, or {@code null} when nothing downstream depends on it. */
    String grad(int i) {
        return node.hasOutput(i) ? sweep.total(node.output(i)) : null;
    }

    /** The gradient of output 0, which every single-output rule reads. */
    String grad() {
        return grad(0);
    }

    /** Whether input {@code i} needs a gradient (it depends on a source and is floating). */
    boolean wants(int i) {
        return node.hasInput(i) && sweep.isActive(node.input(i));
    }

    /** Adds {@code gradient} (shaped like input {@code i}) to that input's gradient. */
    void add(int i, String gradient) {
        sweep.contribute(node.input(i), gradient);
    }

    ValueShapes.Info info(String value) {
        return sweep.shapes().require(value);
    }

    long[] shape(String value) {
        return info(value).shape();
    }

    int rank(String value) {
        return info(value).rank();
    }

    int dtype(String value) {
        return info(value).elemType();
    }

    /** Appends a node with one output. */
    String op(String opType, List<String> inputs, AttributeProto... attrs) {
        return emit().op(opType, inputs, attrs);
    }

    String op(String opType, String input, AttributeProto... attrs) {
        return emit().op(opType, List.of(input), attrs);
    }

    String op(String opType, String a, String b, AttributeProto... attrs) {
        return emit().op(opType, List.of(a, b), attrs);
    }

    /** A scalar constant of the element type of {@code like}. */
    String scalar(double value, String like) {
        return emit().scalar(value, dtype(like));
    }

    String longs(long... values) {
        return emit().longs(values);
    }

    /** The run-time shape of a forward value (one Shape node per value). */
    String shapeOf(String value) {
        return sweep.shapeOf(value);
    }

    /**
     * {@code value}'s shape as a constant when all its dimensions are static, else its
     * run-time shape.
     */
    String targetShape(String value) {
        long[] s = shape(value);
        return Arrays.stream(s).allMatch(d -> d >= 0) ? longs(s) : shapeOf(value);
    }

    /** Zeros shaped like forward value {@code value}. */
    String zerosLike(String value) {
        return emit().op("ConstantOfShape", List.of(shapeOf(value)),
                Attrs.t("value", Tensors.ofType("", dtype(value), new long[] {1}, new double[] {0})));
    }

    /** Where(mask, g, 0): {@code g} where the condition holds, zero elsewhere. */
    String masked(String mask, String g, String like) {
        return op("Where", List.of(mask, g, scalar(0, like)));
    }

    /**
     * Reduces {@code g} (of static-or-free shape {@code gShape}) to the shape of forward value
     * {@code operand}: sums over the leading axes the operand lacks and over the axes where the
     * operand has size 1 and {@code g} does not, as numpy broadcasting requires.
     */
    String unbroadcast(String g, long[] gShape, String operand) {
        return unbroadcastTo(g, gShape, shape(operand), operand);
    }

    /**
     * As {@link #unbroadcast(String, long[], String)}, to shape {@code target}; {@code shapeSource}
     * names a forward value with that shape for the final reshape when it has free dimensions.
     */
    String unbroadcastTo(String g, long[] gShape, long[] target, String shapeSource) {
        int offset = gShape.length - target.length;
        if (offset < 0) {
            throw new IllegalStateException("gradient of rank " + gShape.length + " for operand of rank " + target.length);
        }
        List<Long> axes = new ArrayList<>();
        for (int i = 0; i < gShape.length; i++) {
            if (i < offset) {
                axes.add((long) i);
            } else if (target[i - offset] == 1 && gShape[i] != 1) {
                axes.add((long) i);
            }
        }
        if (axes.isEmpty() && offset == 0) {
            return g;
        }
        String summed = axes.isEmpty() ? g : op("ReduceSum", g, longs(axes.stream().mapToLong(Long::longValue).toArray()),
                Attrs.i("keepdims", 1));
        if (offset == 0) {
            return summed;
        }
        boolean isStatic = Arrays.stream(target).allMatch(d -> d >= 0);
        return op("Reshape", summed, isStatic ? longs(target) : shapeOf(shapeSource));
    }

    /** Output {@code index} of this forward node, added to it when the model left it out (MaxPool's Indices). */
    String sweepAddOutput(int index) {
        return sweep.addForwardOutput(node, index);
    }

    /**
     * The adjoint of a gather by flat index: a tensor shaped like forward value {@code x} whose
     * element {@code i} is the sum of {@code g}'s elements whose flat index in {@code indices}
     * (shaped like {@code g}) is {@code i}. An index equal to {@code Size(x)} (the sentinel that
     * index-mapped Pad writes in padding) is dropped.
     */
    String scatterAdd(String indices, String g, String x) {
        String size = op("Reshape", op("Size", x), longs(1));
        String withSentinel = op("Add", size, longs(1));
        String zeros = emit().op("ConstantOfShape", List.of(withSentinel),
                Attrs.t("value", Tensors.ofType("", dtype(x), new long[] {1}, new double[] {0})));
        String flatIdx = op("Reshape", indices, longs(-1));
        String flatG = op("Reshape", g, longs(-1));
        String summed = op("ScatterElements", List.of(zeros, flatIdx, flatG), Attrs.i("axis", 0),
                Attrs.s("reduction", "add"));
        String inRange = op("Slice", List.of(summed, longs(0), size, longs(0)));
        return op("Reshape", inRange, shapeOf(x));
    }

    /**
     * The flat position of every element of forward value {@code x}, as an int64 tensor shaped
     * like {@code x}: run a data-movement op on it instead of on {@code x} to learn where each
     * output element came from.
     */
    String flatPositions(String x) {
        String size = op("Size", x);
        String range = op("Range", List.of(longScalar(0), size, longScalar(1)));
        return op("Reshape", range, shapeOf(x));
    }

    String longScalar(long v) {
        return emit().scalarLong(v);
    }

    /** The build-time value of input {@code i}, or an error naming what must be constant. */
    ConstTensor constantInput(int i, String what) {
        return consts().value(in(i)).orElseThrow(() -> unsupported(what + " (input '" + in(i)
                + "') must be a constant, not computed from the input"));
    }

    /** Axes given as attribute (older opsets) or constant input {@code inputIndex} (newer ones). */
    long[] axes(int inputIndex, int rank) {
        long[] axes;
        if (node.hasAttribute("axes")) {
            axes = node.attrInts("axes");
        } else if (node.hasInput(inputIndex)) {
            axes = constantInput(inputIndex, "the axes").longs();
        } else {
            return null;
        }
        long[] norm = new long[axes.length];
        for (int k = 0; k < axes.length; k++) {
            norm[k] = axes[k] < 0 ? axes[k] + rank : axes[k];
        }
        return norm;
    }

    ExplainException unsupported(String why) {
        return new ExplainException("cannot differentiate " + node.op() + " node '" + node.label() + "': " + why);
    }

    /** Whether the element type of {@code value} is a floating type (gradients exist). */
    boolean isFloating(String value) {
        return Tensors.isFloating(dtype(value));
    }

    static boolean isDouble(int dtype) {
        return dtype == DataType.DOUBLE_VALUE;
    }
}
