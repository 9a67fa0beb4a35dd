package org.explain4j.cli;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.JsonNode;
import org.explain4j.io.ArrowAttributionFile;
import org.explain4j.models.ReferenceModels;
import org.explain4j.models.clinical.MimicDiscretizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code explain --input <episode.csv> --format mimic-episode|auto}: a real demo episode is
 * discretized to 48 × 76 and reaches the model. While {@code channelwise_lstm} is not embedded the
 * model is a linear ONNX graph built here ({@code y = flatten(x) · W}, x [N,48,76], y [N,2]), run by
 * real ONNX Runtime; occlusion of single cells (window 1,1) on a linear model gives exactly {@code x_i · W[i, target]}.
 */
class MimicEpisodeCliTest {
    static final int F = 48 * 76;
    @TempDir
    static Path tmp;
    static Path model;
    static float[] w;
    static Path episode;

    @BeforeAll
    static void files() throws IOException {
        System.setProperty("java.awt.headless", "true");
        Random r = new Random(7);
        w = new float[F * 2];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian() * 0.01f;
        }
        model = tmp.resolve("linear_episode.onnx");
        Files.write(model, linearModel(w).toByteArray());
        episode = tmp.resolve("10011_episode1_timeseries.csv");
        try (InputStream in = ReferenceModels.class.getClassLoader()
                .getResourceAsStream("explain4j/clinical/demo-test/10011_episode1_timeseries.csv")) {
            Files.copy(in, episode);
        }
    }

    @Test
    void episodeIsDiscretizedAndExplained() {
        float[] x = MimicDiscretizer.standard().discretize(episode).matrix().data();
        for (String format : List.of("mimic-episode", "auto")) {
            Path out = tmp.resolve("out-" + format);
            ExplainCliTest.Result res = ExplainCliTest.run("explain", "--model", model.toString(), "--input",
                    episode.toString(), "--format", format, "--method", "occlusion", "--window", "1,1", "--target", "1", "--out", out.toString());
            assertEquals(0, res.code(), res.err());
            ArrowAttributionFile.Contents c = ArrowAttributionFile.read(out.resolve("attribution.arrow"));
            assertArrayEquals(new long[]{1, 48, 76}, ArrowAttributionFile.readInputs(out.resolve("attribution.arrow")).shape());
            assertArrayEquals(x, ArrowAttributionFile.readInputs(out.resolve("attribution.arrow")).data(), format);
            float[] a = c.attribution().values().data();
            assertEquals(F, a.length);
            for (int i = 0; i < F; i++) {
                assertEquals(x[i] * w[i * 2 + 1], a[i], 1e-5 + 1e-4 * Math.abs(x[i] * w[i * 2 + 1]),
                        "feature " + i + " (hour " + i / 76 + ", column " + i % 76 + ")");
            }
        }
    }

    @Test
    void csvFormatRefusesAnEpisodeAndUnknownFormatsAreUsageErrors() {
        ExplainCliTest.Result bad = ExplainCliTest.run("explain", "--model", model.toString(), "--input",
                episode.toString(), "--format", "parquet", "--out", tmp.resolve("o1").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--format must be auto, csv, npy, arrow, mimic-episode or wfdb, got 'parquet'"), bad.err());
        ExplainCliTest.Result csv = ExplainCliTest.run("explain", "--model", model.toString(), "--input",
                episode.toString(), "--format", "csv", "--method", "ablation", "--out", tmp.resolve("o2").toString());
        assertEquals(1, csv.code(), csv.err());
        assertEquals(1, csv.err().lines().count(), csv.err());
    }

    @Test
    void brokenEpisodeIsOneLineError() throws IOException {
        Path broken = Files.writeString(tmp.resolve("broken.csv"), "Hours,Heart Rate\n0.5,80\n");
        ExplainCliTest.Result res = ExplainCliTest.run("explain", "--model", model.toString(), "--input",
                broken.toString(), "--format", "mimic-episode", "--method", "ablation", "--out", tmp.resolve("o3").toString());
        assertEquals(1, res.code(), res.err());
        assertEquals("explain4j: error: episode broken.csv lacks column 'Capillary refill rate'; a mimic3-benchmarks "
                + "episode has Hours and all 17 variables (blank where not measured)", res.err().strip());
    }

    /**
     * The embedded Channel-wise LSTM on a real demo episode, read with {@code --format auto}: the
     * inputs the model saw are the discretized episode, and its logit and saliency equal the
     * PyTorch golden values of the same episode (the golden file holds demo episode 10011).
     */
    @Test
    void channelwiseLstmExplainsARealEpisode() {
        Assumptions.assumeTrue(ReferenceModels.names().contains("channelwise_lstm"),
                "channelwise_lstm is not in explain4j/models/index.txt yet; the linear model above covers the reading path");
        float[] x = MimicDiscretizer.standard().discretize(episode).matrix().data();
        Path out = tmp.resolve("out-lstm");
        ExplainCliTest.Result res = ExplainCliTest.run("explain", "--model", "channelwise_lstm", "--input",
                episode.toString(), "--method", "saliency", "--target", "0", "--out", out.toString());
        assertEquals(0, res.code(), res.err());
        ArrowAttributionFile.Contents c = ArrowAttributionFile.read(out.resolve("attribution.arrow"));
        assertArrayEquals(x, c.attribution().inputs().data());
        float[] saliency = c.attribution().values().data();
        assertEquals(F, saliency.length);
        JsonNode golden = ReferenceModels.goldenJson("channelwise_lstm");
        int matched = 0;
        for (JsonNode s : golden.get("samples")) {
            if (sameInput(s.get("x"), x)) {
                matched++;
                assertEquals(s.get("logits").get(0).asDouble(), c.attribution().outputs().data()[0], 1e-5, "logit");
                JsonNode grad = s.get("grad_logit").get(0);
                for (int i = 0; i < F; i++) {
                    assertEquals(Math.abs(grad.get(i).asDouble()), saliency[i], 1e-5, "|d logit / d x| at " + i);
                }
            }
        }
        assertTrue(matched > 0, "the golden file holds no sample equal to the discretized " + episode.getFileName());
    }

    private static boolean sameInput(JsonNode ref, float[] x) {
        if (ref == null || ref.size() != x.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(ref.get(i).asDouble() - x[i]) > 1e-5) {
                return false;
            }
        }
        return true;
    }

    /** x [N,48,76] → Flatten → MatMul W [3648,2] → y [N,2]. */
    static ModelProto linearModel(float[] w) {
        TensorProto.Builder wt = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(F).addDims(2);
        for (float v : w) {
            wt.addFloatData(v);
        }
        GraphProto g = GraphProto.newBuilder().setName("linear_episode")
                .addInput(info("x", -1, 48, 76))
                .addInitializer(wt)
                .addNode(NodeProto.newBuilder().setOpType("Flatten").addInput("x").addOutput("flat").setName("flatten"))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("flat").addInput("W").addOutput("y").setName("matmul"))
                .addOutput(info("y", -1, 2))
                .build();
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("explain4j-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
    }

    static ValueInfoProto info(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape))).build();
    }
}
