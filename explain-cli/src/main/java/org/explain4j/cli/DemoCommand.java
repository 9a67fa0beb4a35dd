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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code explain4j demo [clinical|breast-cancer]}.
 *
 * <p>{@code clinical} (the default once the Channel-wise LSTM is embedded, see
 * {@link ClinicalDemo}): a real ICU episode of the mimic3-benchmarks demo test set → input,
 * saliency, IG and LRP heatmaps (17 variables × 48 hours) and an {@code index.html} showing them
 * side by side, plus the IG attribution as Arrow/CSV/JSON.
 *
 * <p>{@code breast-cancer}: Integrated Gradients on the embedded breast-cancer MLP for real
 * patients of both classes, with the same files as {@code explain}. The baseline is the data
 * set's mean patient, not zeros: the model takes raw measurements, where zero is no tumour at all.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A worked example on embedded models and real data: clinical (default), breast-cancer or ecg.",
                "clinical: one real ICU episode of the mimic3-benchmarks demo test set, discretized to 48 hours x 76 "
                        + "columns, predicted by the Channel-wise LSTM (in-hospital mortality) and explained by "
                        + "saliency, Integrated Gradients and LRP; writes input/saliency/integrated_gradients/lrp "
                        + "heatmaps (PNG + SVG, 17 variables x 48 hours), index.html to look at them side by side, and "
                        + "the IG attribution as attribution.arrow, attribution.csv, explanation.json.",
                "breast-cancer: Integrated Gradients on the embedded breast_cancer_mlp on four real rows of the "
                        + "Wisconsin breast cancer data (the first two malignant and the first two benign), prints the "
                        + "predictions, the top features for and against, and the IG completeness gap, and writes the "
                        + "same files as `explain`. The IG baseline is the mean patient of the data set: an all-zero "
                        + "baseline would be a tumour of size zero, far outside anything the model saw.",
                "ecg: the real records PTB-XL 00001_lr and PTB s0010_re, resampled to 200 Hz x 2048 samples, through "
                        + "the two 12-lead ECG models ecg_resnet and ecg_perlead: the six class probabilities (no claim of "
                        + "clinical accuracy), and for the top class Grad-CAM (shared by all leads for ecg_resnet, one per "
                        + "lead for ecg_perlead), guided Grad-CAM and Integrated Gradients drawn over the 12 leads; plus "
                        + "three synthetic evaluation records with their ground-truth intervals; writes the pictures "
                        + "(PNG + SVG), predictions.csv and index.html."})
final class DemoCommand implements Callable<Integer> {
    static final String MODEL = "breast_cancer_mlp";
    static final int PER_CLASS = 2;
    static final String CLINICAL = "clinical";
    static final String BREAST_CANCER = "breast-cancer";
    static final String ECG = "ecg";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<dataset>",
            description = "clinical, breast-cancer or ecg. Default: clinical when the Channel-wise LSTM is embedded, "
                    + "else breast-cancer.")
    String datasetArgument;

    @Option(names = "--dataset", paramLabel = "clinical|breast-cancer|ecg", description = "The same as <dataset>.")
    String datasetOption;

    @Option(names = "--episode", paramLabel = "<name>",
            description = "clinical: which embedded demo test episode, e.g. 10011_episode1. Default: the first "
                    + "one that ended in death.")
    String episode;

    @Option(names = {"-o", "--out"}, paramLabel = "<dir>",
            description = "Output directory. Default: explain4j-out/demo for the clinical demo, "
                    + "explain4j-out/demo-<dataset> for the others (so one demo never writes over another).")
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
        String dataset = dataset();
        Path out = this.out != null ? this.out : defaultOut(dataset);
        if (dataset.equals(CLINICAL)) {
            ClinicalDemo.run(episode, device, out, spec.commandLine().getOut());
            return Main.OK;
        }
        if (episode != null) {
            throw new ParameterException(spec.commandLine(), "--episode is for the clinical demo; the " + dataset
                    + " demo always explains the same " + (dataset.equals(ECG) ? "records" : "patients"));
        }
        if (dataset.equals(ECG)) {
            EcgDemo.run(device, out, spec.commandLine().getOut());
            return Main.OK;
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

    /** explain4j-out/demo for the clinical demo (the README's run command), demo-<dataset> for the others. */
    static Path defaultOut(String dataset) {
        return Path.of("explain4j-out", dataset.equals(CLINICAL) ? "demo" : "demo-" + dataset);
    }

    /** The data set asked for, or the default: clinical when its model is embedded. */
    private String dataset() {
        if (datasetArgument != null && datasetOption != null
                && !datasetArgument.trim().equalsIgnoreCase(datasetOption.trim())) {
            throw new ParameterException(spec.commandLine(), "demo data set given twice, as '" + datasetArgument
                    + "' and --dataset " + datasetOption + "; give one");
        }
        String asked = datasetArgument != null ? datasetArgument : datasetOption;
        if (asked == null) {
            return ClinicalDemo.available() ? CLINICAL : BREAST_CANCER;
        }
        String d = asked.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (d.equals(CLINICAL) || d.equals("mimic")) {
            if (!ClinicalDemo.available()) {
                throw new ParameterException(spec.commandLine(), "the clinical demo needs the embedded model '"
                        + ClinicalDemo.MODEL + "', which this build lacks; run `explain4j demo breast-cancer`");
            }
            return CLINICAL;
        }
        if (d.equals(BREAST_CANCER) || d.equals("breastcancer")) {
            return BREAST_CANCER;
        }
        if (d.equals(ECG)) {
            if (!EcgDemo.available()) {
                throw new ParameterException(spec.commandLine(), "the ECG demo needs the embedded models "
                        + String.join(" and ", EcgDemo.MODELS) + ", which this build lacks; run "
                        + "models-onnx/python/train_ecg.py and rebuild");
            }
            return ECG;
        }
        throw new ParameterException(spec.commandLine(), "unknown demo data set '" + asked + "'; give "
                + CLINICAL + ", " + BREAST_CANCER + " or " + ECG);
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
