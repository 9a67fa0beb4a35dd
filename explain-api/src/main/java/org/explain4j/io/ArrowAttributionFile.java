package org.explain4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.explain4j.ExplainException;
import org.explain4j.explain.Attribution;
import org.explain4j.explain.Provenance;
import org.explain4j.explain.Target;
import org.explain4j.model.ModelDescription;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.Score;
import org.explain4j.tensor.FloatTensor;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * An {@link Attribution} as an Arrow IPC file ({@code attribution.arrow}), one row per sample:
 *
 * <table>
 *   <caption>columns</caption>
 *   <tr><td>{@code row}</td><td>int32</td><td>the sample's row in the input file</td></tr>
 *   <tr><td>{@code target}</td><td>int32</td><td>explained class</td></tr>
 *   <tr><td>{@code predicted}</td><td>int32</td><td>class with the largest output</td></tr>
 *   <tr><td>{@code attribution}</td><td>fixed_size_list&lt;float32&gt;[S]</td><td>the sample's attribution, flattened row-major</td></tr>
 *   <tr><td>{@code input}</td><td>fixed_size_list&lt;float32&gt;[S]</td><td>the explained input, flattened</td></tr>
 *   <tr><td>{@code output}</td><td>fixed_size_list&lt;float32&gt;[C]</td><td>the model's outputs (logits)</td></tr>
 *   <tr><td>{@code diagnostic.NAME}</td><td>float64</td><td>one column per diagnostic</td></tr>
 * </table>
 *
 * <p>Schema metadata: {@code explain4j.format} ({@value #FORMAT}), {@code shape} and
 * {@code output_shape} (JSON arrays, batch first), {@code method}, {@code score},
 * {@code parameters} (JSON object), {@code model}, {@code model_checksum}, {@code backend},
 * {@code device}, {@code seed} (empty when none), {@code created}, {@code explain4j_version},
 * and when the model describes them {@code layout}, {@code feature_names}, {@code class_names}
 * (JSON arrays). In pyarrow: {@code np.stack(t["attribution"].to_numpy(zero_copy_only=False)).reshape(json.loads(t.schema.metadata[b"shape"]))}.
 */
public final class ArrowAttributionFile {
    public static final String FORMAT = "explain4j-attribution-1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIAGNOSTIC = "diagnostic.";

    private ArrowAttributionFile() {
    }

    /** What a file holds: the attribution, each sample's input row, and the raw schema metadata. */
    public record Contents(Attribution attribution, int[] rows, Map<String, String> metadata) {
    }

    /**
     * Writes {@code a} to {@code file}.
     *
     * @param rows each sample's row in the input file (null: 0..N-1)
     */
    public static void write(Path file, Attribution a, ModelInfo info, int[] rows) throws IOException {
        int n = a.batchSize();
        int s = a.values().sampleSize();
        int c = a.outputs().sampleSize();
        int[] rowIndex = rows != null ? rows : java.util.stream.IntStream.range(0, n).toArray();
        if (rowIndex.length != n) {
            throw new IllegalArgumentException(rowIndex.length + " row indices for " + n + " samples");
        }
        List<Field> fields = new ArrayList<>(List.of(
                intField("row"), intField("target"), intField("predicted"),
                listField("attribution", s), listField("input", s), listField("output", c)));
        for (String d : a.diagnostics().keySet()) {
            fields.add(new Field(DIAGNOSTIC + d,
                    FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null));
        }
        Schema schema = new Schema(fields, metadata(a, info));
        int[] predicted = Target.predicted().resolve(a.outputs());
        int[] targets = a.targets();
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            fillInts((IntVector) root.getVector("row"), rowIndex);
            fillInts((IntVector) root.getVector("target"), targets);
            fillInts((IntVector) root.getVector("predicted"), predicted);
            fillList((FixedSizeListVector) root.getVector("attribution"), a.values().data(), n, s);
            fillList((FixedSizeListVector) root.getVector("input"), a.inputs().data(), n, s);
            fillList((FixedSizeListVector) root.getVector("output"), a.outputs().data(), n, c);
            for (Map.Entry<String, double[]> d : a.diagnostics().entrySet()) {
                Float8Vector v = (Float8Vector) root.getVector(DIAGNOSTIC + d.getKey());
                v.allocateNew(n);
                for (int i = 0; i < n; i++) {
                    v.set(i, i < d.getValue().length ? d.getValue()[i] : Double.NaN);
                }
                v.setValueCount(n);
            }
            root.setRowCount(n);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                 ArrowFileWriter writer = new ArrowFileWriter(root, new DictionaryProvider.MapDictionaryProvider(),
                         channel)) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
        }
    }

    /** Reads a file written by {@link #write}. */
    public static Contents read(Path file) {
        return readTables(file, true);
    }

    /** Only the explained inputs, shaped as stored ({@code [N,...]}): for reusing a run's inputs. */
    public static FloatTensor readInputs(Path file) {
        return readTables(file, false).attribution().inputs();
    }

    private static Contents readTables(Path file, boolean everything) {
        String source = file.toString();
        if (!Files.exists(file)) {
            throw new ExplainException("file " + source + " does not exist");
        }
        try (BufferAllocator allocator = new RootAllocator();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            Map<String, String> meta = root.getSchema().getCustomMetadata();
            if (meta == null || !FORMAT.equals(meta.get("explain4j.format"))) {
                throw new ExplainException(source + " is an Arrow file but not an explain4j attribution file (schema metadata "
                        + "explain4j.format=" + FORMAT + " missing)");
            }
            long[] shape = longs(meta.get("shape"), source);
            long[] outputShape = longs(meta.get("output_shape"), source);
            List<String> diagnosticNames = new ArrayList<>();
            for (Field f : root.getSchema().getFields()) {
                if (f.getName().startsWith(DIAGNOSTIC)) {
                    diagnosticNames.add(f.getName().substring(DIAGNOSTIC.length()));
                }
            }
            Columns cols = new Columns(diagnosticNames);
            while (reader.loadNextBatch()) {
                cols.append(root);
            }
            int n = cols.rows.size();
            if (n != shape[0]) {
                throw new ExplainException(source + " holds " + n + " rows but its metadata says shape "
                        + InputShapes.text(shape));
            }
            FloatTensor inputs = new FloatTensor(shape, cols.input.toArray());
            FloatTensor values = new FloatTensor(shape, cols.attribution.toArray());
            FloatTensor outputs = new FloatTensor(outputShape, cols.output.toArray());
            if (!everything) {
                return new Contents(new Attribution(values, inputs, outputs, cols.targets.stream().mapToInt(i -> i).toArray(),
                        Score.LOGIT, "", Map.of(), Map.of(), null), null, meta);
            }
            Map<String, double[]> diagnostics = new LinkedHashMap<>();
            for (int d = 0; d < diagnosticNames.size(); d++) {
                diagnostics.put(diagnosticNames.get(d), cols.diagnostics.get(d).stream().mapToDouble(x -> x).toArray());
            }
            String seed = meta.getOrDefault("seed", "");
            Provenance provenance = new Provenance(meta.get("model"), meta.get("model_checksum"), meta.get("backend"),
                    meta.get("device"), seed.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(seed)),
                    meta.containsKey("created") ? Instant.parse(meta.get("created")) : null,
                    meta.get("explain4j_version"));
            Attribution a = new Attribution(values, inputs, outputs, cols.targets.stream().mapToInt(i -> i).toArray(),
                    Score.parse(meta.getOrDefault("score", "logit")), meta.get("method"),
                    parameters(meta.get("parameters"), source), diagnostics, provenance);
            return new Contents(a, cols.rows.stream().mapToInt(i -> i).toArray(), meta);
        } catch (ExplainException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ExplainException(source + " is not a readable Arrow IPC file: " + firstLine(e));
        }
    }

    /** The schema metadata: everything an attribution records besides its numbers. */
    static Map<String, String> metadata(Attribution a, ModelInfo info) throws JsonProcessingException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("explain4j.format", FORMAT);
        m.put("shape", JSON.writeValueAsString(a.values().shape()));
        m.put("output_shape", JSON.writeValueAsString(a.outputs().shape()));
        m.put("method", a.method());
        m.put("score", a.score().name().toLowerCase(java.util.Locale.ROOT));
        m.put("parameters", JSON.writeValueAsString(a.parameters()));
        Provenance p = a.provenance();
        m.put("model", p != null && p.modelName() != null ? p.modelName() : info != null ? info.name() : "");
        m.put("model_checksum", p != null && p.modelChecksum() != null ? p.modelChecksum() : "");
        m.put("backend", p != null && p.backend() != null ? p.backend() : "");
        m.put("device", p != null && p.device() != null ? p.device() : "");
        m.put("seed", p != null && p.seed().isPresent() ? Long.toString(p.seed().getAsLong()) : "");
        if (p != null && p.created() != null) {
            m.put("created", p.created().toString());
        }
        m.put("explain4j_version", p != null && p.explain4jVersion() != null ? p.explain4jVersion() : "");
        ModelDescription d = info != null ? info.description() : null;
        if (d != null) {
            if (d.layout() != null) {
                m.put("layout", d.layout().name().toLowerCase(java.util.Locale.ROOT));
            }
            if (!d.featureNames().isEmpty()) {
                m.put("feature_names", JSON.writeValueAsString(d.featureNames()));
            }
            if (!d.classNames().isEmpty()) {
                m.put("class_names", JSON.writeValueAsString(d.classNames()));
            }
        }
        return m;
    }

    private static final class Columns {
        final List<Integer> rows = new ArrayList<>();
        final List<Integer> targets = new ArrayList<>();
        final FloatList attribution = new FloatList();
        final FloatList input = new FloatList();
        final FloatList output = new FloatList();
        final List<String> diagnosticNames;
        final List<List<Double>> diagnostics = new ArrayList<>();

        Columns(List<String> diagnosticNames) {
            this.diagnosticNames = diagnosticNames;
            diagnosticNames.forEach(d -> diagnostics.add(new ArrayList<>()));
        }

        void append(VectorSchemaRoot root) {
            int n = root.getRowCount();
            IntVector row = (IntVector) root.getVector("row");
            IntVector target = (IntVector) root.getVector("target");
            for (int i = 0; i < n; i++) {
                rows.add(row.get(i));
                targets.add(target.get(i));
            }
            attribution.addAll(column(root, "attribution"), n);
            input.addAll(column(root, "input"), n);
            output.addAll(column(root, "output"), n);
            for (int d = 0; d < diagnosticNames.size(); d++) {
                Float8Vector v = (Float8Vector) root.getVector(DIAGNOSTIC + diagnosticNames.get(d));
                for (int i = 0; i < n; i++) {
                    diagnostics.get(d).add(v.get(i));
                }
            }
        }

        private static FixedSizeListVector column(VectorSchemaRoot root, String name) {
            FieldVector v = root.getVector(name);
            if (!(v instanceof FixedSizeListVector list)) {
                throw new ExplainException("attribution file lacks the column '" + name + "' (fixed-size list of float32)");
            }
            return list;
        }
    }

    /** A growable float array, to avoid boxing every value. */
    private static final class FloatList {
        private float[] data = new float[1024];
        private int size;

        void addAll(FixedSizeListVector list, int rows) {
            Float4Vector child = (Float4Vector) list.getDataVector();
            int count = rows * list.getListSize();
            if (size + count > data.length) {
                data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, size + count));
            }
            for (int i = 0; i < count; i++) {
                data[size++] = child.get(i);
            }
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }

    private static Field intField(String name) {
        return new Field(name, FieldType.notNullable(new ArrowType.Int(32, true)), null);
    }

    private static Field listField(String name, int size) {
        Field item = new Field("item", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
        return new Field(name, FieldType.notNullable(new ArrowType.FixedSizeList(size)), List.of(item));
    }

    private static void fillInts(IntVector v, int[] values) {
        v.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            v.set(i, values[i]);
        }
        v.setValueCount(values.length);
    }

    private static void fillList(FixedSizeListVector v, float[] values, int rows, int size) {
        v.setInitialCapacity(rows); // also sizes the child vector to rows × size
        v.allocateNew();
        Float4Vector child = (Float4Vector) v.getDataVector();
        for (int i = 0; i < values.length; i++) {
            child.setSafe(i, values[i]);
        }
        child.setValueCount(values.length);
        for (int r = 0; r < rows; r++) {
            v.setNotNull(r);
        }
        v.setValueCount(rows);
    }

    private static long[] longs(String json, String source) {
        if (json == null) {
            throw new ExplainException(source + " lacks the shape metadata of an explain4j attribution file");
        }
        try {
            return JSON.readValue(json, long[].class);
        } catch (JsonProcessingException e) {
            throw new ExplainException(source + " has malformed shape metadata: " + json);
        }
    }

    private static Map<String, Object> parameters(String json, String source) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            throw new ExplainException(source + " has malformed parameters metadata: " + json);
        }
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
    }
}
