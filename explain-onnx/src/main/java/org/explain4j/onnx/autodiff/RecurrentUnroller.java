package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.explain4j.ExplainException;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.ConstTensor;
import org.explain4j.onnx.graph.ConstantFolder;
import org.explain4j.onnx.graph.GraphEmitter;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.onnx.graph.Tensors;
import org.explain4j.onnx.graph.ValueShapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rewrites LSTM and GRU nodes into the cell equations they stand for, one step per time step
 * of the (fixed) sequence length: MatMul, Add, Split, activations and elementwise products, all
 * of which have gradient rules. The rewritten graph computes the same outputs (Y, Y_h, Y_c
 * under their original names) and reads the same weights, so the weights stay initializers.
 *
 * <p>Gate layouts follow the ONNX specification: LSTM {@code iofc} with peepholes {@code iof},
 * GRU {@code zrh} with {@code linear_before_reset}; directions forward, reverse and
 * bidirectional; clip; default and listed activations (Sigmoid, Tanh, Relu,
 * HardSigmoid, LeakyRelu, Elu, Softplus). Not supported: {@code input_forget=1}, {@code layout=1}, and
 * {@code sequence_lens} that differ from the full length.
 */
final class RecurrentUnroller {

    private final OnnxGraph graph;
    private final ValueShapes shapes;
    private final ConstantFolder consts;
    private final GraphEmitter out;

    private RecurrentUnroller(ModelProto model, ValueShapes shapes) {
        this.graph = OnnxGraph.of(model);
        this.shapes = shapes;
        this.consts = new ConstantFolder(graph, shapes::shapeOrNull);
        this.out = new GraphEmitter(model.getGraph(), "rnn_");
        out.builder().clearNode();
    }

    /** Whether {@code model} has a node this pass rewrites. */
    static boolean applies(ModelProto model) {
        return model.getGraph().getNodeList().stream().anyMatch(n -> isRecurrent(n.getOpType(), n.getDomain()));
    }

    private static boolean isRecurrent(String op, String domain) {
        return (domain.isEmpty() || domain.equals("ai.onnx")) && (op.equals("LSTM") || op.equals("GRU"));
    }

    /**
     * {@code model} (default opset 15 or newer: the pass emits Shape with start/end) with every
     * LSTM and GRU node unrolled; {@code shapes} are the model's probed shapes.
     */
    static ModelProto unroll(ModelProto model, ValueShapes shapes) {
        RecurrentUnroller u = new RecurrentUnroller(model, shapes);
        for (OnnxNode n : u.graph.nodes()) {
            if (isRecurrent(n.op(), n.domain())) {
                u.rewrite(n);
            } else {
                u.out.node(n.proto());
            }
        }
        return model.toBuilder().setGraph(u.out.build()).build();
    }

    private String op(String type, List<String> inputs, AttributeProto... attrs) {
        return out.op(type, inputs, attrs);
    }

    private String op(String type, String a, AttributeProto... attrs) {
        return out.op(type, List.of(a), attrs);
    }

    private String op(String type, String a, String b, AttributeProto... attrs) {
        return out.op(type, List.of(a, b), attrs);
    }

    private String[] split(String x, long axis, long parts, long size) {
        long[] sizes = new long[(int) parts];
        Arrays.fill(sizes, size);
        return out.op("Split", List.of(x, out.longs(sizes)), (int) parts, Attrs.i("axis", axis));
    }

    /** Slice {@code d} of a per-direction tensor, without the direction axis. */
    private String direction(String x, int d) {
        return op("Squeeze", op("Slice", List.of(x, out.longs(d), out.longs(d + 1), out.longs(0))), out.longs(0));
    }

