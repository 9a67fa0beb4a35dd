package org.explain4j.onnx.lrp;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.lrp.Rule;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.onnx.graph.TinyModel;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Arras rule through the ONNX LSTM op: a 2-step, 2-unit cell computed by hand, forward,
 * reverse and bidirectional, and guards against putting a backward direction's
 * relevance at the wrong time step.
 */
class LstmLrpTest {

    private static final double EPS = 0.01;

    // the tiny cell: gates i = f = o = σ(0) = 0.5; cell candidate g = tanh(Wc x + Rc h' + bc)
    private static final double[] WC = {1.0, -2.0};
    private static final double[][] RC = {{0.5, 1.0}, {0.0, -1.0}};
    private static final double[] BC = {0.1, 0.0};

    private static double sg(double z) {
        return z >= 0 ? 1 : -1;
    }

    /**
     * ε-LRP (δ = 0) through the tiny cell reading {@code xa} then {@code xb}, explaining unit
     * {@code target} of the last hidden state; returns {R(xa), R(xb)}.
     */
    static double[] byHand(double xa, double xb, int target) {
        // forward, step 0 (h' = c' = 0)
        double[] zg0 = {WC[0] * xa + BC[0], WC[1] * xa + BC[1]};
        double[] g0 = {Math.tanh(zg0[0]), Math.tanh(zg0[1])};
        double[] c0 = {0.5 * g0[0], 0.5 * g0[1]};
        double[] h0 = {0.5 * Math.tanh(c0[0]), 0.5 * Math.tanh(c0[1])};
        // step 1
        double[] zg1 = new double[2];
        for (int j = 0; j < 2; j++) {
            zg1[j] = WC[j] * xb + RC[j][0] * h0[0] + RC[j][1] * h0[1] + BC[j];
        }
        double[] g1 = {Math.tanh(zg1[0]), Math.tanh(zg1[1])};
        double[] c1 = {0.5 * c0[0] + 0.5 * g1[0], 0.5 * c0[1] + 0.5 * g1[1]};
        double[] h1 = {0.5 * Math.tanh(c1[0]), 0.5 * Math.tanh(c1[1])};
        // relevance: the logit is h1[target]; the output gate gets nothing, so R(c1) = R(h1)
        double[] rc1 = new double[2];
        rc1[target] = h1[target];
        // c1 = f⊙c0 + i⊙g1 split by ε with identity weights over N = 2 addends
        double[] rcPrev = new double[2];
        double[] rg1 = new double[2];
        for (int j = 0; j < 2; j++) {
            double den = c1[j] + EPS * sg(c1[j]);
            rcPrev[j] = (0.5 * c0[j] + EPS * sg(c1[j]) / 2) / den * rc1[j];
            rg1[j] = (0.5 * g1[j] + EPS * sg(c1[j]) / 2) / den * rc1[j];
        }
        // cell candidate at step 1 over N = 3 inputs (xb, h0[0], h0[1]); the bias keeps its share
        double rxb = 0;
        double[] rh0 = new double[2];
        for (int j = 0; j < 2; j++) {
            double den = zg1[j] + EPS * sg(zg1[j]);
            rxb += (xb * WC[j] + EPS * sg(zg1[j]) / 3) / den * rg1[j];
            for (int k = 0; k < 2; k++) {
                rh0[k] += (h0[k] * RC[j][k] + EPS * sg(zg1[j]) / 3) / den * rg1[j];
            }
        }
        // step 0: R(c0) = split share + R(h0)
        double rxa = 0;
        for (int j = 0; j < 2; j++) {
            double rc0 = rcPrev[j] + rh0[j];
            double rg0 = (0.5 * g0[j] + EPS * sg(c0[j]) / 2) / (c0[j] + EPS * sg(c0[j])) * rc0;
            double den = zg0[j] + EPS * sg(zg0[j]);
            rxa += (xa * WC[j] + EPS * sg(zg0[j]) / 3) / den * rg0;
        }
        return new double[] {rxa, rxb};
    }

