package org.explain4j.onnx.lrp;

import org.explain4j.ExplainException;
import org.explain4j.lrp.Composite.LayerKind;
import org.explain4j.lrp.ConvMap;
import org.explain4j.lrp.DenseMap;
import org.explain4j.lrp.LinearMap;
import org.explain4j.lrp.LinearRules;
import org.explain4j.lrp.SparseMap;
import org.explain4j.onnx.graph.ConstTensor;
import org.explain4j.onnx.graph.OnnxNode;
import org.explain4j.onnx.graph.ShapeMath;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A linear layer under a rule: Gemm, MatMul with a constant right side, Conv (each with a bias
 * of its own or from a fused Add), AveragePool, GlobalAveragePool, ReduceMean and ReduceSum.
 * The layer's map is built for the shapes met at run time and kept.
 */
final class LinearStep extends Step {

    /** Builds the layer for an input shape and the output shape the runtime produced. */
    private interface MapFactory {
        LinearMap build(long[] inShape, long[] outShape);
    }

    private final String input;
    private final String output;
    private final LayerKind kind;
    private final MapFactory factory;
    /** Rows the map applies to: 1 = the first axis is the sample axis; otherwise the last axis holds the features. */
    private final boolean rowsOnLastAxis;
    private final int features;
    private final Map<ShapeKey, LinearMap> maps = new ConcurrentHashMap<>();
    /** The dense weights {@code [K, M]} and bias (for the sigmoid output start), when dense. */
    private final double[] denseWeights;
    private final double[] denseBias;

    private LinearStep(List<OnnxNode> nodes, String input, String output, LayerKind kind, MapFactory factory,
                       boolean rowsOnLastAxis, int features, double[] denseWeights, double[] denseBias) {
        super(nodes);
        this.input = input;
        this.output = output;
        this.kind = kind;
        this.factory = factory;
        this.rowsOnLastAxis = rowsOnLastAxis;
        this.features = features;
        this.denseWeights = denseWeights;
        this.denseBias = denseBias;
    }

    @Override
    List<String> outputs() {
        return List.of(output);
    }

    @Override
    List<String> relevanceInputs() {
        return List.of(input);
    }

    String input() {
        return input;
    }

    String output() {
        return output;
    }

    @Override
    LayerKind kind() {
        return kind;
    }

    boolean isDense() {
        return denseWeights != null;
    }

    /** Dense weights {@code [K, M]} (row-major). */
    double[] denseWeights() {
        return denseWeights;
    }

    /** Dense bias {@code [M]}, or {@code null}. */
    double[] denseBias() {
        return denseBias;
    }

    int denseOutputs() {
        return denseWeights.length / features;
    }

    @Override
    Map<String, double[]> backward(LrpPass pass) {
        double[] r = pass.relevance(output);
        if (r == null) {
            return Map.of();
        }
        Tensor64 a = pass.activation(input);
        long[] outShape = pass.activation(output).shape();
        LinearMap map = maps.computeIfAbsent(new ShapeKey(a.shape(), outShape),
                k -> factory.build(a.shape(), outShape));
        int n = rowsOnLastAxis ? a.size() / features : a.dim(0);
        if (n * map.inSize() != a.size() || n * map.outSize() != r.length) {
            throw new ExplainException(describe() + ": input " + Arrays.toString(a.shape()) + " and output "
                    + Arrays.toString(outShape) + " do not match the layer (" + map.inSize() + " -> " + map.outSize()
                    + " per row)");
        }
        double[] z = pass.activation(output).data();
        return Map.of(input, LinearRules.propagate(rule(), map, a.data(), r, n, pass.biasFactor(), z));
    }

    // ---------------------------------------------------------------------------------------
    // Factories

