package org.explain4j.onnx.lrp;

import org.explain4j.ExplainException;
import org.explain4j.lrp.Composite.LayerKind;
import org.explain4j.lrp.LstmCell;
import org.explain4j.onnx.graph.ConstTensor;
import org.explain4j.onnx.graph.OnnxNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * The ONNX LSTM op (forward, reverse or bidirectional; either layout; peepholes, clip,
 * input_forget, any activation the op allows; constant sequence lengths) under the Arras rule.
 * Gates and cell states of every step are recomputed in double from the op's weights and its
 * input (fetched from the runtime), and checked against the runtime's own output. A reverse
 * direction processes time {@code T−1 … 0}: its output at time {@code p} is its state after
 * processing step {@code T−1−p}, which is where that output's relevance enters.
 * The relevance of initial states is absorbed (reported in the residual).
 */
final class LstmStep extends Step {
    /** Gate blocks of W, R and B in ONNX order: i, o, f, c. */
    private static final int ONNX_I = 0;
    private static final int ONNX_O = 1;
    private static final int ONNX_F = 2;
    private static final int ONNX_C = 3;
    /** Largest |recomputed − runtime| hidden state accepted before the recomputation is called wrong. */
    private static final double RECOMPUTE_TOLERANCE = 1e-3;

    private final int directions;
    private final boolean[] reverse;
    private final int hidden;
    private final int inputSize;
    private final boolean batchFirst;
    private final LstmCell[] cells;
    private final int[] sequenceLengths;
    private final ConstTensor initialH;
    private final ConstTensor initialC;

    LstmStep(OnnxNode n, GraphConstants consts) {
        super(List.of(n));
        if (consts.isConstant(n.input(0))) {
            throw new ExplainException("LSTM node '" + n.label() + "' reads a constant sequence; LRP needs a computed one");
        }
        String direction = n.attrString("direction", "forward");
        directions = direction.equals("bidirectional") ? 2 : 1;
        reverse = switch (direction) {
            case "forward" -> new boolean[] {false};
            case "reverse" -> new boolean[] {true};
            case "bidirectional" -> new boolean[] {false, true};
            default -> throw new ExplainException("LSTM node '" + n.label() + "' has direction '" + direction
                    + "'; expected forward, reverse or bidirectional");
        };
        hidden = (int) n.requireInt("hidden_size");
        batchFirst = n.attrInt("layout", 0) != 0;
        ConstTensor w = consts.require(n.input(1), n, "input weights W");
        ConstTensor r = consts.require(n.input(2), n, "recurrence weights R");
        inputSize = (int) w.dims()[2];
        if (w.dims()[0] != directions || w.dims()[1] != 4L * hidden || r.dims()[2] != hidden) {
            throw new ExplainException("LSTM node '" + n.label() + "' has weights W " + java.util.Arrays.toString(w.dims())
                    + " and R " + java.util.Arrays.toString(r.dims()) + " for " + directions + " direction(s) of "
                    + hidden + " units");
        }
        double[] b = n.hasInput(3) ? consts.doubles(n.input(3), n, "biases B") : new double[directions * 8 * hidden];
        long[] lens = n.hasInput(4) ? consts.value(n.input(4)).map(ConstTensor::longs).orElseThrow(() ->
                new ExplainException("LSTM node '" + n.label() + "' takes sequence_lens from '" + n.input(4)
                        + "', computed at run time; LRP needs them constant or absent")) : null;
        sequenceLengths = lens == null ? null : LinearStep.toInts(lens);
        initialH = n.hasInput(5) ? consts.value(n.input(5)).orElse(null) : null;
        initialC = n.hasInput(6) ? consts.value(n.input(6)).orElse(null) : null;
        double[] p = n.hasInput(7) ? consts.doubles(n.input(7), n, "peepholes P") : null;
        double clip = n.hasAttribute("clip") ? n.attrFloat("clip", 0f) : Double.NaN;
        boolean inputForget = n.attrInt("input_forget", 0) != 0;
        List<DoubleUnaryOperator> acts = activations(n);
        cells = new LstmCell[directions];
        double[] wv = w.doubles();
        double[] rv = r.doubles();
        int h = hidden;
        for (int d = 0; d < directions; d++) {
            int[] order = {ONNX_I, ONNX_F, ONNX_C, ONNX_O};
            double[][] wg = new double[4][];
            double[][] rg = new double[4][];
            double[][] bg = new double[4][];
            for (int q = 0; q < 4; q++) {
                int gate = order[q];
                wg[q] = java.util.Arrays.copyOfRange(wv, (d * 4 + gate) * h * inputSize, (d * 4 + gate + 1) * h * inputSize);
                rg[q] = java.util.Arrays.copyOfRange(rv, (d * 4 + gate) * h * h, (d * 4 + gate + 1) * h * h);
                bg[q] = new double[h];
                for (int j = 0; j < h; j++) {
                    bg[q][j] = b[d * 8 * h + gate * h + j] + b[d * 8 * h + 4 * h + gate * h + j];
                }
            }
            double[][] peep = null;
            if (p != null) { // P holds i, o, f
                peep = new double[][] {
                        java.util.Arrays.copyOfRange(p, (d * 3) * h, (d * 3 + 1) * h),
                        java.util.Arrays.copyOfRange(p, (d * 3 + 2) * h, (d * 3 + 3) * h),
                        java.util.Arrays.copyOfRange(p, (d * 3 + 1) * h, (d * 3 + 2) * h)};
            }
            cells[d] = new LstmCell(inputSize, h, wg, rg, bg, peep, acts.get(3 * d), acts.get(3 * d + 1),
                    acts.get(3 * d + 2), clip, inputForget);
        }
    }

