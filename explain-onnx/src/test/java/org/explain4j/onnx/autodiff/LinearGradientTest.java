package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.OrtRun.Arr;
import org.explain4j.onnx.graph.TinyModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE;

/** Finite-difference checks of Gemm (all transpose flags, α, β, broadcast C) and MatMul (batched, broadcast, 1-D). */
class LinearGradientTest {

    private final Random random = new Random(13);

    /** Gemm's A, B and C all computed from one input, so each operand's gradient path counts. */
    @ParameterizedTest
    @CsvSource({"0,0,1.0,1.0", "1,0,0.5,2.0", "0,1,-1.5,0.25", "1,1,2.0,-1.0"})
    void gemmAllOperands(int transA, int transB, float alpha, float beta) {
        // x [4,3]; A = op(x) needs shape (M,K): transA ? x viewed [K=4... ] — we pick M=4,K=3 when transA=0.
        long[] aShape = transA == 0 ? new long[] {4, 3} : new long[] {3, 4};
        long[] bShape = transB == 0 ? new long[] {3, 5} : new long[] {5, 3};
        ModelProto m = new TinyModel(13).input("a", DOUBLE_VALUE, aShape).input("b", DOUBLE_VALUE, bShape)
                .input("c", DOUBLE_VALUE, 5)
                .node("Tanh", List.of("a"), List.of("ta"))
                .node("Gemm", List.of("ta", "b", "c"), List.of("y"), Attrs.f("alpha", alpha), Attrs.f("beta", beta),
                        Attrs.i("transA", transA), Attrs.i("transB", transB))
                .output("y").build();
        Map<String, Arr> in = Map.of("a", GradientCheck.random(random, OnnxJavaType.DOUBLE, -1, 1, aShape),
                "b", GradientCheck.random(random, OnnxJavaType.DOUBLE, -1, 1, bShape),
                "c", GradientCheck.random(random, OnnxJavaType.DOUBLE, -1, 1, 5));
        for (String wrt : List.of("a", "b", "c")) {
            GradientCheck.check(m, GradientOptions.defaults(), in, wrt);
        }
    }

    @ParameterizedTest
    @CsvSource({"2x3x4,4x5", "4,2x4x5", "2x1x3x4,5x4x2", "3x4,4", "4,4", "2x3x4,2x4x5", "1x3x4,2x1x4x2"})
    void matMulShapes(String aDims, String bDims) {
        long[] as = dims(aDims);
        long[] bs = dims(bDims);
        ModelProto m = new TinyModel(13).input("a", DOUBLE_VALUE, as).input("b", DOUBLE_VALUE, bs)
                .node("MatMul", List.of("a", "b"), List.of("y")).output("y").build();
        Map<String, Arr> in = Map.of("a", GradientCheck.random(random, OnnxJavaType.DOUBLE, -1, 1, as),
                "b", GradientCheck.random(random, OnnxJavaType.DOUBLE, -1, 1, bs));
        GradientCheck.check(m, GradientOptions.defaults(), in, "a");
        GradientCheck.check(m, GradientOptions.defaults(), in, "b");
    }

    private static long[] dims(String s) {
        String[] p = s.split("x");
        long[] d = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            d[i] = Long.parseLong(p[i]);
        }
        return d;
    }
}
