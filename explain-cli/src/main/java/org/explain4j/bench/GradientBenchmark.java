package org.explain4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.explain4j.explain.Explainer;
import org.explain4j.explain.Target;
import org.explain4j.explain.gradient.IntegratedGradients;
import org.explain4j.explain.gradient.IntegrationRule;
import org.explain4j.explain.gradient.Saliency;
import org.explain4j.model.GradientGraphSpec;
import org.explain4j.model.ModelSource;
import org.explain4j.models.GoldenSamples;
import org.explain4j.models.ReferenceModels;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.OrtOptions;
import org.explain4j.tensor.FloatTensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Timed runner (not a test) for the gradient explainers on every embedded reference model.
 *
 * <p>Per model it measures, in one run: saliency of the predicted logit for a batch of 32 samples
 * and Integrated Gradients (50 steps, riemann_middle, zero baseline) of one sample, each as
 * explanations per second; the same gradient-graph batches through a bare {@code session.run}
 * (what the explainer cannot avoid); and, when Debian's PyTorch is installed, the same two
 * computations in PyTorch ({@code models-onnx/python/bench_torch.py}) started from here so that
 * both sides run on the same machine at the same time. Each timing is the median of repeated
 * calls after a warm-up.
 */
public final class GradientBenchmark {
    private static final int SALIENCY_BATCH = 32;
    private static final int IG_STEPS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final double minSeconds;
    private final int threads;
    private final PrintStream log;

    public GradientBenchmark(double minSeconds, int threads, PrintStream log) {
        this.minSeconds = minSeconds;
        this.threads = threads;
        this.log = log;
    }

    /** One model's numbers. Times are median seconds per call. */
    public record Row(String model, double saliencySeconds, double saliencyRawSeconds, double igSeconds,
                      double igRawSeconds, double torchSaliencySeconds, double torchIgSeconds) {
        double saliencyPerSecond() {
            return SALIENCY_BATCH / saliencySeconds;
        }

        double igPerSecond() {
            return 1 / igSeconds;
        }
    }

    public List<Row> run(Path repoRoot) throws Exception {
        Map<String, JsonNode> torch = runTorch(repoRoot);
        List<Row> rows = new ArrayList<>();
        for (String name : ReferenceModels.names()) {
            rows.add(measure(name, torch.get(name)));
        }
        return rows;
    }

    private Row measure(String name, JsonNode torch) throws Exception {
        ModelSource source = ReferenceModels.source(name);
        GradientGraphSpec spec = source.description().orElseThrow().gradient().orElseThrow();
        FloatTensor batch = goldenInputs(name, SALIENCY_BATCH);
        FloatTensor one = batch.sample(0);
        try (OrtModel model = OrtModel.open(source, OrtOptions.defaults().withIntraOpThreads(threads))) {
            Explainer saliency = Saliency.builder().build();
            Explainer ig = IntegratedGradients.builder().steps(IG_STEPS).rule(IntegrationRule.RIEMANN_MIDDLE)
                    .batchSize(IG_STEPS).build();
            double sal = median(() -> saliency.explain(model, batch, Target.predicted()));
            double igT = median(() -> ig.explain(model, one, Target.predicted()));
            // The floor: the gradient-graph runs the explainers need (one for saliency of 32
            // samples; ceil(50 / B) for IG), through a bare session with ready-made tensors.
            int igRuns = (IG_STEPS + spec.batch() - 1) / spec.batch();
            double raw = rawGradientRun(source, spec, batch);
            Row row = new Row(name, sal, raw, igT, raw * igRuns,
                    torch == null ? Double.NaN : SALIENCY_BATCH / torch.get("saliency_per_s").asDouble(),
                    torch == null ? Double.NaN : 1 / torch.get("ig50_per_s").asDouble());
            log.printf("%-18s saliency %.3f ms/32, raw %.3f ms; IG50 %.3f ms, raw %.3f ms%n", name,
                    sal * 1e3, raw * 1e3, igT * 1e3, raw * igRuns * 1e3);
            return row;
        }
    }

