package org.explain4j.io;

import org.explain4j.ExplainException;
import org.explain4j.model.TensorInfo;
import org.explain4j.tensor.FloatTensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads model inputs from a file, chosen by its extension: {@code .csv}/{@code .tsv}/{@code .txt}
 * ({@link CsvInput}), {@code .npy} ({@link Npy}) or {@code .arrow} (the {@code inputs} column of
 * an {@link ArrowAttributionFile}). Every reader checks the shape against the model input and
 * refuses NaN and infinities, naming where they are.
 */
public final class InputFiles {
    private InputFiles() {
    }

    public static InputData read(Path file, TensorInfo input, String modelName, RowSelection selection) {
        if (!Files.exists(file)) {
            throw new ExplainException("input file " + file + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new ExplainException("input " + file + " is a directory; give a .csv, .npy or .arrow file");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv") || name.endsWith(".tsv") || name.endsWith(".txt")) {
            return CsvInput.read(file, input, modelName, selection);
        }
        if (name.endsWith(".npy")) {
            return Npy.read(file, input, modelName, selection);
        }
        if (name.endsWith(".arrow") || name.endsWith(".feather") || name.endsWith(".ipc")) {
            return readArrow(file, input, modelName, selection);
        }
        throw new ExplainException("input " + file + " has an unknown file type; give a .csv, .npy or .arrow file");
    }

    private static InputData readArrow(Path file, TensorInfo input, String modelName, RowSelection selection) {
        String source = file.toString();
        FloatTensor stored = ArrowAttributionFile.readInputs(file);
        long[] shape = InputShapes.fit(stored.shape(), input, source, modelName);
        FloatTensor all = stored.reshape(shape);
        Npy.checkFinite(all, source);
        return select(all, selection, source, Optional.empty(), List.of());
    }

    /** Applies a row selection to samples already read. */
    static InputData select(FloatTensor all, RowSelection selection, String source, Optional<float[]> labels,
                            List<String> names) {
        int[] rows = selection.resolve(all.batchSize(), source);
        if (selection.isAll()) {
            return new InputData(all, rows, labels, names, source);
        }
        List<FloatTensor> parts = new java.util.ArrayList<>(rows.length);
        for (int r : rows) {
            parts.add(all.sample(r));
        }
        return new InputData(FloatTensor.concat(parts), rows, labels, names, source);
    }
}