    private void rewrite(OnnxNode n) {
        boolean lstm = n.op().equals("LSTM");
        int gates = lstm ? 4 : 3;
        long hidden = n.requireInt("hidden_size");
        String dirAttr = n.attrString("direction", "forward");
        int dirs = dirAttr.equals("bidirectional") ? 2 : 1;
        if (n.attrInt("layout", 0) != 0) {
            throw fail(n, "layout=1 (batch-major) is not supported; ONNX Runtime does not run it either");
        }
        if (lstm && n.attrInt("input_forget", 0) != 0) {
            throw fail(n, "input_forget=1 is not supported");
        }
        long[] xs = shapes.shape(n.input(0));
        long steps = xs[0];
        if (steps < 0) {
            throw fail(n, "the sequence length is not fixed (input shape " + Arrays.toString(xs)
                    + "); pass the input shape in GradientOptions.withInputShape");
        }
        checkSequenceLengths(n, steps);
        List<String> activations = activations(n, lstm ? 3 : 2, dirs);
        float[] alphas = n.attrFloats("activation_alpha");
        float[] betas = n.attrFloats("activation_beta");
        int[] paramAt = {0, 0};
        float clip = n.attrFloat("clip", Float.NaN);
        int type = shapes.elemType(n.input(0));

        String x = n.input(0); // [T,B,I]
        String batch = op("Shape", List.of(x), Attrs.i("start", 1), Attrs.i("end", 2));
        String stateShape = op("Concat", List.of(batch, out.longs(hidden)), Attrs.i("axis", 0));
        String zeros = out.op("ConstantOfShape", List.of(stateShape),
                Attrs.t("value", Tensors.ofType("", type, new long[] {1}, new double[] {0})));

        List<String> ys = new ArrayList<>();
        List<String> lastH = new ArrayList<>();
        List<String> lastC = new ArrayList<>();
        for (int d = 0; d < dirs; d++) {
            boolean reverse = dirAttr.equals("reverse") || d == 1;
            List<String> act = activations.subList(d * (lstm ? 3 : 2), (d + 1) * (lstm ? 3 : 2));
            String w = direction(n.input(1), d);                       // [G·H, I]
            String r = direction(n.input(2), d);                       // [G·H, H]
            String xw = op("MatMul", x, op("Transpose", w, Attrs.ints("perm", 1, 0))); // [T,B,G·H]
            String rbRecurrent = null;
            if (n.hasInput(3)) {
                String[] b = split(direction(n.input(3), d), 0, 2, gates * hidden); // Wb, Rb
                if (lstm) {
                    xw = op("Add", xw, op("Add", b[0], b[1]));
                } else {
                    // GRU: Rb of the h gate stays separate (it sits inside r ⊙ (...) when linear_before_reset).
                    xw = op("Add", xw, b[0]);
                    rbRecurrent = b[1];
                }
            }
            String[] xSteps = steps == 1 ? new String[] {xw} : out.op("Split",
                    List.of(xw, out.longs(ones(steps))), (int) steps, Attrs.i("axis", 0));
            String h = n.hasInput(5) ? direction(n.input(5), d) : zeros;
            String c = lstm && n.hasInput(6) ? direction(n.input(6), d) : zeros;
            String[] peep = lstm && n.hasInput(7) ? split(direction(n.input(7), d), 0, 3, hidden) : null;
            String rT = op("Transpose", r, Attrs.ints("perm", 1, 0)); // [H, G·H]
            String[] hs = new String[(int) steps];
            for (int k = 0; k < steps; k++) {
                int t = (int) (reverse ? steps - 1 - k : k);
                String xt = op("Squeeze", xSteps[t], out.longs(0)); // [B, G·H]
                if (lstm) {
                    String[] g = split(op("Add", xt, op("MatMul", h, rT)), 1, 4, hidden); // i, o, f, c
                    String gi = peep == null ? g[0] : op("Add", g[0], op("Mul", peep[0], c));
                    String gf = peep == null ? g[2] : op("Add", g[2], op("Mul", peep[2], c));
                    String i = activate(act.get(0), clip(gi, clip, type), n, alphas, betas, paramAt, type);
                    String f = activate(act.get(0), clip(gf, clip, type), n, alphas, betas, paramAt, type);
                    String cc = activate(act.get(1), clip(g[3], clip, type), n, alphas, betas, paramAt, type);
                    c = op("Add", op("Mul", f, c), op("Mul", i, cc));
                    String go = peep == null ? g[1] : op("Add", g[1], op("Mul", peep[1], c));
                    String o = activate(act.get(0), clip(go, clip, type), n, alphas, betas, paramAt, type);
                    h = op("Mul", o, activate(act.get(2), c, n, alphas, betas, paramAt, type));
                } else {
                    h = gruStep(n, xt, h, rT, rbRecurrent, hidden, act, clip, type, alphas, betas, paramAt);
                }
                hs[t] = h;
            }
            List<String> stacked = new ArrayList<>();
            for (String ht : hs) {
                stacked.add(op("Unsqueeze", ht, out.longs(0)));
            }
            ys.add(op("Unsqueeze", op("Concat", stacked, Attrs.i("axis", 0)), out.longs(1))); // [T,1,B,H]
            lastH.add(op("Unsqueeze", h, out.longs(0)));
            lastC.add(lstm ? op("Unsqueeze", c, out.longs(0)) : null);
        }
        writeOutput(n, 0, ys, 1);
        writeOutput(n, 1, lastH, 0);
        if (lstm) {
            writeOutput(n, 2, lastC, 0);
        }
    }

