package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxJavaType;
import org.explain4j.ExplainException;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.OrtRun.Arr;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.onnx.graph.TinyModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static ai.onnx.proto.OnnxMl.TensorProto.DataType.BOOL_VALUE;
import static ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE;
import static ai.onnx.proto.OnnxMl.TensorProto.DataType.INT64_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the builder refuses, and how it says so; and the one control-flow case it handles. */
class GradientGraphErrorsTest {

    @Test
    void opWithoutRuleNamesTheOpTheNodeAndTheSupportedList() {
        ModelProto m = new TinyModel(13).input("x", DOUBLE_VALUE, 2, 3)
                .node("Tanh", List.of("x"), List.of("t"))
                .node("Sin", List.of("t"), List.of("y")).output("y").build();
        ExplainException e = assertThrows(ExplainException.class,
                () -> GradientGraphBuilder.build(m, GradientOptions.defaults()));
        assertTrue(e.getMessage().startsWith("no gradient rule for op Sin (node 'Sin_1'); supported ops: "),
                e.getMessage());
        assertTrue(e.getMessage().contains("Conv") && e.getMessage().contains("LSTM (unrolled)"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void anOpOffThePathNeedsNoRule() {
        // Sin only feeds an output we do not differentiate, and Floor only sees a constant.
        ModelProto m = new TinyModel(13).input("x", DOUBLE_VALUE, 2, 3)
                .initializer(Tensors.ofDoubles("k", new long[] {}, new double[] {2.7}))
                .node("Floor", List.of("k"), List.of("fk"))
                .node("Mul", List.of("x", "fk"), List.of("y"))
                .node("Sin", List.of("x"), List.of("other")).output("y").output("other").build();
        GradientCheck.check(m, Map.of("x", GradientCheck.random(new Random(1), OnnxJavaType.DOUBLE, -1, 1, 2, 3)));
    }

    @Test
    void loopIsRefusedPlainly() {
        GraphProto body = GraphProto.newBuilder().setName("body")
                .addInput(TinyModel.valueInfo("i", INT64_VALUE)).addInput(TinyModel.valueInfo("c", BOOL_VALUE))
                .addInput(TinyModel.valueInfo("acc", DOUBLE_VALUE, 2))
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("c").addOutput("c_out"))
                .addNode(NodeProto.newBuilder().setOpType("Tanh").addInput("acc").addOutput("acc_out"))
                .addOutput(TinyModel.valueInfo("c_out", BOOL_VALUE)).addOutput(TinyModel.valueInfo("acc_out", DOUBLE_VALUE, 2))
                .build();
        ModelProto m = new TinyModel(13).input("x", DOUBLE_VALUE, 2)
                .initializer(Tensors.ofLongs("trips", new long[] {}, new long[] {3}))
                .node("Loop", List.of("trips", "", "x"), List.of("y"),
                        ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("body")
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.GRAPH).setG(body).build())
                .output("y").build();
        ExplainException e = assertThrows(ExplainException.class,
                () -> GradientGraphBuilder.build(m, GradientOptions.defaults()));
        assertTrue(e.getMessage().startsWith("the model has control flow (Loop node 'Loop_0')"), e.getMessage());
    }

    @Test
    void ifWithAConstantConditionIsInlined() {
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addNode(NodeProto.newBuilder().setOpType("Tanh").addInput("x").addOutput("t"))
                .addOutput(TinyModel.valueInfo("t", DOUBLE_VALUE, 2, 3)).build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addNode(NodeProto.newBuilder().setOpType("Sin").addInput("x").addOutput("t"))
                .addOutput(TinyModel.valueInfo("t", DOUBLE_VALUE, 2, 3)).build();
        ModelProto m = new TinyModel(13).input("x", DOUBLE_VALUE, 2, 3)
                .node("Constant", List.of(), List.of("cond"), Attrs.t("value",
                        ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setDataType(BOOL_VALUE).addInt32Data(1).build()))
                .node("If", List.of("cond"), List.of("branch"), graphAttr("then_branch", thenBranch),
                        graphAttr("else_branch", elseBranch))
                .node("Mul", List.of("branch", "x"), List.of("y")).output("y").build();
        GradientCheck.check(m, Map.of("x", GradientCheck.random(new Random(2), OnnxJavaType.DOUBLE, -1, 1, 2, 3)));
    }

    @Test
    void badNamesAndTypesAreOneLineErrors() {
        ModelProto m = new TinyModel(13).input("x", DOUBLE_VALUE, 2, 3).input("ids", INT64_VALUE, 2)
                .node("Gather", List.of("x", "ids"), List.of("y"), Attrs.i("axis", 1)).output("y").build();
        assertMessage("'nope' is not an input of the model; its inputs are x, ids",
                () -> GradientGraphBuilder.build(m, GradientOptions.defaults().withInput("nope")));
        assertMessage("'nope' is not a tensor of the model; its outputs are y",
                () -> GradientGraphBuilder.build(m, GradientOptions.defaults().withOutput("nope")));
        assertMessage("the input 'ids' has element type INT64; gradients need a floating-point tensor "
                + "(float, double or float16)", () -> GradientGraphBuilder.build(m, GradientOptions.defaults()
                .withInput("ids")));
        assertMessage("the model already has a tensor named 'y', which the cotangent of the gradient graph would use; "
                + "choose another name in GradientOptions",
                () -> GradientGraphBuilder.build(m, GradientOptions.defaults().withCotangentName("y")));
        // And the right call works, with the integer input passed through untouched.
        ModelProto g = GradientGraphBuilder.build(m, GradientOptions.defaults());
        try (var run = new org.explain4j.onnx.graph.OrtRun(g)) {
            var out = run.run(Map.of("x", Arr.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3),
                    "ids", Arr.ofLong(new long[] {2, 2}, 2), "w", Arr.of(new double[] {1, 10, 100, 1000}, 2, 2)));
            assertEquals(List.of(0.0, 0.0, 11.0, 0.0, 0.0, 1100.0),
                    java.util.Arrays.stream(out.get("grad_x").data()).boxed().toList());
        }
    }

    @Test
    void describeNamesTheTensorsTheBackendFeeds() {
        byte[] mnist;
        try (var in = getClass().getClassLoader().getResourceAsStream("explain4j/thirdparty/mnist-cntk.onnx")) {
            mnist = in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(new org.explain4j.model.GradientGraphSpec(GradientGraphBuilder.BUILT_IN_JAVA, 0, "Input3", "w",
                "Plus214_Output_0", "grad_Input3"), GradientGraphBuilder.describe(mnist, GradientOptions.defaults()));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(ExplainException.class, call).getMessage());
    }

    private static ai.onnx.proto.OnnxMl.AttributeProto graphAttr(String name, GraphProto g) {
        return ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.GRAPH).setG(g).build();
    }
}
