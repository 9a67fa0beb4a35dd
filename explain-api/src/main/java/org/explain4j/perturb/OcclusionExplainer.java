package org.explain4j.perturb;

import org.explain4j.ExplainException;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelDescription;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Occlusion (Zeiler and Fergus 2014): slide a window over the input, fill it with the baseline,
 * and record how much the score drops, {@code Δ = f(x) − f(x with the window occluded)}. A
 * cell's attribution is the mean Δ of the windows that cover it (Captum's convention: each cell
 * of a window carries the window's whole Δ, averaged over overlapping windows).
 *
 * <p>Window positions along each axis run from 0 in steps of the stride; where the stride does
 * not reach the end exactly, one more window is placed flush with the end, so every cell is
 * covered (Captum leaves such trailing cells at 0). Windows span any axes, e.g.
 * {@code [C, 7, 7]} for all channels of 7×7 image patches or {@code [4, 1]} for 4 time steps of
 * one variable of a {@code [T,F]} series.
 *
 * <p>Defaults, when no window is given: the cells of the model's default
 * {@link FeatureMask#defaultFor feature} (one column; a time window of one variable; an image
 * patch across channels), with strides of half a window (at least 1).
 */
public final class OcclusionExplainer extends PerturbationExplainer {
    public static final String METHOD = "occlusion";

    private final int[] window;
    private final int[] strides;

