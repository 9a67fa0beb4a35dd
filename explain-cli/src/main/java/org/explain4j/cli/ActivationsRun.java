package org.explain4j.cli;

import org.explain4j.ExplainException;
import org.explain4j.explain.cam.ActivationMaps;
import org.explain4j.io.InputData;
import org.explain4j.io.Npy;
import org.explain4j.io.OutputDirectory;
import org.explain4j.model.InputChecks;
import org.explain4j.model.ModelSource;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.OrtOptions;
import org.explain4j.tensor.FloatTensor;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code explain --method activations --layer <tensor>}: the layer's raw feature maps, no
 * target. Writes {@code activations.npy} ({@code [N,K,...]} float32) and {@code activations.png}
 * (first sample, channels × positions), plus {@code activations-<i>.png} per sample when there
 * are several (the first {@code heatmaps}); nothing when the run fails.
 */
final class ActivationsRun {
    private ActivationsRun() {
    }

    static void run(ModelSource source, ExplainRun.Input input, String layer, String device, Path outDir,
                    int heatmaps, PrintWriter out) {
        FloatTensor maps;
        InputData data;
        List<String> files = new ArrayList<>();
        try (OutputDirectory dir = OutputDirectory.create(outDir)) {
            try (OrtModel model = OrtModel.open(source, OrtOptions.defaults().withDevice(device))) {
                data = input.read(model.info());
                InputChecks.validate(model.info().input(), data.tensor());
                maps = ActivationMaps.of(model, data.tensor(), layer);
            }
            String current = "activations.npy";
            try {
                Npy.write(maps, dir.file(current));
                files.add(current);
                current = "activations.png";
                ActivationMaps.writePng(maps, 0, source.name() + " " + layer + " sample 0", dir.file(current));
                files.add(current);
                int n = maps.batchSize();
                for (int i = 0; n > 1 && i < Math.min(n, heatmaps); i++) {
                    current = "activations-" + i + ".png";
                    ActivationMaps.writePng(maps, i, source.name() + " " + layer + " sample " + i, dir.file(current));
                    files.add(current);
                }
            } catch (IOException e) {
                throw new ExplainException("cannot write " + current + " in " + dir.staging() + ": " + e.getMessage(), e);
            }
            dir.commit();
        }
        out.printf("activations of %s, layer %s: %s for %d sample(s) from %s%n", source.name(), layer,
                Arrays.toString(maps.shape()), data.tensor().batchSize(), data.source());
        out.printf("wrote %s to %s%n", String.join(", ", files), outDir);
        out.flush();
    }
}
