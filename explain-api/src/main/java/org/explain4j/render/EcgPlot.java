package org.explain4j.render;

import org.explain4j.ExplainException;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A multi-lead ECG with an explanation behind it, as PNG and SVG with the same content: the
 * leads stacked top to bottom (name on the left), time in seconds across, each lead's signal a
 * dark trace over a colour band that shows the attribution of that lead at that time.
 *
 * <ul>
 *   <li>{@link Colors#SEQUENTIAL} for maps that are never negative (Grad-CAM after its ReLU,
 *   |gradient|): white → dark red, 0 to the largest value of the plot.</li>
 *   <li>{@link Colors#DIVERGING} for signed maps (IG, LRP, guided backprop): blue (against the
 *   class) – white – red (for it), symmetric around 0.</li>
 * </ul>
 * One colour scale spans all leads, so leads compare. Each pixel column shows the mean
 * attribution of the samples it covers. Each lead's trace is scaled to its own range (as in
 * the published figures); the range is written at the right of the lead. Ground-truth
 * intervals, when given, are framed in green, with a thicker green bar along the bottom of the lead.
 *
 * <pre>{@code
 * EcgPlot p = EcgPlot.builder(signal, List.of("I", "II", ...), 200)
 *         .attribution(gradcam).colors(EcgPlot.Colors.SEQUENTIAL)
 *         .title("00001_lr · ecg_resnet · gradcam").subtitle("Predicted: SB 0.91").build();
 * p.writePng(dir.resolve("gradcam.png"));
 * }</pre>
 * Rendering needs no display ({@code -Djava.awt.headless=true}).
 */
public final class EcgPlot {
    /** How attribution values map to colours. */
    public enum Colors {
        SEQUENTIAL, DIVERGING;

        /** SEQUENTIAL when no finite value is negative, else DIVERGING. */
        public static Colors of(float[][] values) {
            for (float[] row : values) {
                for (float v : row) {
                    if (v < 0) {
                        return DIVERGING;
                    }
                }
            }
            return SEQUENTIAL;
        }
    }

    /** A ground-truth interval: samples {@code start..end} (inclusive) of lead {@code lead}. */
    public record Interval(int lead, int start, int end) {
    }

    static final Color TRUTH = new Color(0x1B, 0x78, 0x37);
    private static final double MARGIN = 16;
    private static final double TITLE_SIZE = 15;
    private static final double TEXT_SIZE = 11.5;
    private static final double LABEL_SIZE = 11;
    private static final double LEAD_SIZE = 12;
    private static final double ROW = 56;
    private static final double GAP = 4;
    private static final Color INK = new Color(0x22, 0x22, 0x22);
    private static final Color TRACE = new Color(0x11, 0x11, 0x11);
    private static final Color MUTED = new Color(0x66, 0x66, 0x66);
    private static final Color RULE = new Color(0xBB, 0xBB, 0xBB);
    private static final Color GRID = new Color(0x90, 0x90, 0x90);

    private final float[][] signal;
    private final float[][] attribution;
    private final List<String> leads;
    private final double rate;
    private final Colors colors;
    private final SequentialColorScale sequential;
    private final DivergingColorScale diverging;
    private final List<Interval> truth;
    private final String title;
    private final List<String> subtitles;
    private final String footer;
    private final String unit;
    private final String legend;
    private final boolean clipped;
    // layout
    private final int samples;
    private final double plotX;
    private final double plotY;
    private final int plotW;
    private final int width;
    private final int height;

