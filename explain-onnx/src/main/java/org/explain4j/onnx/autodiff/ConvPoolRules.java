package org.explain4j.onnx.autodiff;

import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.Tensors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Rules of convolution, pooling and inference batch normalization. Spatial sizes must be
 * static (the batch may stay free): the input gradient of a convolution is a transposed
 * convolution whose padding is derived from them.
 */
final class ConvPoolRules {

    private ConvPoolRules() {
    }

    static void register(Map<String, VjpRule> rules) {
        rules.put("Conv", ConvPoolRules::conv);
        rules.put("MaxPool", ConvPoolRules::maxPool);
        rules.put("AveragePool", ConvPoolRules::averagePool);
        rules.put("GlobalAveragePool", ConvPoolRules::globalAveragePool);
        rules.put("BatchNormalization", ConvPoolRules::batchNorm);
    }

    /** Window geometry of a Conv or pooling node over its input's spatial axes. */
    record Window(long[] in, long[] out, long[] kernel, long[] strides, long[] dilations, long[] padBegin,
                  long[] padEnd) {
        int dims() {
            return in.length;
        }
    }

    static Window window(NodeGradient n, long[] kernel) {
        long[] xs = n.shape(n.in(0));
        long[] ys = n.shape(n.out(0));
        int d = xs.length - 2;
        long[] in = Arrays.copyOfRange(xs, 2, xs.length);
        long[] out = Arrays.copyOfRange(ys, 2, ys.length);
        for (int i = 0; i < d; i++) {
            if (in[i] < 0 || out[i] < 0) {
                throw n.unsupported("spatial sizes must be fixed, got input " + Arrays.toString(xs)
                        + " (pass a fixed input shape in the options)");
            }
        }
        long[] strides = orOnes(n.node().attrInts("strides"), d);
        long[] dilations = orOnes(n.node().attrInts("dilations"), d);
        long[] begin = new long[d];
        long[] end = new long[d];
        String autoPad = n.node().attrString("auto_pad", "NOTSET");
        if (autoPad.equals("NOTSET")) {
            long[] pads = n.node().attrInts("pads");
            if (pads != null) {
                begin = Arrays.copyOfRange(pads, 0, d);
                end = Arrays.copyOfRange(pads, d, 2 * d);
            }
        } else if (!autoPad.equals("VALID")) {
            for (int i = 0; i < d; i++) {
                long total = Math.max(0, (out[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in[i]);
                long small = total / 2;
                begin[i] = autoPad.equals("SAME_LOWER") ? total - small : small;
                end[i] = total - begin[i];
            }
        }
        return new Window(in, out, kernel, strides, dilations, begin, end);
    }

    private static long[] orOnes(long[] v, int d) {
        if (v != null && v.length == d) {
            return v;
        }
        long[] ones = new long[d];
        Arrays.fill(ones, 1);
        return ones;
    }

    /**
     * The adjoint of a convolution's input→output map applied to {@code g}: a ConvTranspose with
     * the same weight, strides, dilations and groups, cropped or zero-padded at the end to the
     * input's spatial size (input positions no window reached get zero).
     */
    static String transposedConv(NodeGradient n, String g, String weight, Window w, long group) {
        int d = w.dims();
        long[] pads = new long[2 * d];
        long[] extra = new long[d];
        boolean needPad = false;
        for (int i = 0; i < d; i++) {
            long natural = (w.out()[i] - 1) * w.strides()[i] + (w.kernel()[i] - 1) * w.dilations()[i] + 1
                    - w.padBegin()[i];
            pads[i] = w.padBegin()[i];
            pads[d + i] = Math.max(0, natural - w.in()[i]);
            extra[i] = Math.max(0, w.in()[i] - natural);
            needPad |= extra[i] > 0;
        }
        String t = n.emit().op("ConvTranspose", List.of(g, weight), Attrs.ints("strides", w.strides()),
                Attrs.ints("dilations", w.dilations()), Attrs.ints("pads", pads), Attrs.ints("kernel_shape", w.kernel()),
                Attrs.i("group", group));
        if (!needPad) {
            return t;
        }
        long[] padAll = new long[2 * (d + 2)];
        for (int i = 0; i < d; i++) {
            padAll[d + 2 + 2 + i] = extra[i];
        }
        return n.op("Pad", t, n.longs(padAll));
    }

    private static void conv(NodeGradient n) {
        if (n.wants(1)) {
            throw n.unsupported("the convolution weights depend on the input; only gradients with respect to the "
                    + "convolved tensor are supported");
        }
        long[] ws = n.shape(n.in(1));
        long[] kernel = Arrays.copyOfRange(ws, 2, ws.length);
        Window w = window(n, kernel);
        String g = n.grad();
        if (n.wants(0)) {
            n.add(0, transposedConv(n, g, n.in(1), w, n.node().attrInt("group", 1)));
        }
        if (n.wants(2)) {
            long[] axes = new long[w.dims() + 1];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i == 0 ? 0 : i + 1;
            }
            n.add(2, n.op("ReduceSum", g, n.longs(axes), Attrs.i("keepdims", 0)));
        }
    }

    /** Each output's gradient goes to the input position MaxPool picked (its Indices output). */
    private static void maxPool(NodeGradient n) {
        if (n.node().attrInt("storage_order", 0) != 0) {
            throw n.unsupported("storage_order=1 (column-major indices) is not supported");
        }
        String indices = n.sweepAddOutput(1);
        n.add(0, n.scatterAdd(indices, n.grad(), n.in(0)));
    }

    /**
     * avgpool(x)ⱼ = rⱼ·Σ_{i ∈ window j} xᵢ, where rⱼ is 1/(elements counted in window j). The
     * gradient is the transposed window sum (a depthwise ConvTranspose with a ones kernel) of
     * g⊙r. r comes from the graph itself: AveragePool of ones divided by the window sum of ones
     * (a Conv with a ones kernel), so every divisor policy (count_include_pad, ceil_mode) is
     * the runtime's own.
     */
    private static void averagePool(NodeGradient n) {
        long[] kernel = n.node().attrInts("kernel_shape");
        Window w = window(n, kernel);
        int d = w.dims();
        String x = n.in(0);
        int type = n.dtype(x);
        long[] xs = n.shape(x);
        long channels = xs[1];
        if (channels < 0) {
            throw n.unsupported("the channel count must be fixed");
        }
        long[] onesShape = new long[d + 2];
        onesShape[0] = 1;
        onesShape[1] = 1;
        System.arraycopy(w.in(), 0, onesShape, 2, d);
        String ones = constantOnes(n, onesShape, type);
        List<ai.onnx.proto.OnnxMl.AttributeProto> attrs = new ArrayList<>();
        n.node().proto().getAttributeList().forEach(attrs::add);
        String avgOnes = n.emit().op("AveragePool", List.of(ones),
                attrs.toArray(new ai.onnx.proto.OnnxMl.AttributeProto[0]));
        long[] kernelShape = new long[d + 2];
        kernelShape[0] = 1;
        kernelShape[1] = 1;
        System.arraycopy(kernel, 0, kernelShape, 2, d);
        long[] convPads = new long[2 * d];
        for (int i = 0; i < d; i++) {
            convPads[i] = w.padBegin()[i];
            long needEnd = (w.out()[i] - 1) * w.strides()[i] + (kernel[i] - 1) * w.dilations()[i] + 1
                    - w.in()[i] - w.padBegin()[i];
            convPads[d + i] = Math.max(w.padEnd()[i], needEnd);
        }
        String counts = n.emit().op("Conv", List.of(ones, constantOnes(n, kernelShape, type)),
                Attrs.ints("strides", w.strides()), Attrs.ints("dilations", w.dilations()),
                Attrs.ints("pads", convPads), Attrs.ints("kernel_shape", kernel));
        String r = n.op("Div", avgOnes, n.op("Max", counts, n.emit().scalar(1, type)));
        long[] depthwise = kernelShape.clone();
        depthwise[0] = channels;
        String scaled = n.op("Mul", n.grad(), r);
        n.add(0, transposedConv(n, scaled, constantOnes(n, depthwise, type), w, channels));
    }

    private static String constantOnes(NodeGradient n, long[] shape, int type) {
        double[] v = new double[Math.toIntExact(Tensors.elementCount(shape))];
        Arrays.fill(v, 1);
        return n.emit().constant(new org.explain4j.onnx.graph.ConstTensor(type, shape, null, v));
    }

    private static void globalAveragePool(NodeGradient n) {
        String x = n.in(0);
        long[] xs = n.shape(x);
        long count = 1;
        for (int i = 2; i < xs.length; i++) {
            if (xs[i] < 0) {
                throw n.unsupported("spatial sizes must be fixed");
            }
            count *= xs[i];
        }
        String scaled = n.op("Div", n.grad(), n.scalar(count, x));
        n.add(0, n.op("Expand", scaled, n.shapeOf(x)));
    }

    /** Inference batch normalization is affine per channel: ∂x = g · scale/√(var+ε). */
    private static void batchNorm(NodeGradient n) {
        if (n.node().attrInt("training_mode", 0) != 0) {
            throw n.unsupported("training_mode=1 (batch statistics) is not supported; export the model in eval mode");
        }
        for (int i = 1; i <= 4; i++) {
            if (n.wants(i)) {
                throw n.unsupported("its scale, bias, mean or variance depends on the input");
            }
        }
        String x = n.in(0);
        float eps = n.node().attrFloat("epsilon", 1e-5f);
        String std = n.op("Sqrt", n.op("Add", n.in(4), n.scalar(eps, n.in(4))));
        String factor = n.op("Div", n.in(1), std);
        int rank = n.rank(x);
        long[] shape = new long[Math.max(1, rank - 1)];
        Arrays.fill(shape, 1);
        shape[0] = -1;
        String perChannel = n.op("Reshape", factor, n.longs(shape));
        if (n.dtype(n.in(1)) != n.dtype(x)) {
            perChannel = n.op("CastLike", perChannel, x);
        }
        n.add(0, n.op("Mul", n.grad(), perChannel));
    }
}
