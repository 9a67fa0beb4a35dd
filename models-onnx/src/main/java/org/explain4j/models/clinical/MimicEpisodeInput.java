package org.explain4j.models.clinical;

import org.explain4j.ExplainException;
import org.explain4j.io.InputData;
import org.explain4j.io.RowSelection;
import org.explain4j.model.TensorInfo;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Model input from one mimic3-benchmarks episode CSV ({@code --format mimic-episode}): the
 * episode, discretized, as one sample {@code [1, 48, 76]} with the 76 column names.
 */
public final class MimicEpisodeInput {
    private MimicEpisodeInput() {
    }

    /** Whether a model input takes discretized episodes: samples of 48 × 76. */
    public static boolean fitsModel(TensorInfo input) {
        long[] s = input.sampleShape();
        return s.length == 2 && s[0] == MimicDiscretizer.HOURS
                && s[1] == DiscretizerConfig.standard().columns().size();
    }

    /**
     * Whether {@code --format auto} should read {@code file} as an episode: the model takes 48 × 76
     * samples and the file's header starts with {@code Hours}.
     */
    public static boolean detect(Path file, TensorInfo input) {
        return fitsModel(input) && MimicDiscretizer.looksLikeEpisode(file);
    }

    /** Reads and discretizes the episode; the row selection may only pick its one sample (row 0). */
    public static InputData read(Path file, TensorInfo input, String modelName, RowSelection selection) {
        int columns = DiscretizerConfig.standard().columns().size();
        if (!fitsModel(input)) {
            throw new ExplainException("model '" + modelName + "' takes input " + input.shapeText() + "; an episode read with "
                    + "--format mimic-episode becomes [N," + MimicDiscretizer.HOURS + "," + columns + "]");
        }
        DiscretizedEpisode e = MimicDiscretizer.standard().discretize(file);
        int[] rows = selection.resolve(1, file.toString());
        if (!Arrays.equals(rows, new int[]{0})) {
            throw new ExplainException("an episode file holds one sample (row 0); --rows selected " + Arrays.toString(rows));
        }
        return new InputData(MimicDiscretizer.batch(List.of(e)), rows, Optional.empty(), e.columns().names(),
                file.toString());
    }
}
