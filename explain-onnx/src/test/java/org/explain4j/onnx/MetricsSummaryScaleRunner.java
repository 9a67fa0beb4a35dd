package org.explain4j.onnx;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.gradient.IntegratedGradients;
import org.explain4j.explain.gradient.Saliency;
import org.explain4j.models.ReferenceModels;
import org.explain4j.perturb.InstanceSource;
import org.explain4j.summary.DatasetSummarizer;
import org.explain4j.summary.SummaryArrowFile;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A timed runner, not a unit test: summarises many synthetic episodes of {@code synthetic_bilstm}
 * and logs the heap after a full GC at intervals, to show that {@code summarize} streams in
 * constant memory.
 *
 * <p>Episodes follow the documented generator of {@code models-onnx/python/train_bilstm_synthetic.py}
 * ({@code make_data}), re-implemented here with Java's {@link SplittableRandom} (one generator per
 * episode index, so the file is written streaming and the same for every run; not the NumPy
 * stream, so not the same numbers): per feature a level N(0,1) plus white noise N(0, 0.3²);
 * episodes cycle through 3 positives (f0 steps up +1.5 at t0 ∈ 16..23) and one each of no step
 * / late drop of f0, early rise of f0 (t0 ∈ 2..12), late rise of another feature; 30 % get a
 * ±1.5 distractor step in f1..f3. Written to an Arrow file (column {@code input} of 96 floats,
 * {@code label}) in record batches of 1024.
 *
 * <pre>
 * java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx256m -cp ... org.explain4j.onnx.MetricsSummaryScaleRunner \
 *      [episodes=10000] [method=saliency|ig16] [workdir=/tmp] [heapEvery=1000]
 * </pre>
 */
public final class MetricsSummaryScaleRunner {
    private static final int T = 24;
    private static final int F = 4;

    private MetricsSummaryScaleRunner() {
    }

    public static void main(String[] args) throws IOException {
        int episodes = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        String method = args.length > 1 ? args[1] : "saliency";
        Path work = Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir"));
        int every = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        Path data = work.resolve("bilstm-episodes-" + episodes + ".arrow");
        long t0 = System.nanoTime();
        if (!Files.exists(data)) {
            write(data, episodes);
        }
        System.out.printf(Locale.ROOT, "data: %s, %d episodes, %.1f MB (written in %.1f s)%n", data, episodes,
                Files.size(data) / 1e6, (System.nanoTime() - t0) / 1e9);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf(Locale.ROOT, "max heap %.0f MB; heap after GC at start: %.1f MB%n",
                Runtime.getRuntime().maxMemory() / 1e6, heapAfterGc(memory));
        Explainer explainer = method.equals("ig16") ? IntegratedGradients.builder().steps(16).build()
                : Saliency.builder().absolute(false).build();
        long[] next = {every};
        try (OrtModel model = OrtModel.open(ReferenceModels.source("synthetic_bilstm"))) {
            DatasetSummarizer.Result r = DatasetSummarizer.builder().progress((done, seconds) -> {
                if (done >= next[0]) {
                    next[0] += every;
                    System.out.printf(Locale.ROOT, "  %7d episodes  %6.1f s  %6.0f episodes/s  heap after GC %6.1f MB%n",
                            done, seconds, done / seconds, heapAfterGc(memory));
                }
            }).build().summarize(model, explainer, () -> InstanceSource.open(data, model.info().input(), "synthetic_bilstm"));
            System.out.printf(Locale.ROOT, "%s: %d episodes; bins pass %.1f s; explain+aggregate %.1f s = %.0f episodes/s;"
                            + " predicted %s %d, %s %d; heap after GC at end %.1f MB%n", explainer.method(),
                    r.summary().episodes(), r.binSeconds(), r.explainSeconds(), r.episodesPerSecond(),
                    r.summary().classNames().get(0), r.summary().episodes(0), r.summary().classNames().get(1),
                    r.summary().episodes(1), heapAfterGc(memory));
            Path out = work.resolve("bilstm-summary-" + episodes + ".arrow");
            SummaryArrowFile.write(out, r.summary(), Map.of("model", "synthetic_bilstm", "method", explainer.method()));
            System.out.printf(Locale.ROOT, "summary: %s (%d rows)%n", out, SummaryArrowFile.read(out).rows().size());
        }
    }

    private static double heapAfterGc(MemoryMXBean memory) {
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed() / 1e6;
    }

    /** One episode of the documented generator into {@code x[offset, offset + 96)}; returns its label. */
    static int episode(long index, float[] x, int offset) {
        SplittableRandom r = new SplittableRandom(0x5EEDL * 1_000_003L + index);
        for (int f = 0; f < F; f++) {
            double level = r.nextGaussian();
            for (int t = 0; t < T; t++) {
                x[offset + t * F + f] = (float) (level + 0.3 * r.nextGaussian());
            }
        }
        int kind = (int) (index % 6);
        int label = 0;
        if (kind < 3) {
            step(x, offset, 0, r.nextInt(16, 24), 1.5f);
            label = 1;
        } else if (kind == 3) {
            if (r.nextDouble() < 0.5) {
                step(x, offset, 0, r.nextInt(16, 24), -1.5f);
            }
        } else if (kind == 4) {
            step(x, offset, 0, r.nextInt(2, 13), 1.5f);
        } else {
            int f = r.nextInt(1, 4);
            step(x, offset, f, r.nextInt(16, 24), 1.5f);
        }
        if (r.nextDouble() < 0.3) {
            int f = r.nextInt(1, 4);
            int t0 = r.nextInt(0, 24);
            step(x, offset, f, t0, r.nextBoolean() ? 1.5f : -1.5f);
        }
        return label;
    }

    private static void step(float[] x, int offset, int f, int t0, float size) {
        for (int t = t0; t < T; t++) {
            x[offset + t * F + f] += size;
        }
    }

    /** Streams {@code n} episodes into an Arrow file, 1024 per record batch. */
    static void write(Path file, int n) throws IOException {
        int cells = T * F;
        Field input = new Field("input", FieldType.notNullable(new ArrowType.FixedSizeList(cells)),
                List.of(new Field("value", FieldType.notNullable(new ArrowType.FloatingPoint(
                        FloatingPointPrecision.SINGLE)), null)));
        Field label = new Field("label", FieldType.notNullable(new ArrowType.Int(32, true)), null);
        Schema schema = new Schema(List.of(input, label));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
             FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             ArrowFileWriter writer = new ArrowFileWriter(root, new DictionaryProvider.MapDictionaryProvider(), channel)) {
            writer.start();
            float[] x = new float[1024 * cells];
            for (int from = 0; from < n; from += 1024) {
                int rows = Math.min(1024, n - from);
                root.allocateNew();
                FixedSizeListVector list = (FixedSizeListVector) root.getVector("input");
                Float4Vector values = (Float4Vector) list.getDataVector();
                IntVector labels = (IntVector) root.getVector("label");
                for (int i = 0; i < rows; i++) {
                    labels.setSafe(i, episode(from + i, x, i * cells));
                    list.setNotNull(i);
                    for (int c = 0; c < cells; c++) {
                        values.setSafe(i * cells + c, x[i * cells + c]);
                    }
                }
                values.setValueCount(rows * cells);
                list.setValueCount(rows);
                labels.setValueCount(rows);
                root.setRowCount(rows);
                writer.writeBatch();
            }
            writer.end();
        }
        Files.move(tmp, file);
    }
}
