package org.explain4j.visualize;

import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelInfo;
import org.explain4j.render.ClinicalHeatmap;
import org.explain4j.render.DivergingColorScale;
import org.explain4j.render.Heatmap;

import java.util.ArrayList;
import java.util.List;

/**
 * How one optimised input is drawn: an image as a pixel grid, the clinical model's input as
 * variables × hours (the sidecar's column groups, same ±2 scale as the demo's input panels), any
 * other time series as features × time, anything else as rows of its last axis.
 */
public final class VisualizationPicture {

    private VisualizationPicture() {
    }

    /** The sidecar's column groups when the model has them (the clinical model), else null. */
    public static ClinicalHeatmap.Columns clinicalColumns(ModelInfo info) {
        if (info.description() == null || info.description().raw() == null
                || !info.description().raw().path("column_groups").isObject()) {
            return null;
        }
        return ClinicalHeatmap.Columns.fromSidecar(info.description().raw());
    }

    /** The valid range per column the sidecar implies (one-hot groups, masks), or none. */
    public static ValidRange validRange(ModelInfo info) {
        ClinicalHeatmap.Columns c = clinicalColumns(info);
        return c == null ? ValidRange.none() : ValidRange.ofGroups(c.valueColumns(), c.maskColumns());
    }

    public static Heatmap draw(ModelInfo info, InputLayout layout, float[] sample, String title, String subtitle) {
        long[] shape = info.input().shape();
        ClinicalHeatmap.Columns clinical = clinicalColumns(info);
        if (clinical != null && layout == InputLayout.TIME_FEATURES) {
            float[][] g = ClinicalHeatmap.aggregate(sample, clinical, ClinicalHeatmap.View.INPUT, false);
            return Heatmap.ofGrid(title, subtitle, g, ClinicalHeatmap.rowLabels(clinical, false), "variable", "hour",
                    new DivergingColorScale(ClinicalHeatmap.INPUT_RANGE), "optimised input (normalized), clipped to ±2 · "
                            + "categorical variables: index of the most likely category, scaled to ±2");
        }
        int cols = (int) shape[shape.length - 1];
        int rows = sample.length / cols;
        float[][] g = new float[rows][cols];
        List<String> labels = new ArrayList<>();
        if (layout == InputLayout.TIME_FEATURES && shape.length == 3) {
            // features as rows, time as columns
            g = new float[cols][rows];
            for (int t = 0; t < rows; t++) {
                for (int f = 0; f < cols; f++) {
                    g[f][t] = sample[t * cols + f];
                }
            }
            List<String> names = info.description() == null ? List.of() : info.description().featureNames();
            for (int f = 0; f < cols; f++) {
                labels.add(f < names.size() ? names.get(f) : "feature " + f);
            }
            return grid(title, subtitle, g, labels, "feature", "time");
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(sample, r * cols, g[r], 0, cols);
            labels.add(Integer.toString(r));
        }
        return layout == InputLayout.IMAGE ? grid(title, subtitle, g, labels, "row", "column")
                : grid(title, subtitle, g, labels, "row", "index");
    }

    /** A grid of input values (not attributions), so its footer says what the colours are. */
    private static Heatmap grid(String title, String subtitle, float[][] g, List<String> labels, String rows, String cols) {
        float[] all = new float[g.length * (g.length == 0 ? 0 : g[0].length)];
        for (int r = 0; r < g.length; r++) {
            System.arraycopy(g[r], 0, all, r * g[r].length, g[r].length);
        }
        return Heatmap.ofGrid(title, subtitle, g, labels, rows, cols, DivergingColorScale.symmetric(all),
                "optimised input value · red: positive, blue: negative · scale ±max |value|");
    }
}
