package org.explain4j.visualize;

import org.explain4j.ExplainException;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelSource;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.TensorHead;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Class and unit visualisation on the real third-party MNIST CNN (gradients built in Java). */
class ClassVisualizationMnistTest {

    private static OrtModel mnist;

    @BeforeAll
    static void open() {
        mnist = OrtModel.open(ModelSource.fromClasspath("explain4j/thirdparty/mnist-cntk"));
    }

    @AfterAll
    static void close() {
        mnist.close();
    }

    private static FloatTensor digit(String name) throws IOException {
        try (InputStream in = ClassVisualizationMnistTest.class.getResourceAsStream("/explain4j/mnist/" + name + ".txt")) {
            String[] cells = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+");
            float[] v = new float[cells.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = Float.parseFloat(cells[i]);
            }
            return new FloatTensor(new long[]{1, 1, 28, 28}, v);
        }
    }

    @Test
    void targetLogitRisesMonotonicallyAndBeatsTheRealDigit() throws IOException {
        // Small step (α = 0.03) and weak decay (λ = 0.001) so each step raises the logit; 150 steps, batched 3 and 7.
        // Seeded noise start: at the all-zero image this ReLU net's gradient vanishes (every unit is off), so
        // the ascent could not leave I0 = 0.
        VisualizationOptions o = VisualizationOptions.defaults().withStepSize(0.03f).withLambda(0.001f).withIterations(150)
                .withStart(VisualizationOptions.Start.NOISE, 3L, 0.2f);
        ClassVisualization.Result r = new ClassVisualization(mnist, InputLayout.IMAGE, null, o).classes(3, 7);
        int[] classes = {3, 7};
        for (int k = 0; k < 2; k++) {
            double[] s = r.scores()[k];
            for (int t = 1; t < s.length; t++) {
                assertTrue(s[t] > s[t - 1], "class " + classes[k] + " logit falls at step " + t + ": " + s[t - 1] + " -> " + s[t]);
            }
            float real = mnist.forward(digit("digit" + classes[k])).data()[classes[k]];
            assertTrue(r.finalScore(k) > real, "class " + classes[k] + " visualisation logit " + r.finalScore(k)
                    + " is not above the real digit's " + real);
            // The returned input really has that score.
            float again = mnist.forward(r.inputs().slice(k, k + 1)).data()[classes[k]];
            assertTrue(Math.abs(again - r.finalScore(k)) < 1e-3 * Math.max(1, Math.abs(again)), again + " vs " + r.finalScore(k));
        }
    }

    @Test
    void unitVisualisationRaisesTheChannelsMeanActivation() throws IOException {
        try (OrtModel head = TensorHead.open(mnist, "ReLU114_Output_0")) {
            // Start at a real 7 (given as the "mean"): ReLU channels that are off at the start get no
            // gradient, so take the two channels most active on that digit.
            FloatTensor seven = digit("digit7");
            float[] act = head.forward(seven).data();
            int channels = 16;
            int per = act.length / channels;
            int first = 0;
            int second = 1;
            double[] mean = new double[channels];
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < per; p++) {
                    mean[c] += act[c * per + p] / per;
                }
            }
            for (int c = 0; c < channels; c++) {
                if (mean[c] > mean[first]) {
                    second = first;
                    first = c;
                } else if (c != first && mean[c] > mean[second]) {
                    second = c;
                }
            }
            VisualizationOptions o = VisualizationOptions.defaults().withStepSize(0.05f).withLambda(0.001f).withIterations(20)
                    .withTrainingMean(seven.reshape(1, 28, 28)).withStart(VisualizationOptions.Start.MEAN, 7L, 0f);
            ClassVisualization.Result r = new ClassVisualization(head, InputLayout.IMAGE, null, o)
                    .units("ReLU114_Output_0", first, second);
            for (int k = 0; k < 2; k++) {
                double[] s = r.scores()[k];
                assertTrue(Math.abs(s[0] - mean[k == 0 ? first : second]) < 1e-4, "start score is the channel mean on the 7");
                assertTrue(s[s.length - 1] > s[0] + 1e-3, "unit mean activation " + s[0] + " -> " + s[s.length - 1]);
            }
        }
    }

    @Test
    void badUnitsAndTensorNamesAreOneLineErrors() {
        ExplainException name = assertThrows(ExplainException.class, () -> TensorHead.open(mnist, "conv9"));
        assertTrue(name.getMessage().contains("'conv9'") && name.getMessage().contains("ReLU114_Output_0"), name.getMessage());
        try (OrtModel head = TensorHead.open(mnist, "ReLU114_Output_0")) {
            ExplainException unit = assertThrows(ExplainException.class, () -> new ClassVisualization(head,
                    InputLayout.IMAGE, null, VisualizationOptions.defaults()).units("ReLU114_Output_0", 16));
            assertTrue(unit.getMessage().contains("16 channels"), unit.getMessage());
            assertFalse(unit.getMessage().contains("\n"));
        }
        assertFalse(name.getMessage().contains("\n"));
    }
}
