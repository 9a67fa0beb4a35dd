package org.explain4j.render;

import com.fasterxml.jackson.databind.JsonNode;
import org.explain4j.ExplainException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The clinical picture of one ICU episode, as in the mimic3-benchmarks papers: clinical variables
 * down the y-axis, hours across the x-axis, on a blue–white–red scale symmetric around 0.
 *
 * <p>The model sees a {@code [hours, columns]} matrix (48 × 76 for in-hospital mortality): each
 * variable owns one value column (continuous) or several one-hot columns (categorical) plus one
 * mask column (1 where the variable was measured in that hour). A row of the picture is one
 * variable, aggregated over its value columns:
 * <ul>
 *   <li>{@link View#MAGNITUDE} (gradient / saliency): Σ |a| over the variable's columns. A
 *   gradient's sign says which way a change would move the score, not whether the value speaks
 *   for the class, so only its size is shown (all red).</li>
 *   <li>{@link View#SIGNED} (LRP, IG, gradient × input): Σ a, signed; these add up to the
 *   explained score, so red is evidence for the class and blue against.</li>
 *   <li>{@link View#INPUT}: the normalized input itself on a fixed ±2 scale. A continuous
 *   variable shows its value column, clipped to [-2, 2]. A categorical variable shows which of its
 *   K one-hot columns is largest, as {@code -2 + 4k/(K-1)} for the k-th column (0-based, in the
 *   sidecar's column order; that order is the discretizer's list of categories, not a severity
 *   scale, so the colour marks where the category changes rather than how bad it is).</li>
 * </ul>
 * Mask columns are left out of every variable's row. When asked for, they are drawn as 17 extra
 * rows {@code "mask: <variable>"} below: the mask column's attribution (its magnitude in the
 * MAGNITUDE view), or in the INPUT view 2 × mask (observed hours dark red, imputed ones white).
 */
public final class ClinicalHeatmap {
    /** The input view's colour range: normalized values beyond ±2 are clipped. */
    public static final double INPUT_RANGE = 2.0;

    /** How the columns of a variable are combined into its row. */
    public enum View {
        INPUT, MAGNITUDE, SIGNED;

        /**
         * The view the method's attribution calls for: {@code input} → INPUT, saliency / gradient
         * → MAGNITUDE, everything else (LRP, IG, gradient × input, ...) → SIGNED.
         */
        public static View forMethod(String method) {
            String m = method.trim().toLowerCase(Locale.ROOT);
            if (m.equals("input")) {
                return INPUT;
            }
            if (m.equals("saliency") || m.equals("gradient") || m.equals("grad")) {
                return MAGNITUDE;
            }
            return SIGNED;
        }
    }

    /**
     * Which columns of the matrix belong to which variable.
     *
     * @param variables    variable names, one row each, in the order drawn
     * @param valueColumns per variable, its value (or one-hot) columns
     * @param maskColumns  per variable, its mask column, or -1 when it has none
     * @param width        columns of the matrix
     */
    public record Columns(List<String> variables, List<int[]> valueColumns, int[] maskColumns, int width) {
        public Columns {
            variables = List.copyOf(variables);
            valueColumns = valueColumns.stream().map(int[]::clone).toList();
            maskColumns = maskColumns.clone();
            if (variables.size() != valueColumns.size() || variables.size() != maskColumns.length) {
                throw new ExplainException("column groups: " + variables.size() + " variables but "
                        + valueColumns.size() + " value groups and " + maskColumns.length + " masks; give one each");
            }
            for (int v = 0; v < variables.size(); v++) {
                if (valueColumns.get(v).length == 0) {
                    throw new ExplainException("column groups: variable '" + variables.get(v)
                            + "' has no value column; give at least one besides its mask");
                }
                for (int c : valueColumns.get(v)) {
                    checkColumn(c, width, variables.get(v));
                }
                if (maskColumns[v] >= 0) {
                    checkColumn(maskColumns[v], width, variables.get(v));
                }
            }
        }

        @Override
        public List<int[]> valueColumns() {
            return valueColumns.stream().map(int[]::clone).toList();
        }

        @Override
        public int[] maskColumns() {
            return maskColumns.clone();
        }

        /**
         * Reads the model sidecar's {@code "variables"} (names in order), {@code "column_groups"}
         * ({@code {variable: [column indices, its mask included]}}) and {@code "mask_columns"}
         * (the indices that are masks); the width is the largest index + 1.
         *
         * @throws ExplainException naming the missing or inconsistent field
         */
        public static Columns fromSidecar(JsonNode sidecar) {
            if (sidecar == null || !sidecar.path("column_groups").isObject()) {
                throw new ExplainException("model sidecar has no \"column_groups\" object; a clinical heatmap needs "
                        + "{variable: [column indices]} to group the input's columns by variable");
            }
            JsonNode groups = sidecar.get("column_groups");
            Set<Integer> masks = new HashSet<>();
            sidecar.path("mask_columns").forEach(n -> masks.add(n.asInt()));
            List<String> names = new ArrayList<>();
            if (sidecar.path("variables").isArray()) {
                sidecar.get("variables").forEach(n -> names.add(n.asText()));
            } else {
                groups.fieldNames().forEachRemaining(names::add);
            }
            List<int[]> values = new ArrayList<>();
            int[] maskOf = new int[names.size()];
            int width = 0;
            for (int v = 0; v < names.size(); v++) {
                JsonNode g = groups.get(names.get(v));
                if (g == null || !g.isArray()) {
                    throw new ExplainException("model sidecar: variable '" + names.get(v)
                            + "' has no entry in \"column_groups\"; give its column indices");
                }
                List<Integer> own = new ArrayList<>();
                maskOf[v] = -1;
                for (JsonNode n : g) {
                    int c = n.asInt();
                    width = Math.max(width, c + 1);
                    if (masks.contains(c)) {
                        maskOf[v] = c;
                    } else {
                        own.add(c);
                    }
                }
                values.add(own.stream().mapToInt(Integer::intValue).toArray());
            }
            return new Columns(names, values, maskOf, width);
        }

        private static void checkColumn(int c, int width, String variable) {
            if (c < 0 || c >= width) {
                throw new ExplainException("column groups: variable '" + variable + "' names column " + c
                        + ", outside 0.." + (width - 1));
            }
        }
    }

    /**
     * What the title says: {@code <episode>  True: <y>  Predicted: <p>  Method: <m>}.
     *
     * @param trueLabel null when the episode's outcome is unknown (shown as "?")
     * @param detail    a second line (probability, score, sums); may be empty
     */
    public record Caption(String episode, String trueLabel, String predicted, String method, String detail) {
        public String title() {
            return episode + "   True: " + (trueLabel == null ? "?" : trueLabel) + "   Predicted: " + predicted
                    + "   Method: " + method;
        }
    }

    private ClinicalHeatmap() {
    }

    /**
     * Rows = variables (then their masks, when asked), columns = hours.
     *
     * @param matrix one sample, time-major: {@code matrix[t * width + c]}
     * @throws ExplainException when the matrix is not a whole number of rows of {@code columns.width()}
     */
    public static float[][] aggregate(float[] matrix, Columns columns, View view, boolean masks) {
        int width = columns.width();
        if (width == 0 || matrix.length % width != 0 || matrix.length == 0) {
            throw new ExplainException("clinical heatmap: " + matrix.length + " values are not whole hours of "
                    + width + " columns; give an [hours, " + width + "] matrix");
        }
        int hours = matrix.length / width;
        int vars = columns.variables().size();
        float[][] g = new float[masks ? 2 * vars : vars][hours];
        List<int[]> groups = columns.valueColumns();
        int[] maskCol = columns.maskColumns();
        for (int v = 0; v < vars; v++) {
            int[] cols = groups.get(v);
            for (int t = 0; t < hours; t++) {
                int row = t * width;
                g[v][t] = switch (view) {
                    case INPUT -> inputValue(matrix, row, cols);
                    case MAGNITUDE -> {
                        double s = 0;
                        for (int c : cols) {
                            s += Math.abs(matrix[row + c]);
                        }
                        yield (float) s;
                    }
                    case SIGNED -> {
                        double s = 0;
                        for (int c : cols) {
                            s += matrix[row + c];
                        }
                        yield (float) s;
                    }
                };
                if (masks) {
                    float m = maskCol[v] < 0 ? 0f : matrix[row + maskCol[v]];
                    g[vars + v][t] = switch (view) {
                        case INPUT -> (float) (INPUT_RANGE * m);
                        case MAGNITUDE -> Math.abs(m);
                        case SIGNED -> m;
                    };
                }
            }
        }
        return g;
    }

    /** The row labels {@link #aggregate} draws: the variables, then {@code "mask: <variable>"} when asked. */
    public static List<String> rowLabels(Columns columns, boolean masks) {
        List<String> labels = new ArrayList<>(columns.variables());
        if (masks) {
            columns.variables().forEach(v -> labels.add("mask: " + v)); // prefix: long names get cut at the end
        }
        return labels;
    }

    /**
     * The heatmap of one episode's matrix (input or attribution) in the given view.
     *
     * @param className the explained class, for the colour legend (e.g. "in-hospital death")
     */
    public static Heatmap render(float[] matrix, Columns columns, View view, boolean masks, Caption caption,
                                 String className) {
        float[][] g = aggregate(matrix, columns, view, masks);
        DivergingColorScale scale;
        String footer;
        switch (view) {
            case INPUT -> {
                scale = new DivergingColorScale(INPUT_RANGE);
                footer = "normalized input, clipped to ±2 · categorical variables: index of the observed category, "
                        + "scaled to ±2";
            }
            case MAGNITUDE -> {
                scale = DivergingColorScale.symmetric(flat(g));
                footer = "|gradient| summed over each variable's columns: how strongly the " + className
                        + " score reacts, no sign · scale ±max";
            }
            default -> {
                scale = DivergingColorScale.symmetric(flat(g));
                footer = "attribution summed over each variable's columns · red: for " + className
                        + ", blue: against · scale ±max |value|";
            }
        }
        return Heatmap.ofGrid(caption.title(), caption.detail(), g, rowLabels(columns, masks), "variable", "hour",
                scale, footer);
    }

    /** The sum of all cells of a grid {@link #aggregate} made. */
    public static double total(float[][] grid) {
        double s = 0;
        for (float[] row : grid) {
            for (float v : row) {
                s += v;
            }
        }
        return s;
    }

    private static float inputValue(float[] m, int row, int[] cols) {
        if (cols.length == 1) {
            return (float) Math.max(-INPUT_RANGE, Math.min(INPUT_RANGE, m[row + cols[0]]));
        }
        int best = 0;
        for (int k = 1; k < cols.length; k++) {
            if (m[row + cols[k]] > m[row + cols[best]]) {
                best = k;
            }
        }
        return (float) (-INPUT_RANGE + 2 * INPUT_RANGE * best / (cols.length - 1));
    }

    private static float[] flat(float[][] g) {
        int cols = g.length == 0 ? 0 : g[0].length;
        float[] all = new float[g.length * cols];
        for (int r = 0; r < g.length; r++) {
            System.arraycopy(g[r], 0, all, r * cols, cols);
        }
        return all;
    }
}
