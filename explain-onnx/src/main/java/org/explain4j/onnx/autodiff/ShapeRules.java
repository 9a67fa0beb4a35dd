package org.explain4j.onnx.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import org.explain4j.onnx.graph.Attrs;
import org.explain4j.onnx.graph.ShapeMath;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Rules of ops that move or regroup elements (reshapes, transposes, concatenation, splitting,
 * slicing, gathering, padding, tiling) and of sum/mean reductions.
 *
 * <p>Selections (Slice, Gather, GatherElements, Pad, Tile, DepthToSpace, SpaceToDepth) share one
 * exact rule: the forward op runs once more on the flat positions of its input (an int64 tensor
 * 0..n-1 shaped like it), which tells where every output element came from, and the output
 * gradient is scatter-added to those positions. Repeated picks accumulate, padding (given a
 * sentinel position) is dropped, and every parameter (steps, negative indices, pad modes) is
 * honoured by the runtime's own op.
 */
final class ShapeRules {

    private ShapeRules() {
    }

    static void register(Map<String, VjpRule> rules) {
        for (String op : List.of("Reshape", "Flatten", "Squeeze", "Unsqueeze")) {
            rules.put(op, n -> n.add(0, n.op("Reshape", n.grad(), n.targetShape(n.in(0)))));
        }
        rules.put("Transpose", ShapeRules::transpose);
        rules.put("Concat", ShapeRules::concat);
        rules.put("Split", ShapeRules::split);
        for (String op : List.of("Slice", "Gather", "GatherElements", "Pad", "Tile", "DepthToSpace", "SpaceToDepth")) {
            rules.put(op, ShapeRules::selection);
        }
        rules.put("ReduceSum", n -> reduce(n, false));
        rules.put("ReduceMean", n -> reduce(n, true));
    }

    private static void transpose(NodeGradient n) {
        int r = n.rank(n.in(0));
        long[] perm = n.node().attrInts("perm");
        if (perm == null) {
            perm = new long[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        long[] inverse = new long[r];
        for (int i = 0; i < r; i++) {
            inverse[(int) perm[i]] = i;
        }
        n.add(0, n.op("Transpose", n.grad(), Attrs.ints("perm", inverse)));
    }

    /** Each input's gradient is its slab of the output gradient along the axis. */
    private static void concat(NodeGradient n) {
        String g = n.grad();
        int rank = n.rank(n.out(0));
        long axis = ShapeMath.normalizeAxis(n.node().requireInt("axis"), rank);
        String offset = n.longs(0);
        long staticOffset = 0;
        boolean isStatic = true;
        for (int i = 0; i < n.node().inputCount(); i++) {
            long len = n.shape(n.in(i))[(int) axis];
            String lenValue;
            if (len >= 0 && isStatic) {
                lenValue = null;
            } else {
                isStatic = false;
                lenValue = n.emit().op("Shape", List.of(n.in(i)), Attrs.i("start", axis), Attrs.i("end", axis + 1));
            }
            if (isStatic) {
                if (n.wants(i)) {
                    n.add(i, n.op("Slice", List.of(g, n.longs(staticOffset), n.longs(staticOffset + len),
                            n.longs(axis))));
                }
                staticOffset += len;
                offset = n.longs(staticOffset);
            } else {
                String end = n.op("Add", offset, lenValue);
                if (n.wants(i)) {
                    n.add(i, n.op("Slice", List.of(g, offset, end, n.longs(axis))));
                }
                offset = end;
            }
        }
    }

    /** The input's gradient is the outputs' gradients concatenated back (zeros for unused parts). */
    private static void split(NodeGradient n) {
        int rank = n.rank(n.in(0));
        long axis = ShapeMath.normalizeAxis(n.node().attrInt("axis", 0), rank);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n.node().outputCount(); i++) {
            String gi = n.grad(i);
            parts.add(gi != null ? gi : n.zerosLike(n.out(i)));
        }
        n.add(0, n.emit().op("Concat", parts, Attrs.i("axis", axis)));
    }

    private static void selection(NodeGradient n) {
        if (!n.wants(0)) {
            return; // only the data input is differentiable (indices, pads and repeats are integers)
        }
        String x = n.in(0);
        String positions = n.flatPositions(x);
        List<String> inputs = new ArrayList<>(n.node().inputs());
        inputs.set(0, positions);
        if (n.node().op().equals("Pad")) {
            while (inputs.size() < 3) {
                inputs.add("");
            }
            inputs.set(2, n.op("Size", x)); // sentinel position for padding, dropped by scatterAdd
        }
        String moved = n.emit().fresh("positions");
        NodeProto clone = n.node().proto().toBuilder().setName(n.emit().fresh(n.node().op() + "_positions"))
                .clearInput().addAllInput(inputs).clearOutput().addOutput(moved).build();
        n.emit().node(clone);
        n.add(0, n.scatterAdd(moved, n.grad(), x));
    }

    /** Sum: broadcast the gradient back over the reduced axes; mean: also divide by the count. */
    private static void reduce(NodeGradient n, boolean mean) {
        String x = n.in(0);
        int rank = n.rank(x);
        long[] axes = n.axes(1, rank);
        boolean keepDims = n.node().attrInt("keepdims", 1) != 0;
        boolean noopWhenEmpty = n.node().attrInt("noop_with_empty_axes", 0) != 0;
        String g = n.grad();
        if ((axes == null || axes.length == 0) && noopWhenEmpty) {
            n.add(0, g);
            return;
        }
        if (axes == null || axes.length == 0) {
            axes = new long[rank];
            for (int i = 0; i < rank; i++) {
                axes[i] = i;
            }
        }
        if (!keepDims) {
            long[] sorted = axes.clone();
            Arrays.sort(sorted);
            g = n.op("Unsqueeze", g, n.longs(sorted));
        }
        String expanded = n.op("Expand", g, n.shapeOf(x));
        if (!mean) {
            n.add(0, expanded);
            return;
        }
        long[] xs = n.shape(x);
        long count = 1;
        boolean isStatic = true;
        for (long a : axes) {
            isStatic &= xs[(int) a] >= 0;
            count *= xs[(int) a];
        }
        String divisor = isStatic ? n.scalar(count, x)
                : n.op("CastLike", n.op("Div", n.op("Size", x), n.op("Size", n.out(0))), x);
        n.add(0, n.op("Div", expanded, divisor));
    }
}
