package org.explain4j.onnx.lrp;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.lrp.Rule;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.onnx.graph.TinyModel;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One tiny model per op, run by ONNX Runtime, with the relevance worked out by hand in the
 * test (ε rule as METHODS §2 writes it: {@code R_i = Σ_j R_j (z_ij + (δ b_j + ε s_j)/N) / (z_j + ε s_j)}).
 * The start is the target's logit.
 */
class LrpOpsTest {

    private static final double TOL = 1e-5;

    private static double s(double z) {
        return z >= 0 ? 1 : -1;
    }

    private static Attribution run(ModelProto m, float[] x, long[] shape, int target, Rule rule, double delta) {
        try (OrtModel model = LrpFixtures.open(m, "tiny")) {
            return LrpExplainer.builder().rule(rule).biasFactor(delta).build()
                    .explain(model, new FloatTensor(shape, x), Target.of(target));
        }
    }

    private static void assertRelevance(double[] expected, Attribution a) {
        float[] got = a.values().data();
        assertEquals(expected.length, got.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], TOL, "relevance of input " + i + " (got " + java.util.Arrays.toString(got)
                    + ")");
        }
    }

    private static TinyModel model(long... inputShape) {
        return new TinyModel(17).input("x", DataType.FLOAT_VALUE, inputShape);
    }

    private static org.explain4j.onnx.graph.TinyModel floats(TinyModel m, String name, long[] dims, float... v) {
        return m.initializer(Tensors.ofFloats(name, dims, v));
    }

    private static org.explain4j.onnx.graph.TinyModel longs(TinyModel m, String name, long[] dims, long... v) {
        return m.initializer(Tensors.ofLongs(name, dims, v));
    }

    @Test
    void gemmWithBiasAndBiasFactor() {
        // B (transB) = [[1, −1], [0.5, 2]], C = (0.5, −1); x = (1, 2): z = (−0.5, 3.5); target 1, ε = 0.1
        TinyModel m = model(-1, 2);
        floats(m, "B", new long[] {2, 2}, 1, -1, 0.5f, 2);
        floats(m, "C", new long[] {2}, 0.5f, -1);
        m.node("Gemm", List.of("x", "B", "C"), List.of("y"), Attrs.i("transB", 1)).output("y");
        double den = 3.5 + 0.1;
        assertRelevance(new double[] {(1 * 0.5 + 0.1 / 2) / den * 3.5, (2 * 2 + 0.1 / 2) / den * 3.5},
                run(m.build(), new float[] {1, 2}, new long[] {1, 2}, 1, Rule.epsilon(0.1), 0));
        // δ = 1: the bias −1 is given back evenly; relevance is conserved
        Attribution a = run(m.build(), new float[] {1, 2}, new long[] {1, 2}, 1, Rule.epsilon(0.1), 1);
        assertRelevance(new double[] {(0.5 + (-1 + 0.1) / 2) / den * 3.5, (4 + (-1 + 0.1) / 2) / den * 3.5}, a);
        assertEquals(0, a.diagnostics().get("lrp_conservation_residual")[0], 1e-6);
    }

    @Test
    void gemmWithAlphaAndUntransposedWeights() {
        // alpha 2, B [2,1] = (1, 3), no C: y = 2·(x0 + 3 x1); x = (1, −1): y = −4; LRP-0 gives R = (2, −6)
        TinyModel m = model(-1, 2);
        floats(m, "B", new long[] {2, 1}, 1, 3);
        m.node("Gemm", List.of("x", "B"), List.of("y"), Attrs.f("alpha", 2)).output("y");
        assertRelevance(new double[] {2, -6}, run(m.build(), new float[] {1, -1}, new long[] {1, 2}, 0, Rule.epsilon(0), 0));
    }

    @Test
    void matMulWithAddIsOneLayerWithItsBias() {
        // x [1,2,2] · W [2,1] + b: rows (1, 2) and (3, −1); W = (1, 1), b = 0.5 → z = (3.5, 2.5) → Flatten
        TinyModel m = model(-1, 2, 2);
        floats(m, "W", new long[] {2, 1}, 1, 1);
        floats(m, "b", new long[] {1}, 0.5f);
        m.node("MatMul", List.of("x", "W"), List.of("mm"))
                .node("Add", List.of("mm", "b"), List.of("z"))
                .node("Flatten", List.of("z"), List.of("y")).output("y");
        Attribution a = run(m.build(), new float[] {1, 2, 3, -1}, new long[] {1, 2, 2}, 1, Rule.epsilon(0.1), 0);
        // target 1 = row 1: z = 2.5, den 2.6; contributions 3 and −1, N = 2; the bias keeps its share
        assertRelevance(new double[] {0, 0, (3 + 0.05) / 2.6 * 2.5, (-1 + 0.05) / 2.6 * 2.5}, a);
        assertTrue(a.diagnostics().keySet().stream().anyMatch(k -> k.startsWith("lrp_residual MatMul + Add")),
                a.diagnostics().keySet().toString());
    }

    @Test
    void conv1dWithStridePaddingAndDilation() {
        // x (1, 2, 3, 4, 5); kernel (1, 2, −1), stride 2, padding 1 each side, bias 0.5
        // outputs: o0 = pad·1 + 1·2 + 2·(−1) + 0.5 = 0.5, o1 = 2·1 + 3·2 + 4·(−1) + 0.5 = 4.5,
        //          o2 = 4·1 + 5·2 + pad·(−1) + 0.5 = 14.5
        TinyModel m = model(-1, 1, 5);
        floats(m, "W", new long[] {1, 1, 3}, 1, 2, -1);
        floats(m, "B", new long[] {1}, 0.5f);
        m.node("Conv", List.of("x", "W", "B"), List.of("c"), Attrs.ints("strides", 2), Attrs.ints("pads", 1, 1))
                .node("Flatten", List.of("c"), List.of("y")).output("y");
        float[] x = {1, 2, 3, 4, 5};
        // target 2: in-bounds taps x3, x4 only (N = 2), den 14.6
        assertRelevance(new double[] {0, 0, 0, (4 + 0.05) / 14.6 * 14.5, (10 + 0.05) / 14.6 * 14.5},
                run(m.build(), x, new long[] {1, 1, 5}, 2, Rule.epsilon(0.1), 0));
        // dilation 2, kernel (1, 1), no padding: o_k = x_k + x_{k+2}; target 1 reads x1 and x3 (2 + 4 = 6)
        TinyModel d = model(-1, 1, 5);
        floats(d, "W", new long[] {1, 1, 2}, 1, 1);
        d.node("Conv", List.of("x", "W"), List.of("c"), Attrs.ints("dilations", 2))
                .node("Flatten", List.of("c"), List.of("y")).output("y");
        assertRelevance(new double[] {0, 2, 0, 4, 0}, run(d.build(), x, new long[] {1, 1, 5}, 1, Rule.epsilon(0), 0));
    }

    @Test
    void conv2dOverChannels() {
        // x [1,2,3,3] = 0..17; one 2x2 kernel over both channels: ch0 (1, 0; 0, 1), ch1 (0, −1; 1, 0)
        // output (1,1): ch0 x[1,1] + x[2,2] = 4 + 8; ch1 −x[1,2] + x[2,1] = −14 + 16 → z = 14
        TinyModel m = model(-1, 2, 3, 3);
        floats(m, "W", new long[] {1, 2, 2, 2}, 1, 0, 0, 1, 0, -1, 1, 0);
        m.node("Conv", List.of("x", "W"), List.of("c")).node("Flatten", List.of("c"), List.of("y")).output("y");
        float[] x = new float[18];
        for (int i = 0; i < 18; i++) {
            x[i] = i;
        }
        double[] e = new double[18];
        e[4] = 4;    // ch0 (1,1)
        e[8] = 8;    // ch0 (2,2)
        e[14] = -14; // ch1 (1,2)
        e[16] = 16;  // ch1 (2,1)
        assertRelevance(e, run(m.build(), x, new long[] {1, 2, 3, 3}, 3, Rule.epsilon(0), 0));
    }

    @Test
    void groupedConvolutionReadsItsOwnChannels() {
        // 4 channels, 2 groups, 1x1 kernels: out0 = x0 + 2 x1, out1 = −x2 + x3; x = (1, 1, 1, 3)
        TinyModel m = model(-1, 4, 1, 1);
        floats(m, "W", new long[] {2, 2, 1, 1}, 1, 2, -1, 1);
        m.node("Conv", List.of("x", "W"), List.of("c"), Attrs.i("group", 2))
                .node("Flatten", List.of("c"), List.of("y")).output("y");
        assertRelevance(new double[] {0, 0, -1, 3},
                run(m.build(), new float[] {1, 1, 1, 3}, new long[] {1, 4, 1, 1}, 1, Rule.epsilon(0), 0));
    }

    @Test
    void convWithSameUpperPadding() {
        // kernel (1, 1) with auto_pad SAME_UPPER on 4 inputs: the pad goes at the end; o3 = x3 + pad
        TinyModel m = model(-1, 1, 4);
        floats(m, "W", new long[] {1, 1, 2}, 1, 1);
        m.node("Conv", List.of("x", "W"), List.of("c"), Attrs.s("auto_pad", "SAME_UPPER"))
                .node("Flatten", List.of("c"), List.of("y")).output("y");
        assertRelevance(new double[] {0, 0, 0, 7},
                run(m.build(), new float[] {1, 2, 3, 7}, new long[] {1, 1, 4}, 3, Rule.epsilon(0.5), 0));
    }

    @Test
    void maxPoolWinnerTakesAll() {
        // windows (1, 3) and (5, 2): maxima 3 and 5
        TinyModel m = model(-1, 1, 4);
        m.node("MaxPool", List.of("x"), List.of("p"), Attrs.ints("kernel_shape", 2), Attrs.ints("strides", 2))
                .node("Flatten", List.of("p"), List.of("y")).output("y");
        float[] x = {1, 3, 5, 2};
        assertRelevance(new double[] {0, 0, 5, 0}, run(m.build(), x, new long[] {1, 1, 4}, 1, Rule.epsilon(0.1), 0));
        assertRelevance(new double[] {0, 3, 0, 0}, run(m.build(), x, new long[] {1, 1, 4}, 0, Rule.epsilon(0.1), 0));
        // 2-D with padding: a 2x2 window at the corner sees one real input
        TinyModel p = model(-1, 1, 2, 2);
        p.node("MaxPool", List.of("x"), List.of("q"), Attrs.ints("kernel_shape", 2, 2), Attrs.ints("pads", 1, 1, 0, 0))
                .node("Flatten", List.of("q"), List.of("y")).output("y");
        assertRelevance(new double[] {0, 0, 0, 4},
                run(p.build(), new float[] {-1, 2, 3, 4}, new long[] {1, 1, 2, 2}, 3, Rule.epsilon(0.1), 0));
    }

    @Test
    void averagePoolSharesByContribution() {
        // windows (1, 3) and (5, 2): means 2 and 3.5; target 1, ε = 0.1, N = 2
        TinyModel m = model(-1, 1, 4);
        m.node("AveragePool", List.of("x"), List.of("p"), Attrs.ints("kernel_shape", 2), Attrs.ints("strides", 2))
                .node("Flatten", List.of("p"), List.of("y")).output("y");
        assertRelevance(new double[] {0, 0, (2.5 + 0.05) / 3.6 * 3.5, (1 + 0.05) / 3.6 * 3.5},
                run(m.build(), new float[] {1, 3, 5, 2}, new long[] {1, 1, 4}, 1, Rule.epsilon(0.1), 0));
        // count_include_pad: padding 1 on both sides, windows (pad, x0), (x1, x2): o0 = x0 / 2
        TinyModel c = model(-1, 1, 3);
        c.node("AveragePool", List.of("x"), List.of("p"), Attrs.ints("kernel_shape", 2), Attrs.ints("strides", 2),
                        Attrs.ints("pads", 1, 1), Attrs.i("count_include_pad", 1))
                .node("Flatten", List.of("p"), List.of("y")).output("y");
        Attribution a = run(c.build(), new float[] {4, 1, 1}, new long[] {1, 1, 3}, 0, Rule.epsilon(0), 0);
        assertRelevance(new double[] {2, 0, 0}, a);
    }

    @Test
    void globalAverageAndReductions() {
        // x [1,2,2]: channel means (2, 5) of (1, 3) and (4, 6)
        TinyModel g = model(-1, 2, 2);
        g.node("GlobalAveragePool", List.of("x"), List.of("p")).node("Flatten", List.of("p"), List.of("y")).output("y");
        float[] x = {1, 3, 4, 6};
        assertRelevance(new double[] {0, 0, 2, 3}, run(g.build(), x, new long[] {1, 2, 2}, 1, Rule.epsilon(0), 0));
        // ReduceSum over axis 1 (axes as an input): sums (5, 9); target 1 → (0, 3, 0, 6)
        TinyModel r = model(-1, 2, 2);
        longs(r, "axes", new long[] {1}, 1);
        r.node("ReduceSum", List.of("x", "axes"), List.of("y"), Attrs.i("keepdims", 0)).output("y");
        assertRelevance(new double[] {0, 3, 0, 6}, run(r.build(), x, new long[] {1, 2, 2}, 1, Rule.epsilon(0), 0));
        // ReduceMean over the last axis (opset 17: axes as an attribute)
        TinyModel mn = model(-1, 2, 2);
        mn.node("ReduceMean", List.of("x"), List.of("y"), Attrs.ints("axes", -1), Attrs.i("keepdims", 0)).output("y");
        assertRelevance(new double[] {0.5, 1.5, 0, 0}, run(mn.build(), x, new long[] {1, 2, 2}, 0, Rule.epsilon(0), 0));
    }

    @Test
    void elementwiseActivationsPassRelevanceThrough() {
        // x → Relu → LeakyRelu → Tanh → Sigmoid → Softmax → Identity → Dropout → Gemm (w) → y
        TinyModel m = model(-1, 3);
        floats(m, "W", new long[] {3, 1}, 1, -2, 3);
        m.node("Relu", List.of("x"), List.of("a1")).node("LeakyRelu", List.of("a1"), List.of("a2"))
                .node("Tanh", List.of("a2"), List.of("a3")).node("Sigmoid", List.of("a3"), List.of("a4"))
                .node("Softmax", List.of("a4"), List.of("a5"), Attrs.i("axis", 1))
                .node("Identity", List.of("a5"), List.of("a6")).node("Dropout", List.of("a6"), List.of("a7"))
                .node("Gemm", List.of("a7", "W"), List.of("y")).output("y");
        double[] x = {0.5, -1, 2};
        double[] a = new double[3];
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            a[i] = Math.exp(1 / (1 + Math.exp(-Math.tanh(Math.max(x[i], 0)))));
            sum += a[i];
        }
        double[] w = {1, -2, 3};
        double z = 0;
        for (int i = 0; i < 3; i++) {
            a[i] /= sum;
            z += a[i] * w[i];
        }
        double den = z + 0.1 * s(z);
        double[] e = new double[3];
        for (int i = 0; i < 3; i++) {
            e[i] = (a[i] * w[i] + 0.1 * s(z) / 3) / den * z;
        }
        assertRelevance(e, run(m.build(), new float[] {0.5f, -1, 2}, new long[] {1, 3}, 0, Rule.epsilon(0.1), 0));
    }

    @Test
    void finalSoftmaxIsSteppedOver() {
        // y = softmax(x·W): the relevance starts at the logit x·W = (3, −1), not at the probability
        TinyModel m = model(-1, 2);
        floats(m, "W", new long[] {2, 2}, 1, 0, 1, -1);
        m.node("MatMul", List.of("x", "W"), List.of("z")).node("Softmax", List.of("z"), List.of("y"), Attrs.i("axis", 1))
                .output("y");
        Attribution a = run(m.build(), new float[] {2, 1}, new long[] {1, 2}, 0, Rule.epsilon(0), 0);
        assertRelevance(new double[] {2, 1}, a);
        assertEquals(3, a.diagnostics().get("lrp_logit")[0], 1e-6);
    }

    @Test
    void addOfTwoBranchesSplitsByContribution() {
        // y = x + x·W with W = [[2, 0], [1, 1]]: b = (2 x0 + x1, x1); x = (1, 3): a = (1, 3), b = (5, 3), y = (6, 6)
        TinyModel m = model(-1, 2);
        floats(m, "W", new long[] {2, 2}, 2, 0, 1, 1);
        m.node("MatMul", List.of("x", "W"), List.of("b")).node("Add", List.of("x", "b"), List.of("y")).output("y");
        double eps = 0.1;
        double den = 6 + eps;
        double ra0 = (1 + eps / 2) / den * 6;  // the x branch's share of y0
        double rb0 = (5 + eps / 2) / den * 6;  // the x·W branch's share
        double denB = 5 + eps;                 // through the MatMul: contributions 2 and 3 of b0 = 5
        assertRelevance(new double[] {ra0 + (2 + eps / 2) / denB * rb0, (3 + eps / 2) / denB * rb0},
                run(m.build(), new float[] {1, 3}, new long[] {1, 2}, 0, Rule.epsilon(eps), 0));
    }

    @Test
    void splitAndSubOfBranches() {
        // x (1, 2, 4, 3) split in halves s0 = (1, 2), s1 = (4, 3); y = s1 − s0 = (3, 1); target 0
        TinyModel m = model(-1, 4);
        longs(m, "sizes", new long[] {2}, 2, 2);
        m.node("Split", List.of("x", "sizes"), List.of("s0", "s1"), Attrs.i("axis", 1))
                .node("Sub", List.of("s1", "s0"), List.of("y")).output("y");
        double den = 3 + 0.1;
        assertRelevance(new double[] {(-1 + 0.05) / den * 3, 0, (4 + 0.05) / den * 3, 0},
                run(m.build(), new float[] {1, 2, 4, 3}, new long[] {1, 4}, 0, Rule.epsilon(0.1), 0));
    }

    @Test
    void concatWithAConstantPart() {
        // c = concat(x, 5) → y = c · (1, 1, 1): y = x0 + x1 + 5; the constant's share is absorbed
        TinyModel m = model(-1, 2);
        floats(m, "k", new long[] {1, 1}, 5);
        floats(m, "W", new long[] {3, 1}, 1, 1, 1);
        m.node("Concat", List.of("x", "k"), List.of("c"), Attrs.i("axis", 1))
                .node("MatMul", List.of("c", "W"), List.of("y")).output("y");
        Attribution a = run(m.build(), new float[] {1, 2}, new long[] {1, 2}, 0, Rule.epsilon(0), 0);
        assertRelevance(new double[] {1, 2}, a);
        assertEquals(5, a.diagnostics().get("lrp_conservation_residual")[0], 1e-5);
    }

    @Test
    void sliceWithStepsScattersBack() {
        // x0..x5; Slice from the end with step −2 picks (x5, x3, x1)
        TinyModel m = model(-1, 6);
        longs(m, "st", new long[] {1}, -1);
        longs(m, "en", new long[] {1}, -7);
        longs(m, "ax", new long[] {1}, 1);
        longs(m, "sp", new long[] {1}, -2);
        m.node("Slice", List.of("x", "st", "en", "ax", "sp"), List.of("y")).output("y");
        float[] x = {10, 11, 12, 13, 14, 15};
        assertRelevance(new double[] {0, 0, 0, 13, 0, 0}, run(m.build(), x, new long[] {1, 6}, 1, Rule.epsilon(0), 0));
    }

    @Test
    void gatherWithARepeatedConstantIndex() {
        // g = (x3, x0, x3) → y = g0 + g1 + g2 = 2 x3 + x0; x = (1, 0, 0, 2): y = 5
        TinyModel m = model(-1, 4);
        longs(m, "idx", new long[] {3}, 3, 0, -1);
        floats(m, "W", new long[] {3, 1}, 1, 1, 1);
        m.node("Gather", List.of("x", "idx"), List.of("g"), Attrs.i("axis", 1))
                .node("MatMul", List.of("g", "W"), List.of("y")).output("y");
        double den = 5 + 0.1;
        double per3 = (2 + 0.1 / 3) / den * 5;
        assertRelevance(new double[] {(1 + 0.1 / 3) / den * 5, 0, 0, 2 * per3},
                run(m.build(), new float[] {1, 0, 0, 2}, new long[] {1, 4}, 0, Rule.epsilon(0.1), 0));
    }

    @Test
    void shapeOperationsKeepEachElementsRelevance() {
        // x [1,2,3] → Transpose (0,2,1) → Reshape [1,6] → Unsqueeze → Squeeze → Gemm with weights 1..6
        TinyModel m = model(-1, 2, 3);
        longs(m, "shape", new long[] {2}, 1, 6);
        longs(m, "ax1", new long[] {1}, 1);
        floats(m, "W", new long[] {6, 1}, 1, 2, 3, 4, 5, 6);
        m.node("Transpose", List.of("x"), List.of("t"), Attrs.ints("perm", 0, 2, 1))
                .node("Reshape", List.of("t", "shape"), List.of("r"))
                .node("Unsqueeze", List.of("r", "ax1"), List.of("u"))
                .node("Squeeze", List.of("u", "ax1"), List.of("q"))
                .node("Gemm", List.of("q", "W"), List.of("y")).output("y");
        // t = (x00, x10, x01, x11, x02, x12): x[i][j] sits at position 2j + i with weight 2j + i + 1
        float[] x = {1, 2, 3, 4, 5, 6};
        double[] e = new double[6];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                e[i * 3 + j] = x[i * 3 + j] * (2 * j + i + 1);
            }
        }
        assertRelevance(e, run(m.build(), x, new long[] {1, 2, 3}, 0, Rule.epsilon(0), 0));
    }

    @Test
    void constantPaddingIsAbsorbed() {
        // x (1, 2) padded with (0 | 0, 0) → (0, 1, 2, 0, 0) · (1, 1, 1, 1, 1)
        TinyModel m = model(-1, 2);
        longs(m, "pads", new long[] {4}, 0, 1, 0, 2);
        floats(m, "W", new long[] {5, 1}, 1, 1, 1, 1, 1);
        m.node("Pad", List.of("x", "pads"), List.of("p")).node("MatMul", List.of("p", "W"), List.of("y")).output("y");
        Attribution a = run(m.build(), new float[] {1, 2}, new long[] {1, 2}, 0, Rule.epsilon(0.5), 0);
        // y = 3, den 3.5; each padded unit gets ε/5 of the share and is absorbed at the Pad
        assertRelevance(new double[] {(1 + 0.1) / 3.5 * 3, (2 + 0.1) / 3.5 * 3}, a);
        assertEquals(3 * 0.3 / 3.5, a.diagnostics().entrySet().stream().filter(e -> e.getKey().contains("Pad"))
                .findFirst().orElseThrow().getValue()[0], 1e-6);
    }

    @Test
    void standardisationPassesRelevanceToTheRawFeatures() {
        // (x − m) / s → Gemm: element-wise shift and scale pass relevance through
        TinyModel m = model(-1, 2);
        floats(m, "m", new long[] {2}, 1, 1);
        floats(m, "sd", new long[] {2}, 2, 4);
        floats(m, "W", new long[] {2, 1}, 1, 1);
        m.node("Sub", List.of("x", "m"), List.of("a")).node("Div", List.of("a", "sd"), List.of("b"))
                .node("Gemm", List.of("b", "W"), List.of("y")).output("y");
        // b = (2, 0.5), y = 2.5
        assertRelevance(new double[] {2, 0.5}, run(m.build(), new float[] {5, 3}, new long[] {1, 2}, 0, Rule.epsilon(0), 0));
    }

    @Test
    void opWithoutRuleIsNamedWithWhatIsCovered() {
        TinyModel m = model(-1, 2);
        m.node("Cos", List.of("x"), List.of("y")).output("y");
        ExplainException e = assertThrows(ExplainException.class,
                () -> run(m.build(), new float[] {1, 2}, new long[] {1, 2}, 0, Rule.epsilon(0), 0));
        assertTrue(e.getMessage().startsWith("ONNX op 'Cos' (node 'Cos_0') is not supported by LRP; covered: Gemm,"),
                e.getMessage());
        TinyModel g = model(-1, 2);
        g.node("Relu", List.of("x"), List.of("r")).node("Mul", List.of("x", "r"), List.of("y")).output("y");
        ExplainException gate = assertThrows(ExplainException.class,
                () -> run(g.build(), new float[] {1, 2}, new long[] {1, 2}, 0, Rule.epsilon(0), 0));
        assertTrue(gate.getMessage().startsWith("LRP has no rule for Mul node 'Mul_1' of two computed tensors (a gate)"),
                gate.getMessage());
    }
}