    @Override
    List<String> outputs() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            if (node().hasOutput(i)) {
                out.add(node().output(i));
            }
        }
        return out;
    }

    @Override
    List<String> relevanceInputs() {
        return List.of(node().input(0));
    }

    @Override
    List<String> extraActivations() {
        List<String> extra = new ArrayList<>();
        if (node().hasInput(5) && initialH == null) {
            extra.add(node().input(5));
        }
        if (node().hasInput(6) && initialC == null) {
            extra.add(node().input(6));
        }
        return extra;
    }

    @Override
    LayerKind kind() {
        return LayerKind.RECURRENT;
    }

    @Override
    Map<String, double[]> backward(LrpPass pass) {
        Tensor64 x = pass.activation(node().input(0));
        if (x.rank() != 3 || x.dim(2) != inputSize) {
            throw new ExplainException("LSTM node '" + label() + "' input has shape "
                    + java.util.Arrays.toString(x.shape()) + "; expected " + (batchFirst ? "[N, T, " : "[T, N, ")
                    + inputSize + "]");
        }
        int steps = batchFirst ? x.dim(1) : x.dim(0);
        int n = batchFirst ? x.dim(0) : x.dim(1);
        double[] h0 = initialState(initialH, 5, pass, n);
        double[] c0 = initialState(initialC, 6, pass, n);
        double[] ry = node().hasOutput(0) ? pass.relevance(node().output(0)) : null;
        double[] ryh = node().hasOutput(1) ? pass.relevance(node().output(1)) : null;
        double[] ryc = node().hasOutput(2) ? pass.relevance(node().output(2)) : null;
        double[] y = node().hasOutput(0) ? pass.activation(node().output(0)).data() : null;
        double[] rx = new double[x.size()];
        // samples grouped by their sequence length (all T without sequence_lens)
        Map<Integer, List<Integer>> byLength = new LinkedHashMap<>();
        for (int s = 0; s < n; s++) {
            int len = sequenceLengths == null ? steps : sequenceLengths[s];
            if (len < 0 || len > steps) {
                throw new ExplainException("LSTM node '" + label() + "' sequence length " + len + " of sample " + s
                        + " is outside 0.." + steps);
            }
            byLength.computeIfAbsent(len, k -> new ArrayList<>()).add(s);
        }
        int h = hidden;
        double maxDiff = 0;
        for (Map.Entry<Integer, List<Integer>> group : byLength.entrySet()) {
            int len = group.getKey();
            List<Integer> samples = group.getValue();
            int g = samples.size();
            if (len == 0) {
                continue;
            }
            for (int d = 0; d < directions; d++) {
                double[] xs = new double[len * g * inputSize];
                double[] hs = new double[g * h];
                double[] cs = new double[g * h];
                for (int k = 0; k < len; k++) {
                    int t = time(k, len, d);
                    for (int q = 0; q < g; q++) {
                        int s = samples.get(q);
                        System.arraycopy(x.data(), xIndex(t, s, steps, n), xs, (k * g + q) * inputSize, inputSize);
                    }
                }
                for (int q = 0; q < g; q++) {
                    int s = samples.get(q);
                    for (int j = 0; j < h; j++) {
                        hs[q * h + j] = h0[stateIndex(d, s, j, n)];
                        cs[q * h + j] = c0[stateIndex(d, s, j, n)];
                    }
                }
                LstmCell.Trace trace = cells[d].run(xs, g, len, hs, cs);
                double[] rh = new double[len * g * h];
                double[] rcLast = ryc == null ? null : new double[g * h];
                for (int k = 0; k < len; k++) {
                    int t = time(k, len, d);
                    for (int q = 0; q < g; q++) {
                        int s = samples.get(q);
                        for (int j = 0; j < h; j++) {
                            int yi = yIndex(t, d, s, j, steps, n);
                            double hv = trace.h()[(k * g + q) * h + j];
                            if (y != null) {
                                maxDiff = Math.max(maxDiff, Math.abs(hv - y[yi]));
                            }
                            if (ry != null) {
                                rh[(k * g + q) * h + j] = ry[yi];
                            }
                        }
                    }
                }
                for (int q = 0; q < g; q++) {
                    int s = samples.get(q);
                    for (int j = 0; j < h; j++) {
                        if (ryh != null) {
                            rh[((len - 1) * g + q) * h + j] += ryh[stateIndex(d, s, j, n)];
                        }
                        if (rcLast != null) {
                            rcLast[q * h + j] = ryc[stateIndex(d, s, j, n)];
                        }
                    }
                }
                LstmCell.Relevance rel = cells[d].relevance(trace, rh, rcLast, rule(), pass.biasFactor());
                for (int k = 0; k < len; k++) {
                    int t = time(k, len, d);
                    for (int q = 0; q < g; q++) {
                        int s = samples.get(q);
                        int dst = xIndex(t, s, steps, n);
                        for (int i = 0; i < inputSize; i++) {
                            rx[dst + i] += rel.x()[(k * g + q) * inputSize + i];
                        }
                    }
                }
            }
        }
        if (maxDiff > RECOMPUTE_TOLERANCE) {
            throw new ExplainException("LSTM node '" + label() + "': the hidden states recomputed from its weights differ"
                    + " from ONNX Runtime's by up to " + maxDiff + "; this LSTM variant is not covered by LRP");
        }
        return Map.of(node().input(0), rx);
    }

    /** Time step of processing step {@code k}: a reverse direction starts at the end of the sequence. */
    private int time(int k, int len, int d) {
        return reverse[d] ? len - 1 - k : k;
    }

    private int xIndex(int t, int s, int steps, int n) {
        return (batchFirst ? s * steps + t : t * n + s) * inputSize;
    }

    private int yIndex(int t, int d, int s, int j, int steps, int n) {
        return batchFirst ? ((s * steps + t) * directions + d) * hidden + j
                : ((t * directions + d) * n + s) * hidden + j;
    }

    private int stateIndex(int d, int s, int j, int n) {
        return batchFirst ? (s * directions + d) * hidden + j : (d * n + s) * hidden + j;
    }

    private double[] initialState(ConstTensor constant, int input, LrpPass pass, int n) {
        if (!node().hasInput(input)) {
            return new double[directions * n * hidden];
        }
        if (constant != null) {
            return constant.doubles();
        }
        return pass.activation(node().input(input)).data();
    }

    @Override
    int outputBatchAxis(String output, LrpPass pass) {
        int a = pass.batchAxis(node().input(0));
        if (a != (batchFirst ? 0 : 1)) {
            return -1;
        }
        if (output.equals(node().output(0))) {
            return batchFirst ? 0 : 2;
        }
        return batchFirst ? 0 : 1;
    }

    /**
     * tanh through {@code exp} (an intrinsic, about 3x faster than {@link Math#tanh}); absolute
     * error below 3e-16. The recomputed cell calls it for every unit and step.
     */
    static double tanh(double v) {
        double e = Math.exp(-2 * Math.abs(v));
        double t = (1 - e) / (1 + e);
        return v < 0 ? -t : t;
    }

    /** The f, g, h activation of each direction, as the op's attributes give them. */
    private static List<DoubleUnaryOperator> activations(OnnxNode n) {
        int directions = n.attrString("direction", "forward").equals("bidirectional") ? 2 : 1;
        List<String> names = n.attrStrings("activations");
        if (names == null) {
            names = new ArrayList<>();
            for (int d = 0; d < directions; d++) {
                names.addAll(List.of("Sigmoid", "Tanh", "Tanh"));
            }
        }
        if (names.size() != 3 * directions) {
            throw new ExplainException("LSTM node '" + n.label() + "' lists " + names.size() + " activations; expected "
                    + 3 * directions);
        }
        float[] alphas = n.attrFloats("activation_alpha");
        float[] betas = n.attrFloats("activation_beta");
        int ai = 0;
        int bi = 0;
        List<DoubleUnaryOperator> out = new ArrayList<>();
        for (String name : names) {
            String key = name.toLowerCase(Locale.ROOT);
            boolean usesAlpha = switch (key) {
                case "affine", "leakyrelu", "thresholdedrelu", "scaledtanh", "hardsigmoid", "elu" -> true;
                default -> false;
            };
            boolean usesBeta = switch (key) {
                case "affine", "scaledtanh", "hardsigmoid" -> true;
                default -> false;
            };
            double alpha = switch (key) {
                case "leakyrelu" -> 0.01;
                case "hardsigmoid" -> 0.2;
                default -> 1.0;
            };
            double beta = switch (key) {
                case "hardsigmoid" -> 0.5;
                case "affine" -> 0.0;
                default -> 1.0;
            };
            if (usesAlpha && alphas != null && ai < alphas.length) {
                alpha = alphas[ai++];
            }
            if (usesBeta && betas != null && bi < betas.length) {
                beta = betas[bi++];
            }
            double a = alpha;
            double b = beta;
            out.add(switch (key) {
                case "sigmoid" -> v -> 1 / (1 + Math.exp(-v));
                case "tanh" -> LstmStep::tanh;
                case "relu" -> v -> Math.max(v, 0);
                case "affine" -> v -> a * v + b;
                case "leakyrelu" -> v -> v >= 0 ? v : a * v;
                case "thresholdedrelu" -> v -> v > a ? v : 0;
                case "scaledtanh" -> v -> a * tanh(b * v);
                case "hardsigmoid" -> v -> Math.max(0, Math.min(1, a * v + b));
                case "elu" -> v -> v >= 0 ? v : a * (Math.exp(v) - 1);
                case "softsign" -> v -> v / (1 + Math.abs(v));
                case "softplus" -> v -> Math.log1p(Math.exp(v));
                default -> throw new ExplainException("LSTM node '" + n.label() + "' uses activation '" + name
                        + "', which LRP does not know");
            });
        }
        return out;
    }
}
