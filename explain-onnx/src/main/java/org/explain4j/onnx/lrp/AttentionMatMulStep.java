package org.explain4j.onnx.lrp;

import org.explain4j.ExplainException;
import org.explain4j.lrp.Composite.LayerKind;
import org.explain4j.lrp.DenseMap;
import org.explain4j.lrp.LinearRules;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.OnnxNode;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A MatMul of attention weights (a Softmax output) by computed values, e.g. {@code softmax(q kᵀ/√d) v}.
 * The attention weights are held constant for the sample (the AH rule of Ali et al. 2022, "XAI for
 * Transformers: Better Explanations through Conservative Propagation"; also Zennit and LXT): the
 * values get the relevance by the layer's rule with the sample's attention matrix as the weights,
 * and nothing flows into the attention (so the q·kᵀ branch and the Softmax get no relevance).
 */
final class AttentionMatMulStep extends Step {

    /** Ops the attention weights may pass through after the Softmax (element-preserving, or scaled by a constant). */
    private static final Set<String> KEEPS_ATTENTION = Set.of("Transpose", "Reshape", "Flatten", "Squeeze",
            "Unsqueeze", "Identity", "Cast", "Dropout", "Mul", "Div");

    /** Which MatMul input (0 = left, 1 = right) holds the attention weights. */
    private final int attention;

    private AttentionMatMulStep(OnnxNode n, int attention) {
        super(List.of(n));
        this.attention = attention;
    }

    /**
     * The step for a MatMul of two computed tensors, one of which comes from a Softmax.
     *
     * @throws ExplainException when neither operand is attention weights
     */
    static AttentionMatMulStep of(OnnxNode n, OnnxGraph g, GraphConstants consts) {
        for (int i = 0; i < 2; i++) {
            if (fromSoftmax(n.input(i), g, consts)) {
                return new AttentionMatMulStep(n, i);
            }
        }
        throw new ExplainException("MatMul node '" + n.label() + "' multiplies two computed tensors ('" + n.input(0)
                + "', '" + n.input(1) + "'); LRP supports such a product only when one side is attention weights (a"
                + " Softmax output, possibly transposed, reshaped or scaled by a constant), otherwise it needs"
                + " constant weights on the right");
    }

    /** Whether {@code value} is a Softmax output, perhaps reshaped, transposed or scaled by constants on the way. */
    private static boolean fromSoftmax(String value, OnnxGraph g, GraphConstants consts) {
        String v = value;
        for (int hops = 0; hops < 32; hops++) {
            Optional<OnnxNode> p = g.producer(v);
            if (p.isEmpty()) {
                return false;
            }
            OnnxNode n = p.get();
            if (n.op().equals("Softmax")) {
                return true;
            }
            if (!KEEPS_ATTENTION.contains(n.op()) || consts.isConstant(n.input(0))) {
                return false;
            }
            for (int i = 1; i < n.inputCount(); i++) {
                if (n.hasInput(i) && !consts.isConstant(n.input(i))) {
                    return false; // e.g. a gate: Mul of two computed tensors
                }
            }
            v = n.input(0);
        }
        return false;
    }

    private String values() {
        return node().input(1 - attention);
    }

    private String weights() {
        return node().input(attention);
    }

    @Override
    List<String> outputs() {
        return List.of(node().output(0));
    }

    @Override
    List<String> relevanceInputs() {
        return List.of(values());
    }

    @Override
    List<String> extraActivations() {
        return List.of(weights());
    }

    @Override
    LayerKind kind() {
        return LayerKind.DENSE;
    }

    /**
     * Per matrix of the batch: {@code out[t, d] = Σ_s A[t, s] V[s, d]} with the attention {@code A}
     * on the left (or {@code out = V A} with it on the right), as a dense layer over the values.
     */
    @Override
    Map<String, double[]> backward(LrpPass pass) {
        double[] r = pass.relevance(node().output(0));
        if (r == null) {
            return Map.of();
        }
        Tensor64 left = pass.activation(node().input(0));
        Tensor64 right = pass.activation(node().input(1));
        Tensor64 out = pass.activation(node().output(0));
        long[] ls = left.shape();
        long[] rs = right.shape();
        if (ls.length < 2 || ls.length != rs.length
                || !Arrays.equals(Arrays.copyOf(ls, ls.length - 2), Arrays.copyOf(rs, rs.length - 2))
                || ls[ls.length - 1] != rs[rs.length - 2]) {
            throw new ExplainException(describe() + ": operands " + Arrays.toString(ls) + " and " + Arrays.toString(rs)
                    + " are not a batch of matrix products [..., T, S] x [..., S, D] with the same leading axes");
        }
        int t = (int) ls[ls.length - 2];
        int s = (int) ls[ls.length - 1];
        int d = (int) rs[rs.length - 1];
        int batch = left.size() / (t * s);
        double[] rv = new double[attention == 0 ? right.size() : left.size()];
        double[] z = out.data();
        for (int b = 0; b < batch; b++) {
            if (attention == 0) {
                // values V[s, ·] by columns: each column d is a layer of S inputs -> T outputs, weights A[t, s]
                double[] w = new double[s * t];
                for (int i = 0; i < t; i++) {
                    for (int k = 0; k < s; k++) {
                        w[k * t + i] = left.data()[b * t * s + i * s + k];
                    }
                }
                double[] a = transpose(right.data(), b * s * d, s, d);
                double[] rOut = transpose(r, b * t * d, t, d);
                double[] zOut = transpose(z, b * t * d, t, d);
                double[] rIn = LinearRules.propagate(rule(), new DenseMap(s, t, w, null), a, rOut, d,
                        pass.biasFactor(), zOut);
                double[] back = transpose(rIn, 0, d, s);
                System.arraycopy(back, 0, rv, b * s * d, s * d);
            } else {
                // values X[t, ·] by rows: each row is a layer of S inputs -> D outputs, weights A[s, d]
                double[] w = Arrays.copyOfRange(right.data(), b * s * d, (b + 1) * s * d);
                double[] a = Arrays.copyOfRange(left.data(), b * t * s, (b + 1) * t * s);
                double[] rOut = Arrays.copyOfRange(r, b * t * d, (b + 1) * t * d);
                double[] zOut = Arrays.copyOfRange(z, b * t * d, (b + 1) * t * d);
                double[] rIn = LinearRules.propagate(rule(), new DenseMap(s, d, w, null), a, rOut, t,
                        pass.biasFactor(), zOut);
                System.arraycopy(rIn, 0, rv, b * t * s, t * s);
            }
        }
        return Map.of(values(), rv);
    }

    /** The {@code rows × cols} matrix at {@code off} of {@code m}, transposed. */
    private static double[] transpose(double[] m, int off, int rows, int cols) {
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = m[off + i * cols + j];
            }
        }
        return out;
    }

    @Override
    String describe() {
        return super.describe() + " (attention '" + weights() + "' held constant)";
    }
}
