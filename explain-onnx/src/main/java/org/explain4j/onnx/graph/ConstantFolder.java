package org.explain4j.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Evaluates, at build time, the values a graph computes from constants alone: Constant nodes,
 * initializers, and the small integer arithmetic exporters wrap around them (Shape of a tensor
 * whose dimensions are known, Gather, Slice, Concat, Unsqueeze, Squeeze, Cast, Reshape,
 * ConstantOfShape, Range, elementwise Add/Sub/Mul/Div/Equal/Where). Passes use it to read
 * axes, pads and shapes that opset 13+ pass as inputs rather than attributes.
 *
 * <p>Results are exact for integer tensors; floating values are folded in double precision.
 * Anything else, or a value that depends on a graph input, folds to empty.
 */
public final class ConstantFolder {

    /** Folding stops at tensors larger than this; shape arithmetic is tiny. */
    private static final int MAX_ELEMENTS = 1 << 16;

    private final OnnxGraph graph;
    private final Function<String, long[]> knownShape;
    private final Map<String, Optional<ConstTensor>> memo = new HashMap<>();

    /**
     * @param knownShape shape of a value with -1 for dimensions not known at build time, or
     *                   {@code null} when nothing is known about the value (may be {@code null})
     */
    public ConstantFolder(OnnxGraph graph, Function<String, long[]> knownShape) {
        this.graph = graph;
        this.knownShape = knownShape == null ? v -> null : knownShape;
    }

    public ConstantFolder(OnnxGraph graph) {
        this(graph, null);
    }

    /** The value of {@code name} when it is known at build time. */
    public Optional<ConstTensor> value(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        Optional<ConstTensor> cached = memo.get(name);
        if (cached != null) {
            return cached;
        }
        memo.put(name, Optional.empty()); // guards against cycles
        Optional<ConstTensor> v = compute(name);
        memo.put(name, v);
        return v;
    }

    /** The integer values of {@code name}, or {@code null} when not known at build time. */
    public long[] longs(String name) {
        return value(name).map(ConstTensor::longs).orElse(null);
    }

    private Optional<ConstTensor> compute(String name) {
        if (graph.isInitializer(name)) {
            if (graph.inputNames().contains(name)) {
                return Optional.empty();
            }
            var t = graph.initializer(name).orElseThrow();
            if (Tensors.elementCount(Tensors.dims(t)) > MAX_ELEMENTS) {
                return Optional.empty();
            }
            return Optional.of(ConstTensor.of(t));
        }
        Optional<OnnxNode> producer = graph.producer(name);
        if (producer.isEmpty() || !producer.get().domain().isEmpty() && !producer.get().domain().equals("ai.onnx")) {
            return Optional.empty();
        }
        OnnxNode n = producer.get();
        if (!n.output(0).equals(name)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(evaluate(n)).filter(t -> t.size() <= MAX_ELEMENTS);
        } catch (RuntimeException e) {
            return Optional.empty(); // malformed or unusual constant arithmetic: leave it to the runtime
        }
    }

    private ConstTensor in(OnnxNode n, int i) {
        return value(n.input(i)).orElse(null);
    }

