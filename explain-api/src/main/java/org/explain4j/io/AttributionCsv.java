package org.explain4j.io;

import org.explain4j.explain.Attribution;
import org.explain4j.model.ModelDescription;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes attributions as CSV ({@code attribution.csv}).
 *
 * <p>For samples with one axis ({@code [N,F]}): one line per sample,
 * {@code row,target,target_name,<feature names…>}. For samples with more axes: one line per
 * position of the leading sample axes, the last axis across the columns, e.g. for
 * time × features {@code row,target,target_name,time,<feature names…>} with a line per sample
 * and time step, and for channels × time {@code row,target,target_name,channel,t0,t1,…}.
 * {@code row} is the sample's row in the input file.
 */
public final class AttributionCsv {
    private AttributionCsv() {
    }

    public static void write(Path file, Attribution a, ModelDescription description, int[] rows) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(w, a, description, rows);
        }
    }

    public static void write(Writer w, Attribution a, ModelDescription description, int[] rows) throws IOException {
        SampleAxes axes = SampleAxes.of(a.values().sampleShape(), description);
        int n = a.batchSize();
        int[] rowIndex = rows != null ? rows : java.util.stream.IntStream.range(0, n).toArray();
        int[] targets = a.targets();
        List<String> header = new ArrayList<>(List.of("row", "target", "target_name"));
        for (int d = 0; d < axes.rank() - 1; d++) {
            header.add(axes.axis(d).name());
        }
        header.addAll(axes.axis(axes.rank() - 1).labels());
        line(w, header);
        int cols = axes.axis(axes.rank() - 1).size();
        int lines = a.values().sampleSize() / Math.max(1, cols);
        float[] v = a.values().data();
        int s = a.values().sampleSize();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String targetName = description != null ? description.className(targets[i]) : "class " + targets[i];
            for (int l = 0; l < lines; l++) {
                sb.setLength(0);
                sb.append(rowIndex[i]).append(',').append(targets[i]).append(',').append(quote(targetName));
                int rest = l;
                String[] leading = new String[axes.rank() - 1];
                for (int d = axes.rank() - 2; d >= 0; d--) {
                    SampleAxes.Axis axis = axes.axis(d);
                    int pos = rest % axis.size();
                    rest /= axis.size();
                    leading[d] = axis.indexLike() ? Integer.toString(pos) : quote(axis.labels().get(pos));
                }
                for (String cell : leading) {
                    sb.append(',').append(cell);
                }
                int base = i * s + l * cols;
                for (int c = 0; c < cols; c++) {
                    sb.append(',').append(v[base + c]);
                }
                w.write(sb.append('\n').toString());
            }
        }
    }

    private static void line(Writer w, List<String> cells) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(quote(cells.get(i)));
        }
        w.write(sb.append('\n').toString());
    }

    static String quote(String cell) {
        if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0) {
            return cell;
        }
        return '"' + cell.replace("\"", "\"\"") + '"';
    }
}
