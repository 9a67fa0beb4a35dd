package org.explain4j.summary;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.explain4j.ExplainException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link AttributionSummary} as an Arrow IPC file in long form, one row per non-empty group:
 * {@code class, class_name, feature, feature_name, bin, bin_label, bin_low, bin_high, time,
 * count, mean, std} ({@code std}: sample standard deviation, NaN below 2 values). Rows with
 * {@code bin = -1} ({@code bin_label = "all"}) are the marginal over all values of the feature
 * at that time — what the per-class heatmaps show. Schema metadata: {@code format}
 * ({@value #FORMAT}), {@code episodes}, and whatever the caller adds (model, method, ...).
 * Written in record batches of {@value #BATCH} rows.
 *
 * <p>In pyarrow: {@code pa.ipc.open_file(path).read_pandas()}.
 */
public final class SummaryArrowFile {
    public static final String FORMAT = "explain4j-summary-1";
    static final int BATCH = 4096;

    private SummaryArrowFile() {
    }

    /** One row of the file. */
    public record Row(int classIndex, String className, int feature, String featureName, int bin, String binLabel,
                      double binLow, double binHigh, int time, long count, double mean, double std) {
    }

    private static Schema schema(Map<String, String> metadata) {
        List<Field> f = new ArrayList<>();
        f.add(field("class", new ArrowType.Int(32, true)));
        f.add(field("class_name", ArrowType.Utf8.INSTANCE));
        f.add(field("feature", new ArrowType.Int(32, true)));
        f.add(field("feature_name", ArrowType.Utf8.INSTANCE));
        f.add(field("bin", new ArrowType.Int(32, true)));
        f.add(field("bin_label", ArrowType.Utf8.INSTANCE));
        f.add(field("bin_low", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
        f.add(field("bin_high", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
        f.add(field("time", new ArrowType.Int(32, true)));
        f.add(field("count", new ArrowType.Int(64, true)));
        f.add(field("mean", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
        f.add(field("std", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
        return new Schema(f, metadata);
    }

    private static Field field(String name, ArrowType type) {
        return new Field(name, FieldType.notNullable(type), null);
    }

    /** The rows of {@code s}: per class, feature, then the marginal (bin −1) and each bin, then time. */
    public static List<Row> rows(AttributionSummary s) {
        List<Row> out = new ArrayList<>();
        SummaryAxes ax = s.axes();
        ValueBins vb = s.bins();
        for (int c = 0; c < s.classes(); c++) {
            for (int f = 0; f < ax.features(); f++) {
                for (int b = -1; b < vb.count(f); b++) {
                    for (int t = 0; t < ax.times(); t++) {
                        RunningStats st = b < 0 ? s.marginal(c, f, t) : s.cell(c, f, b, t);
                        if (st.count() == 0) {
                            continue;
                        }
                        out.add(new Row(c, s.classNames().get(c), f, ax.featureNames().get(f), b,
                                b < 0 ? "all" : vb.label(f, b), b < 0 ? Double.NEGATIVE_INFINITY : vb.low(f, b),
                                b < 0 ? Double.POSITIVE_INFINITY : vb.high(f, b), t, st.count(), st.mean(), st.std()));
                    }
                }
            }
        }
        return out;
    }

    public static void write(Path file, AttributionSummary s, Map<String, String> extraMetadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("episodes", Long.toString(s.episodes()));
        meta.put("layout", s.axes().layout().name().toLowerCase(java.util.Locale.ROOT));
        meta.put("times", Integer.toString(s.axes().times()));
        meta.putAll(extraMetadata);
        List<Row> rows = rows(s);
        Schema schema = schema(meta);
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
             FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             ArrowFileWriter writer = new ArrowFileWriter(root, new DictionaryProvider.MapDictionaryProvider(), channel)) {
            writer.start();
            for (int from = 0; from < rows.size() || from == 0; from += BATCH) {
                int to = Math.min(rows.size(), from + BATCH);
                fill(root, rows.subList(from, to));
                writer.writeBatch();
                if (rows.isEmpty()) {
                    break;
                }
            }
            writer.end();
        }
    }

    private static void fill(VectorSchemaRoot root, List<Row> rows) {
        int n = rows.size();
        root.allocateNew();
        IntVector cls = (IntVector) root.getVector("class");
        VarCharVector clsName = (VarCharVector) root.getVector("class_name");
        IntVector feat = (IntVector) root.getVector("feature");
        VarCharVector featName = (VarCharVector) root.getVector("feature_name");
        IntVector bin = (IntVector) root.getVector("bin");
        VarCharVector binLabel = (VarCharVector) root.getVector("bin_label");
        Float8Vector lo = (Float8Vector) root.getVector("bin_low");
        Float8Vector hi = (Float8Vector) root.getVector("bin_high");
        IntVector time = (IntVector) root.getVector("time");
        BigIntVector count = (BigIntVector) root.getVector("count");
        Float8Vector mean = (Float8Vector) root.getVector("mean");
        Float8Vector std = (Float8Vector) root.getVector("std");
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            cls.setSafe(i, r.classIndex());
            clsName.setSafe(i, r.className().getBytes(StandardCharsets.UTF_8));
            feat.setSafe(i, r.feature());
            featName.setSafe(i, r.featureName().getBytes(StandardCharsets.UTF_8));
            bin.setSafe(i, r.bin());
            binLabel.setSafe(i, r.binLabel().getBytes(StandardCharsets.UTF_8));
            lo.setSafe(i, r.binLow());
            hi.setSafe(i, r.binHigh());
            time.setSafe(i, r.time());
            count.setSafe(i, r.count());
            mean.setSafe(i, r.mean());
            std.setSafe(i, r.std());
        }
        root.setRowCount(n);
    }

    /** Reads a file written by {@link #write}: its rows and schema metadata. */
    public record Contents(List<Row> rows, Map<String, String> metadata) {
    }

    public static Contents read(Path file) {
        List<Row> rows = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            Map<String, String> meta = root.getSchema().getCustomMetadata();
            if (meta == null || !FORMAT.equals(meta.get("format"))) {
                throw new ExplainException(file + " is not an explain4j summary (format " + FORMAT + ")");
            }
            while (reader.loadNextBatch()) {
                for (int i = 0; i < root.getRowCount(); i++) {
                    rows.add(new Row(((IntVector) root.getVector("class")).get(i),
                            text(root, "class_name", i), ((IntVector) root.getVector("feature")).get(i),
                            text(root, "feature_name", i), ((IntVector) root.getVector("bin")).get(i),
                            text(root, "bin_label", i), ((Float8Vector) root.getVector("bin_low")).get(i),
                            ((Float8Vector) root.getVector("bin_high")).get(i),
                            ((IntVector) root.getVector("time")).get(i),
                            ((BigIntVector) root.getVector("count")).get(i),
                            ((Float8Vector) root.getVector("mean")).get(i),
                            ((Float8Vector) root.getVector("std")).get(i)));
                }
            }
            return new Contents(rows, new LinkedHashMap<>(meta));
        } catch (IOException e) {
            throw new ExplainException("cannot read summary " + file + ": " + e.getMessage());
        }
    }

    private static String text(VectorSchemaRoot root, String name, int i) {
        return new String(((VarCharVector) root.getVector(name)).get(i), StandardCharsets.UTF_8);
    }
}
