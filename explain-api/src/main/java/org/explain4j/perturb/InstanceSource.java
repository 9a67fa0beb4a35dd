package org.explain4j.perturb;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.explain4j.ExplainException;
import org.explain4j.io.InputData;
import org.explain4j.io.InputFiles;
import org.explain4j.io.RowSelection;
import org.explain4j.model.TensorInfo;
import org.explain4j.tensor.FloatTensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A data set read a chunk of instances at a time, so an audit over it holds one chunk (one
 * Arrow record batch, one file of a directory) and never the whole set.
 *
 * <ul>
 *   <li><b>CSV file</b>, tabular model {@code [N,F]}: one instance per line, streamed; a first
 *       line with a non-numeric cell is a header; a line with {@code F+1} values has its label
 *       last. Comma, semicolon or tab, detected from the first line.</li>
 *   <li><b>CSV file</b>, sequence or image model: the file is one instance (as {@code explain}
 *       reads it).</li>
 *   <li><b>Directory</b>: its {@code .csv}, {@code .tsv}, {@code .npy} and {@code .arrow} files in
 *       name order, each read as above (e.g. one episode per file); ids are {@code file:row}.</li>
 *   <li><b>Arrow IPC file</b>: record batch by record batch; either a fixed-size-list column
 *       {@code input} holding flattened samples (an explain4j attribution file), or one numeric
 *       column per feature of a tabular model; a numeric column {@code label} is the label.</li>
 * </ul>
 */
public abstract class InstanceSource implements AutoCloseable {

    /**
     * Instances read together.
     *
     * @param inputs {@code [n, sample...]}
     * @param ids    each instance's origin: {@code row} or {@code file:row}
     * @param labels each instance's label, NaN where the data has none
     */
    public record Chunk(FloatTensor inputs, List<String> ids, float[] labels) {
        public int size() {
            return inputs.batchSize();
        }
    }

    final TensorInfo input;
    final String modelName;
    final long[] sampleShape;
    final int sampleSize;

    InstanceSource(TensorInfo input, String modelName, long[] sampleShape) {
        this.input = input;
        this.modelName = modelName;
        this.sampleShape = sampleShape;
        this.sampleSize = Math.toIntExact(FloatTensor.elementCount(sampleShape));
    }

    /**
     * Opens {@code data} for the model input {@code input}.
     *
     * @throws ExplainException when the path is missing, of an unknown type, or a directory
     *                          holding no data files
     */
    public static InstanceSource open(Path data, TensorInfo input, String modelName) {
        if (!Files.exists(data)) {
            throw new ExplainException("data " + data + " does not exist; give a CSV or Arrow file or a directory of them");
        }
        if (Files.isDirectory(data)) {
            List<Path> files;
            try (Stream<Path> list = Files.list(data)) {
                files = list.filter(Files::isRegularFile).filter(p -> isData(p.getFileName().toString()))
                        .sorted().toList();
            } catch (IOException e) {
                throw new ExplainException("cannot list data directory " + data + ": " + e.getMessage());
            }
            if (files.isEmpty()) {
                throw new ExplainException("data directory " + data + " holds no .csv, .tsv, .npy or .arrow files;"
                        + " give a directory with one file per episode, or a single data file");
            }
            return new Directory(input, modelName, files);
        }
        return single(data, input, modelName, null);
    }

    /** Reads up to {@code max} further instances; null when the data is exhausted. */
    public abstract Chunk next(int max);

    /** The shape of one instance. */
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public abstract void close();