    /** W, R, B of the tiny cell for {@code dirs} directions (ONNX gate blocks i, o, f, c). */
    private static void tinyWeights(TinyModel m, int dirs) {
        float[] w = new float[dirs * 8];
        float[] r = new float[dirs * 16];
        float[] b = new float[dirs * 16];
        for (int d = 0; d < dirs; d++) {
            for (int j = 0; j < 2; j++) {
                w[d * 8 + 6 + j] = (float) WC[j];
                b[d * 16 + 6 + j] = (float) BC[j];
                for (int k = 0; k < 2; k++) {
                    r[d * 16 + (6 + j) * 2 + k] = (float) RC[j][k];
                }
            }
        }
        m.initializer(Tensors.ofFloats("W", new long[] {dirs, 8, 1}, w))
                .initializer(Tensors.ofFloats("R", new long[] {dirs, 8, 2}, r))
                .initializer(Tensors.ofFloats("B", new long[] {dirs, 16}, b));
    }

    /** x [N,2,1] → LSTM (forward or reverse) → its final hidden state [N,2] as the logits. */
    private static ModelProto singleDirection(String direction) {
        TinyModel m = new TinyModel(14).input("x", DataType.FLOAT_VALUE, -1, 2, 1);
        tinyWeights(m, 1);
        m.initializer(Tensors.ofLongs("axes0", new long[] {1}, new long[] {0}))
                .node("Transpose", List.of("x"), List.of("xt"), Attrs.ints("perm", 1, 0, 2))
                .node("LSTM", List.of("xt", "W", "R", "B"), List.of("Y", "Y_h"), Attrs.i("hidden_size", 2),
                        Attrs.s("direction", direction))
                .node("Squeeze", List.of("Y_h", "axes0"), List.of("y"))
                .output("y", DataType.FLOAT_VALUE, -1, 2);
        return m.build();
    }

    private static double[] lrp(ModelProto model, float[] x, long[] shape, int target) {
        return lrp(model, x, shape, target, EPS);
    }

    private static double[] lrp(ModelProto model, float[] x, long[] shape, int target, double eps) {
        try (OrtModel m = LrpFixtures.open(model, "tiny-lstm")) {
            Attribution a = LrpExplainer.builder().rule(Rule.epsilon(eps)).build()
                    .explain(m, new FloatTensor(shape, x), Target.of(target));
            double[] out = new double[x.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = a.values().data()[i];
            }
            return out;
        }
    }

    @Test
    void forwardCellMatchesTheHandComputation() {
        for (int target = 0; target < 2; target++) {
            double[] expected = byHand(1.0, 0.5, target);
            double[] got = lrp(singleDirection("forward"), new float[] {1.0f, 0.5f}, new long[] {1, 2, 1}, target);
            assertEquals(expected[0], got[0], 1e-6, "R(x0), target " + target);
            assertEquals(expected[1], got[1], 1e-6, "R(x1), target " + target);
        }
        // the hand computation itself is not degenerate: both steps matter
        double[] e = byHand(1.0, 0.5, 0);
        assertTrue(Math.abs(e[0]) > 1e-3 && Math.abs(e[1]) > 1e-3, java.util.Arrays.toString(e));
    }

    @Test
    void reverseCellReadsTheSequenceBackwards() {
        double[] expected = byHand(0.5, 1.0, 1); // a reverse cell reads x1 first
        double[] got = lrp(singleDirection("reverse"), new float[] {1.0f, 0.5f}, new long[] {1, 2, 1}, 1);
        assertEquals(expected[1], got[0], 1e-6, "R(x0)");
        assertEquals(expected[0], got[1], 1e-6, "R(x1)");
    }

