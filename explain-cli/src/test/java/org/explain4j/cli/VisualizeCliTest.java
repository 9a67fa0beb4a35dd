package org.explain4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.io.Npy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code explain4j visualize} end to end on the real MNIST CNN and the clinical LSTM, and its one-line errors. */
class VisualizeCliTest {

    @TempDir
    static Path tmp;
    private static Path mnist;

    @BeforeAll
    static void setUp() throws IOException {
        System.setProperty("java.awt.headless", "true");
        for (String ext : List.of(".onnx", ".json")) {
            try (InputStream in = VisualizeCliTest.class.getResourceAsStream("/explain4j/thirdparty/mnist-cntk" + ext)) {
                Files.copy(in, tmp.resolve("mnist-cntk" + ext));
            }
        }
        mnist = tmp.resolve("mnist-cntk.onnx");
    }

    @Test
    void mnistClassesWriteArrayPicturesAndTrajectory() throws IOException {
        Path out = tmp.resolve("mnist-out");
        ExplainCliTest.Result r = ExplainCliTest.run("visualize", "--model", mnist.toString(), "--class", "3,7",
                "--steps", "30", "--lr", "0.03", "--lambda", "0.001", "--start", "noise", "--seed", "3", "--noise", "0.2",
                "--blur-every", "10", "--blur-sigma", "0.5", "--jitter", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Npy.Array a = Npy.readArray(out.resolve("visualization.npy"));
        assertArrayEquals(new long[]{2, 1, 28, 28}, a.shape());
        for (String f : List.of("visualization-0.png", "visualization-0.svg", "visualization-1.png", "trajectory.png")) {
            assertTrue(Files.size(out.resolve(f)) > 100, f);
        }
        List<String> csv = Files.readAllLines(out.resolve("trajectory.csv"));
        assertEquals("step,target,score,objective", csv.get(0));
        assertEquals(1 + 2 * 31, csv.size());
        double first = Double.parseDouble(csv.get(1).split(",")[2]);
        double last = Double.parseDouble(csv.get(31).split(",")[2]);
        assertTrue(last > first, "class 3 logit " + first + " -> " + last);
    }

    @Test
    void clinicalClassOneStaysAValidInput() throws IOException {
        Path out = tmp.resolve("clinical-out");
        ExplainCliTest.Result r = ExplainCliTest.run("visualize", "--model", "channelwise_lstm", "--class", "1",
                "--steps", "15", "--lr", "0.5", "--lambda", "0.01", "--blur-every", "5", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Npy.Array a = Npy.readArray(out.resolve("visualization.npy"));
        assertArrayEquals(new long[]{1, 48, 76}, a.shape());
        JsonNode sidecar;
        try (InputStream in = VisualizeCliTest.class.getResourceAsStream(
                "/explain4j/models/channelwise_lstm/channelwise_lstm.json")) {
            sidecar = new ObjectMapper().readTree(in);
        }
        for (JsonNode m : sidecar.get("mask_columns")) {
            for (int t = 0; t < 48; t++) {
                float v = a.data()[t * 76 + m.asInt()];
                assertTrue(v >= 0 && v <= 1, "mask column " + m.asInt() + " at hour " + t + " is " + v);
            }
        }
        java.util.Set<Integer> masks = new java.util.HashSet<>();
        sidecar.get("mask_columns").forEach(m -> masks.add(m.asInt()));
        int groups = 0;
        for (JsonNode g : (Iterable<JsonNode>) sidecar.get("column_groups")::elements) {
            List<Integer> values = new java.util.ArrayList<>();
            g.forEach(c -> {
                if (!masks.contains(c.asInt())) {
                    values.add(c.asInt());
                }
            });
            if (values.size() > 1) {
                groups++;
                for (int t = 0; t < 48; t++) {
                    double sum = 0;
                    for (int c : values) {
                        float v = a.data()[t * 76 + c];
                        assertTrue(v >= -1e-6, "one-hot column " + c + " negative: " + v);
                        sum += v;
                    }
                    assertEquals(1.0, sum, 1e-4, "one-hot group at hour " + t);
                }
            }
        }
        assertTrue(groups > 0, "the clinical sidecar has one-hot groups");
        assertTrue(r.out().contains("class 1"), r.out());
    }

    @Test
    void badInputIsOneLineError() {
        ExplainCliTest.Result neg = ExplainCliTest.run("visualize", "--model", mnist.toString(), "--class", "3",
                "--lambda", "-0.5", "--out", tmp.resolve("neg").toString());
        ExplainCliTest.Result name = ExplainCliTest.run("visualize", "--model", mnist.toString(), "--unit", "conv9:0",
                "--out", tmp.resolve("name").toString());
        ExplainCliTest.Result unit = ExplainCliTest.run("visualize", "--model", mnist.toString(), "--unit",
                "ReLU114_Output_0:99", "--out", tmp.resolve("unit").toString());
        assertTrue(neg.err().contains("lambda"), neg.err());
        assertTrue(name.err().contains("conv9") && name.err().contains("ReLU114_Output_0"), name.err());
        assertTrue(unit.err().contains("unit 99 is out of range") && unit.err().contains("16 channels"), unit.err());
        for (ExplainCliTest.Result r : List.of(neg, name, unit)) {
            assertEquals(1, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        assertFalse(Files.exists(tmp.resolve("neg")));
        assertFalse(Files.exists(tmp.resolve("unit")));
    }
}
