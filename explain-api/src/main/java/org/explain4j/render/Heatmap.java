package org.explain4j.render;

import org.explain4j.explain.Attribution;
import org.explain4j.io.Predictions;
import org.explain4j.io.SampleAxes;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.OutputActivation;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A picture of one sample's attribution, as PNG and SVG with the same content.
 *
 * <ul>
 *   <li>FEATURES {@code [F]}: horizontal bars of the signed attribution per named feature, the
 *   {@value #MAX_BARS} largest by magnitude, largest on top; red bars are evidence for the
 *   target class, blue against; each bar is labelled with its value, each feature with its
 *   input value.</li>
 *   <li>CHANNELS_TIME {@code [C,T]}: a grid, rows = channels, columns = time.</li>
 *   <li>TIME_FEATURES {@code [T,F]}: transposed to rows = features, columns = time.</li>
 *   <li>IMAGE {@code [C,H,W]}: the sum over channels as an H × W grid.</li>
 * </ul>
 * Grids use a blue–white–red scale centred at 0 and symmetric (±max |attribution| of the
 * sample), drawn as a colour bar with its range. The title names the model, method and target
 * class. Rendering needs no display ({@code -Djava.awt.headless=true}).
 */
public final class Heatmap {
    /** The most features a bar chart shows. */
    public static final int MAX_BARS = 30;

    public enum Kind { BARS, GRID }

    private static final double MARGIN = 16;
    private static final double TITLE_SIZE = 15;
    private static final double TEXT_SIZE = 11.5;
    private static final double LABEL_SIZE = 11;
    private static final double BAR_ROW = 20;
    private static final double BAR_HALF = 240;
    private static final Color INK = new Color(0x22, 0x22, 0x22);
    private static final Color MUTED = new Color(0x66, 0x66, 0x66);
    private static final Color RULE = new Color(0xBB, 0xBB, 0xBB);

    private final Kind kind;
    private final String title;
    private final String subtitle;
    private final DivergingColorScale scale;
    // bars
    private final List<String> barLabels;
    private final float[] barValues;
    private final String barFooter;
    // grid
    private final float[][] grid;
    private final List<String> rowLabels;
    private final String rowTitle;
    private final String columnTitle;
    // layout
    private double labelRight;
    private double center;
    private double valueWidth;
    private double gridX;
    private double gridY;
    private double cellW;
    private double cellH;
    private int width;
    private int height;
    private boolean customFooter;
    private String gridFooter = "red: for the target class, blue: against · colour scale symmetric, ±max |attribution|";

    private Heatmap(Kind kind, String title, String subtitle, DivergingColorScale scale, List<String> barLabels,
                    float[] barValues, String barFooter, float[][] grid, List<String> rowLabels, String rowTitle,
                    String columnTitle) {
        this.kind = kind;
        this.title = title;
        this.subtitle = subtitle;
        this.scale = scale;
        this.barLabels = barLabels;
        this.barValues = barValues;
        this.barFooter = barFooter;
        this.grid = grid;
        this.rowLabels = rowLabels;
        this.rowTitle = rowTitle;
        this.columnTitle = columnTitle;
        if (kind == Kind.BARS) {
            layoutBars();
        } else {
            layoutGrid();
        }
    }

    public static Heatmap of(Attribution a, int sample, ModelInfo info) {
        return of(a, sample, info.name(), info.description());
    }

    /** The heatmap of sample {@code sample} of {@code a}; {@code description} may be null. */
    public static Heatmap of(Attribution a, int sample, String modelName, ModelDescription description) {
        if (sample < 0 || sample >= a.batchSize()) {
            throw new IndexOutOfBoundsException("sample " + sample + " of " + a.batchSize());
        }
        SampleAxes axes = SampleAxes.of(a.values().sampleShape(), description);
        float[] v = a.values().sampleData(sample);
        float[] x = a.inputs().sampleData(sample);
        int target = a.targets()[sample];
        String className = description != null ? description.className(target) : "class " + target;
        String title = modelName + " · " + a.method() + " · target: " + className;
        String subtitle = subtitle(a, sample, description, v);
        if (axes.rank() == 1) {
            return bars(title, subtitle, axes, v, x, className);
        }
        return grid(title, subtitle, axes, v);
    }

    private static String subtitle(Attribution a, int sample, ModelDescription d, float[] v) {
        float[] logits = a.outputs().sampleData(sample);
        OutputActivation act = d != null ? d.activation() : OutputActivation.NONE;
        double[] p = Predictions.probabilities(logits, act);
        int predicted = logits.length == 1 ? 0 : Predictions.argmax(logits);
        StringBuilder sb = new StringBuilder();
        sb.append("predicted ").append(d != null ? d.className(predicted) : "class " + predicted);
        if (p != null) {
            sb.append(" (p=").append(String.format(Locale.ROOT, "%.3f", p[predicted])).append(')');
        }
        int target = a.targets()[sample];
        String score = a.score().name().toLowerCase(Locale.ROOT);
        double[] atInput = a.diagnostics().get("score_at_input");
        sb.append(" · explained: ").append(score).append(" of ")
                .append(d != null ? d.className(target) : "class " + target);
        if (atInput != null && sample < atInput.length) {
            sb.append(" = ").append(num(atInput[sample]));
        }
        double sum = 0;
        for (float f : v) {
            sum += f;
        }
        sb.append(" · Σ attribution = ").append(num(sum));
        // the judging diagnostics (e.g. the IG completeness gap); the scores themselves are shown above
        for (Map.Entry<String, double[]> e : a.diagnostics().entrySet()) {
            String k = e.getKey();
            if (sample < e.getValue().length && !k.startsWith("score_at") && !k.startsWith("relative_")) {
                sb.append(" · ").append(k.replace('_', ' ')).append(" = ").append(num(e.getValue()[sample]));
            }
        }
        return sb.toString();
    }

    private static Heatmap bars(String title, String subtitle, SampleAxes axes, float[] v, float[] x,
                                String className) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -Math.abs(v[i])).thenComparingInt(i -> i));
        int shown = Math.min(MAX_BARS, v.length);
        List<String> labels = new ArrayList<>(shown);
        float[] values = new float[shown];
        for (int k = 0; k < shown; k++) {
            int i = order.get(k);
            labels.add(shorten(axes.axis(0).labels().get(i), 44) + " = " + num(x[i], 4));
            values[k] = v[i];
        }
        String footer = "top " + shown + " of " + v.length + " " + axes.axis(0).name()
                + (v.length == 1 ? "" : "s") + " by |attribution| · red: for " + className + ", blue: against";
        return new Heatmap(Kind.BARS, title, subtitle, DivergingColorScale.symmetric(v), labels, values, footer,
                null, null, null, null);
    }

    private static Heatmap grid(String title, String subtitle, SampleAxes axes, float[] v) {
        float[][] g;
        List<String> rows;
        String rowTitle;
        String colTitle;
        InputLayout layout = axes.layout();
        if (layout == InputLayout.TIME_FEATURES && axes.rank() == 2) {
            int t = axes.axis(0).size();
            int f = axes.axis(1).size();
            g = new float[f][t];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < f; j++) {
                    g[j][i] = v[i * f + j];
                }
            }
            rows = axes.axis(1).labels();
            rowTitle = "feature";
            colTitle = "time step";
        } else if (layout == InputLayout.IMAGE && axes.rank() == 3) {
            int c = axes.axis(0).size();
            int h = axes.axis(1).size();
            int w = axes.axis(2).size();
            g = new float[h][w];
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        g[y][x] += v[(ch * h + y) * w + x];
                    }
                }
            }
            rows = numbers(h);
            rowTitle = c > 1 ? "y (sum over " + c + " channels)" : "y";
            colTitle = "x";
        } else {
            // CHANNELS_TIME, or any other rank: leading axes flattened into rows, last axis across
            int cols = axes.axis(axes.rank() - 1).size();
            int nRows = v.length / Math.max(1, cols);
            g = new float[nRows][cols];
            for (int r = 0; r < nRows; r++) {
                System.arraycopy(v, r * cols, g[r], 0, cols);
            }
            if (axes.rank() == 2) {
                rows = axes.axis(0).labels();
                rowTitle = axes.axis(0).name();
                colTitle = layout == InputLayout.CHANNELS_TIME ? "time step" : axes.axis(1).name();
            } else {
                rows = numbers(nRows);
                rowTitle = "row";
                colTitle = axes.axis(axes.rank() - 1).name();
            }
        }
        float[] all = new float[g.length * (g.length == 0 ? 0 : g[0].length)];
        for (int r = 0; r < g.length; r++) {
            System.arraycopy(g[r], 0, all, r * g[r].length, g[r].length);
        }
        List<String> shortRows = rows.stream().map(s -> shorten(s, 36)).toList();
        return new Heatmap(Kind.GRID, title, subtitle, DivergingColorScale.symmetric(all), null, null, null, g,
                shortRows, rowTitle, colTitle);
    }

    /**
     * A grid of any values, e.g. a data set summary: {@code values[row][column]}, rows labelled,
     * columns numbered from 0, on the same blue–white–red scale symmetric around 0. NaN cells
     * (nothing to show) are drawn white, as 0.
     */
    public static Heatmap ofGrid(String title, String subtitle, float[][] values, List<String> rowLabels,
                                 String rowTitle, String columnTitle) {
        if (values.length != rowLabels.size()) {
            throw new IllegalArgumentException(values.length + " rows but " + rowLabels.size() + " row labels");
        }
        int cols = values.length == 0 ? 0 : values[0].length;
        float[][] g = new float[values.length][cols];
        float[] all = new float[values.length * cols];
        for (int r = 0; r < values.length; r++) {
            if (values[r].length != cols) {
                throw new IllegalArgumentException("row " + r + " has " + values[r].length + " columns, not " + cols);
            }
            for (int c = 0; c < cols; c++) {
                float v = Float.isNaN(values[r][c]) ? 0f : values[r][c];
                g[r][c] = v;
                all[r * cols + c] = v;
            }
        }
        List<String> shortRows = rowLabels.stream().map(s -> shorten(s, 36)).toList();
        return new Heatmap(Kind.GRID, title, subtitle, DivergingColorScale.symmetric(all), null, null, null, g,
                shortRows, rowTitle, columnTitle);
    }

    /**
     * {@link #ofGrid(String, String, float[][], List, String, String)} on a given colour scale
     * (e.g. fixed ±2 for normalized inputs, so pictures of different samples compare) and with
     * its own line under the grid saying what the colours mean; {@code footer} null keeps the default.
     */
    public static Heatmap ofGrid(String title, String subtitle, float[][] values, List<String> rowLabels,
                                 String rowTitle, String columnTitle, DivergingColorScale scale, String footer) {
        Heatmap auto = ofGrid(title, subtitle, values, rowLabels, rowTitle, columnTitle);
        Heatmap h = new Heatmap(Kind.GRID, title, subtitle, scale, null, null, null, auto.grid, auto.rowLabels,
                rowTitle, columnTitle);
        if (footer != null) {
            h.gridFooter = footer;
            h.customFooter = true;
            h.layoutGrid(); // the footer may be wider than the grid
        }
        return h;
    }

    public Kind kind() {
        return kind;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public String title() {
        return title;
    }

    /** The colour scale: ± this magnitude are the darkest colours. */
    public DivergingColorScale scale() {
        return scale;
    }

    /** Rows × columns drawn (grids), or bars × 1. */
    public int rows() {
        return kind == Kind.GRID ? grid.length : barValues.length;
    }

    public int columns() {
        return kind == Kind.GRID ? (grid.length == 0 ? 0 : grid[0].length) : 1;
    }

    /** Where the grid cell {@code (row, column)} is drawn, in pixels. */
    public Rectangle cellBounds(int row, int column) {
        if (kind != Kind.GRID) {
            throw new IllegalStateException("a bar chart has no cells");
        }
        int x0 = (int) Math.round(gridX + column * cellW);
        int y0 = (int) Math.round(gridY + row * cellH);
        return new Rectangle(x0, y0, (int) Math.round(gridX + (column + 1) * cellW) - x0,
                (int) Math.round(gridY + (row + 1) * cellH) - y0);
    }

    /** Where the {@code rank}-th largest bar is drawn (0 = top), in pixels. */
    public Rectangle barBounds(int rank) {
        if (kind != Kind.BARS) {
            throw new IllegalStateException("a grid has no bars");
        }
        double len = BAR_HALF * Math.abs(barValues[rank]) / scale.max();
        double x = barValues[rank] >= 0 ? center : center - len;
        double y = barTop() + rank * BAR_ROW + 3;
        return new Rectangle((int) Math.round(x), (int) Math.round(y), (int) Math.round(len),
                (int) Math.round(BAR_ROW - 6));
    }

    /** The label of bar {@code rank}: feature name and input value. */
    public String barLabel(int rank) {
        return barLabels.get(rank);
    }

    public BufferedImage toImage() {
        PngCanvas c = new PngCanvas(width, height);
        draw(c);
        return c.finish();
    }

    public String toSvg() {
        SvgCanvas c = new SvgCanvas(width, height, title);
        draw(c);
        return c.finish();
    }

    public void writePng(Path file) throws IOException {
        if (!ImageIO.write(toImage(), "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    public void writeSvg(Path file) throws IOException {
        Files.writeString(file, toSvg(), StandardCharsets.UTF_8);
    }

    // ---- layout ----------------------------------------------------------------------------

    private double barTop() {
        return 92;
    }

    private double headerWidth() {
        return Math.max(Fonts.width(title, TITLE_SIZE, true), Fonts.width(subtitle, TEXT_SIZE, false));
    }

    private void layoutBars() {
        double nameW = 0;
        for (String l : barLabels) {
            nameW = Math.max(nameW, Fonts.width(l, LABEL_SIZE, false));
        }
        valueWidth = Fonts.width("-0.000e-00", LABEL_SIZE, false) + 8;
        labelRight = MARGIN + nameW;
        center = labelRight + 10 + valueWidth + BAR_HALF;
        double right = center + BAR_HALF + valueWidth + MARGIN;
        double footerW = Fonts.width(barFooter, TEXT_SIZE, false) + 2 * MARGIN;
        width = (int) Math.ceil(Math.max(right, Math.max(headerWidth() + 2 * MARGIN, footerW)));
        height = (int) Math.ceil(barTop() + barValues.length * BAR_ROW + 58);
    }

    private void layoutGrid() {
        int rows = grid.length;
        int cols = rows == 0 ? 0 : grid[0].length;
        boolean image = "x".equals(columnTitle);
        if (image) {
            double cell = clamp(Math.floor(560.0 / Math.max(1, Math.max(rows, cols))), 2, 28);
            cellW = cell;
            cellH = cell;
        } else {
            cellW = clamp(Math.floor(760.0 / Math.max(1, cols)), 2, 36);
            cellH = clamp(Math.floor(480.0 / Math.max(1, rows)), 4, 32);
        }
        double rowLabelW = 0;
        for (String l : rowLabels) {
            rowLabelW = Math.max(rowLabelW, Fonts.width(l, LABEL_SIZE, false));
        }
        gridX = MARGIN + 18 + rowLabelW + 8;
        gridY = barTop();
        double gridW = cols * cellW;
        double gridH = rows * cellH;
        double barX = gridX + gridW + 24;
        double labelW = Math.max(Fonts.width("+" + num(scale.max()), LABEL_SIZE, false),
                Fonts.width("-" + num(scale.max()), LABEL_SIZE, false));
        double right = barX + 16 + 6 + labelW + 22 + MARGIN;
        width = (int) Math.ceil(Math.max(right, headerWidth() + 2 * MARGIN));
        if (customFooter) {
            width = (int) Math.max(width, Math.ceil(Fonts.width(gridFooter, TEXT_SIZE, false) + 2 * MARGIN));
        }
        height = (int) Math.ceil(gridY + Math.max(gridH + 44, colourBarHeight(gridH) + 16) + 24);
    }

    // ---- drawing ---------------------------------------------------------------------------

    private void draw(Canvas c) {
        c.text(MARGIN, 30, title, TITLE_SIZE, true, INK, Canvas.Anchor.START);
        c.text(MARGIN, 52, subtitle, TEXT_SIZE, false, MUTED, Canvas.Anchor.START);
        if (kind == Kind.BARS) {
            drawBars(c);
        } else {
            drawGrid(c);
        }
    }

    private void drawBars(Canvas c) {
        double top = barTop();
        double bottom = top + barValues.length * BAR_ROW;
        c.text(center - BAR_HALF / 2, top - 12, "◀ against", TEXT_SIZE, false, DivergingColorScale.NEGATIVE,
                Canvas.Anchor.MIDDLE);
        c.text(center + BAR_HALF / 2, top - 12, "for ▶", TEXT_SIZE, false, DivergingColorScale.POSITIVE,
                Canvas.Anchor.MIDDLE);
        for (int k = 0; k < barValues.length; k++) {
            double rowY = top + k * BAR_ROW;
            double baseline = rowY + BAR_ROW / 2 + 4;
            if (k % 2 == 1) {
                c.rect(MARGIN, rowY, center + BAR_HALF + valueWidth - MARGIN, BAR_ROW, new Color(0xF6, 0xF6, 0xF6));
            }
            c.text(labelRight, baseline, barLabels.get(k), LABEL_SIZE, false, INK, Canvas.Anchor.END);
            float v = barValues[k];
            Rectangle b = barBounds(k);
            Color fill = v >= 0 ? DivergingColorScale.POSITIVE : DivergingColorScale.NEGATIVE;
            if (b.width > 0) {
                c.rect(b.x, b.y, b.width, b.height, fill);
            }
            String label = num(v);
            if (v >= 0) {
                c.text(b.x + b.width + 4, baseline, label, LABEL_SIZE, false, INK, Canvas.Anchor.START);
            } else {
                c.text(b.x - 4, baseline, label, LABEL_SIZE, false, INK, Canvas.Anchor.END);
            }
        }
        c.line(center, top - 2, center, bottom + 2, INK, 1);
        c.line(center - BAR_HALF, bottom + 4, center + BAR_HALF, bottom + 4, RULE, 1);
        double[] ticks = {-1, -0.5, 0, 0.5, 1};
        for (double t : ticks) {
            double x = center + t * BAR_HALF;
            c.line(x, bottom + 4, x, bottom + 8, RULE, 1);
            c.text(x, bottom + 20, t == 0 ? "0" : num(t * scale.max()), LABEL_SIZE, false, MUTED, Canvas.Anchor.MIDDLE);
        }
        c.text(MARGIN, bottom + 42, barFooter, TEXT_SIZE, false, MUTED, Canvas.Anchor.START);
    }

    private void drawGrid(Canvas c) {
        int rows = grid.length;
        int cols = rows == 0 ? 0 : grid[0].length;
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                Rectangle b = cellBounds(r, col);
                c.rect(b.x, b.y, b.width, b.height, scale.color(grid[r][col]));
            }
        }
        double gridW = cols * cellW;
        double gridH = rows * cellH;
        c.outline(gridX, gridY, gridW, gridH, RULE);
        // row labels: every row when they fit, else every k-th
        int rowStep = step(cellH, 12);
        for (int r = 0; r < rows; r += rowStep) {
            c.text(gridX - 6, gridY + (r + 0.5) * cellH + 4, rowLabels.get(r), LABEL_SIZE, false, INK, Canvas.Anchor.END);
        }
        c.verticalText(MARGIN + 6, gridY + gridH / 2, rowTitle, LABEL_SIZE, MUTED);
        // column ticks
        int colStep = step(cellW, 36);
        for (int col = 0; col < cols; col += colStep) {
            double x = gridX + (col + 0.5) * cellW;
            c.line(x, gridY + gridH, x, gridY + gridH + 4, RULE, 1);
            c.text(x, gridY + gridH + 16, Integer.toString(col), LABEL_SIZE, false, MUTED, Canvas.Anchor.MIDDLE);
        }
        c.text(gridX + gridW / 2, gridY + gridH + 34, columnTitle, LABEL_SIZE, false, MUTED, Canvas.Anchor.MIDDLE);
        // colour bar
        double barX = gridX + gridW + 24;
        double barH = colourBarHeight(gridH);
        Color[] ramp = new Color[65];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = scale.color(scale.max() * (1 - 2.0 * i / (ramp.length - 1)));
        }
        c.verticalGradient(barX, gridY, 16, barH, ramp);
        c.outline(barX, gridY, 16, barH, RULE);
        c.text(barX + 22, gridY + 10, "+" + num(scale.max()), LABEL_SIZE, false, INK, Canvas.Anchor.START);
        c.text(barX + 22, gridY + barH / 2 + 4, "0", LABEL_SIZE, false, INK, Canvas.Anchor.START);
        c.text(barX + 22, gridY + barH, "-" + num(scale.max()), LABEL_SIZE, false, INK, Canvas.Anchor.START);
        c.text(MARGIN, gridY + Math.max(gridH + 44, barH + 16) + 16,
                gridFooter,
                TEXT_SIZE, false, MUTED, Canvas.Anchor.START);
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** The colour bar spans the grid, but is never too short to read its three labels. */
    private static double colourBarHeight(double gridH) {
        return Math.max(gridH, 100);
    }

    /** Every how many rows/columns a label fits, given the cell size and the room a label needs. */
    private static int step(double cell, double room) {
        int[] nice = {1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 200, 250, 500, 1000};
        for (int s : nice) {
            if (s * cell >= room) {
                return s;
            }
        }
        return (int) Math.ceil(room / cell);
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static List<String> numbers(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Integer.toString(i));
        }
        return out;
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** A compact number: 3 significant digits, scientific outside [0.001, 100000). */
    static String num(double v) {
        return num(v, 3);
    }

    static String num(double v, int digits) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%." + (digits - 1) + "e", v);
        }
        return new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
    }
}
