package org.explain4j.perturb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Streams an audit's per-instance results into one Arrow IPC file ({@code audit.arrow}), one
 * record batch per {@link #write} call, reusing the same vectors so memory stays flat however
 * many instances pass. {@link #close()} writes the file's footer; it is safe to call from a
 * shutdown hook while another thread writes (both are synchronized), after which further
 * writes are refused, so an interrupted audit still leaves a valid file with the instances
 * written so far.
 *
 * <table>
 *   <caption>columns</caption>
 *   <tr><td>{@code instance}</td><td>int64</td><td>index in the data set, from 0</td></tr>
 *   <tr><td>{@code id}</td><td>utf8</td><td>row, or {@code file:row} for a directory</td></tr>
 *   <tr><td>{@code predicted}</td><td>int32</td><td>class with the largest output</td></tr>
 *   <tr><td>{@code target}</td><td>int32</td><td>explained class</td></tr>
 *   <tr><td>{@code label}</td><td>float32</td><td>the data's label, NaN when none</td></tr>
 *   <tr><td>{@code score}</td><td>float64</td><td>the model's score of the target at the instance</td></tr>
 *   <tr><td>{@code intercept}, {@code local_prediction}, {@code r2}</td><td>float64</td>
 *       <td>the additive model of {@link SurrogateExplanation} (R² NaN where nothing is fitted)</td></tr>
 *   <tr><td>{@code attribution.<feature>}</td><td>float64</td><td>one column per interpretable feature</td></tr>
 * </table>
 * Schema metadata: {@code explain4j.format} ({@value #FORMAT}), {@code feature_names} and
 * {@code class_names} (JSON arrays), and whatever the caller adds (method, parameters, model…).
 */
public final class AuditWriter implements AutoCloseable {
    public static final String FORMAT = "explain4j-audit-1";
    public static final String ATTRIBUTION = "attribution.";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One instance's row. */
    public record Row(long instance, String id, int predicted, int target, float label, double score,
                      double intercept, double localPrediction, double r2, double[] attribution) {
    }

    private final Path file;
    private final int features;
    private final BufferAllocator allocator;
    private final VectorSchemaRoot root;
    private final FileChannel channel;
    private final ArrowFileWriter writer;
    private long rows;
    private boolean closed;

    /**
     * Creates {@code file} and writes the schema.
     *
     * @param metadata extra schema metadata (method, parameters, model, …)
     */
    public AuditWriter(Path file, List<String> featureNames, List<String> classNames, Map<String, String> metadata) {
        this.file = file;
        this.features = featureNames.size();
        List<Field> fields = new ArrayList<>(List.of(
                field("instance", new ArrowType.Int(64, true)),
                field("id", ArrowType.Utf8.INSTANCE),
                field("predicted", new ArrowType.Int(32, true)),
                field("target", new ArrowType.Int(32, true)),
                field("label", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                field("score", double64()),
                field("intercept", double64()),
                field("local_prediction", double64()),
                field("r2", double64())));
        Set<String> seen = new HashSet<>();
        for (String name : featureNames) {
            String column = ATTRIBUTION + name;
            for (int k = 2; !seen.add(column); k++) {
                column = ATTRIBUTION + name + " (" + k + ")"; // keep column names unique
            }
            fields.add(field(column, double64()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("explain4j.format", FORMAT);
        try {
            meta.put("feature_names", JSON.writeValueAsString(featureNames));
            meta.put("class_names", JSON.writeValueAsString(classNames));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        meta.putAll(metadata);
        this.allocator = new RootAllocator();
        try {
            this.root = VectorSchemaRoot.create(new Schema(fields, meta), allocator);
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            this.writer = new ArrowFileWriter(root, new DictionaryProvider.MapDictionaryProvider(), channel);
            writer.start();
        } catch (IOException | RuntimeException e) {
            allocator.close();
            throw new ExplainException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /**
     * Appends one record batch.
     *
     * @return false when the writer was already closed (an interrupted run): nothing written
     */
    public synchronized boolean write(List<Row> batch) {
        if (closed) {
            return false;
        }
        int n = batch.size();
        root.allocateNew();
        BigIntVector instance = (BigIntVector) root.getVector(0);
        VarCharVector id = (VarCharVector) root.getVector(1);
        IntVector predicted = (IntVector) root.getVector(2);
        IntVector target = (IntVector) root.getVector(3);
        Float4Vector label = (Float4Vector) root.getVector(4);
        for (int i = 0; i < n; i++) {
            Row r = batch.get(i);
            if (r.attribution().length != features) {
                throw new IllegalArgumentException(r.attribution().length + " attributions for " + features + " features");
            }
            instance.setSafe(i, r.instance());
            id.setSafe(i, r.id().getBytes(StandardCharsets.UTF_8));
            predicted.setSafe(i, r.predicted());
            target.setSafe(i, r.target());
            label.setSafe(i, r.label());
            ((Float8Vector) root.getVector(5)).setSafe(i, r.score());
            ((Float8Vector) root.getVector(6)).setSafe(i, r.intercept());
            ((Float8Vector) root.getVector(7)).setSafe(i, r.localPrediction());
            ((Float8Vector) root.getVector(8)).setSafe(i, r.r2());
            for (int f = 0; f < features; f++) {
                ((Float8Vector) root.getVector(9 + f)).setSafe(i, r.attribution()[f]);
            }
        }
        root.setRowCount(n);
        try {
            writer.writeBatch();
        } catch (IOException e) {
            throw new ExplainException("cannot write " + file + ": " + e.getMessage());
        }
        rows += n;
        return true;
    }

    /** Instances written so far. */
    public synchronized long rows() {
        return rows;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Writes the footer and releases the file; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.end();
            writer.close();
            channel.close();
        } catch (IOException e) {
            throw new ExplainException("cannot finish " + file + ": " + e.getMessage());
        } finally {
            root.close();
            allocator.close();
        }
    }

    private static ArrowType double64() {
        return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    }

    private static Field field(String name, ArrowType type) {
        return new Field(name, FieldType.notNullable(type), null);
    }
}
