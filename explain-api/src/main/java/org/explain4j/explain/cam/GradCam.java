package org.explain4j.explain.cam;

import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Provenance;
import org.explain4j.explain.ScoreFunction;
import org.explain4j.explain.Target;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.InputChecks;
import org.explain4j.model.LayerGradient;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Grad-CAM (Selvaraju et al. 2017): a class's coarse localisation map from a convolutional
 * layer's feature maps {@code A^k}, weighted by the mean gradient of the target's score over
 * their positions: {@code α_k = mean_positions ∂S_c/∂A^k}, {@code L = ReLU(Σ_k α_k A^k)}.
 *
 * <p>The layer is a tensor {@code [N,K,L]} (1-D) or {@code [N,K,H,W]} (2-D) of a model whose
 * input is channels-first of the same rank ({@code [N,C,T]} or {@code [N,C,H,W]}). The map is
 * upsampled to the input's length (linear) or height × width (bilinear), with half-pixel
 * centres as {@code torch.nn.functional.interpolate(align_corners=False)} and OpenCV's resize
 * do, and repeated over the input's channels so the attribution is shaped like the input.
 * {@link #layerMaps} gives the low-resolution maps themselves.
 *
 * <p>Per-lead Grad-CAM ({@link Builder#leadGroups}): when a model's early convolutions are
 * grouped by lead, the layer's {@code K} channels split into {@code G} contiguous groups of
 * {@code K/G}; group {@code g}'s map is {@code Σ_{k in g} α_k A^k} (same α) and goes to input
 * channel {@code g}, so an input {@code [N,G,T]} gets one map per lead.
 */
public final class GradCam implements Explainer {
    public static final String METHOD = "gradcam";

    private final String layer;
    private final boolean relu;
    private final Scale scale;
    private final int leadGroups;
    private final Score score;

    /** How the upsampled maps are scaled to [0, 1], per sample. */
    public enum Scale {
        /** Raw map, in the score's units per feature-map unit. */
        NONE,
        /** One min–max over all of a sample's leads (and positions). */
        GLOBAL,
        /** A min–max per lead (input channel); for a shared map the same as GLOBAL. */
        PER_LEAD;

        /** {@code none}, {@code global}, {@code per_lead} (or {@code per-lead}, {@code perlead}). */
        public static Scale parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            return switch (t) {
                case "none" -> NONE;
                case "global" -> GLOBAL;
                case "per_lead", "perlead" -> PER_LEAD;
                default -> throw new ExplainException("unknown Grad-CAM scale '" + text
                        + "'; expected none, global or per-lead");
            };
        }
    }

    private GradCam(Builder b) {
        this.layer = b.layer;
        this.relu = b.relu;
        this.scale = b.scale;
        this.leadGroups = b.leadGroups;
        this.score = b.score;
    }

    /** @param layer the name of the feature-map tensor, typically the last convolution's output */
    public static Builder builder(String layer) {
        return new Builder(layer);
    }

    public String layer() {
        return layer;
    }

    public boolean relu() {
        return relu;
    }

    /** Whether the maps are min–max scaled (globally or per lead). */
    public boolean minMaxScale() {
        return scale != Scale.NONE;
    }

    public Scale scale() {
        return scale;
    }

    /** Lead groups of the layer's channels, 0 for one map shared by all input channels. */
    public int leadGroups() {
        return leadGroups;
    }

    @Override
    public String method() {
        return METHOD;
    }

    /** The low-resolution maps and what explaining needs alongside them. */
    public record LayerMaps(FloatTensor maps, FloatTensor outputs, int[] targets, double[] scores, Score score) {
    }

    /**
     * The Grad-CAM maps at the layer's resolution, {@code [N, L]} or {@code [N, H', W']} (with
     * lead groups {@code [N, G, L]} or {@code [N, G, H', W']}), after the ReLU when it is on and
     * before any scaling.
     *
     * @throws ExplainException when the layer is not {@code [N,K,L]} or {@code [N,K,H,W]}, or the
     *                          model cannot differentiate w.r.t. it
     */
    public LayerMaps layerMaps(ExplainableModel model, FloatTensor inputs, Target target) {
        InputChecks.validate(model.info().input(), inputs);
        ScoreFunction sf = ScoreFunction.forModel(model.info(), score);
        FloatTensor outputs = model.forward(inputs);
        int[] targets = target.resolve(outputs);
        ScoreFunction.Evaluation ev = sf.evaluate(outputs, targets);
        LayerGradient lg = model.layerVjp(inputs, ev.cotangentTensor(), layer);
        FloatTensor a = lg.activation();
        FloatTensor g = lg.gradient();
        int n = inputs.batchSize();
        if ((a.rank() != 3 && a.rank() != 4) || a.dim(0) != n) {
            throw new ExplainException("Grad-CAM layer '" + layer + "' has shape " + Arrays.toString(a.shape())
                    + "; pick a convolutional feature map shaped [N,K,L] or [N,K,H,W] (N = " + n + " samples)");
        }
        if (!Arrays.equals(a.shape(), g.shape())) {
            throw new IllegalStateException("gradient of '" + layer + "' has shape " + Arrays.toString(g.shape())
                    + " but the tensor " + Arrays.toString(a.shape()));
        }
        int k = (int) a.dim(1);
        int groups = Math.max(1, leadGroups);
        if (k % groups != 0) {
            throw new ExplainException("Grad-CAM layer '" + layer + "' has " + k + " channels, which do not split into "
                    + leadGroups + " equal lead groups; pick a layer whose channel count is a multiple of "
                    + leadGroups + " or change --lead-groups");
        }
        int perGroup = k / groups;
        int positions = a.sampleSize() / k;
        float[] av = a.data();
        float[] gv = g.data();
        float[] maps = new float[n * groups * positions];
        for (int i = 0; i < n; i++) {
            for (int grp = 0; grp < groups; grp++) {
                double[] map = new double[positions];
                for (int c = grp * perGroup; c < (grp + 1) * perGroup; c++) {
                    int base = (i * k + c) * positions;
                    double alpha = 0;
                    for (int p = 0; p < positions; p++) {
                        alpha += gv[base + p];
                    }
                    alpha /= positions;
                    for (int p = 0; p < positions; p++) {
                        map[p] += alpha * av[base + p];
                    }
                }
                int out = (i * groups + grp) * positions;
                for (int p = 0; p < positions; p++) {
                    maps[out + p] = (float) (relu ? Math.max(0.0, map[p]) : map[p]);
                }
            }
        }
        int lead = leadGroups > 0 ? 1 : 0;
        long[] shape = new long[a.rank() - 1 + lead];
        shape[0] = n;
        if (lead == 1) {
            shape[1] = groups;
        }
        System.arraycopy(a.shape(), 2, shape, 1 + lead, a.rank() - 2);
        return new LayerMaps(new FloatTensor(shape, maps), outputs, targets, ev.scores(), sf.score());
    }

    @Override
    public Attribution explain(ExplainableModel model, FloatTensor inputs, Target target) {
        LayerMaps lm = layerMaps(model, checkedInputs(model, inputs), target);
        FloatTensor maps = lm.maps();
        double[] mapMax = new double[inputs.batchSize()];
        int per = maps.sampleSize();
        for (int i = 0; i < mapMax.length; i++) {
            double hi = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < per; p++) {
                hi = Math.max(hi, maps.data()[i * per + p]);
            }
            mapMax[i] = hi;
        }
        FloatTensor values = upsampled(lm, inputs);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("layer", layer);
        int lead = leadGroups > 0 ? 2 : 1;
        params.put("layer_shape", Arrays.toString(Arrays.copyOfRange(maps.shape(), lead, maps.rank())));
        params.put("relu", relu);
        params.put("min_max_scale", scale != Scale.NONE);
        params.put("scale", scale.name().toLowerCase(Locale.ROOT));
        if (leadGroups > 0) {
            params.put("lead_groups", leadGroups);
        }
        params.put("score", lm.score().name().toLowerCase(Locale.ROOT));
        Map<String, double[]> diagnostics = new LinkedHashMap<>();
        diagnostics.put("score_at_input", lm.scores());
        diagnostics.put("layer_map_max", mapMax);
        return new Attribution(values, inputs, lm.outputs(), lm.targets(), lm.score(),
                METHOD, params, diagnostics, Provenance.of(model.info(), OptionalLong.empty()));
    }

    /** The input, checked to be channels-first 1-D or 2-D (and, with lead groups, to have one channel per group). */
    FloatTensor checkedInputs(ExplainableModel model, FloatTensor inputs) {
        InputChecks.validate(model.info().input(), inputs);
        int spatial = inputs.rank() - 2;
        if (spatial != 1 && spatial != 2) {
            throw new ExplainException("Grad-CAM needs a channels-first input [N,C,L] or [N,C,H,W], but the input has"
                    + " shape " + Arrays.toString(inputs.shape()) + "; use a gradient method for other inputs");
        }
        if (leadGroups > 0 && inputs.dim(1) != leadGroups) {
            throw new ExplainException("per-lead Grad-CAM with " + leadGroups + " lead groups needs an input with "
                    + leadGroups + " channels (one per lead), but the input is " + Arrays.toString(inputs.shape())
                    + "; set --lead-groups to the input's channel count");
        }
        return inputs;
    }

    /**
     * The maps of {@code lm} upsampled to the input's spatial size and scaled as configured,
     * shaped like {@code inputs}: a shared map repeated over the input's channels, or lead
     * group {@code g}'s map in channel {@code g}.
     */
    public FloatTensor upsampled(LayerMaps lm, FloatTensor inputs) {
        FloatTensor maps = lm.maps();
        int spatial = inputs.rank() - 2;
        int lead = leadGroups > 0 ? 1 : 0;
        if (maps.rank() - 1 - lead != spatial) {
            throw new ExplainException("Grad-CAM layer '" + layer + "' has " + (maps.rank() - 1 - lead) + " spatial axes"
                    + " but the input " + Arrays.toString(inputs.shape()) + " has " + spatial
                    + "; pick a feature map with the input's spatial rank");
        }
        int n = inputs.batchSize();
        int channels = (int) inputs.dim(1);
        int groups = lead == 1 ? leadGroups : 1;
        int outH = spatial == 2 ? (int) inputs.dim(2) : 1;
        int outW = (int) inputs.dim(inputs.rank() - 1);
        int inH = spatial == 2 ? (int) maps.dim(1 + lead) : 1;
        int inW = (int) maps.dim(maps.rank() - 1);
        int plane = outH * outW;
        float[] values = new float[inputs.size()];
        for (int i = 0; i < n; i++) {
            double[][] up = new double[groups][];
            for (int grp = 0; grp < groups; grp++) {
                up[grp] = resize(maps.data(), (i * groups + grp) * inH * inW, inH, inW, outH, outW);
            }
            if (scale == Scale.GLOBAL) {
                minMax(up);
            } else if (scale == Scale.PER_LEAD) {
                for (double[] one : up) {
                    minMax(new double[][] {one});
                }
            }
            for (int c = 0; c < channels; c++) {
                double[] src = up[lead == 1 ? c : 0];
                int base = (i * channels + c) * plane;
                for (int p = 0; p < plane; p++) {
                    values[base + p] = (float) src[p];
                }
            }
        }
        return new FloatTensor(inputs.shape(), values);
    }

    /** Scales the maps together to [0, 1]; a flat map carries no location and becomes 0. */
    private static void minMax(double[][] maps) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] m : maps) {
            for (double v : m) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        double range = hi - lo;
        for (double[] m : maps) {
            for (int p = 0; p < m.length; p++) {
                m[p] = range > 0 ? (m[p] - lo) / range : 0.0;
            }
        }
    }

    /**
     * Linear (one row) or bilinear resize of the {@code inH × inW} map at {@code src[offset..]} to
     * {@code outH × outW}, half-pixel centres, edges clamped.
     */
    static double[] resize(float[] src, int offset, int inH, int inW, int outH, int outW) {
        double[] out = new double[outH * outW];
        for (int y = 0; y < outH; y++) {
            double sy = source(y, inH, outH);
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, inH - 1);
            double fy = sy - y0;
            for (int x = 0; x < outW; x++) {
                double sx = source(x, inW, outW);
                int x0 = (int) sx;
                int x1 = Math.min(x0 + 1, inW - 1);
                double fx = sx - x0;
                double top = (1 - fx) * src[offset + y0 * inW + x0] + fx * src[offset + y0 * inW + x1];
                double bottom = (1 - fx) * src[offset + y1 * inW + x0] + fx * src[offset + y1 * inW + x1];
                out[y * outW + x] = (1 - fy) * top + fy * bottom;
            }
        }
        return out;
    }

    /** The source coordinate of output position {@code i}: {@code max(0, (i + ½)·in/out − ½)}. */
    private static double source(int i, int in, int out) {
        return Math.max(0.0, (i + 0.5) * in / out - 0.5);
    }

    @Override
    public String toString() {
        return METHOD + "(" + layer + (relu ? "" : ", no relu")
                + (scale == Scale.NONE ? "" : ", min-max scaled " + scale.name().toLowerCase(Locale.ROOT))
                + (leadGroups > 0 ? ", " + leadGroups + " lead groups" : "")
                + (score == null ? "" : ", " + score) + ")";
    }

    public static final class Builder {
        private final String layer;
        private boolean relu = true;
        private Scale scale = Scale.NONE;
        private int leadGroups;
        private Score score;

        private Builder(String layer) {
            if (layer == null || layer.isBlank()) {
                throw new ExplainException("Grad-CAM needs a layer: give the name of a convolutional feature map"
                        + " tensor (e.g. the last convolution's output)");
            }
            this.layer = layer;
        }

        /** Keep only the positive evidence, {@code ReLU(Σ α_k A^k)} (default, as in the paper). */
        public Builder relu(boolean relu) {
            this.relu = relu;
            return this;
        }

        /** Scale each sample's upsampled map to [0, 1] (default off: the raw map keeps its units). */
        public Builder minMaxScale(boolean scale) {
            this.scale = scale ? Scale.GLOBAL : Scale.NONE;
            return this;
        }

        /** None (default), one min–max over all leads, or one per lead. */
        public Builder scale(Scale scale) {
            this.scale = java.util.Objects.requireNonNull(scale, "scale");
            return this;
        }

        /**
         * Per-lead Grad-CAM: split the layer's channels into {@code groups} contiguous lead
         * groups, one map each, into input channel {@code g}; 0 (default) for one shared map.
         */
        public Builder leadGroups(int groups) {
            if (groups < 0) {
                throw new ExplainException("lead groups must be 0 (one shared map) or more, got " + groups);
            }
            this.leadGroups = groups;
            return this;
        }

        /** Logit or probability; null (default) takes the model description's default score. */
        public Builder score(Score score) {
            this.score = score;
            return this;
        }

        public GradCam build() {
            return new GradCam(this);
        }
    }
}