    private double rawGradientRun(ModelSource source, GradientGraphSpec spec, FloatTensor batch) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            byte[] graph = source.readGradientGraph().orElseThrow();
            try (OrtSession session = env.createSession(graph, options)) {
                long[] yShape = ((ai.onnxruntime.TensorInfo) session.getOutputInfo().get(spec.output()).getInfo())
                        .getShape();
                int classes = (int) yShape[yShape.length - 1];
                FloatTensor x = pad(batch, spec.batch());
                float[] w = new float[spec.batch() * classes];
                for (int i = 0; i < spec.batch(); i++) {
                    w[i * classes] = 1f;
                }
                try (OnnxTensor xt = OnnxTensor.createTensor(env, direct(x.data()), x.shape());
                     OnnxTensor wt = OnnxTensor.createTensor(env, direct(w), new long[]{spec.batch(), classes})) {
                    Map<String, OnnxTensor> feed = new HashMap<>();
                    feed.put(spec.input(), xt);
                    feed.put(spec.cotangent(), wt);
                    return median(() -> {
                        try (OrtSession.Result r = session.run(feed)) {
                            return r;
                        }
                    });
                }
            }
        }
    }

    private interface Call {
        Object call() throws Exception;
    }

    /** Median seconds per call after a warm-up of 10 calls, over ≥ 20 calls and ≥ minSeconds. */
    private double median(Call call) throws Exception {
        for (int i = 0; i < 10; i++) {
            call.call();
        }
        List<Double> times = new ArrayList<>();
        long start = System.nanoTime();
        while (times.size() < 20 || System.nanoTime() - start < (long) (minSeconds * 1e9)) {
            long t0 = System.nanoTime();
            call.call();
            times.add((System.nanoTime() - t0) / 1e9);
        }
        double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    /** The golden samples of a model, tiled to {@code n} rows: real inputs, not random ones. */
    static FloatTensor goldenInputs(String name, int n) {
        GoldenSamples golden = GoldenSamples.load(name);
        FloatTensor x = golden.inputs();
        int size = x.sampleSize();
        float[] data = new float[n * size];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x.data(), (i % x.batchSize()) * size, data, i * size, size);
        }
        return new FloatTensor(golden.batchShape(n), data);
    }

    private static FloatTensor pad(FloatTensor x, int rows) {
        long[] shape = x.shape();
        shape[0] = rows;
        return new FloatTensor(shape, Arrays.copyOf(x.data(), rows * x.sampleSize()));
    }

    private static FloatBuffer direct(float[] values) {
        FloatBuffer b = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        b.put(values).rewind();
        return b;
    }

    /** Runs the PyTorch script when Debian's python3-torch is there; else an empty map. */
    private Map<String, JsonNode> runTorch(Path repoRoot) throws IOException, InterruptedException {
        Path script = repoRoot.resolve("models-onnx/python/bench_torch.py");
        Path python = Path.of("/usr/bin/python3");
        Map<String, JsonNode> out = new HashMap<>();
        if (!Files.isRegularFile(script) || !Files.isExecutable(python)) {
            log.println("PyTorch comparison skipped: " + script + " or " + python + " not found");
            return out;
        }
        Path result = Files.createTempFile("bench_torch", ".json");
        try {
            Process p = new ProcessBuilder(python.toString(), script.toString(), "--out", result.toString())
                    .directory(repoRoot.toFile()).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
                log.println("PyTorch comparison skipped: bench_torch.py failed: "
                        + text.lines().reduce((a, b) -> b).orElse(""));
                return out;
            }
            for (JsonNode row : JSON.readTree(result.toFile())) {
                out.put(row.get("model").asText(), row);
            }
            return out;
        } finally {
            Files.deleteIfExists(result);
        }
    }

    /** Markdown table of the rows, ratios to the raw runtime and to PyTorch. */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| model | saliency expl/s | ÷ raw session.run | IG-50 expl/s | ÷ raw session.run "
                + "| PyTorch saliency expl/s | PyTorch IG-50 expl/s | explain4j time ÷ PyTorch (saliency, IG) |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format("| %s | %.0f | %.2f× | %.0f | %.2f× | %s | %s | %s |%n", r.model(),
                    r.saliencyPerSecond(), r.saliencySeconds() / r.saliencyRawSeconds(), r.igPerSecond(),
                    r.igSeconds() / r.igRawSeconds(),
                    Double.isNaN(r.torchSaliencySeconds()) ? "–" : String.format("%.0f", SALIENCY_BATCH / r.torchSaliencySeconds()),
                    Double.isNaN(r.torchIgSeconds()) ? "–" : String.format("%.0f", 1 / r.torchIgSeconds()),
                    Double.isNaN(r.torchIgSeconds()) ? "–" : String.format("%.2f×, %.2f×",
                            r.saliencySeconds() / r.torchSaliencySeconds(), r.igSeconds() / r.torchIgSeconds())));
        }
        return sb.toString();
    }

    public static ArrayNode json(List<Row> rows) {
        ArrayNode array = JSON.createArrayNode();
        for (Row r : rows) {
            ObjectNode o = array.addObject();
            o.put("model", r.model());
            o.put("saliency_per_s", r.saliencyPerSecond());
            o.put("saliency_ratio_to_raw", r.saliencySeconds() / r.saliencyRawSeconds());
            o.put("ig50_per_s", r.igPerSecond());
            o.put("ig50_ratio_to_raw", r.igSeconds() / r.igRawSeconds());
            o.put("torch_saliency_per_s", SALIENCY_BATCH / r.torchSaliencySeconds());
            o.put("torch_ig50_per_s", 1 / r.torchIgSeconds());
        }
        return array;
    }
}
