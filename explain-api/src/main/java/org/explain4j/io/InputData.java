package org.explain4j.io;

import org.explain4j.tensor.FloatTensor;

import java.util.List;
import java.util.Optional;

/**
 * Samples read from an input file, ready for the model.
 *
 * @param tensor      the samples, shaped like the model input {@code [N,...]}
 * @param rows        for each sample, its row (sample index) in the file, counting from 0
 * @param labels      a label column that came with the samples (CSV with one extra column), if any
 * @param columnNames names from the file's header for the last axis, empty when it had none
 * @param source      the file name, for messages and provenance
 */
public record InputData(FloatTensor tensor, int[] rows, Optional<float[]> labels, List<String> columnNames,
                        String source) {
    public InputData {
        rows = rows.clone();
        columnNames = List.copyOf(columnNames);
    }

    @Override
    public int[] rows() {
        return rows.clone();
    }
}