    private EcgPlot(Builder b) {
        this.signal = b.signal;
        this.attribution = b.attribution;
        this.leads = b.leads;
        this.rate = b.rate;
        this.samples = b.signal[0].length;
        this.colors = b.attribution == null ? null : (b.colors != null ? b.colors : Colors.of(b.attribution));
        this.sequential = colors == Colors.SEQUENTIAL ? (b.max > 0 ? new SequentialColorScale(b.max)
                : SequentialColorScale.upTo(b.attribution)) : null;
        this.diverging = colors == Colors.DIVERGING ? (b.max > 0 ? new DivergingColorScale(b.max)
                : DivergingColorScale.symmetric(flat(b.attribution))) : null;
        this.truth = List.copyOf(b.truth);
        this.title = b.title == null ? "" : b.title;
        this.subtitles = List.copyOf(b.subtitles);
        this.unit = b.unit;
        this.legend = b.legend != null ? b.legend : "attribution";
        this.clipped = b.max > 0;
        this.footer = b.footer != null ? b.footer : defaultFooter();
        double leadW = 0;
        for (String l : leads) {
            leadW = Math.max(leadW, Fonts.width(l, LEAD_SIZE, true));
        }
        plotX = Math.round(MARGIN + leadW + 10);
        plotY = Math.round(34 + 20 * subtitles.size() + 18);
        plotW = b.plotWidth;
        double right = plotX + plotW + 8 + Fonts.width("-0.00 … 0.00 " + unit, 9, false)
                + (colors == null ? 0 : 24 + 14 + 6 + Fonts.width("-0.000e-00", LABEL_SIZE, false)) + MARGIN;
        double text = Fonts.width(title, TITLE_SIZE, true);
        for (String s : subtitles) {
            text = Math.max(text, Fonts.width(s, TEXT_SIZE, false));
        }
        text = Math.max(text, Fonts.width(footer, TEXT_SIZE, false));
        width = (int) Math.ceil(Math.max(right, text + 2 * MARGIN));
        height = (int) Math.ceil(plotY + leads.size() * (ROW + GAP) + 64);
    }

    /**
     * @param signal       {@code signal[lead][sample]}, every lead the same length
     * @param leadNames    one name per lead, drawn on the left
     * @param samplingRate samples per second, for the time axis
     */
    public static Builder builder(float[][] signal, List<String> leadNames, double samplingRate) {
        return new Builder(signal, leadNames, samplingRate);
    }

    /**
     * The {@code q}-quantile (0..1, nearest rank) of {@code |values|}: a colour-scale top that a few
     * spikes do not wash out (guided backprop and IG maps are spiky).
     */
    public static double magnitudeQuantile(float[][] values, double q) {
        if (!(q > 0 && q <= 1)) {
            throw new ExplainException("quantile " + q + " is outside (0, 1]");
        }
        int n = 0;
        for (float[] row : values) {
            n += row.length;
        }
        double[] all = new double[n];
        int k = 0;
        for (float[] row : values) {
            for (float v : row) {
                all[k++] = Float.isFinite(v) ? Math.abs(v) : 0;
            }
        }
        if (n == 0) {
            return 0;
        }
        java.util.Arrays.sort(all);
        return all[Math.max(0, (int) Math.ceil(q * n) - 1)];
    }