    /**
     * Bidirectional, logits = the backward direction's output at time 0, which it computes
     * last (after reading x1, then x0): its relevance enters at reversed step T−1 and reaches both
     * steps. Entering at reversed step 0 instead would put it all on x1.
     */
    @Test
    void bidirectionalBackwardOutputAtTimeZeroEntersAtItsLastStep() {
        double[] expected = byHand(0.5, 1.0, 0);
        // Y [T, 2, N, H]; ONNX Runtime's CPU LSTM refuses layout = 1 (batch first), so that form is not run here
        TinyModel m = new TinyModel(14).input("x", DataType.FLOAT_VALUE, -1, 2, 1);
        tinyWeights(m, 2);
        m.initializer(Tensors.ofLongs("i0", new long[0], new long[] {0}))
                .initializer(Tensors.ofLongs("i1", new long[0], new long[] {1}))
                .node("Transpose", List.of("x"), List.of("xt"), Attrs.ints("perm", 1, 0, 2))
                .node("LSTM", List.of("xt", "W", "R", "B"), List.of("Y"), Attrs.i("hidden_size", 2),
                        Attrs.s("direction", "bidirectional"))
                .node("Gather", List.of("Y", "i0"), List.of("yt"), Attrs.i("axis", 0))
                .node("Gather", List.of("yt", "i1"), List.of("y"), Attrs.i("axis", 0))
                .output("y", DataType.FLOAT_VALUE, -1, 2);
        double[] got = lrp(m.build(), new float[] {1.0f, 0.5f}, new long[] {1, 2, 1}, 0);
        assertEquals(expected[1], got[0], 1e-6, "R(x0)");
        assertEquals(expected[0], got[1], 1e-6, "R(x1)");
    }

    /**
     * A bidirectional LSTM whose cells forget at once (input gate ≈ 1, forget gate ≈ 0, no
     * recurrence) and whose logit is the backward direction's output at time 0: it depends on
     * x[0] only, so the relevance must sit on the first step.
     */
    @Test
    void labelOfTheFirstStepPutsRelevanceOnTheFirstStep() {
        int steps = 8;
        float[] w = new float[2 * 8];
        float[] b = new float[2 * 16];
        for (int d = 0; d < 2; d++) {
            for (int j = 0; j < 2; j++) {
                w[d * 8 + 6 + j] = j == 0 ? 1f : -1f; // cell candidate reads x
                b[d * 16 + j] = 10f;                   // input gate open
                b[d * 16 + 2 + j] = 10f;               // output gate open
                b[d * 16 + 4 + j] = -10f;              // forget gate shut
            }
        }
        TinyModel m = new TinyModel(14).input("x", DataType.FLOAT_VALUE, -1, steps, 1)
                .initializer(Tensors.ofFloats("W", new long[] {2, 8, 1}, w))
                .initializer(Tensors.ofFloats("R", new long[] {2, 8, 2}, new float[32]))
                .initializer(Tensors.ofFloats("B", new long[] {2, 16}, b))
                .initializer(Tensors.ofLongs("i0", new long[0], new long[] {0}))
                .initializer(Tensors.ofLongs("i1", new long[0], new long[] {1}))
                .node("Transpose", List.of("x"), List.of("xt"), Attrs.ints("perm", 1, 0, 2))
                .node("LSTM", List.of("xt", "W", "R", "B"), List.of("Y"), Attrs.i("hidden_size", 2),
                        Attrs.s("direction", "bidirectional"))
                .node("Gather", List.of("Y", "i0"), List.of("yt"), Attrs.i("axis", 0))
                .node("Gather", List.of("yt", "i1"), List.of("y"), Attrs.i("axis", 0))
                .output("y", DataType.FLOAT_VALUE, -1, 2);
        float[] x = {0.9f, -0.4f, 0.7f, 1.2f, -0.8f, 0.3f, 0.5f, 1.1f};
        // a small ε: the ε rule hands ε/2 of each cell split to the previous cell state
        double[] r = lrp(m.build(), x, new long[] {1, steps, 1}, 0, 1e-4);
        double total = 0;
        for (double v : r) {
            total += Math.abs(v);
        }
        assertTrue(Math.abs(r[0]) >= 0.99 * total, "relevance on x[0] is " + r[0] + " of |R| total " + total
                + ": " + java.util.Arrays.toString(r));
    }

