package org.explain4j.cli;

import org.explain4j.ExplainException;
import org.explain4j.io.InputData;
import org.explain4j.model.ModelInfo;
import org.explain4j.models.ReferenceModels;
import org.explain4j.onnx.Device;
import org.explain4j.tensor.FloatTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code explain4j demo}: Integrated Gradients on the embedded breast-cancer MLP for real
 * patients of both classes, with the same files as {@code explain}. The baseline is the data
 * set's mean patient, not zeros: the model takes raw measurements, where zero is no tumour at all.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Integrated Gradients on the embedded breast-cancer MLP, four real patients.",
                "Explains the embedded breast_cancer_mlp on four real rows of the Wisconsin breast cancer data "
                        + "(the first two malignant and the first two benign), prints the predictions, the top "
                        + "features for and against, and the IG completeness gap, and writes the same files as "
                        + "`explain`. The IG baseline is the mean patient of the data set: an all-zero "
                        + "baseline would be a tumour of size zero, far outside anything the model saw."})
final class DemoCommand implements Callable<Integer> {
    static final String MODEL = "breast_cancer_mlp";
    static final int PER_CLASS = 2;

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--out"}, defaultValue = "explain4j-out/demo", paramLabel = "<dir>",
            description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]|auto",
            description = "Where ONNX Runtime runs. Default: ${DEFAULT-VALUE}.")
    String device;

    @Override
    public Integer call() {
        try {
            Device.parse(device);
        } catch (ExplainException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ReferenceModels.Dataset data = ReferenceModels.breastCancer();
        int[] rows = firstOfEachClass(data.labels(), data.classNames().size());
        List<FloatTensor> picked = new ArrayList<>();
        float[] labels = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            picked.add(data.features().sample(rows[i]));
            labels[i] = data.labels()[rows[i]];
        }
        FloatTensor x = FloatTensor.concat(picked);
        InputData input = new InputData(x, rows, Optional.of(labels), data.featureNames(),
                "breast_cancer.csv (embedded, Wisconsin diagnostic breast cancer)");
        ExplainRun.run(ReferenceModels.source(MODEL), new ExplainRun.Input() {
            @Override
            public InputData read(ModelInfo info) {
                return input;
            }

            @Override
            public FloatTensor background(ModelInfo info) {
                return data.features();
            }
        }, new ExplainRun.Settings("integrated_gradients", Map.of("baseline", "mean"), "predicted", device, out, rows.length, 5),
                spec.commandLine().getOut());
        return Main.OK;
    }

    /** The first {@link #PER_CLASS} rows of each class, class by class. */
    static int[] firstOfEachClass(int[] labels, int classes) {
        List<Integer> rows = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            int found = 0;
            for (int r = 0; r < labels.length && found < PER_CLASS; r++) {
                if (labels[r] == c) {
                    rows.add(r);
                    found++;
                }
            }
        }
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }
}
