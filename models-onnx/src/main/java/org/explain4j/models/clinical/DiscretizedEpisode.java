package org.explain4j.models.clinical;

import org.explain4j.tensor.FloatTensor;

/**
 * One ICU episode as the Channel-wise LSTM sees it: {@code hours × columns} (48 × 76), with what
 * the discretizer did to get there.
 *
 * @param source               the episode's file or name, for messages and titles
 * @param matrix               {@code [48, 76]}, row = hour bin, standardised where the normalizer says so
 * @param columns              names, variables and masks of the 76 columns
 * @param rowsRead             data rows in the file (header not counted)
 * @param rowsBeforeStart      rows with {@code Hours < 0}: skipped
 * @param rowsAfterEnd         rows with {@code Hours > 48}: skipped
 * @param valuesObserved       non-blank variable values in the rows used
 * @param valuesReplacedInBin  of those, values overwritten by a later value of the same variable in the same hour
 *                             (the last one wins)
 * @param cellsCarriedForward  (hour, variable) cells without an observation that took the previous observed value
 * @param cellsNormalValue     (hour, variable) cells before the variable's first observation, given its normal value
 * @param lastHour             the largest {@code Hours} among the rows used
 */
public record DiscretizedEpisode(String source, FloatTensor matrix, ClinicalColumns columns, int rowsRead,
                                 int rowsBeforeStart, int rowsAfterEnd, int valuesObserved, int valuesReplacedInBin,
                                 int cellsCarriedForward, int cellsNormalValue, double lastHour) {

    /** Rows skipped because their time lies outside [0, 48] hours. */
    public int rowsSkipped() {
        return rowsBeforeStart + rowsAfterEnd;
    }

    /** One line for logs and summaries. */
    public String summary() {
        return source + ": " + rowsRead + " rows (" + rowsSkipped() + " outside 0-48 h skipped), " + valuesObserved
                + " values (" + valuesReplacedInBin + " replaced by a later value in the same hour), "
                + cellsCarriedForward + " cells carried forward, " + cellsNormalValue + " cells at the normal value";
    }
}
