package org.explain4j.onnx.lrp;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.onnx.graph.TinyModel;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batch-norm canonizer: the folded copy computes the same, and LRP sees one layer. */
class BatchNormFoldingTest {

    private static final float[] GAMMA = {2, 0.5f};
    private static final float[] BETA = {0.25f, -1};
    private static final float[] MEAN = {1, -2};
    private static final float[] VAR = {4, 0.25f};

    /** x [N,1,3] → Conv (2 channels, kernel 2, bias) → BatchNormalization → Flatten. */
    private static ModelProto convBn() {
        return new TinyModel(14).input("x", DataType.FLOAT_VALUE, -1, 1, 3)
                .initializer(Tensors.ofFloats("W", new long[] {2, 1, 2}, new float[] {1, -1, 0.5f, 2}))
                .initializer(Tensors.ofFloats("B", new long[] {2}, new float[] {0.1f, -0.2f}))
                .initializer(Tensors.ofFloats("g", new long[] {2}, GAMMA))
                .initializer(Tensors.ofFloats("be", new long[] {2}, BETA))
                .initializer(Tensors.ofFloats("m", new long[] {2}, MEAN))
                .initializer(Tensors.ofFloats("v", new long[] {2}, VAR))
                .node("Conv", List.of("x", "W", "B"), List.of("c"))
                .node("BatchNormalization", List.of("c", "g", "be", "m", "v"), List.of("n"), Attrs.f("epsilon", 0))
                .node("Flatten", List.of("n"), List.of("y"))
                .output("y").build();
    }

    /** The same network folded by hand: W' = W·γ/σ, b' = (b − μ)·γ/σ + β with σ = (2, 0.5). */
    private static ModelProto foldedByHand() {
        float[] s = {2 / 2f, 0.5f / 0.5f};
        return new TinyModel(14).input("x", DataType.FLOAT_VALUE, -1, 1, 3)
                .initializer(Tensors.ofFloats("W", new long[] {2, 1, 2},
                        new float[] {1 * s[0], -1 * s[0], 0.5f * s[1], 2 * s[1]}))
                .initializer(Tensors.ofFloats("B", new long[] {2},
                        new float[] {(0.1f - 1) * s[0] + 0.25f, (-0.2f + 2) * s[1] - 1}))
                .node("Conv", List.of("x", "W", "B"), List.of("n"))
                .node("Flatten", List.of("n"), List.of("y"))
                .output("y").build();
    }

    @Test
    void foldedModelComputesTheSame() {
        BatchNormFolding.Result r = BatchNormFolding.fold(convBn());
        assertEquals(List.of("Conv_0 + BatchNormalization_1"), r.folded());
        assertEquals(List.of("Conv", "Flatten"), r.model().getGraph().getNodeList().stream().map(n -> n.getOpType()).toList());
        FloatTensor x = new FloatTensor(new long[] {2, 1, 3}, new float[] {1, 2, 3, -1, 0.5f, 4});
        try (OrtModel original = LrpFixtures.open(convBn(), "bn");
             OrtModel folded = LrpFixtures.open(r.model(), "bn-folded");
             OrtModel hand = LrpFixtures.open(foldedByHand(), "bn-hand")) {
            float[] a = original.forward(x).data();
            float[] b = folded.forward(x).data();
            float[] c = hand.forward(x).data();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-5, "output " + i);
                assertEquals(c[i], b[i], 1e-5, "output " + i);
            }
            // LRP on the model with the batch-norm equals LRP on the hand-folded one
            for (int t = 0; t < 4; t++) {
                Attribution la = LrpExplainer.builder().build().explain(original, x, Target.of(t));
                Attribution lc = LrpExplainer.builder().build().explain(hand, x, Target.of(t));
                for (int i = 0; i < la.values().size(); i++) {
                    assertEquals(lc.values().data()[i], la.values().data()[i], 1e-5, "target " + t + " input " + i);
                }
            }
        }
    }

    @Test
    void batchNormReadTwiceIsLeftAlone() {
        ModelProto m = convBn();
        // the conv output also feeds a second output: folding would change it
        ModelProto twice = m.toBuilder().setGraph(m.getGraph().toBuilder()
                .addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("c"))).build();
        BatchNormFolding.Result r = BatchNormFolding.fold(twice);
        assertTrue(r.folded().isEmpty());
        assertEquals(twice, r.model());
    }
}