    /** Gemm {@code Y = α A·B + β C} with A the data ({@code transA = 0}) and B, C constants. */
    static LinearStep gemm(OnnxNode n, GraphConstants consts, double[] fusedBias, OnnxNode fused) {
        if (n.attrInt("transA", 0) != 0) {
            throw new ExplainException("Gemm node '" + n.label() + "' transposes its data input (transA = 1); LRP"
                    + " needs the samples on the first axis of A");
        }
        if (consts.isConstant(n.input(0)) || !consts.isConstant(n.input(1))) {
            throw new ExplainException("Gemm node '" + n.label() + "' must multiply a computed input A by constant"
                    + " weights B for LRP");
        }
        ConstTensor b = consts.require(n.input(1), n, "weights B");
        if (b.rank() != 2) {
            throw new ExplainException("Gemm node '" + n.label() + "' has weights of rank " + b.rank() + "; expected 2");
        }
        boolean transB = n.attrInt("transB", 0) != 0;
        int k = (int) (transB ? b.dims()[1] : b.dims()[0]);
        int m = (int) (transB ? b.dims()[0] : b.dims()[1]);
        double alpha = n.attrFloat("alpha", 1f);
        double[] w = new double[k * m];
        double[] bv = b.doubles();
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < m; j++) {
                w[i * m + j] = alpha * (transB ? bv[j * k + i] : bv[i * m + j]);
            }
        }
        double[] bias = fusedBias;
        if (n.hasInput(2)) {
            ConstTensor c = consts.require(n.input(2), n, "bias C");
            bias = featureBias(c, m, n, "bias C");
            double beta = n.attrFloat("beta", 1f);
            for (int j = 0; j < m; j++) {
                bias[j] *= beta;
            }
        }
        double[] fb = bias;
        List<OnnxNode> nodes = fused == null ? List.of(n) : List.of(n, fused);
        String out = fused == null ? n.output(0) : fused.output(0);
        return new LinearStep(nodes, n.input(0), out, LayerKind.DENSE, (in, o) -> {
            if (in.length != 2 || in[1] != k) {
                throw new ExplainException("Gemm node '" + n.label() + "' input has shape " + Arrays.toString(in)
                        + "; expected [rows, " + k + "]");
            }
            return new DenseMap(k, m, w, fb);
        }, false, k, w, fb);
    }

    /** MatMul of a computed {@code [..., K]} by constant weights {@code [K, M]}, with an optional fused bias. */
    static LinearStep matMul(OnnxNode n, GraphConstants consts, double[] fusedBias, OnnxNode fused) {
        if (consts.isConstant(n.input(0)) || !consts.isConstant(n.input(1))) {
            throw new ExplainException("MatMul node '" + n.label() + "' must multiply a computed input by constant"
                    + " weights (on the right) for LRP");
        }
        ConstTensor b = consts.require(n.input(1), n, "weights");
        if (b.rank() != 2 && b.rank() != 1) {
            throw new ExplainException("MatMul node '" + n.label() + "' has constant weights of rank " + b.rank()
                    + "; LRP covers a 2-D weight matrix");
        }
        int k = (int) b.dims()[0];
        int m = b.rank() == 2 ? (int) b.dims()[1] : 1;
        double[] w = b.doubles().clone();
        List<OnnxNode> nodes = fused == null ? List.of(n) : List.of(n, fused);
        String out = fused == null ? n.output(0) : fused.output(0);
        return new LinearStep(nodes, n.input(0), out, LayerKind.DENSE, (in, o) -> {
            if (in.length < 2 || in[in.length - 1] != k) {
                throw new ExplainException("MatMul node '" + n.label() + "' input has shape " + Arrays.toString(in)
                        + "; expected [..., " + k + "]");
            }
            return new DenseMap(k, m, w, fusedBias);
        }, true, k, w, fusedBias);
    }

    /** Conv with constant weights {@code [M, C/group, K...]} and bias (its own or a fused Add's). */
    static LinearStep conv(OnnxNode n, GraphConstants consts, double[] fusedBias, OnnxNode fused) {
        ConstTensor w = consts.require(n.input(1), n, "weights");
        if (consts.isConstant(n.input(0))) {
            throw new ExplainException("Conv node '" + n.label() + "' convolves a constant; LRP needs a computed input");
        }
        int m = (int) w.dims()[0];
        int group = (int) n.attrInt("group", 1);
        double[] bias = n.hasInput(2) ? consts.doubles(n.input(2), n, "bias") : fusedBias;
        int r = w.rank() - 2;
        int[] kernel = new int[r];
        for (int d = 0; d < r; d++) {
            kernel[d] = (int) w.dims()[d + 2];
        }
        double[] wv = w.doubles();
        List<OnnxNode> nodes = fused == null ? List.of(n) : List.of(n, fused);
        String out = fused == null ? n.output(0) : fused.output(0);
        return new LinearStep(nodes, n.input(0), out, LayerKind.CONV, (in, o) -> {
            if (in.length != r + 2 || o.length != r + 2 || in[1] != w.dims()[1] * group) {
                throw new ExplainException("Conv node '" + n.label() + "' input " + Arrays.toString(in)
                        + " does not fit weights " + Arrays.toString(w.dims()) + " in " + group + " group(s)");
            }
            long[] inSp = Arrays.copyOfRange(in, 2, in.length);
            long[] outSp = Arrays.copyOfRange(o, 2, o.length);
            Windows.Geometry g = Windows.geometry(n, inSp, outSp, kernel);
            return new ConvMap((int) in[1], m, group, toInts(inSp), kernel, toInts(outSp), g.strides(),
                    g.padsBegin(), g.dilations(), wv, bias);
        }, false, 0, null, null);
    }

    /** AveragePool: each output the mean of its window (count_include_pad as the node says). */
    static LinearStep averagePool(OnnxNode n) {
        long[] ks = n.attrInts("kernel_shape");
        if (ks == null) {
            throw new ExplainException("AveragePool node '" + n.label() + "' lacks kernel_shape");
        }
        int[] kernel = toInts(ks);
        boolean includePad = n.attrInt("count_include_pad", 0) != 0;
        return new LinearStep(List.of(n), n.input(0), n.output(0), LayerKind.POOL, (in, o) -> {
            long[] inSp = Arrays.copyOfRange(in, 2, in.length);
            long[] outSp = Arrays.copyOfRange(o, 2, o.length);
            Windows.Table t = Windows.table(inSp, outSp, Windows.geometry(n, inSp, outSp, kernel));
            int channels = (int) in[1];
            SparseMap.Builder b = new SparseMap.Builder(channels * t.inPlane(), channels * t.outPlane());
            for (int c = 0; c < channels; c++) {
                for (int j = 0; j < t.outPlane(); j++) {
                    int count = t.start()[j + 1] - t.start()[j];
                    double div = includePad ? t.padded()[j] : count;
                    for (int q = t.start()[j]; q < t.start()[j + 1]; q++) {
                        b.add(c * t.outPlane() + j, c * t.inPlane() + t.taps()[q], 1 / div);
                    }
                }
            }
            return b.build(null);
        }, false, 0, null, null);
    }

    /** GlobalAveragePool, ReduceMean, ReduceSum over axes other than the first. */
    static LinearStep reduce(OnnxNode n, GraphConstants consts) {
        boolean mean = !n.op().equals("ReduceSum");
        long[] axesGiven;
        boolean keep = n.attrInt("keepdims", 1) != 0;
        if (n.op().equals("GlobalAveragePool")) {
            axesGiven = null; // all spatial axes: decided from the rank
        } else {
            axesGiven = n.attrInts("axes");
            if (axesGiven == null) {
                axesGiven = consts.longsOrNull(n, 1, "axes");
            }
            if (axesGiven == null || axesGiven.length == 0) {
                if (n.attrInt("noop_with_empty_axes", 0) != 0) {
                    axesGiven = new long[0];
                } else {
                    throw new ExplainException(n.op() + " node '" + n.label() + "' reduces over every axis, the"
                            + " samples included; LRP needs the first axis kept");
                }
            }
        }
        long[] axesFinal = axesGiven;
        return new LinearStep(List.of(n), n.input(0), n.output(0), LayerKind.POOL, (in, o) -> {
            boolean[] reduced = new boolean[in.length];
            if (axesFinal == null) {
                for (int d = 2; d < in.length; d++) {
                    reduced[d] = true;
                }
            } else {
                for (long a : axesFinal) {
                    reduced[(int) ShapeMath.normalizeAxis(a, in.length)] = true;
                }
            }
            if (reduced[0]) {
                throw new ExplainException(n.op() + " node '" + n.label() + "' reduces over the first (sample) axis;"
                        + " LRP needs it kept");
            }
            long[] sample = Arrays.copyOfRange(in, 1, in.length);
            int inSize = Tensor64.product(sample, 0, sample.length);
            int[] outOf = new int[inSize];
            int count = 1;
            int[] strides = new int[sample.length];
            for (int d = sample.length - 1; d >= 0; d--) {
                strides[d] = reduced[d + 1] ? 0 : count;
                count *= reduced[d + 1] ? 1 : (int) sample[d];
            }
            int[] idx = new int[sample.length];
            int[] groupSize = new int[count];
            for (int i = 0; i < inSize; i++) {
                int j = 0;
                for (int d = 0; d < sample.length; d++) {
                    j += idx[d] * strides[d];
                }
                outOf[i] = j;
                groupSize[j]++;
                for (int d = sample.length - 1; d >= 0; d--) {
                    if (++idx[d] < sample[d]) {
                        break;
                    }
                    idx[d] = 0;
                }
            }
            return byOutput(inSize, count, outOf, i -> mean ? 1.0 / groupSize[outOf[i]] : 1.0);
        }, false, 0, null, null);
    }

    /** A sparse map from each input's single output. */
    private static SparseMap byOutput(int inSize, int outSize, int[] outOf, java.util.function.IntToDoubleFunction w) {
        int[] start = new int[outSize + 1];
        for (int o : outOf) {
            start[o + 1]++;
        }
        for (int j = 0; j < outSize; j++) {
            start[j + 1] += start[j];
        }
        int[] fill = Arrays.copyOf(start, outSize);
        int[] cols = new int[inSize];
        double[] weights = new double[inSize];
        for (int i = 0; i < inSize; i++) {
            int p = fill[outOf[i]]++;
            cols[p] = i;
            weights[p] = w.applyAsDouble(i);
        }
        return new SparseMap(inSize, outSize, start, cols, weights, null);
    }

    /**
     * A bias that varies along the feature (last) axis only: {@code [M]}, {@code [1, M]}, or a
     * single value.
     */
    static double[] featureBias(ConstTensor c, int m, OnnxNode n, String what) {
        double[] out = new double[m];
        if (c.size() == 1) {
            Arrays.fill(out, c.doubles()[0]);
            return out;
        }
        long[] d = c.dims();
        for (int i = 0; i < d.length - 1; i++) {
            if (d[i] != 1) {
                throw new ExplainException(n.op() + " node '" + n.label() + "' has a " + what + " shaped "
                        + Arrays.toString(d) + " that differs between rows; LRP needs one bias per output unit");
            }
        }
        if (d.length == 0 || d[d.length - 1] != m) {
            throw new ExplainException(n.op() + " node '" + n.label() + "' has a " + what + " shaped "
                    + Arrays.toString(d) + " for " + m + " outputs");
        }
        return c.doubles().clone();
    }

    static int[] toInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.toIntExact(v[i]);
        }
        return out;
    }
}