    private OcclusionExplainer(Builder b) {
        super(b);
        this.window = b.window == null ? null : b.window.clone();
        this.strides = b.strides == null ? null : b.strides.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    boolean usesMask() {
        return false;
    }

    /** The default window for a model's input, by its layout (see the class comment). */
    public static int[] defaultWindow(ModelDescription description, long[] sampleShape) {
        InputLayout layout = description != null && description.layout() != null ? description.layout()
                : InputLayout.guess(sampleShape.length + 1);
        FeatureMask m = FeatureMask.defaultFor(description, sampleShape);
        int[] w = new int[sampleShape.length];
        Arrays.fill(w, 1);
        int[] cells = m.cells(0);
        // The first feature's bounding box: features of the default masks are boxes anchored at 0.
        int last = cells[cells.length - 1];
        long rest = last;
        for (int a = sampleShape.length - 1; a >= 0; a--) {
            w[a] = (int) (rest % sampleShape[a]) + 1;
            rest /= sampleShape[a];
        }
        if (layout == InputLayout.IMAGE) {
            w[0] = (int) sampleShape[0];
        }
        return w;
    }

    /** Window positions: the flat cells of each window and its start index. */
    record Windows(int[][] cells, List<String> names) {
    }

    static Windows windows(long[] shape, int[] window, int[] strides) {
        int r = shape.length;
        if (window.length != r || strides.length != r) {
            throw new ExplainException("occlusion window " + Arrays.toString(window) + " and strides "
                    + Arrays.toString(strides) + " must have one entry per sample axis of " + Arrays.toString(shape));
        }
        int[][] starts = new int[r][];
        for (int a = 0; a < r; a++) {
            int dim = (int) shape[a];
            if (window[a] < 1 || window[a] > dim) {
                throw new ExplainException("occlusion window " + Arrays.toString(window) + " does not fit samples "
                        + Arrays.toString(shape) + ": axis " + a + " needs 1.." + dim);
            }
            if (strides[a] < 1) {
                throw new ExplainException("occlusion strides " + Arrays.toString(strides) + " must be >= 1 on every axis");
            }
            List<Integer> s = new ArrayList<>();
            int p = 0;
            for (; p + window[a] <= dim; p += strides[a]) {
                s.add(p);
            }
            if (s.get(s.size() - 1) + window[a] < dim) {
                s.add(dim - window[a]);
            }
            starts[a] = s.stream().mapToInt(Integer::intValue).toArray();
        }
        int count = 1;
        for (int[] s : starts) {
            count = Math.multiplyExact(count, s.length);
        }
        int size = 1;
        for (int w : window) {
            size *= w;
        }
        int[][] cells = new int[count][size];
        List<String> names = new ArrayList<>(count);
        int[] pos = new int[r];
        int[] start = new int[r];
        for (int k = 0; k < count; k++) {
            for (int a = 0; a < r; a++) {
                start[a] = starts[a][pos[a]];
            }
            names.add("window@" + Arrays.toString(start).replace(" ", ""));
            int[] off = new int[r];
            for (int c = 0; c < size; c++) {
                int flat = 0;
                for (int a = 0; a < r; a++) {
                    flat = flat * (int) shape[a] + start[a] + off[a];
                }
                cells[k][c] = flat;
                for (int a = r - 1; a >= 0; a--) {
                    if (++off[a] < window[a]) {
                        break;
                    }
                    off[a] = 0;
                }
            }
            for (int a = r - 1; a >= 0; a--) {
                if (++pos[a] < starts[a].length) {
                    break;
                }
                pos[a] = 0;
            }
        }
        return new Windows(cells, names);
    }

    private int[] stridesFor(int[] w) {
        if (strides != null) {
            return strides;
        }
        int[] s = new int[w.length];
        for (int a = 0; a < w.length; a++) {
            s[a] = Math.max(1, w[a] / 2);
        }
        return s;
    }

    @Override
    Object prepare(FeatureMask m, long[] sampleShape, ModelDescription description) {
        int[] w = window != null ? window : defaultWindow(description, sampleShape);
        return windows(sampleShape, w, stridesFor(w));
    }

    @Override
    InstanceResult explainInstance(Instance in) {
        Windows ws = (Windows) in.plan();
        int count = ws.cells().length;
        float[] x = in.x();
        float[] off = in.off();
        double[] y = in.scorer().scores(count, in.target(), (k, dest, o) -> {
            System.arraycopy(x, 0, dest, o, x.length);
            for (int c : ws.cells()[k]) {
                dest[o + c] = off[c];
            }
        });
        double fx = in.modelScore();
        double[] delta = new double[count];
        double[] sum = new double[x.length];
        int[] covered = new int[x.length];
        double total = 0;
        for (int k = 0; k < count; k++) {
            delta[k] = fx - y[k];
            total += delta[k];
            for (int c : ws.cells()[k]) {
                sum[c] += delta[k];
                covered[c]++;
            }
        }
        float[] cells = new float[x.length];
        for (int c = 0; c < cells.length; c++) {
            cells[c] = covered[c] == 0 ? 0f : (float) (sum[c] / covered[c]);
        }
        SurrogateExplanation e = new SurrogateExplanation(in.index(), in.target(), ws.names(), delta, fx - total,
                Double.NaN, fx, fx, WeightedGram.all(count), count);
        return new InstanceResult(cells, e);
    }

    @Override
    void addParameters(Map<String, Object> params) {
        params.put("window", window == null ? "default" : Arrays.toString(window));
        params.put("strides", strides == null ? "half_window" : Arrays.toString(strides));
    }

    @Override
    public String toString() {
        return METHOD + "(window " + (window == null ? "default" : Arrays.toString(window)) + ", strides "
                + (strides == null ? "half window" : Arrays.toString(strides)) + ", batch " + batchSize + ")";
    }

    public static final class Builder extends PerturbationExplainer.Builder<Builder> {
        private int[] window;
        private int[] strides;

        private Builder() {
        }

        /** Window extent per sample axis, e.g. {@code 1, 7, 7} for [C,H,W] (default: see class comment). */
        public Builder window(int... window) {
            this.window = window.clone();
            return this;
        }

        /** Step per sample axis (default: half the window, at least 1). */
        public Builder strides(int... strides) {
            this.strides = strides.clone();
            return this;
        }

        public OcclusionExplainer build() {
            checkCommon(METHOD);
            if (mask != null) {
                throw new ExplainException("occlusion slides a window and takes no feature mask; give window and strides");
            }
            if (window != null && strides != null && window.length != strides.length) {
                throw new ExplainException("occlusion window " + Arrays.toString(window) + " and strides "
                        + Arrays.toString(strides) + " need the same number of axes");
            }
            return new OcclusionExplainer(this);
        }
    }
}