    private static InstanceSource single(Path file, TensorInfo input, String modelName, String idPrefix) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        long[] shape = input.shape();
        boolean tabular = shape.length == 2;
        if (tabular && shape[1] < 1) {
            throw new ExplainException("model '" + modelName + "' takes " + input.shapeText()
                    + " with an open feature count; audits need a fixed sample shape");
        }
        if (tabular && (name.endsWith(".csv") || name.endsWith(".tsv") || name.endsWith(".txt"))) {
            return new CsvRows(input, modelName, file, idPrefix);
        }
        if (name.endsWith(".arrow") || name.endsWith(".feather") || name.endsWith(".ipc")) {
            return new ArrowBatches(input, modelName, file, idPrefix);
        }
        return new WholeFile(input, modelName, file, idPrefix);
    }

    private static boolean isData(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".tsv") || n.endsWith(".npy") || n.endsWith(".arrow");
    }

    static long[] fixedSample(TensorInfo input, String modelName) {
        long[] s = input.sampleShape();
        for (long d : s) {
            if (d < 1) {
                throw new ExplainException("model '" + modelName + "' takes " + input.shapeText()
                        + " with an open axis; an audit of a file needs a fixed sample shape");
            }
        }
        return s;
    }

    /** Collects instances into one chunk. */
    static final class ChunkBuilder {
        private final long[] sampleShape;
        private final int sampleSize;
        private final float[] data;
        private final List<String> ids = new ArrayList<>();
        private final float[] labels;
        private int n;

        ChunkBuilder(long[] sampleShape, int sampleSize, int max) {
            this.sampleShape = sampleShape;
            this.sampleSize = sampleSize;
            this.data = new float[Math.multiplyExact(max, sampleSize)];
            this.labels = new float[max];
        }

        boolean full() {
            return n == labels.length;
        }

        float[] slot() {
            return data;
        }

        int offset() {
            return n * sampleSize;
        }

        void add(String id, float label) {
            ids.add(id);
            labels[n++] = label;
        }

        void add(float[] src, int from, String id, float label) {
            System.arraycopy(src, from, data, n * sampleSize, sampleSize);
            add(id, label);
        }

        Chunk build() {
            if (n == 0) {
                return null;
            }
            long[] shape = new long[sampleShape.length + 1];
            shape[0] = n;
            System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
            return new Chunk(new FloatTensor(shape, Arrays.copyOf(data, n * sampleSize)), List.copyOf(ids),
                    Arrays.copyOf(labels, n));
        }
    }

    /** A tabular CSV file, one line at a time. */
    static final class CsvRows extends InstanceSource {
        private final Path file;
        private final String idPrefix;
        private final BufferedReader reader;
        private final int features;
        private char delimiter;
        private int lineNumber;
        private int row;
        private boolean started;

        CsvRows(TensorInfo input, String modelName, Path file, String idPrefix) {
            super(input, modelName, fixedSample(input, modelName));
            this.file = file;
            this.idPrefix = idPrefix;
            this.features = sampleSize;
            try {
                this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ExplainException("cannot read data file " + file + ": " + e.getMessage());
            }
        }

        @Override
        public Chunk next(int max) {
            ChunkBuilder b = new ChunkBuilder(sampleShape, sampleSize, max);
            try {
                String line;
                while (!b.full() && (line = reader.readLine()) != null) {
                    lineNumber++;
                    if (line.isBlank()) {
                        continue;
                    }
                    if (!started) {
                        started = true;
                        delimiter = delimiter(line);
                        if (Arrays.stream(split(line)).anyMatch(c -> !c.isBlank() && !isNumber(c))) {
                            continue; // a header
                        }
                    }
                    String[] cells = split(line);
                    if (cells.length != features && cells.length != features + 1) {
                        throw new ExplainException(file + " line " + lineNumber + " has " + cells.length
                                + " values; model '" + modelName + "' takes " + features + " features per row (plus an"
                                + " optional label last)");
                    }
                    float[] slot = b.slot();
                    int at = b.offset();
                    for (int c = 0; c < features; c++) {
                        slot[at + c] = parse(cells[c], c);
                    }
                    float label = cells.length > features && isNumber(cells[features])
                            ? Float.parseFloat(cells[features].trim()) : Float.NaN;
                    b.add(idPrefix == null ? Integer.toString(row) : idPrefix + ":" + row, label);
                    row++;
                }
            } catch (IOException e) {
                throw new ExplainException("cannot read data file " + file + " at line " + lineNumber + ": " + e.getMessage());
            }
            return b.build();
        }

        private float parse(String cell, int column) {
            String t = cell.trim();
            if (!isNumber(t)) {
                throw new ExplainException(file + " line " + lineNumber + " column " + column + " holds '" + t
                        + "'; data cells must be finite numbers");
            }
            float v = Float.parseFloat(t);
            if (!Float.isFinite(v)) {
                throw new ExplainException(file + " line " + lineNumber + " column " + column + " holds " + t
                        + ", which is out of float range; data cells must be finite numbers");
            }
            return v;
        }

        private String[] split(String line) {
            return line.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)), -1);
        }

        private static char delimiter(String line) {
            char best = ',';
            long most = -1;
            for (char c : new char[] {',', ';', '\t'}) {
                long k = line.chars().filter(ch -> ch == c).count();
                if (k > most) {
                    most = k;
                    best = c;
                }
            }
            return best;
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException ignored) {
                // read-only
            }
        }
    }

    static boolean isNumber(String cell) {
        String t = cell.trim();
        if (t.isEmpty()) {
            return false;
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.contains("nan") || lower.contains("inf")) {
            return false;
        }
        try {
            Double.parseDouble(t);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A file read whole by {@link InputFiles} (one sequence sample, a .npy): small by nature. */
    static final class WholeFile extends InstanceSource {
        private final Path file;
        private final String idPrefix;
        private InputData data;
        private int next;

        WholeFile(TensorInfo input, String modelName, Path file, String idPrefix) {
            super(input, modelName, new long[0]);
            this.file = file;
            this.idPrefix = idPrefix;
        }

        @Override
        public Chunk next(int max) {
            if (data == null) {
                data = InputFiles.read(file, input, modelName, RowSelection.all());
            }
            FloatTensor t = data.tensor();
            if (next >= t.batchSize()) {
                return null;
            }
            int to = Math.min(t.batchSize(), next + max);
            float[] labels = new float[to - next];
            List<String> ids = new ArrayList<>();
            int[] rows = data.rows();
            for (int i = next; i < to; i++) {
                labels[i - next] = data.labels().isPresent() ? data.labels().get()[i] : Float.NaN;
                ids.add(idPrefix == null ? Integer.toString(rows[i]) : idPrefix + ":" + rows[i]);
            }
            Chunk c = new Chunk(t.slice(next, to), ids, labels);
            next = to;
            return c;
        }

        @Override
        public long[] sampleShape() {
            return data == null ? input.sampleShape() : data.tensor().sampleShape();
        }

        @Override
        public void close() {
            data = null;
        }
    }

    /** Files of a directory in name order, one open at a time. */
    static final class Directory extends InstanceSource {
        private final List<Path> files;
        private int index;
        private InstanceSource current;

        Directory(TensorInfo input, String modelName, List<Path> files) {
            super(input, modelName, new long[0]);
            this.files = files;
        }

        @Override
        public Chunk next(int max) {
            List<Chunk> parts = new ArrayList<>();
            int have = 0;
            while (have < max) {
                if (current == null) {
                    if (index == files.size()) {
                        break;
                    }
                    Path f = files.get(index++);
                    current = single(f, input, modelName, f.getFileName().toString());
                }
                Chunk c = current.next(max - have);
                if (c == null) {
                    current.close();
                    current = null;
                    continue;
                }
                parts.add(c);
                have += c.size();
            }
            if (parts.isEmpty()) {
                return null;
            }
            if (parts.size() == 1) {
                return parts.get(0);
            }
            List<FloatTensor> tensors = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            float[] labels = new float[have];
            int at = 0;
            for (Chunk c : parts) {
                tensors.add(c.inputs());
                ids.addAll(c.ids());
                System.arraycopy(c.labels(), 0, labels, at, c.size());
                at += c.size();
            }
            try {
                return new Chunk(FloatTensor.concat(tensors), ids, labels);
            } catch (IllegalArgumentException e) {
                throw new ExplainException("files of the data directory hold samples of different shapes (" + e.getMessage()
                        + "); give files with samples of one shape");
            }
        }

        @Override
        public void close() {
            if (current != null) {
                current.close();
            }
        }
    }

    /** An Arrow IPC file, one record batch in memory at a time. */
    static final class ArrowBatches extends InstanceSource {
        private static final Set<String> NOT_FEATURES = Set.of("label", "row", "target", "predicted", "instance", "id");
        private final Path file;
        private final String idPrefix;
        private final BufferAllocator allocator;
        private final FileChannel channel;
        private final ArrowFileReader reader;
        private int rowInBatch;
        private int batchRows = -1;
        private int row;

        ArrowBatches(TensorInfo input, String modelName, Path file, String idPrefix) {
            super(input, modelName, fixedSample(input, modelName));
            this.file = file;
            this.idPrefix = idPrefix;
            this.allocator = new RootAllocator();
            try {
                this.channel = FileChannel.open(file, StandardOpenOption.READ);
                this.reader = new ArrowFileReader(channel, allocator);
                reader.getVectorSchemaRoot();
            } catch (IOException | RuntimeException e) {
                allocator.close();
                throw new ExplainException(file + " is not a readable Arrow IPC file: " + e.getMessage());
            }
        }

        @Override
        public Chunk next(int max) {
            ChunkBuilder b = new ChunkBuilder(sampleShape, sampleSize, max);
            try {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                while (!b.full()) {
                    if (rowInBatch >= batchRows) {
                        if (!reader.loadNextBatch()) {
                            break;
                        }
                        batchRows = root.getRowCount();
                        rowInBatch = 0;
                        continue;
                    }
                    read(root, rowInBatch++, b);
                }
            } catch (IOException e) {
                throw new ExplainException("cannot read Arrow file " + file + ": " + e.getMessage());
            }
            return b.build();
        }

        private void read(VectorSchemaRoot root, int r, ChunkBuilder b) {
            float[] slot = b.slot();
            int at = b.offset();
            FieldVector in = root.getVector("input");
            if (in instanceof FixedSizeListVector list) {
                if (list.getListSize() != sampleSize) {
                    throw new ExplainException(file + ": column 'input' holds samples of " + list.getListSize()
                            + " values; model '" + modelName + "' takes " + input.shapeText());
                }
                Float4Vector child = (Float4Vector) list.getDataVector();
                for (int c = 0; c < sampleSize; c++) {
                    slot[at + c] = child.get(r * sampleSize + c);
                }
            } else {
                int c = 0;
                for (FieldVector v : root.getFieldVectors()) {
                    if (NOT_FEATURES.contains(v.getName().toLowerCase(Locale.ROOT))) {
                        continue;
                    }
                    if (c == sampleSize) {
                        throw new ExplainException(file + " has more than " + sampleSize + " numeric feature columns;"
                                + " model '" + modelName + "' takes " + input.shapeText());
                    }
                    slot[at + c++] = (float) number(v, r);
                }
                if (c != sampleSize) {
                    throw new ExplainException(file + " has " + c + " feature columns; model '" + modelName + "' takes "
                            + input.shapeText() + " (or give a fixed-size-list column 'input')");
                }
            }
            FieldVector label = root.getVector("label");
            b.add(idPrefix == null ? Integer.toString(row) : idPrefix + ":" + row,
                    label == null || label.isNull(r) ? Float.NaN : (float) number(label, r));
            row++;
        }

        private double number(FieldVector v, int r) {
            if (v.isNull(r)) {
                throw new ExplainException(file + " column '" + v.getName() + "' is null at row " + row
                        + "; data cells must be finite numbers");
            }
            if (v instanceof FloatingPointVector f) {
                return f.getValueAsDouble(r);
            }
            if (v instanceof BaseIntVector i) {
                return i.getValueAsLong(r);
            }
            throw new ExplainException(file + " column '" + v.getName() + "' is " + v.getField().getType()
                    + ", not a number; feature columns must be numeric");
        }

        @Override
        public void close() {
            try {
                reader.close();
                channel.close();
            } catch (IOException ignored) {
                // read-only
            } finally {
                allocator.close();
            }
        }
    }
}
