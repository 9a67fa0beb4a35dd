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
 */
public final class GradCam implements Explainer {
    public static final String METHOD = "gradcam";

    private final String layer;
    private final boolean relu;
    private final boolean minMaxScale;
    private final Score score;

    private GradCam(Builder b) {
        this.layer = b.layer;
        this.relu = b.relu;
        this.minMaxScale = b.minMaxScale;
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

    public boolean minMaxScale() {
        return minMaxScale;
    }

    @Override
    public String method() {
        return METHOD;
    }

    /** The low-resolution maps and what explaining needs alongside them. */
    public record LayerMaps(FloatTensor maps, FloatTensor outputs, int[] targets, double[] scores, Score score) {
    }

    /**
     * The Grad-CAM maps at the layer's resolution, {@code [N, L]} or {@code [N, H', W']}, after
     * the ReLU when it is on and before any scaling.
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
        int positions = a.sampleSize() / k;
        float[] av = a.data();
        float[] gv = g.data();
        float[] maps = new float[n * positions];
        for (int i = 0; i < n; i++) {
            double[] map = new double[positions];
            for (int c = 0; c < k; c++) {
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
            for (int p = 0; p < positions; p++) {
                maps[i * positions + p] = (float) (relu ? Math.max(0.0, map[p]) : map[p]);
            }
        }
        long[] shape = new long[a.rank() - 1];
        shape[0] = n;
        System.arraycopy(a.shape(), 2, shape, 1, a.rank() - 2);
        return new LayerMaps(new FloatTensor(shape, maps), outputs, targets, ev.scores(), sf.score());
    }

    @Override
    public Attribution explain(ExplainableModel model, FloatTensor inputs, Target target) {
        InputChecks.validate(model.info().input(), inputs);
        int spatial = inputs.rank() - 2;
        if (spatial != 1 && spatial != 2) {
            throw new ExplainException("Grad-CAM needs a channels-first input [N,C,L] or [N,C,H,W], but the input has"
                    + " shape " + Arrays.toString(inputs.shape()) + "; use a gradient method for other inputs");
        }
        LayerMaps lm = layerMaps(model, inputs, target);
        FloatTensor maps = lm.maps();
        if (maps.rank() - 1 != spatial) {
            throw new ExplainException("Grad-CAM layer '" + layer + "' has " + (maps.rank() - 1) + " spatial axes but the"
                    + " input " + Arrays.toString(inputs.shape()) + " has " + spatial
                    + "; pick a feature map with the input's spatial rank");
        }
        int n = inputs.batchSize();
        int channels = (int) inputs.dim(1);
        int outH = spatial == 2 ? (int) inputs.dim(2) : 1;
        int outW = (int) inputs.dim(inputs.rank() - 1);
        int inH = spatial == 2 ? (int) maps.dim(1) : 1;
        int inW = (int) maps.dim(maps.rank() - 1);
        int plane = outH * outW;
        float[] values = new float[inputs.size()];
        double[] mapMax = new double[n];
        for (int i = 0; i < n; i++) {
            double[] up = resize(maps.data(), i * inH * inW, inH, inW, outH, outW);
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < inH * inW; p++) {
                hi = Math.max(hi, maps.data()[i * inH * inW + p]);
            }
            mapMax[i] = hi;
            if (minMaxScale) {
                lo = Double.POSITIVE_INFINITY;
                hi = Double.NEGATIVE_INFINITY;
                for (double v : up) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                double range = hi - lo;
                for (int p = 0; p < plane; p++) {
                    up[p] = range > 0 ? (up[p] - lo) / range : 0.0; // a flat map carries no location
                }
            }
            for (int c = 0; c < channels; c++) {
                int base = (i * channels + c) * plane;
                for (int p = 0; p < plane; p++) {
                    values[base + p] = (float) up[p];
                }
            }
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("layer", layer);
        params.put("layer_shape", Arrays.toString(Arrays.copyOfRange(maps.shape(), 1, maps.rank())));
        params.put("relu", relu);
        params.put("min_max_scale", minMaxScale);
        params.put("score", lm.score().name().toLowerCase(Locale.ROOT));
        Map<String, double[]> diagnostics = new LinkedHashMap<>();
        diagnostics.put("score_at_input", lm.scores());
        diagnostics.put("layer_map_max", mapMax);
        return new Attribution(new FloatTensor(inputs.shape(), values), inputs, lm.outputs(), lm.targets(), lm.score(),
                METHOD, params, diagnostics, Provenance.of(model.info(), OptionalLong.empty()));
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
        return METHOD + "(" + layer + (relu ? "" : ", no relu") + (minMaxScale ? ", min-max scaled" : "")
                + (score == null ? "" : ", " + score) + ")";
    }

    public static final class Builder {
        private final String layer;
        private boolean relu = true;
        private boolean minMaxScale;
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
            this.minMaxScale = scale;
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