    private ConstTensor evaluate(OnnxNode n) {
        switch (n.op()) {
            case "Constant":
                return constant(n);
            case "Identity":
                return in(n, 0);
            case "Shape":
                return shape(n);
            case "Size": {
                long[] s = knownShape.apply(n.input(0));
                ConstTensor c = in(n, 0);
                if (c != null) {
                    return scalar(c.size());
                }
                if (s == null || Arrays.stream(s).anyMatch(d -> d < 0)) {
                    return null;
                }
                return scalar(Tensors.elementCount(s));
            }
            case "Cast": {
                ConstTensor x = in(n, 0);
                if (x == null) {
                    return null;
                }
                int to = (int) n.attrInt("to", DataType.FLOAT_VALUE);
                if (Tensors.isFloating(to)) {
                    return new ConstTensor(to, x.dims(), null, x.doubles());
                }
                long[] v = cast(x);
                if (to == DataType.BOOL_VALUE) {
                    v = Arrays.stream(v).map(e -> e != 0 ? 1 : 0).toArray();
                }
                return new ConstTensor(to, x.dims(), v, null);
            }
            case "Unsqueeze":
                return unsqueeze(n);
            case "Squeeze":
                return squeeze(n);
            case "Reshape": {
                ConstTensor x = in(n, 0);
                ConstTensor shape = in(n, 1);
                if (x == null || shape == null) {
                    return null;
                }
                return withDims(x, ShapeMath.reshape(x.dims(), shape.longs(), n.attrInt("allowzero", 0) != 0));
            }
            case "Flatten": {
                ConstTensor x = in(n, 0);
                if (x == null) {
                    return null;
                }
                int axis = (int) ShapeMath.normalizeAxis(n.attrInt("axis", 1), x.rank() + 1);
                long a = 1;
                for (int i = 0; i < axis; i++) {
                    a *= x.dims()[i];
                }
                return withDims(x, new long[] {a, x.size() / Math.max(a, 1)});
            }
            case "Concat":
                return concat(n);
            case "Gather":
                return gather(n);
            case "Slice":
                return slice(n);
            case "ConstantOfShape": {
                ConstTensor shape = in(n, 0);
                if (shape == null) {
                    return null;
                }
                ConstTensor fill = n.attrTensor("value").map(ConstTensor::of)
                        .orElse(new ConstTensor(DataType.FLOAT_VALUE, new long[] {1}, null, new double[] {0}));
                int count = Math.toIntExact(Tensors.elementCount(shape.longs()));
                double[] d = new double[count];
                long[] l = new long[count];
                Arrays.fill(d, fill.doubles()[0]);
                Arrays.fill(l, fill.longs()[0]);
                return new ConstTensor(fill.dataType(), shape.longs(), l, d);
            }
            case "Range": {
                ConstTensor start = in(n, 0);
                ConstTensor limit = in(n, 1);
                ConstTensor delta = in(n, 2);
                if (start == null || limit == null || delta == null || start.isFloating()) {
                    return null;
                }
                long s = start.scalarLong();
                long d = delta.scalarLong();
                int count = (int) Math.max(0, (long) Math.ceil((limit.scalarLong() - s) / (double) d));
                long[] v = new long[count];
                for (int i = 0; i < count; i++) {
                    v[i] = s + i * d;
                }
                return new ConstTensor(start.dataType(), new long[] {count}, v, null);
            }
            case "Add", "Sub", "Mul", "Div", "Equal", "Max", "Min":
                return binary(n);
            case "Neg": {
                ConstTensor x = in(n, 0);
                if (x == null) {
                    return null;
                }
                return x.isFloating() ? new ConstTensor(x.dataType(), x.dims(), null,
                        Arrays.stream(x.doubles()).map(v -> -v).toArray())
                        : new ConstTensor(x.dataType(), x.dims(), Arrays.stream(x.longs()).map(v -> -v).toArray(), null);
            }
            case "Not": {
                ConstTensor x = in(n, 0);
                return x == null ? null : new ConstTensor(x.dataType(), x.dims(),
                        Arrays.stream(x.longs()).map(v -> v == 0 ? 1 : 0).toArray(), null);
            }
            case "Where":
                return where(n);
            default:
                return null;
        }
    }

