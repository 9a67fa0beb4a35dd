package org.explain4j.summary;

import org.explain4j.explain.Attribution;
import org.explain4j.explain.Target;
import org.explain4j.explain.gradient.GradientTimesInput;
import org.explain4j.io.ArrowAttributionFile;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.OutputActivation;
import org.explain4j.model.Score;
import org.explain4j.model.TensorInfo;
import org.explain4j.model.VjpResult;
import org.explain4j.perturb.InstanceSource;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetSummarizerTest {
    private static final int T = 5;
    private static final int F = 3;
    private static final int N = 23;

    /** {@code y_0 = Σ w ⊙ x − 0.3}, {@code y_1 = −y_0}, on time × features episodes. */
    static final class SequenceLinear implements ExplainableModel {
        final float[] w = new float[T * F];
        private final ModelInfo info;

        SequenceLinear() {
            SplittableRandom r = new SplittableRandom(4);
            for (int j = 0; j < w.length; j++) {
                w[j] = (float) r.nextGaussian();
            }
            ModelDescription d = new ModelDescription("seq", "test", InputLayout.TIME_FEATURES, List.of("hr", "bp", "gcs"),
                    OutputActivation.SOFTMAX, List.of("survives", "dies"), Score.LOGIT, Optional.empty(), null);
            info = new ModelInfo("seq", List.of(new TensorInfo("x", new long[] {-1, T, F}, "float32")),
                    List.of(new TensorInfo("y", new long[] {-1, 2}, "float32")), d, "sha", "java", "cpu");
        }

        @Override
        public ModelInfo info() {
            return info;
        }

        @Override
        public FloatTensor forward(FloatTensor x) {
            int n = x.batchSize();
            float[] y = new float[n * 2];
            for (int i = 0; i < n; i++) {
                double s = -0.3;
                for (int j = 0; j < w.length; j++) {
                    s += (double) w[j] * x.data()[i * w.length + j];
                }
                y[i * 2] = (float) s;
                y[i * 2 + 1] = (float) -s;
            }
            return new FloatTensor(new long[] {n, 2}, y);
        }

        @Override
        public boolean supportsGradients() {
            return true;
        }

        @Override
        public VjpResult vjp(FloatTensor x, FloatTensor cot) {
            int n = x.batchSize();
            float[] g = new float[n * w.length];
            for (int i = 0; i < n; i++) {
                float c = cot.data()[i * 2] - cot.data()[i * 2 + 1];
                for (int j = 0; j < w.length; j++) {
                    g[i * w.length + j] = c * w[j];
                }
            }
            return new VjpResult(forward(x), new FloatTensor(x.shape(), g));
        }

        @Override
        public Map<String, FloatTensor> activations(FloatTensor input, Collection<String> names) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    /** Episodes: hr Gaussian, bp uniform on [0, 10), gcs in {0, 1} (categorical). */
    static FloatTensor episodes(int n) {
        SplittableRandom r = new SplittableRandom(8);
        float[] v = new float[n * T * F];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < T; t++) {
                int at = (i * T + t) * F;
                v[at] = (float) r.nextGaussian();
                v[at + 1] = (float) (10 * r.nextDouble());
                v[at + 2] = r.nextBoolean() ? 1 : 0;
            }
        }
        return new FloatTensor(new long[] {n, T, F}, v);
    }

    private static Path episodeDirectory(Path dir, FloatTensor x) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < x.batchSize(); i++) {
            StringBuilder sb = new StringBuilder("hr,bp,gcs\n");
            float[] e = x.sampleData(i);
            for (int t = 0; t < T; t++) {
                sb.append(e[t * F]).append(',').append(e[t * F + 1]).append(',').append(e[t * F + 2]).append('\n');
            }
            Files.writeString(dir.resolve(String.format("episode-%03d.csv", i)), sb.toString());
        }
        return dir;
    }

    /** The numbers the summary must reproduce, computed directly: all values held, two passes. */
    private record Direct(Map<String, List<Double>> groups) {
        static String key(int c, int f, int b, int t) {
            return c + "/" + f + "/" + b + "/" + t;
        }

        double mean(String k) {
            return groups.get(k).stream().mapToDouble(Double::doubleValue).sum() / groups.get(k).size();
        }

        double std(String k) {
            List<Double> v = groups.get(k);
            if (v.size() < 2) {
                return Double.NaN;
            }
            double m = mean(k);
            double ss = 0;
            for (double x : v) {
                ss += (x - m) * (x - m);
            }
            return Math.sqrt(ss / (v.size() - 1));
        }
    }

    private static Direct direct(SequenceLinear model, FloatTensor x, ValueBins vb) {
        Attribution a = GradientTimesInput.builder().build().explain(model, x, Target.predicted());
        Map<String, List<Double>> g = new HashMap<>();
        for (int i = 0; i < x.batchSize(); i++) {
            float[] y = a.outputs().sampleData(i);
            int c = y[1] > y[0] ? 1 : 0;
            for (int t = 0; t < T; t++) {
                for (int f = 0; f < F; f++) {
                    int cell = t * F + f;
                    float value = x.sampleData(i)[cell];
                    double attr = a.values().sampleData(i)[cell];
                    int b = vb.bin(f, value);
                    g.computeIfAbsent(Direct.key(c, f, b, t), k -> new ArrayList<>()).add(attr);
                    g.computeIfAbsent(Direct.key(c, f, -1, t), k -> new ArrayList<>()).add(attr);
                }
            }
        }
        return new Direct(g);
    }

    @Test
    void streamedSummaryEqualsADirectTwoPassComputation(@TempDir Path dir) throws IOException {
        SequenceLinear model = new SequenceLinear();
        FloatTensor x = episodes(N);
        Path episodesDir = episodeDirectory(dir.resolve("episodes"), x);
        DatasetSummarizer.Result r = DatasetSummarizer.builder().chunk(4).bins(3).maxCategories(2).build()
                .summarize(model, GradientTimesInput.builder().build(),
                        () -> InstanceSource.open(episodesDir, model.info().input(), "seq"));
        AttributionSummary s = r.summary();
        assertEquals(N, s.episodes());
        ValueBins vb = s.bins();

        // the bins: exact quantiles of all values (the reservoir holds every one of them)
        assertEquals(ValueBins.Kind.CATEGORY, vb.kind(2));
        assertEquals(3, vb.count(2)); // 0, 1 and "other"
        for (int f = 0; f < 2; f++) {
            double[] all = new double[N * T];
            for (int i = 0; i < N; i++) {
                for (int t = 0; t < T; t++) {
                    all[i * T + t] = x.sampleData(i)[t * F + f];
                }
            }
            Arrays.sort(all);
            for (int k = 1; k < 3; k++) {
                double h = (all.length - 1) * k / 3.0;
                int lo = (int) Math.floor(h);
                double q = all[lo] + (h - lo) * (all[lo + 1] - all[lo]);
                assertEquals(q, vb.high(f, k - 1), 1e-12);
            }
        }

        Direct d = direct(model, x, vb);
        int checked = 0;
        long episodes = 0;
        for (int c = 0; c < 2; c++) {
            episodes += s.episodes(c);
            for (int f = 0; f < F; f++) {
                for (int t = 0; t < T; t++) {
                    for (int b = -1; b < vb.count(f); b++) {
                        RunningStats st = b < 0 ? s.marginal(c, f, t) : s.cell(c, f, b, t);
                        String k = Direct.key(c, f, b, t);
                        if (!d.groups().containsKey(k)) {
                            assertEquals(0, st.count(), k);
                            continue;
                        }
                        assertEquals(d.groups().get(k).size(), st.count(), k);
                        assertEquals(d.mean(k), st.mean(), 1e-6, k);
                        if (st.count() > 1) {
                            assertEquals(d.std(k), st.std(), 1e-6, k);
                        }
                        checked++;
                    }
                }
            }
        }
        assertEquals(N, episodes);
        assertTrue(checked > 40, "groups checked: " + checked);

        // the same from an Arrow file, read record by record, with the bins of the first run
        FloatTensor outputs = model.forward(x);
        Attribution carrier = new Attribution(x, x, outputs, new int[N], Score.LOGIT, "data", Map.of(), Map.of(),
                org.explain4j.explain.Provenance.of(model.info(), java.util.OptionalLong.empty()));
        Path arrow = dir.resolve("episodes.arrow");
        ArrowAttributionFile.write(arrow, carrier, model.info(), null);
        AttributionSummary fromArrow = DatasetSummarizer.builder().chunk(7).bins(vb).build()
                .summarize(model, GradientTimesInput.builder().build(),
                        () -> InstanceSource.open(arrow, model.info().input(), "seq")).summary();
        for (int c = 0; c < 2; c++) {
            for (int f = 0; f < F; f++) {
                for (int t = 0; t < T; t++) {
                    assertEquals(s.marginal(c, f, t).count(), fromArrow.marginal(c, f, t).count());
                    assertEquals(nanToZero(s.marginal(c, f, t).mean()), nanToZero(fromArrow.marginal(c, f, t).mean()),
                            1e-9);
                }
            }
        }

        // written as Arrow and read back: the same rows
        Path file = dir.resolve("summary.arrow");
        SummaryArrowFile.write(file, s, Map.of("model", "seq"));
        SummaryArrowFile.Contents back = SummaryArrowFile.read(file);
        assertEquals(SummaryArrowFile.rows(s), back.rows());
        assertEquals("seq", back.metadata().get("model"));
        assertEquals(Integer.toString(N), back.metadata().get("episodes"));
        SummaryArrowFile.Row first = back.rows().get(0);
        String k = Direct.key(first.classIndex(), first.feature(), first.bin(), first.time());
        assertEquals(d.mean(k), first.mean(), 1e-6);

        // pictures and the page
        Path out = Files.createDirectories(dir.resolve("report"));
        List<String> files = SummaryReport.write(out::resolve, s, "seq · gradxinput", Map.of("episodes", "23"),
                "summary.arrow");
        assertEquals(2 + 2 * F + 1, files.size());
        assertNotNull(ImageIO.read(out.resolve("class-1.png").toFile()));
        assertNotNull(ImageIO.read(out.resolve("feature-02-class-0.png").toFile()));
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("predicted dies") && html.contains("feature-01-class-1.png")
                && html.contains("[") && html.contains("= 1"), html);
    }

    @Test
    void summariesOfDisjointPartsMergeIntoTheSummaryOfTheWhole() {
        SequenceLinear model = new SequenceLinear();
        FloatTensor x = episodes(N);
        ValueBins vb = ValueBins.ofEdges(new double[][] {{-0.5, 0.5}, {5}, {0.5}});
        SummaryAxes axes = SummaryAxes.of(new long[] {T, F}, model.info().description());
        Attribution a = GradientTimesInput.builder().build().explain(model, x, Target.predicted());
        AttributionSummary whole = new AttributionSummary(axes, vb, List.of("survives", "dies"));
        whole.add(a);
        AttributionSummary left = new AttributionSummary(axes, vb, List.of("survives", "dies"));
        AttributionSummary right = new AttributionSummary(axes, vb, List.of("survives", "dies"));
        left.add(GradientTimesInput.builder().build().explain(model, x.slice(0, 9), Target.predicted()));
        right.add(GradientTimesInput.builder().build().explain(model, x.slice(9, N), Target.predicted()));
        left.merge(right);
        assertEquals(whole.episodes(), left.episodes());
        for (int c = 0; c < 2; c++) {
            for (int f = 0; f < F; f++) {
                for (int b = 0; b < vb.count(f); b++) {
                    for (int t = 0; t < T; t++) {
                        RunningStats p = whole.cell(c, f, b, t);
                        RunningStats q = left.cell(c, f, b, t);
                        assertEquals(p.count(), q.count());
                        assertEquals(nanToZero(p.mean()), nanToZero(q.mean()), 1e-9);
                        assertEquals(nanToZero(p.std()), nanToZero(q.std()), 1e-9);
                    }
                }
            }
        }
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