    /**
     * Peepholes, a clip, coupled input and forget gates, other activations and sequence lengths:
     * the cell recomputed in Java must reproduce ONNX Runtime's hidden states (the step checks
     * this and refuses to explain otherwise), a padded step gets nothing, and with ε → 0, no bias
     * and zero initial states the relevance of the logit is conserved (a bias's share would also
     * reach the zero initial state, which is a lower unit of the first step).
     */
    @Test
    void lstmVariantsRecomputeLikeTheRuntimeAndConserve() {
        java.util.Random r = new java.util.Random(5);
        int h = 3;
        float[] w = new float[2 * 4 * h * 2];
        float[] rr = new float[2 * 4 * h * h];
        float[] p = new float[2 * 3 * h];
        for (float[] a : new float[][] {w, rr, p}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextGaussian() * 0.8f;
            }
        }
        String[][] variants = {
                {"forward", "0", "Sigmoid,Tanh,Tanh"},
                {"reverse", "1", "HardSigmoid,Tanh,Relu"},
                {"bidirectional", "0", "Sigmoid,Tanh,Tanh,Sigmoid,Relu,Tanh"}};
        for (String[] v : variants) {
            int dirs = v[0].equals("bidirectional") ? 2 : 1;
            TinyModel m = new TinyModel(14).input("x", DataType.FLOAT_VALUE, 2, 3, 2)
                    .initializer(Tensors.ofFloats("W", new long[] {dirs, 4 * h, 2}, java.util.Arrays.copyOf(w, dirs * 8 * h)))
                    .initializer(Tensors.ofFloats("R", new long[] {dirs, 4 * h, h}, java.util.Arrays.copyOf(rr, dirs * 4 * h * h)))
                    .initializer(Tensors.ofFloats("B", new long[] {dirs, 8 * h}, new float[dirs * 8 * h]))
                    .initializer(Tensors.ofFloats("P", new long[] {dirs, 3 * h}, java.util.Arrays.copyOf(p, dirs * 3 * h)))
                    .initializer(TensorsInt.lens("lens", 2, 3))
                    .initializer(Tensors.ofLongs("shape", new long[] {2}, new long[] {2, -1}))
                    .initializer(Tensors.ofLongs("perm", new long[] {4}, new long[] {0, 1, 2, 3}))
                    .node("Transpose", List.of("x"), List.of("xt"), Attrs.ints("perm", 1, 0, 2))
                    .node("LSTM", List.of("xt", "W", "R", "B", "lens", "", "", "P"), List.of("Y", "Y_h", "Y_c"),
                            Attrs.i("hidden_size", h), Attrs.s("direction", v[0]), Attrs.f("clip", 1.5f),
                            Attrs.i("input_forget", Long.parseLong(v[1])),
                            stringsAttr("activations", v[2].split(",")))
                    .node("Transpose", List.of("Y_c"), List.of("yc"), Attrs.ints("perm", 1, 0, 2))
                    .node("Reshape", List.of("yc", "shape"), List.of("y"))
                    .output("y");
            // the logits are the final cell states: relevance enters through Y_c
            float[] x = new float[12];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            try (OrtModel model = LrpFixtures.open(m.build(), "lstm-" + v[0])) {
                FloatTensor in = new FloatTensor(new long[] {2, 3, 2}, x);
                Attribution a = LrpExplainer.builder().rule(Rule.epsilon(1e-9)).build()
                        .explain(model, in, Target.of(1));
                double[] logit = a.diagnostics().get("lrp_logit");
                for (int s = 0; s < 2; s++) {
                    double sum = LrpFixtures.sum(a.values().data(), s * 6, s * 6 + 6);
                    assertEquals(logit[s], sum, 1e-4 * Math.max(1, Math.abs(logit[s])), v[0] + " sample " + s);
                }
                // sample 0 has length 2: its third step is padding
                assertEquals(0, a.values().data()[4], 0, v[0]);
                assertEquals(0, a.values().data()[5], 0, v[0]);
            }
        }
    }

    private static ai.onnx.proto.OnnxMl.AttributeProto stringsAttr(String name, String... values) {
        ai.onnx.proto.OnnxMl.AttributeProto.Builder a = ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.STRINGS);
        for (String v : values) {
            a.addStrings(com.google.protobuf.ByteString.copyFromUtf8(v));
        }
        return a.build();
    }

    /** int32 sequence lengths. */
    private static final class TensorsInt {
        static TensorProto lens(String name, int... v) {
            TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DataType.INT32_VALUE)
                    .addDims(v.length);
            for (int i : v) {
                t.addInt32Data(i);
            }
            return t.build();
        }
    }

    /**
     * The trained bidirectional LSTM, mirrored in time: its two directions' weights swapped and
     * the read-out's halves swapped, fed the time-reversed input. It computes the same logits,
     * its label now depends on the FIRST steps of what it reads, and exact LRP must be the
     * original's relevance reversed in time. Relevance entering a backward direction at step p
     * instead of T−1−p breaks this symmetry (one direction of each model would be wrong).
     */
    @Test
    void mirroredTrainedBidirectionalLstmPutsRelevanceOnTheFirstSteps() throws IOException {
        ModelProto mirrored = timeMirrored(LrpFixtures.referenceGraph("synthetic_bilstm"));
        FloatTensor x = LrpFixtures.goldenInputs("synthetic_bilstm");
        int n = x.batchSize();
        int steps = 24;
        int features = 4;
        float[] xr = new float[x.size()];
        for (int s = 0; s < n; s++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(x.data(), (s * steps + t) * features, xr, (s * steps + steps - 1 - t) * features,
                        features);
            }
        }
        LrpExplainer lrp = LrpExplainer.builder().build();
        Attribution a;
        Attribution b;
        try (OrtModel m = LrpFixtures.reference("synthetic_bilstm")) {
            a = lrp.explain(m, x, Target.of(1));
        }
        try (OrtModel m = LrpFixtures.open(mirrored, "bilstm-mirrored")) {
            b = lrp.explain(m, new FloatTensor(x.shape(), xr), Target.of(1));
        }
        // the mirrored model computes the same function
        for (int i = 0; i < a.outputs().size(); i++) {
            assertEquals(a.outputs().data()[i], b.outputs().data()[i], 1e-4, "logit " + i);
        }
        JsonNode truth;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(
                "explain4j/models/synthetic_bilstm/synthetic_bilstm.truth.json")) {
            truth = new ObjectMapper().readTree(in);
        }
        for (int s = 0; s < n; s++) {
            double early = 0;
            double positive = 0;
            for (int t = 0; t < steps; t++) {
                for (int f = 0; f < features; f++) {
                    float ra = a.values().data()[(s * steps + steps - 1 - t) * features + f];
                    float rb = b.values().data()[(s * steps + t) * features + f];
                    assertEquals(ra, rb, 1e-4 * Math.max(1, Math.abs(ra)), "sample " + s + " t " + t + " f " + f);
                    if (rb > 0) {
                        positive += rb;
                        if (f == 0 && t < 8) {
                            early += rb;
                        }
                    }
                }
            }
            if (truth.get("samples").get(s).get("label").asInt() == 1) {
                // the evidence for "positive" (a rise of f0, now within the first 8 steps) sits there
                assertTrue(early >= 0.7 * positive, "sample " + s + ": f0 in the first 8 steps holds " + early
                        + " of " + positive + " positive relevance");
            }
        }
    }

    /** Directions swapped (W, R, B halves) and the read-out Concat's inputs swapped: f(reverse(x)) = original(x). */
    private static ModelProto timeMirrored(ModelProto model) {
        GraphProto g = model.getGraph();
        NodeProto lstm = g.getNodeList().stream().filter(n -> n.getOpType().equals("LSTM")).findFirst().orElseThrow();
        List<String> swap = List.of(lstm.getInput(1), lstm.getInput(2), lstm.getInput(3));
        GraphProto.Builder b = g.toBuilder().clearInitializer().clearNode();
        for (TensorProto t : g.getInitializerList()) {
            if (swap.contains(t.getName())) {
                double[] v = Tensors.toDoubles(t);
                int half = v.length / 2;
                double[] w = new double[v.length];
                System.arraycopy(v, half, w, 0, half);
                System.arraycopy(v, 0, w, half, half);
                b.addInitializer(Tensors.ofType(t.getName(), t.getDataType(), Tensors.dims(t), w));
            } else {
                b.addInitializer(t);
            }
        }
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Concat") && n.getInputCount() == 2 && n.getOutput(0).equals("/Concat_output_0")) {
                b.addNode(n.toBuilder().setInput(0, n.getInput(1)).setInput(1, n.getInput(0)));
            } else {
                b.addNode(n);
            }
        }
        return model.toBuilder().setGraph(b).build();
    }
}
