package org.explain4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code explain4j bench}: the gradient-explainer benchmark (a timed runner, never a test). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Times saliency and IG-50 on every embedded reference model against bare ONNX Runtime "
                + "session.run of the same gradient-graph batches and, when /usr/bin/python3 has torch, "
                + "against PyTorch on the same machine in the same run."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--seconds", defaultValue = "2", description = "Least time per measurement (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--threads", defaultValue = "2", description = "ONNX Runtime intra-op threads (PyTorch uses 2).")
    int threads;

    @Option(names = "--repo", defaultValue = ".", description = "Repository root, to find models-onnx/python/bench_torch.py.")
    Path repo;

    @Option(names = "--out", description = "Also write the table (.md) and numbers (.json) with this path prefix.")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<GradientBenchmark.Row> rows = new GradientBenchmark(seconds, threads, System.err).run(repo);
        String table = GradientBenchmark.table(rows);
        System.out.print(table);
        if (out != null) {
            Files.writeString(Path.of(out + ".md"), table, StandardCharsets.UTF_8);
            new ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValue(Path.of(out + ".json").toFile(), GradientBenchmark.json(rows));
        }
        return 0;
    }
}