    private String gruStep(OnnxNode n, String xt, String h, String rT, String rb, long hidden, List<String> act,
                           float clip, int type, float[] alphas, float[] betas, int[] paramAt) {
        boolean linearBeforeReset = n.attrInt("linear_before_reset", 0) != 0;
        String[] xg = split(xt, 1, 3, hidden);                           // z, r, h parts of X·Wᵀ + Wb
        String[] rTParts = split(rT, 1, 3, hidden);                      // columns of Rᵀ per gate
        String[] rbParts = rb == null ? null : split(rb, 0, 3, hidden);
        String hz = op("MatMul", h, rTParts[0]);
        String hr = op("MatMul", h, rTParts[1]);
        if (rbParts != null) {
            hz = op("Add", hz, rbParts[0]);
            hr = op("Add", hr, rbParts[1]);
        }
        String z = activate(act.get(0), clip(op("Add", xg[0], hz), clip, type), n, alphas, betas, paramAt, type);
        String r = activate(act.get(0), clip(op("Add", xg[1], hr), clip, type), n, alphas, betas, paramAt, type);
        String candidate;
        if (linearBeforeReset) {
            String hh = op("MatMul", h, rTParts[2]);
            if (rbParts != null) {
                hh = op("Add", hh, rbParts[2]);
            }
            candidate = op("Add", xg[2], op("Mul", r, hh));
        } else {
            String hh = op("MatMul", op("Mul", r, h), rTParts[2]);
            if (rbParts != null) {
                hh = op("Add", hh, rbParts[2]);
            }
            candidate = op("Add", xg[2], hh);
        }
        String ht = activate(act.get(1), clip(candidate, clip, type), n, alphas, betas, paramAt, type);
        String one = out.scalar(1, type);
        return op("Add", op("Mul", op("Sub", one, z), ht), op("Mul", z, h));
    }

    private String clip(String v, float clip, int type) {
        if (Float.isNaN(clip)) {
            return v;
        }
        return op("Clip", List.of(v, out.scalar(-clip, type), out.scalar(clip, type)));
    }

    private String activate(String name, String v, OnnxNode n, float[] alphas, float[] betas, int[] at, int type) {
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "sigmoid":
                return op("Sigmoid", v);
            case "tanh":
                return op("Tanh", v);
            case "relu":
                return op("Relu", v);
            case "softplus":
                return op("Softplus", v);
            case "leakyrelu":
                return op("LeakyRelu", v, Attrs.f("alpha", param(alphas, 0.01f)));
            case "elu":
                return op("Elu", v, Attrs.f("alpha", param(alphas, 1f)));
            case "hardsigmoid":
                return op("HardSigmoid", v, Attrs.f("alpha", param(alphas, 0.2f)), Attrs.f("beta", param(betas, 0.5f)));
            default:
                throw fail(n, "activation " + name + " is not supported (Sigmoid, Tanh, Relu, HardSigmoid, LeakyRelu, "
                        + "Elu, Softplus are)");
        }
    }

    /** Activation parameters are given per activation that takes one; models rarely set them. */
    private static float param(float[] values, float fallback) {
        return values == null || values.length == 0 ? fallback : values[0];
    }

    private List<String> activations(OnnxNode n, int perDirection, int dirs) {
        List<String> listed = n.attrStrings("activations");
        List<String> defaults = perDirection == 3 ? List.of("Sigmoid", "Tanh", "Tanh") : List.of("Sigmoid", "Tanh");
        if (listed == null || listed.isEmpty()) {
            List<String> all = new ArrayList<>();
            for (int d = 0; d < dirs; d++) {
                all.addAll(defaults);
            }
            return all;
        }
        if (listed.size() == perDirection && dirs == 2) {
            List<String> all = new ArrayList<>(listed);
            all.addAll(listed);
            return all;
        }
        if (listed.size() != perDirection * dirs) {
            throw fail(n, "expected " + perDirection * dirs + " activations, got " + listed.size());
        }
        return listed;
    }

    private void checkSequenceLengths(OnnxNode n, long steps) {
        if (!n.hasInput(4)) {
            return;
        }
        ConstTensor lens = consts.value(n.input(4)).orElse(null);
        if (lens == null || Arrays.stream(lens.longs()).anyMatch(l -> l != steps)) {
            throw fail(n, "sequence_lens must be absent or constant and equal to the sequence length " + steps);
        }
    }

    private void writeOutput(OnnxNode n, int index, List<String> perDirection, int axis) {
        if (!n.hasOutput(index)) {
            return;
        }
        String joined = perDirection.size() == 1 ? perDirection.get(0)
                : op("Concat", perDirection, Attrs.i("axis", axis));
        out.node(NodeProto.newBuilder().setOpType("Identity").setName(out.fresh("rnn_output"))
                .addInput(joined).addOutput(n.output(index)).build());
    }

    private static long[] ones(long n) {
        long[] v = new long[(int) n];
        Arrays.fill(v, 1);
        return v;
    }

    private static ExplainException fail(OnnxNode n, String why) {
        return new ExplainException("cannot unroll " + n.op() + " node '" + n.label() + "': " + why);
    }
}