    /**
     * The {@code [leads][samples]} view of one flat sample in C order ({@code [leads, samples]}),
     * e.g. {@code FloatTensor.sampleData(i)} of an {@code [N,12,T]} batch.
     */
    public static float[][] byLead(float[] flat, int leads) {
        if (leads <= 0 || flat.length % leads != 0) {
            throw new ExplainException(flat.length + " values do not split into " + leads + " leads of equal length; "
                    + "give one sample shaped [leads, samples]");
        }
        int t = flat.length / leads;
        float[][] out = new float[leads][t];
        for (int l = 0; l < leads; l++) {
            System.arraycopy(flat, l * t, out[l], 0, t);
        }
        return out;
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

    /** The colour mode, or null when no attribution is drawn. */
    public Colors colors() {
        return colors;
    }

    /** The magnitude with the darkest colour (0 without attribution). */
    public double scaleMax() {
        return colors == null ? 0 : colors == Colors.SEQUENTIAL ? sequential.max() : diverging.max();
    }

    /** The colour band of lead {@code lead}, in pixels: the rectangle its trace is drawn in. */
    public Rectangle leadBounds(int lead) {
        if (lead < 0 || lead >= leads.size()) {
            throw new IndexOutOfBoundsException("lead " + lead + " of " + leads.size());
        }
        return new Rectangle((int) plotX, (int) Math.round(rowTop(lead)), plotW, (int) ROW);
    }

    /** The pixel column whose band colour includes sample {@code sample}. */
    public int columnOf(int sample) {
        return (int) plotX + (int) Math.floor((sample + 0.5) * plotW / samples);
    }

    /** The colour the band of {@code lead} has at pixel column {@code x} (a column of the plot). */
    public Color bandColor(int lead, int x) {
        int c = x - (int) plotX;
        if (attribution == null || c < 0 || c >= plotW) {
            return Color.WHITE;
        }
        return colorOf(columnMean(attribution[lead], c));
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

    /**
     * Writes the PNG. Like {@link Heatmap}, it writes in place: callers stage a run's files in an
     * {@link org.explain4j.io.OutputDirectory}, which moves them into view only when all succeed.
     */
    public void writePng(Path file) throws IOException {
        if (!ImageIO.write(toImage(), "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    public void writeSvg(Path file) throws IOException {
        Files.writeString(file, toSvg(), StandardCharsets.UTF_8);
    }

    // ---- drawing ---------------------------------------------------------------------------

    private void draw(Canvas c) {
        c.text(MARGIN, 28, title, TITLE_SIZE, true, INK, Canvas.Anchor.START);
        for (int i = 0; i < subtitles.size(); i++) {
            c.text(MARGIN, 50 + 20 * i, subtitles.get(i), TEXT_SIZE, false, MUTED, Canvas.Anchor.START);
        }
        double seconds = samples / rate;
        double tick = tickStep(seconds);
        double bottom = rowTop(leads.size() - 1) + ROW;
        for (int l = 0; l < leads.size(); l++) {
            double top = rowTop(l);
            if (attribution != null) {
                int[] rgb = new int[plotW];
                for (int x = 0; x < plotW; x++) {
                    rgb[x] = colorOf(columnMean(attribution[l], x)).getRGB() & 0xFFFFFF;
                }
                c.raster(plotX, top, plotW, ROW, plotW, 1, rgb);
            }
            for (double t = tick; t < seconds - 1e-9; t += tick) {
                double x = plotX + t * rate * plotW / samples;
                c.line(x, top, x, top + ROW, GRID, 0.5);
            }
            for (Interval iv : truth) {
                if (iv.lead() == l) {
                    double x0 = plotX + (double) iv.start() * plotW / samples;
                    double x1 = plotX + (double) (iv.end() + 1) * plotW / samples;
                    // edges, a bar along the top and a thicker one along the bottom: visible over any band colour
                    c.line(x0, top, x0, top + ROW, TRUTH, 1.5);
                    c.line(x1, top, x1, top + ROW, TRUTH, 1.5);
                    c.rect(x0, top, Math.max(1, x1 - x0), 2, TRUTH);
                    c.rect(x0, top + ROW - 4, Math.max(1, x1 - x0), 4, TRUTH);
                }
            }
            drawTrace(c, l, top);
            c.outline(plotX, top, plotW, ROW, RULE);
            c.text(plotX - 8, top + ROW / 2 + 4, leads.get(l), LEAD_SIZE, true, INK, Canvas.Anchor.END);
        }
        for (double t = 0; t <= seconds + 1e-9; t += tick) {
            double x = plotX + t * rate * plotW / samples;
            c.line(x, bottom, x, bottom + 4, RULE, 1);
            c.text(x, bottom + 16, Heatmap.num(Math.rint(t * 1000) / 1000), LABEL_SIZE, false, MUTED,
                    Canvas.Anchor.MIDDLE);
        }
        c.text(plotX + plotW / 2.0, bottom + 32, String.format(Locale.ROOT, "time (s) · %s Hz · %d samples",
                Heatmap.num(rate), samples), LABEL_SIZE, false, MUTED, Canvas.Anchor.MIDDLE);
        c.text(MARGIN, bottom + 54, footer, TEXT_SIZE, false, MUTED, Canvas.Anchor.START);
        if (colors != null) {
            drawColourBar(c);
        }
    }

    private void drawTrace(Canvas c, int lead, double top) {
        float[] s = signal[lead];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float v : s) {
            if (Float.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!(hi >= lo)) {
            return; // no finite value to draw
        }
        if (hi - lo < 1e-6) {
            lo -= 0.5;
            hi += 0.5; // a flat line sits in the middle
        }
        double pad = 0.08 * (hi - lo);
        double ymin = lo - pad;
        double ymax = hi + pad;
        double[] xs = new double[s.length];
        double[] ys = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            xs[i] = plotX + (i + 0.5) * plotW / samples;
            double v = Float.isFinite(s[i]) ? s[i] : (lo + hi) / 2;
            ys[i] = top + ROW * (ymax - v) / (ymax - ymin);
        }
        if (ymin < 0 && ymax > 0) {
            double y0 = top + ROW * ymax / (ymax - ymin);
            c.line(plotX, y0, plotX + plotW, y0, GRID, 0.5);
        }
        c.polyline(xs, ys, TRACE, 1.1);
        c.text(plotX + plotW + 6, top + ROW / 2 + 3, Heatmap.num(lo, 2) + " … " + Heatmap.num(hi, 2)
                + (unit.isEmpty() ? "" : " " + unit), 9, false, MUTED, Canvas.Anchor.START);
    }

    private void drawColourBar(Canvas c) {
        double x = plotX + plotW + 8 + Fonts.width("-0.00 … 0.00 " + unit, 9, false) + 24;
        double h = Math.min(220, leads.size() * (ROW + GAP) - GAP);
        Color[] ramp = new Color[65];
        double max = scaleMax();
        for (int i = 0; i < ramp.length; i++) {
            double f = 1 - (double) i / (ramp.length - 1);
            ramp[i] = colorOf(colors == Colors.SEQUENTIAL ? max * f : max * (2 * f - 1));
        }
        c.text(x, plotY - 6, legend, LABEL_SIZE, false, MUTED, Canvas.Anchor.START);
        c.verticalGradient(x, plotY, 14, h, ramp);
        c.outline(x, plotY, 14, h, RULE);
        c.text(x + 20, plotY + 10, (colors == Colors.DIVERGING ? "+" : "") + Heatmap.num(max), LABEL_SIZE, false, INK,
                Canvas.Anchor.START);
        if (colors == Colors.DIVERGING) {
            c.text(x + 20, plotY + h / 2 + 4, "0", LABEL_SIZE, false, INK, Canvas.Anchor.START);
            c.text(x + 20, plotY + h, "-" + Heatmap.num(max), LABEL_SIZE, false, INK, Canvas.Anchor.START);
        } else {
            c.text(x + 20, plotY + h, "0", LABEL_SIZE, false, INK, Canvas.Anchor.START);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private double rowTop(int lead) {
        return plotY + lead * (ROW + GAP);
    }

    /** The mean of the samples pixel column {@code x} covers (at least one). */
    private double columnMean(float[] values, int x) {
        int from = (int) Math.floor((double) x * samples / plotW);
        int to = Math.max(from + 1, (int) Math.ceil((double) (x + 1) * samples / plotW));
        to = Math.min(to, samples);
        double sum = 0;
        int n = 0;
        for (int i = from; i < to; i++) {
            if (Float.isFinite(values[i])) {
                sum += values[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private Color colorOf(double v) {
        if (Double.isNaN(v)) {
            return Color.WHITE;
        }
        return colors == Colors.SEQUENTIAL ? sequential.color(v) : diverging.color(v);
    }

    private String defaultFooter() {
        StringBuilder b = new StringBuilder();
        if (colors == Colors.SEQUENTIAL) {
            b.append("band: ").append(legend).append(", white 0 to dark red = ")
                    .append(clipped ? Heatmap.num(scaleMax()) + " (larger values clipped)" : "largest");
        } else if (colors == Colors.DIVERGING) {
            b.append("band: ").append(legend).append(", red for the class, blue against, symmetric ")
                    .append(clipped ? "±" + Heatmap.num(scaleMax()) + " (larger magnitudes clipped)" : "±max");
        } else {
            b.append("no attribution drawn");
        }
        b.append(" · one colour scale for all leads · each trace scaled to its own range");
        if (!truth.isEmpty()) {
            b.append(" · green: ground-truth interval");
        }
        return b.toString();
    }

    /** Ticks every 0.5, 1, 2, 5 or 10 s, whichever gives at most about 12 of them. */
    private static double tickStep(double seconds) {
        for (double s : new double[]{0.2, 0.5, 1, 2, 5, 10, 20, 30, 60}) {
            if (seconds / s <= 12) {
                return s;
            }
        }
        return Math.ceil(seconds / 12 / 60) * 60;
    }

    private static float[] flat(float[][] g) {
        int n = 0;
        for (float[] r : g) {
            n += r.length;
        }
        float[] all = new float[n];
        int k = 0;
        for (float[] r : g) {
            System.arraycopy(r, 0, all, k, r.length);
            k += r.length;
        }
        return all;
    }

    public static final class Builder {
        private final float[][] signal;
        private final List<String> leads;
        private final double rate;
        private float[][] attribution;
        private Colors colors;
        private double max;
        private final List<Interval> truth = new ArrayList<>();
        private String title;
        private final List<String> subtitles = new ArrayList<>();
        private String footer;
        private String unit = "mV";
        private String legend;
        private int plotWidth = 1100;

        private Builder(float[][] signal, List<String> leadNames, double samplingRate) {
            if (signal == null || signal.length == 0 || signal[0].length == 0) {
                throw new ExplainException("ECG plot: no signal; give [leads][samples] with at least one lead and sample");
            }
            for (int l = 1; l < signal.length; l++) {
                if (signal[l].length != signal[0].length) {
                    throw new ExplainException("ECG plot: lead " + l + " has " + signal[l].length + " samples but lead 0"
                            + " has " + signal[0].length + "; give leads of equal length");
                }
            }
            if (leadNames == null || leadNames.size() != signal.length) {
                throw new ExplainException("ECG plot: " + signal.length + " leads but "
                        + (leadNames == null ? 0 : leadNames.size()) + " lead names; give one name per lead");
            }
            if (!(samplingRate > 0) || Double.isInfinite(samplingRate)) {
                throw new ExplainException("ECG plot: sampling rate " + samplingRate + " Hz; give a positive rate");
            }
            this.signal = signal;
            this.leads = List.copyOf(leadNames);
            this.rate = samplingRate;
        }

        /** The attribution per lead and sample, shaped like the signal; null draws no band. */
        public Builder attribution(float[][] values) {
            if (values != null) {
                if (values.length != signal.length) {
                    throw new ExplainException("ECG plot: attribution has " + values.length + " leads but the signal "
                            + signal.length + "; give one attribution row per lead");
                }
                for (float[] row : values) {
                    if (row.length != signal[0].length) {
                        throw new ExplainException("ECG plot: attribution has a lead of " + row.length + " samples but"
                                + " the signal has " + signal[0].length + "; give one value per sample");
                    }
                }
            }
            this.attribution = values;
            return this;
        }

        /** The colour mode; default: {@link Colors#of} the attribution (sequential unless a value is negative). */
        public Builder colors(Colors colors) {
            this.colors = colors;
            return this;
        }

        /** The magnitude with the darkest colour; default (0) the largest of the plot. */
        public Builder scaleMax(double max) {
            this.max = max;
            return this;
        }

        /** Ground-truth intervals to mark; each must lie inside the record. */
        public Builder truth(List<Interval> intervals) {
            for (Interval iv : intervals) {
                if (iv.lead() < 0 || iv.lead() >= signal.length || iv.start() < 0 || iv.end() < iv.start()
                        || iv.end() >= signal[0].length) {
                    throw new ExplainException("ECG plot: truth interval " + iv + " is outside the record of "
                            + signal.length + " leads x " + signal[0].length + " samples; give lead 0.."
                            + (signal.length - 1) + " and 0 <= start <= end < " + signal[0].length);
                }
                truth.add(iv);
            }
            return this;
        }

        public Builder title(String title) {
            this.title = title;
            return this;
        }

        /** A line under the title (the prediction, the method's settings); call again for more lines. */
        public Builder subtitle(String line) {
            if (line != null && !line.isEmpty()) {
                subtitles.add(line);
            }
            return this;
        }

        /** The line under the plot; default: what the colours mean. */
        public Builder footer(String footer) {
            this.footer = footer;
            return this;
        }

        /** The signal's unit, written with each lead's range; default mV. */
        public Builder unit(String unit) {
            this.unit = unit == null ? "" : unit;
            return this;
        }

        /** The colour bar's heading, e.g. "Grad-CAM"; default "attribution". */
        public Builder legend(String legend) {
            this.legend = legend;
            return this;
        }

        /** Pixels across the time axis; default 1100. */
        public Builder plotWidth(int pixels) {
            if (pixels < 50) {
                throw new ExplainException("ECG plot: width " + pixels + " px is too narrow; give 50 or more");
            }
            this.plotWidth = pixels;
            return this;
        }

        public EcgPlot build() {
            return new EcgPlot(this);
        }
    }
}
