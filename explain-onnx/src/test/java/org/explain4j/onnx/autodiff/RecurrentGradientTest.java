package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.OpsetUpgrade;
import org.explain4j.onnx.graph.OrtRun.Arr;
import org.explain4j.onnx.graph.TinyModel;
import org.explain4j.onnx.graph.ToDouble;
import org.explain4j.onnx.graph.ValueShapes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE;

/**
 * LSTM and GRU, unrolled into cell ops, against central differences of the ONNX Runtime
 * LSTM/GRU kernels themselves (the forward model keeps the original op): a wrong gate order,
 * peephole, bias split or direction would change the forward output, which the check compares
 * first (to 1e-5), and the gradient. ONNX Runtime's LSTM/GRU kernels are float-only, so the
 * check runs in float32 with Richardson-extrapolated differences (tolerance 1e-3, see
 * {@link GradientCheck}). Then the unrolled graph, converted to double precision (no LSTM/GRU
 * kernel is left in it), is checked at 1e-6 for the input and the initial state. {@code extra}
 * turns on LSTM peepholes or GRU's linear_before_reset. The weights are inputs here, so the ops
 * see them as runtime tensors.
 */
class RecurrentGradientTest {

    private final Random random = new Random(29);

    @ParameterizedTest
    @CsvSource({"LSTM,bidirectional,1", "LSTM,reverse,0", "GRU,bidirectional,0", "GRU,reverse,1"})
    void unrolledCellsMatchTheRuntimeKernel(String op, String direction, int extra) {
        boolean lstm = op.equals("LSTM");
        int gates = lstm ? 4 : 3;
        int dirs = direction.equals("bidirectional") ? 2 : 1;
        long t = 5;
        long batch = 2;
        long in = 3;
        long hidden = 4;
        long[] xShape = {t, batch, in};
        long[] stateShape = {dirs, batch, hidden};
        TinyModel m = new TinyModel(14).input("x", FLOAT_VALUE, xShape)
                .input("W", FLOAT_VALUE, dirs, gates * hidden, in)
                .input("R", FLOAT_VALUE, dirs, gates * hidden, hidden)
                .input("B", FLOAT_VALUE, dirs, 2 * gates * hidden)
                .input("h0", FLOAT_VALUE, stateShape);
        List<String> inputs = new ArrayList<>(List.of("x", "W", "R", "B", "", "h0"));
        if (lstm) {
            m.input("c0", FLOAT_VALUE, stateShape).input("P", FLOAT_VALUE, dirs, 3 * hidden);
            inputs.add("c0");
            if (extra == 1) {
                inputs.add("P");
            }
        }
        List<String> outputs = lstm ? List.of("Y", "Yh", "Yc") : List.of("Y", "Yh");
        var attrs = new ArrayList<>(List.of(Attrs.i("hidden_size", hidden), Attrs.s("direction", direction)));
        if (!lstm) {
            attrs.add(Attrs.i("linear_before_reset", extra));
        }
        m.node(op, inputs, outputs, attrs.toArray(new ai.onnx.proto.OnnxMl.AttributeProto[0]));
        // One scalar-ish output that mixes all three LSTM outputs (each path is differentiated).
        m.node("ReduceSum", List.of("Y"), List.of("sy"), Attrs.i("keepdims", 0));
        m.node("Mul", List.of("Yh", "sy"), List.of("hy"));
        if (lstm) {
            m.node("Add", List.of("hy", "Yc"), List.of("out"));
        } else {
            m.node("Identity", List.of("hy"), List.of("out"));
        }
        m.node("Tanh", List.of("out"), List.of("y"));
        ModelProto model = m.output("y").build();

        Map<String, Arr> values = new java.util.LinkedHashMap<>();
        values.put("x", GradientCheck.random(random, OnnxJavaType.FLOAT, -1, 1, xShape));
        values.put("W", GradientCheck.random(random, OnnxJavaType.FLOAT, -0.5, 0.5, dirs, gates * hidden, in));
        values.put("R", GradientCheck.random(random, OnnxJavaType.FLOAT, -0.5, 0.5, dirs, gates * hidden, hidden));
        values.put("B", GradientCheck.random(random, OnnxJavaType.FLOAT, -0.5, 0.5, dirs, 2 * gates * hidden));
        values.put("h0", GradientCheck.random(random, OnnxJavaType.FLOAT, -0.5, 0.5, stateShape));
        if (lstm) {
            values.put("c0", GradientCheck.random(random, OnnxJavaType.FLOAT, -0.5, 0.5, stateShape));
            values.put("P", GradientCheck.random(random, OnnxJavaType.FLOAT, -0.5, 0.5, dirs, 3 * hidden));
        }
        GradientCheck.check(model, GradientOptions.defaults(), values, "x", true);

        // The unrolled cells in double precision (no LSTM/GRU kernel left, so ONNX Runtime runs it
        // in double): a tight check of the backward pass through every gate.
        ModelProto upgraded = OpsetUpgrade.upgrade(model, GradientGraphBuilder.MIN_OPSET, null);
        ModelProto unrolled = ToDouble.convert(RecurrentUnroller.unroll(upgraded, ValueShapes.probe(upgraded, Map.of())));
        Map<String, Arr> doubles = new java.util.LinkedHashMap<>();
        values.forEach((k, v) -> doubles.put(k, Arr.of(v.data(), v.shape())));
        GradientCheck.check(unrolled, GradientOptions.defaults(), doubles, "x");
        GradientCheck.check(unrolled, GradientOptions.defaults(), doubles, "h0");
    }
}
