package org.explain4j.io;

import org.explain4j.ExplainException;
import org.explain4j.model.TensorInfo;
import org.explain4j.tensor.FloatTensor;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads model inputs from CSV (comma, semicolon or tab separated, detected from the first line).
 *
 * <p><b>Model input {@code [N,F]}</b>: one sample per row, {@code F} numbers each. A first row
 * with any non-empty, non-numeric cell is a header; its names are kept when it has {@code F} or
 * {@code F+1} cells and otherwise only skipped. The scikit-learn style header
 * {@code 569,30,malignant,benign} (sample count, feature count, class names — as in the bundled
 * {@code breast_cancer.csv}) is recognised and skipped. A row with {@code F+1}
 * values carries a label in its last column: the label is dropped from the input and kept
 * aside ({@link InputData#labels()}) when it is numeric. All selected rows must have the same
 * number of values.
 *
 * <p><b>Model input {@code [N,A,B]}</b> (and higher ranks {@code [N,...,B]}): the file holds
 * <em>one</em> sample as a matrix of {@code A} rows by {@code B} columns (for more leading axes,
 * their product in row-major order), with an optional header row. Use {@code .npy} or Arrow
 * for several such samples.
 *
 * <p>Cells must be finite numbers: an empty cell, text, NaN or an infinity is an error that
 * names its row and column. Rows count from 0 and the header is not counted; messages also give
 * the file's line number.
 */
public final class CsvInput {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private CsvInput() {
    }

    public static InputData read(Path file, TensorInfo input, String modelName, RowSelection selection) {
        String source = file.toString();
        List<Line> lines = lines(file, source);
        long[] modelShape = input.shape();
        if (modelShape.length < 2) {
            throw new ExplainException("model '" + modelName + "' takes input " + input.shapeText()
                    + " without a batch axis; CSV input needs a batched model input such as [N,F]");
        }
        char delimiter = delimiter(lines.get(0).text);
        List<String> first = split(lines.get(0).text, delimiter);
        boolean hasHeader = first.stream().map(String::trim).anyMatch(c -> !c.isEmpty() && !isNumeric(c));
        List<String> header = hasHeader && !isCountsHeader(first) ? first.stream().map(String::trim).toList()
                : List.of();
        List<Line> data = hasHeader ? lines.subList(1, lines.size()) : lines;
        if (data.isEmpty()) {
            throw new ExplainException(source + " has a header but no data rows");
        }
        return modelShape.length == 2
                ? readRows(data, header, delimiter, modelShape[1], source, modelName, selection)
                : readMatrix(data, header, delimiter, input, source, modelName, selection);
    }

    /** One sample per row. */
    private static InputData readRows(List<Line> data, List<String> header, char delimiter, long features,
                                      String source, String modelName, RowSelection selection) {
        int[] rows = selection.resolve(data.size(), source);
        int f = features >= 0 ? Math.toIntExact(features) : split(data.get(rows[0]).text, delimiter).size();
        List<String> names = header.size() == f || header.size() == f + 1 ? header.subList(0, f) : List.of();
        float[] values = new float[Math.multiplyExact(rows.length, f)];
        float[] labels = new float[rows.length];
        boolean allLabelled = true;
        int width = -1;
        for (int i = 0; i < rows.length; i++) {
            Line line = data.get(rows[i]);
            List<String> cells = split(line.text, delimiter);
            if (cells.size() != f && cells.size() != f + 1) {
                throw new ExplainException(source + " row " + rows[i] + " (line " + line.number + ") has " + cells.size()
                        + " value" + (cells.size() == 1 ? "" : "s") + ", model '" + modelName + "' expects " + f
                        + " feature" + (f == 1 ? "" : "s") + " (or " + (f + 1) + " with a trailing label column)");
            }
            if (i == 0) {
                width = cells.size();
            } else if (cells.size() != width) {
                // a mix would silently read some rows' labels as features
                throw new ExplainException(source + " row " + rows[i] + " (line " + line.number + ") has " + cells.size()
                        + " values but row " + rows[0] + " has " + width + "; every row needs the same number (model '"
                        + modelName + "' expects " + f + " features, plus an optional label column)");
            }
            for (int j = 0; j < f; j++) {
                values[i * f + j] = cell(cells.get(j), source, rows[i], line.number, j, names);
            }
            if (cells.size() == f + 1 && isNumeric(cells.get(f).trim())) {
                labels[i] = Float.parseFloat(cells.get(f).trim());
            } else {
                allLabelled = false;
            }
        }
        FloatTensor tensor = new FloatTensor(new long[]{rows.length, f}, values);
        return new InputData(tensor, rows, allLabelled ? Optional.of(labels) : Optional.empty(), names, source);
    }

    /** One sample, as a matrix: rows = product of the leading sample axes, columns = the last axis. */
    private static InputData readMatrix(List<Line> data, List<String> header, char delimiter, TensorInfo input,
                                        String source, String modelName, RowSelection selection) {
        long[] modelShape = input.shape();
        long[] sample = Arrays.copyOfRange(modelShape, 1, modelShape.length);
        int cols = sample[sample.length - 1] >= 0 ? Math.toIntExact(sample[sample.length - 1])
                : split(data.get(0).text, delimiter).size();
        long leading = 1;
        int dynamicLeading = -1;
        for (int d = 0; d < sample.length - 1; d++) {
            if (sample[d] < 0) {
                if (dynamicLeading >= 0) {
                    throw new ExplainException("model '" + modelName + "' input " + input.shapeText()
                            + " has several open axes; a CSV matrix cannot fix them, use .npy");
                }
                dynamicLeading = d;
            } else {
                leading *= sample[d];
            }
        }
        if (dynamicLeading >= 0) {
            if (data.size() % leading != 0) {
                throw new ExplainException(source + " has " + data.size() + " data rows, model '" + modelName
                        + "' expects a multiple of " + leading + " for input " + input.shapeText());
            }
            sample[dynamicLeading] = data.size() / leading;
            leading = data.size();
        }
        String expectation = "model '" + modelName + "' expects one sample of " + leading + " rows × " + cols
                + " columns (input " + input.shapeText() + "; several samples go in .npy or .arrow)";
        if (data.size() != leading) {
            throw new ExplainException(source + " has " + data.size() + " data row" + (data.size() == 1 ? "" : "s")
                    + ", " + expectation);
        }
        int[] rows = selection.resolve(1, source + " (one sample)");
        List<String> names = header.size() == cols ? header : List.of();
        float[] values = new float[Math.toIntExact(Math.multiplyExact(leading, (long) cols))];
        for (int r = 0; r < leading; r++) {
            Line line = data.get(r);
            List<String> cells = split(line.text, delimiter);
            if (cells.size() != cols) {
                throw new ExplainException(source + " row " + r + " (line " + line.number + ") has " + cells.size()
                        + " value" + (cells.size() == 1 ? "" : "s") + ", " + expectation);
            }
            for (int j = 0; j < cols; j++) {
                values[r * cols + j] = cell(cells.get(j), source, r, line.number, j, names);
            }
        }
        long[] shape = new long[modelShape.length];
        shape[0] = 1;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        shape[shape.length - 1] = cols;
        return new InputData(new FloatTensor(shape, values), rows, Optional.empty(), names, source);
    }

    private static float cell(String raw, String source, int row, int lineNumber, int column, List<String> names) {
        String t = raw.trim();
        if (isNumber(t)) {
            return Float.parseFloat(t);
        }
        String where = source + " row " + row + " (line " + lineNumber + ") column " + column
                + (column < names.size() ? " ('" + names.get(column) + "')" : "");
        if (t.isEmpty()) {
            throw new ExplainException(where + " is empty; every cell must hold a finite number");
        }
        if (NON_FINITE.matcher(t).matches()) {
            throw new ExplainException(where + " is " + t + "; inputs must be finite numbers (impute missing values first)");
        }
        throw new ExplainException(where + ": '" + abbreviate(t) + "' is not a number");
    }

    /** scikit-learn's bundled CSVs start with sample count, feature count, then the class names. */
    private static boolean isCountsHeader(List<String> cells) {
        return cells.size() >= 3 && cells.get(0).trim().matches("\\d+") && cells.get(1).trim().matches("\\d+")
                && cells.subList(2, cells.size()).stream().noneMatch(c -> isNumeric(c.trim()));
    }

    private static boolean isNumber(String t) {
        return NUMBER.matcher(t).matches();
    }

    private static boolean isNumeric(String t) {
        return isNumber(t) || NON_FINITE.matcher(t).matches();
    }

    private static String abbreviate(String t) {
        return t.length() <= 40 ? t : t.substring(0, 37) + "...";
    }

    private record Line(int number, String text) {
    }

    private static List<Line> lines(Path file, String source) {
        List<String> raw;
        try {
            raw = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ExplainException("input file " + source + " does not exist");
        } catch (MalformedInputException e) {
            throw new ExplainException(source + " is not a UTF-8 text file; expected CSV");
        } catch (IOException e) {
            throw new ExplainException("cannot read " + source + ": " + e.getMessage());
        }
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String s = i == 0 && raw.get(i).startsWith("\uFEFF") ? raw.get(i).substring(1) : raw.get(i);
            if (!s.isBlank()) {
                out.add(new Line(i + 1, s));
            }
        }
        if (out.isEmpty()) {
            throw new ExplainException(source + " is empty; expected CSV rows of numbers");
        }
        return out;
    }

    private static char delimiter(String firstLine) {
        if (firstLine.indexOf(',') >= 0) {
            return ',';
        }
        if (firstLine.indexOf(';') >= 0) {
            return ';';
        }
        return firstLine.indexOf('\t') >= 0 ? '\t' : ',';
    }

    /** Splits one CSV line; double quotes group a cell and {@code ""} inside them is a quote. */
    static List<String> split(String line, char delimiter) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == delimiter) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