    private ConstTensor constant(OnnxNode n) {
        for (AttributeProto a : n.proto().getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return ConstTensor.of(a.getT());
                case "value_float":
                    return new ConstTensor(DataType.FLOAT_VALUE, new long[0], null, new double[] {a.getF()});
                case "value_floats":
                    return new ConstTensor(DataType.FLOAT_VALUE, new long[] {a.getFloatsCount()}, null,
                            a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray());
                case "value_int":
                    return new ConstTensor(DataType.INT64_VALUE, new long[0], new long[] {a.getI()}, null);
                case "value_ints":
                    return ConstTensor.ofLongs(a.getIntsList().stream().mapToLong(Long::longValue).toArray());
                default:
                    break;
            }
        }
        return null;
    }

    private ConstTensor shape(OnnxNode n) {
        ConstTensor c = in(n, 0);
        long[] s = c != null ? c.dims() : knownShape.apply(n.input(0));
        if (s == null) {
            return null;
        }
        int r = s.length;
        int start = (int) ShapeMath.clampAxis(n.attrInt("start", 0), r);
        int end = (int) ShapeMath.clampAxis(n.attrInt("end", r), r);
        long[] part = Arrays.copyOfRange(s, start, Math.max(start, end));
        if (Arrays.stream(part).anyMatch(d -> d < 0)) {
            return null;
        }
        return ConstTensor.ofLongs(part);
    }

    private long[] axesOf(OnnxNode n, int inputIndex) {
        if (n.hasAttribute("axes")) {
            return n.attrInts("axes");
        }
        if (n.hasInput(inputIndex)) {
            ConstTensor a = in(n, inputIndex);
            return a == null ? null : a.longs();
        }
        return new long[0];
    }

    private ConstTensor unsqueeze(OnnxNode n) {
        ConstTensor x = in(n, 0);
        long[] axes = axesOf(n, 1);
        if (x == null || axes == null) {
            return null;
        }
        return withDims(x, ShapeMath.unsqueeze(x.dims(), axes));
    }

    private ConstTensor squeeze(OnnxNode n) {
        ConstTensor x = in(n, 0);
        long[] axes = axesOf(n, 1);
        if (x == null || axes == null) {
            return null;
        }
        return withDims(x, ShapeMath.squeeze(x.dims(), axes));
    }

    private ConstTensor concat(OnnxNode n) {
        ConstTensor[] parts = new ConstTensor[n.inputCount()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = in(n, i);
            if (parts[i] == null) {
                return null;
            }
        }
        if (Arrays.stream(parts).anyMatch(p -> p.rank() != 1)) {
            return null;
        }
        int total = Arrays.stream(parts).mapToInt(ConstTensor::size).sum();
        long[] l = new long[total];
        double[] d = new double[total];
        int at = 0;
        for (ConstTensor p : parts) {
            System.arraycopy(p.longs(), 0, l, at, p.size());
            System.arraycopy(p.doubles(), 0, d, at, p.size());
            at += p.size();
        }
        return new ConstTensor(parts[0].dataType(), new long[] {total}, l, d);
    }

    /**
     * The value of a 1-D int64 tensor with unknown entries as -1: a constant, or the output of a
     * Shape node whose input has a known rank but some free dimensions. Slice and Gather of such
     * a shape fold when they pick only known entries.
     */
    private ConstTensor partialShape(String name) {
        ConstTensor c = value(name).orElse(null);
        if (c != null) {
            return c;
        }
        OnnxNode p = graph.producer(name).orElse(null);
        if (p == null || !p.op().equals("Shape")) {
            return null;
        }
        long[] s = knownShape.apply(p.input(0));
        if (s == null) {
            return null;
        }
        int start = (int) ShapeMath.clampAxis(p.attrInt("start", 0), s.length);
        int end = (int) ShapeMath.clampAxis(p.attrInt("end", s.length), s.length);
        return ConstTensor.ofLongs(Arrays.copyOfRange(s, start, Math.max(start, end)));
    }

    /** {@code t}, unless it was read from a partly known shape and picked an unknown (-1) entry. */
    private ConstTensor knownOnly(String source, ConstTensor t) {
        boolean partial = value(source).isEmpty();
        return partial && Arrays.stream(t.longs()).anyMatch(v -> v < 0) ? null : t;
    }

    private ConstTensor gather(OnnxNode n) {
        ConstTensor x = partialShape(n.input(0));
        ConstTensor idx = in(n, 1);
        if (x == null || idx == null || x.rank() != 1 || n.attrInt("axis", 0) != 0) {
            return null;
        }
        long[] l = new long[idx.size()];
        double[] d = new double[idx.size()];
        for (int i = 0; i < l.length; i++) {
            int k = (int) (idx.longs()[i] < 0 ? idx.longs()[i] + x.size() : idx.longs()[i]);
            l[i] = x.longs()[k];
            d[i] = x.doubles()[k];
        }
        return knownOnly(n.input(0), new ConstTensor(x.dataType(), idx.dims(), l, d));
    }

    private ConstTensor slice(OnnxNode n) {
        ConstTensor x = partialShape(n.input(0));
        if (x == null || x.rank() != 1) {
            return null;
        }
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps;
        if (n.hasAttribute("starts")) { // opset < 10
            starts = n.attrInts("starts");
            ends = n.attrInts("ends");
            axes = n.attrInts("axes");
            steps = null;
        } else {
            ConstTensor s = in(n, 1);
            ConstTensor e = in(n, 2);
            if (s == null || e == null) {
                return null;
            }
            starts = s.longs();
            ends = e.longs();
            axes = n.hasInput(3) ? longsOrNull(n, 3) : null;
            steps = n.hasInput(4) ? longsOrNull(n, 4) : null;
            if (n.hasInput(3) && axes == null || n.hasInput(4) && steps == null) {
                return null;
            }
        }
        if (starts.length != 1 || axes != null && ShapeMath.normalizeAxis(axes[0], 1) != 0) {
            return null;
        }
        long step = steps == null ? 1 : steps[0];
        int[] picks = ShapeMath.sliceIndices(x.size(), starts[0], ends[0], step);
        long[] l = new long[picks.length];
        double[] d = new double[picks.length];
        for (int i = 0; i < picks.length; i++) {
            l[i] = x.longs()[picks[i]];
            d[i] = x.doubles()[picks[i]];
        }
        return knownOnly(n.input(0), new ConstTensor(x.dataType(), new long[] {picks.length}, l, d));
    }

    private long[] longsOrNull(OnnxNode n, int i) {
        ConstTensor t = in(n, i);
        return t == null ? null : t.longs();
    }

    private ConstTensor binary(OnnxNode n) {
        ConstTensor a = in(n, 0);
        ConstTensor b = in(n, 1);
        if (a == null || b == null) {
            return null;
        }
        long[] dims = ShapeMath.broadcast(a.dims(), b.dims());
        int count = Math.toIntExact(Tensors.elementCount(dims));
        boolean floating = a.isFloating();
        long[] l = new long[count];
        double[] d = new double[count];
        for (int i = 0; i < count; i++) {
            int ia = ShapeMath.broadcastIndex(i, dims, a.dims());
            int ib = ShapeMath.broadcastIndex(i, dims, b.dims());
            if (floating) {
                double x = a.doubles()[ia];
                double y = b.doubles()[ib];
                d[i] = switch (n.op()) {
                    case "Add" -> x + y;
                    case "Sub" -> x - y;
                    case "Mul" -> x * y;
                    case "Div" -> x / y;
                    case "Max" -> Math.max(x, y);
                    case "Min" -> Math.min(x, y);
                    default -> x == y ? 1 : 0;
                };
            } else {
                long x = a.longs()[ia];
                long y = b.longs()[ib];
                l[i] = switch (n.op()) {
                    case "Add" -> x + y;
                    case "Sub" -> x - y;
                    case "Mul" -> x * y;
                    case "Div" -> x / y; // integer Div truncates toward zero, as in ONNX Runtime
                    case "Max" -> Math.max(x, y);
                    case "Min" -> Math.min(x, y);
                    default -> x == y ? 1 : 0;
                };
            }
        }
        if (n.op().equals("Equal")) {
            long[] bits = new long[count];
            for (int i = 0; i < count; i++) {
                bits[i] = floating ? (long) d[i] : l[i];
            }
            return new ConstTensor(DataType.BOOL_VALUE, dims, bits, null);
        }
        return floating ? new ConstTensor(a.dataType(), dims, null, d) : new ConstTensor(a.dataType(), dims, l, null);
    }

    private ConstTensor where(OnnxNode n) {
        ConstTensor c = in(n, 0);
        ConstTensor a = in(n, 1);
        ConstTensor b = in(n, 2);
        if (c == null || a == null || b == null) {
            return null;
        }
        long[] dims = ShapeMath.broadcast(ShapeMath.broadcast(c.dims(), a.dims()), b.dims());
        int count = Math.toIntExact(Tensors.elementCount(dims));
        long[] l = new long[count];
        double[] d = new double[count];
        for (int i = 0; i < count; i++) {
            boolean pick = c.longs()[ShapeMath.broadcastIndex(i, dims, c.dims())] != 0;
            ConstTensor src = pick ? a : b;
            int k = ShapeMath.broadcastIndex(i, dims, src.dims());
            l[i] = src.longs()[k];
            d[i] = src.doubles()[k];
        }
        return new ConstTensor(a.dataType(), dims, l, d);
    }

    private static ConstTensor withDims(ConstTensor x, long[] dims) {
        return new ConstTensor(x.dataType(), dims, x.longs(), x.doubles());
    }

    private static ConstTensor scalar(long v) {
        return new ConstTensor(DataType.INT64_VALUE, new long[0], new long[] {v}, null);
    }

    private static long[] cast(ConstTensor x) {
        if (!x.isFloating()) {
            return x.longs();
        }
        return Arrays.stream(x.doubles()).mapToLong(v -> (long) v).toArray();
    }
}
