package org.explain4j.onnx.lrp;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.explain4j.ExplainException;
import org.explain4j.lrp.Composite;
import org.explain4j.lrp.OutputInit;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.OutputActivation;
import org.explain4j.onnx.GraphOutputs;
import org.explain4j.onnx.graph.ConstTensor;
import org.explain4j.onnx.graph.OnnxGraph;
import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * LRP over one ONNX graph: the canonized copy (batch-norms folded), the backward steps from the
 * logit to the input with the composite's rule on each, and the tensors to fetch from the
 * runtime. Built once per model and settings; {@link #run} explains a batch.
 */
public final class LrpPlan {

    /** Element-wise ops and element-preserving shape ops: relevance passes through. */
    private static final Set<String> PASS_THROUGH = Set.of("Relu", "LeakyRelu", "PRelu", "Tanh", "Sigmoid",
            "HardSigmoid", "HardSwish", "Softmax", "LogSoftmax", "Elu", "Selu", "Celu", "Softplus", "Softsign", "Clip",
            "Gelu", "Identity", "Dropout", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "BatchNormalization", "Cast");

    /** What LRP covers, for the message about an op it does not. */
    public static final String COVERED = "Gemm, MatMul (+ Add bias; of two computed tensors only attention weights"
            + " (a Softmax output) by values, the attention held constant), Conv (1-D/2-D/3-D, + Add bias), MaxPool,"
            + " GlobalMaxPool, AveragePool, GlobalAveragePool, ReduceMean, ReduceSum, Add/Sub/Sum (of branches or"
            + " with a constant), Mul/Div by a constant, Concat, Split, Slice, Gather (constant indices), Pad"
            + " (constant), Transpose, LSTM, and pass-through for " + String.join(", ", PASS_THROUGH.stream().sorted().toList());

    private static final Set<String> FINAL_ACTIVATIONS = Set.of("Softmax", "LogSoftmax", "Sigmoid");

    private final String input;
    private final String output;
    private final String logit;
    private final String finalActivation;
    private final OutputInit init;
    private final double biasFactor;
    private final Composite composite;
    private final List<Step> steps;
    private final LinearStep startLayer;
    private final List<String> fetch;
    private final List<String> folded;
    private final List<String> layers;

    private LrpPlan(String input, String output, String logit, String finalActivation, OutputInit init,
                    double biasFactor, Composite composite, List<Step> steps, LinearStep startLayer,
                    List<String> fetch, List<String> folded) {
        this.input = input;
        this.output = output;
        this.logit = logit;
        this.finalActivation = finalActivation;
        this.init = init;
        this.biasFactor = biasFactor;
        this.composite = composite;
        this.steps = List.copyOf(steps);
        this.startLayer = startLayer;
        this.fetch = List.copyOf(fetch);
        this.folded = List.copyOf(folded);
        List<String> described = new ArrayList<>();
        if (startLayer != null) {
            described.add(startLayer.describe() + " (" + init.text() + " start)");
        }
        steps.forEach(st -> described.add(st.describe()));
        this.layers = List.copyOf(described);
    }

    /**
     * @param model      the model's forward graph (not changed)
     * @param biasFactor δ of METHODS §2
     * @throws ExplainException when an op on the way from the input to the output has no rule, or
     *                          the output start does not fit the model
     */
    public static LrpPlan build(ModelProto model, ModelInfo info, Composite composite, OutputInit init,
                                double biasFactor) {
        if (!(biasFactor >= 0) || biasFactor > 1) {
            throw new ExplainException("LRP bias factor must be between 0 (biases keep their relevance) and 1 (all"
                    + " of it goes back to the inputs), got " + biasFactor);
        }
        BatchNormFolding.Result canon = BatchNormFolding.fold(model);
        OnnxGraph g = OnnxGraph.of(canon.model());
        GraphConstants consts = new GraphConstants(g);
        String input = info.input().name();
        String output = info.output().name();
        String logit = output;
        String finalActivation = null;
        Optional<OnnxNode> last = g.producer(output);
        if (last.isPresent() && FINAL_ACTIVATIONS.contains(last.get().op())) {
            finalActivation = last.get().op();
            logit = last.get().input(0);
        }
        OutputActivation declared = info.description() == null ? OutputActivation.NONE : info.description().activation();
        checkInit(init, finalActivation, declared, info.name());

        Set<String> relevant = new HashSet<>(List.of(logit));
        Set<Object> absorbed = new HashSet<>();
        Set<String> graphOutputs = new HashSet<>(g.outputNames());
        List<Step> steps = new ArrayList<>();
        List<OnnxNode> nodes = g.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            OnnxNode n = nodes.get(i);
            if (absorbed.contains(n.proto()) || n.outputs().stream().noneMatch(relevant::contains)) {
                continue;
            }
            Step s = stepFor(n, g, consts, absorbed, graphOutputs);
            steps.add(s);
            relevant.addAll(s.relevanceInputs());
        }
        if (!relevant.contains(input)) {
            throw new ExplainException("model '" + info.name() + "': no relevance path leads from output '" + logit
                    + "' back to input '" + input + "'");
        }
        // first layers and rules, in forward order
        Map<String, Boolean> weightedBefore = new HashMap<>();
        for (int i = steps.size() - 1; i >= 0; i--) {
            Step s = steps.get(i);
            boolean up = s.relevanceInputs().stream().anyMatch(v -> weightedBefore.getOrDefault(v, false));
            s.assignRule(composite, s.weighted() && !up);
            for (String o : s.outputs()) {
                weightedBefore.put(o, up || s.weighted());
            }
        }
        LinearStep start = null;
        if (init.isSigmoidMask()) {
            Step top = steps.isEmpty() ? null : steps.get(0);
            if (!(top instanceof LinearStep ls) || !ls.isDense() || !ls.outputs().contains(logit)) {
                throw new ExplainException("output init '" + init.text() + "' starts at the last dense layer's input,"
                        + " but the logit '" + logit + "' of model '" + info.name() + "' comes from "
                        + (top == null ? "nothing" : top.describe()) + "; use --lrp-output-init logit");
            }
            start = ls;
            steps.remove(0);
        }
        Set<String> known = GraphOutputs.tensorNames(model.getGraph());
        LinkedHashSet<String> fetch = new LinkedHashSet<>(List.of(logit, output));
        if (start != null) {
            fetch.add(start.input());
        }
        for (Step s : steps) {
            fetch.addAll(s.relevanceInputs());
            fetch.addAll(s.outputs());
            fetch.addAll(s.extraActivations());
        }
        fetch.remove(input);
        for (String f : fetch) {
            if (!known.contains(f)) {
                throw new IllegalStateException("LRP needs tensor '" + f + "', which the model does not compute");
            }
        }
        return new LrpPlan(input, output, logit, finalActivation, init, biasFactor, composite, steps, start,
                new ArrayList<>(fetch), canon.folded());
    }

    private static void checkInit(OutputInit init, String finalActivation, OutputActivation declared, String model) {
        switch (init) {
            case SOFTMAX -> {
                if (!"Softmax".equals(finalActivation) && !"LogSoftmax".equals(finalActivation)
                        && declared != OutputActivation.SOFTMAX) {
                    throw new ExplainException("output init 'softmax' needs a softmax output, but model '" + model
                            + "' neither ends in a Softmax nor declares one (sidecar output.activation); use"
                            + " --lrp-output-init logit");
                }
            }
            case SIGMOID_DECISION, SIGMOID_LOGIT_SIGN -> {
                if (!"Sigmoid".equals(finalActivation) && declared != OutputActivation.SIGMOID) {
                    throw new ExplainException("output init '" + init.text() + "' needs a sigmoid output, but model '"
                            + model + "' neither ends in a Sigmoid nor declares one (sidecar output.activation); use"
                            + " --lrp-output-init logit");
                }
            }
            default -> {
            }
        }
    }

    private static Step stepFor(OnnxNode n, OnnxGraph g, GraphConstants consts, Set<Object> absorbed,
                                Set<String> graphOutputs) {
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            throw unsupported(n);
        }
        String op = n.op();
        switch (op) {
            case "Gemm":
                return LinearStep.gemm(n, consts, null, null);
            case "MatMul":
                if (!consts.isConstant(n.input(0)) && !consts.isConstant(n.input(1))) {
                    return AttentionMatMulStep.of(n, g, consts);
                }
                return LinearStep.matMul(n, consts, null, null);
            case "Conv":
                return LinearStep.conv(n, consts, null, null);
            case "AveragePool":
                return LinearStep.averagePool(n);
            case "GlobalAveragePool", "ReduceMean", "ReduceSum":
                return LinearStep.reduce(n, consts);
            case "MaxPool", "GlobalMaxPool":
                return new MaxPoolStep(n);
            case "Add", "Sub", "Sum":
                return sumOrBias(n, g, consts, absorbed, graphOutputs);
            case "Mul", "Div": {
                List<Integer> data = dataInputs(n, consts);
                if (data.size() == 1 && (op.equals("Mul") || data.get(0) == 0)) {
                    return new ElementwiseStep(n, data.get(0));
                }
                throw new ExplainException("LRP has no rule for " + op + " node '" + n.label() + "' of "
                        + (data.size() == 1 ? "a constant by a computed tensor" : "two computed tensors (a gate)")
                        + "; covered: " + COVERED);
            }
            case "Transpose":
                return new TransposeStep(n);
            case "Concat":
                return new ConcatStep(n, consts);
            case "Split":
                return new SplitStep(n);
            case "Slice":
                return new SliceStep(n, consts);
            case "Gather":
                return new GatherStep(n, consts);
            case "Pad":
                return new PadStep(n, consts);
            case "LSTM":
                return new LstmStep(n, consts);
            default:
                if (PASS_THROUGH.contains(op)) {
                    return new ElementwiseStep(n, 0);
                }
                throw unsupported(n);
        }
    }

    private static ExplainException unsupported(OnnxNode n) {
        String dom = n.domain().isEmpty() ? "" : n.domain() + ".";
        return new ExplainException("ONNX op '" + dom + n.op() + "' (node '" + n.label() + "') is not supported by LRP;"
                + " covered: " + COVERED);
    }

    private static List<Integer> dataInputs(OnnxNode n, GraphConstants consts) {
        List<Integer> data = new ArrayList<>();
        for (int i = 0; i < n.inputCount(); i++) {
            if (n.hasInput(i) && !consts.isConstant(n.input(i))) {
                data.add(i);
            }
        }
        return data;
    }

    /**
     * Add/Sub/Sum: of two or more computed tensors a {@link SumStep}; of one and a constant,
     * the bias of the linear layer right before when it has none (MatMul, Conv, Gemm without C)
     * and feeds nothing else, otherwise an element-wise shift (pass-through).
     */
    private static Step sumOrBias(OnnxNode n, OnnxGraph g, GraphConstants consts, Set<Object> absorbed,
                                  Set<String> graphOutputs) {
        List<Integer> data = dataInputs(n, consts);
        if (data.size() >= 2) {
            return new SumStep(n, consts);
        }
        int d = data.get(0);
        String value = n.input(d);
        boolean fusible = n.inputCount() == 2 && !(n.op().equals("Sub") && d == 1);
        Optional<OnnxNode> producer = g.producer(value);
        if (fusible && producer.isPresent() && g.consumers(value).size() == 1 && !graphOutputs.contains(value)
                && !absorbed.contains(producer.get().proto())) {
            OnnxNode p = producer.get();
            ConstTensor c = consts.value(n.input(1 - d)).orElseThrow();
            double sign = n.op().equals("Sub") ? -1 : 1;
            double[] bias = null;
            try {
                switch (p.op()) {
                    case "MatMul" -> {
                        Optional<ConstTensor> w = consts.value(p.input(1));
                        if (w.isPresent() && !consts.isConstant(p.input(0)) && (w.get().rank() == 2)) {
                            bias = LinearStep.featureBias(c, (int) w.get().dims()[1], n, "bias");
                        }
                    }
                    case "Gemm" -> {
                        Optional<ConstTensor> w = consts.value(p.input(1));
                        if (!p.hasInput(2) && w.isPresent() && w.get().rank() == 2) {
                            int m = (int) (p.attrInt("transB", 0) != 0 ? w.get().dims()[0] : w.get().dims()[1]);
                            bias = LinearStep.featureBias(c, m, n, "bias");
                        }
                    }
                    case "Conv" -> {
                        Optional<ConstTensor> w = consts.value(p.input(1));
                        if (!p.hasInput(2) && w.isPresent()) {
                            bias = channelBias(c, (int) w.get().dims()[0], w.get().rank());
                        }
                    }
                    default -> {
                    }
                }
            } catch (ExplainException notABias) {
                bias = null; // varies along other axes: an element-wise shift
            }
            if (bias != null) {
                for (int j = 0; j < bias.length; j++) {
                    bias[j] *= sign;
                }
                absorbed.add(p.proto());
                return switch (p.op()) {
                    case "MatMul" -> LinearStep.matMul(p, consts, bias, n);
                    case "Gemm" -> LinearStep.gemm(p, consts, bias, n);
                    default -> LinearStep.conv(p, consts, bias, n);
                };
            }
        }
        return new ElementwiseStep(n, d);
    }

    /** A constant that varies only along the channel axis (axis 1) of a rank-{@code rank} output, per channel. */
    private static double[] channelBias(ConstTensor c, int channels, int rank) {
        double[] out = new double[channels];
        if (c.size() == 1) {
            Arrays.fill(out, c.doubles()[0]);
            return out;
        }
        long[] d = c.dims();
        int channelPos = d.length - (rank - 1); // position of output axis 1 in the right-aligned constant
        if (channelPos < 0 || d[channelPos] != channels) {
            return null;
        }
        for (int i = 0; i < d.length; i++) {
            if (i != channelPos && d[i] != 1) {
                return null;
            }
        }
        return c.doubles().clone();
    }

    // ---------------------------------------------------------------------------------------

    /** One batch explained: relevance at the input (shaped like it), outputs, targets and per-sample diagnostics. */
    public record Run(double[] relevance, FloatTensor outputs, int[] targets, Map<String, double[]> diagnostics) {
    }

    /**
     * Explains {@code x}: one runtime call for the activations, then the backward steps.
     *
     * @param targets the class of each sample, from the model's outputs
     */
    public Run run(ExplainableModel model, FloatTensor x, Function<FloatTensor, int[]> targets) {
        Map<String, FloatTensor> acts = model.activations(x, fetch);
        Map<String, Tensor64> a64 = new HashMap<>();
        for (Map.Entry<String, FloatTensor> e : acts.entrySet()) {
            a64.put(e.getKey(), Tensor64.of(e.getValue()));
        }
        a64.put(input, Tensor64.of(x));
        FloatTensor outputs = acts.get(output);
        int[] t = targets.apply(outputs);
        int n = x.batchSize();
        LrpPass pass = new LrpPass(a64, biasFactor, n);
        followBatchAxes(pass);

        Tensor64 logits = pass.activation(logit);
        if (logits.size() % n != 0 || logits.dim(0) != n) {
            throw new ExplainException("logit tensor '" + logit + "' has shape " + Arrays.toString(logits.shape())
                    + " for " + n + " samples; LRP starts from logits shaped [N, C]");
        }
        int classes = logits.size() / n;
        double[] logitValue = new double[n];
        for (int s = 0; s < n; s++) {
            if (t[s] < 0 || t[s] >= classes) {
                throw new ExplainException("target class " + t[s] + " is out of range for " + classes + " logits");
            }
            logitValue[s] = logits.data()[s * classes + t[s]];
        }
        Map<String, double[]> diag = new LinkedHashMap<>();
        double[] startTotal = new double[n];
        if (startLayer == null) {
            double[] r = new double[logits.size()];
            for (int s = 0; s < n; s++) {
                r[s * classes + t[s]] = logitValue[s];
                startTotal[s] = logitValue[s];
            }
            pass.addRelevance(logit, r);
        } else {
            startTotal = sigmoidStart(pass, t, n);
            double[] res = new double[n];
            for (int s = 0; s < n; s++) {
                res[s] = logitValue[s] - startTotal[s];
            }
            diag.put("lrp_residual " + startLayer.describe() + " (" + init.text() + " start)", res);
        }
        for (Step step : steps) {
            boolean any = false;
            double[] out = new double[n];
            for (String o : step.outputs()) {
                double[] r = pass.relevance(o);
                if (r != null) {
                    any = true;
                    add(out, pass.perSample(o, r));
                }
            }
            if (!any) {
                continue;
            }
            Map<String, double[]> rin = step.backward(pass);
            double[] in = new double[n];
            for (Map.Entry<String, double[]> e : rin.entrySet()) {
                add(in, pass.perSample(e.getKey(), e.getValue()));
                pass.addRelevance(e.getKey(), e.getValue());
            }
            double[] res = new double[n];
            for (int s = 0; s < n; s++) {
                res[s] = out[s] - in[s];
            }
            diag.put(step.diagnosticKey(), res);
        }
        double[] rx = pass.relevance(input);
        if (rx == null) {
            rx = new double[x.size()];
        }
        double[] inputTotal = pass.perSample(input, rx);
        double[] residual = new double[n];
        for (int s = 0; s < n; s++) {
            residual[s] = logitValue[s] - inputTotal[s];
        }
        Map<String, double[]> head = new LinkedHashMap<>();
        head.put("lrp_logit", logitValue);
        head.put("lrp_output_relevance", startTotal);
        head.put("lrp_input_relevance", inputTotal);
        head.put("lrp_conservation_residual", residual);
        head.putAll(diag);
        return new Run(rx, outputs, t, head);
    }

    /** {@code R(h) = Mask ⊙ w_c ⊙ h} at the last dense layer's input. */
    private double[] sigmoidStart(LrpPass pass, int[] t, int n) {
        Tensor64 h = pass.activation(startLayer.input());
        int k = h.size() / n;
        if (h.dim(0) != n || h.rank() != 2) {
            throw new ExplainException("output init '" + init.text() + "' needs the last dense layer's input as [N, K];"
                    + " it is " + Arrays.toString(h.shape()));
        }
        double[] w = startLayer.denseWeights();
        double[] b = startLayer.denseBias();
        int m = startLayer.denseOutputs();
        double[] r = new double[h.size()];
        double[] total = new double[n];
        double[] contrib = new double[k];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < k; i++) {
                contrib[i] = h.data()[s * k + i] * w[i * m + t[s]];
            }
            double[] masked = init.maskedStart(contrib, b == null ? 0 : b[t[s]]);
            System.arraycopy(masked, 0, r, s * k, k);
            for (double v : masked) {
                total[s] += v;
            }
        }
        pass.addRelevance(startLayer.input(), r);
        return total;
    }

    private void followBatchAxes(LrpPass pass) {
        pass.setBatchAxis(input, 0);
        if (startLayer != null) {
            pass.setBatchAxis(startLayer.input(), 0);
        }
        for (int i = steps.size() - 1; i >= 0; i--) {
            Step s = steps.get(i);
            for (String o : s.outputs()) {
                int axis;
                try {
                    axis = s.outputBatchAxis(o, pass);
                } catch (RuntimeException e) {
                    axis = -1;
                }
                pass.setBatchAxis(o, axis);
            }
        }
        pass.setBatchAxis(logit, 0);
    }

    private static void add(double[] acc, double[] v) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += v[i];
        }
    }

    // ---------------------------------------------------------------------------------------

    /** The steps from the output to the input with their rules, e.g. {@code Gemm '/fc/Gemm' epsilon(0.01)}. */
    public List<String> layers() {
        return layers;
    }

    /** Linear layer + batch-norm pairs the canonizer folded. */
    public List<String> folded() {
        return folded;
    }

    /** The tensor the relevance starts from (the input of a final Softmax/Sigmoid, else the output). */
    public String logitTensor() {
        return logit;
    }

    /** The tensors fetched from the runtime per batch. */
    public List<String> fetched() {
        return fetch;
    }

    public Composite composite() {
        return composite;
    }

    public OutputInit outputInit() {
        return init;
    }

    public double biasFactor() {
        return biasFactor;
    }

    /** The final activation stepped over ({@code Softmax}, {@code LogSoftmax}, {@code Sigmoid}), or null. */
    public String finalActivation() {
        return finalActivation;
    }
}
