package org.explain4j.cli;

import org.explain4j.io.Npy;
import org.explain4j.models.ReferenceModels;
import org.explain4j.tensor.FloatTensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way a run can go wrong ends in one line on stderr, a non-zero exit code (2 for usage,
 * 1 for a failed run) and no output directory.
 */
class ExplainCliErrorsTest {
    @TempDir
    Path tmp;

    private Path out;
    private Path goodCsv;

    @BeforeEach
    void files() throws IOException {
        out = tmp.resolve("nested/out");
        goodCsv = ExplainCliTest.copy(ReferenceModels.breastCancerCsv(), tmp.resolve("good.csv"));
    }

    private Path csv(String name, String body) throws IOException {
        return Files.writeString(tmp.resolve(name), body);
    }

    /** The header and first three breast cancer rows, with {@code edit} applied to row 1 (file line 3). */
    private Path editedCsv(String name, java.util.function.UnaryOperator<String> edit) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(goodCsv).subList(0, 4));
        lines.set(2, edit.apply(lines.get(2)));
        return Files.write(tmp.resolve(name), lines);
    }

    private String fails(int code, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--out", out.toString()));
        ExplainCliTest.Result r = ExplainCliTest.run(all.toArray(String[]::new));
        assertEquals(code, r.code(), "exit code; stderr: " + r.err());
        String err = r.err();
        assertTrue(err.startsWith("explain4j: error: "), err);
        assertEquals(1, err.lines().count(), "exactly one line: " + err);
        assertEquals("", r.out(), "nothing on stdout");
        assertFalse(Files.exists(out), "no output directory");
        assertFalse(Files.exists(out.getParent()), "no parent directory made for it either");
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary directory");
        }
        return err.strip();
    }

    private String explain(int code, String model, Path input, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("explain", "--model", model, "--input", input.toString()));
        args.addAll(List.of(more));
        return fails(code, args.toArray(String[]::new));
    }

    @Test
    void missingInputFile() throws IOException {
        String m = explain(1, "breast_cancer_mlp", tmp.resolve("absent.csv"));
        assertTrue(m.contains("absent.csv does not exist"), m);
    }

    @Test
    void missingModelFile() throws IOException {
        String m = explain(1, tmp.resolve("absent.onnx").toString(), goodCsv);
        assertTrue(m.contains("model file not found") && m.contains("absent.onnx"), m);
        m = explain(1, "no_such_model", goodCsv);
        assertTrue(m.contains("neither a file nor an embedded model") && m.contains("breast_cancer_mlp"), m);
    }

    @Test
    void fileThatIsNotOnnx() throws IOException {
        Path fake = Files.writeString(tmp.resolve("fake.onnx"), "this is not a protobuf");
        String m = explain(1, fake.toString(), goodCsv);
        assertTrue(m.contains("fake.onnx"), m);
    }

    @Test
    void wrongWidth() throws IOException {
        Path narrow = editedCsv("narrow.csv", line -> line.substring(line.indexOf(',', line.indexOf(',') + 1) + 1));
        String m = explain(1, "breast_cancer_mlp", narrow);
        assertTrue(m.endsWith("narrow.csv row 1 (line 3) has 29 values, model 'breast_cancer_mlp' expects 30 features"
                + " (or 31 with a trailing label column)"), m);
        Path mixed = editedCsv("mixed.csv", line -> line.substring(0, line.lastIndexOf(',')));
        m = explain(1, "breast_cancer_mlp", mixed);
        assertTrue(m.contains("mixed.csv row 1 (line 3) has 30 values but row 0 has 31"), m);
        Path three = csv("short.csv", "1,2,3\n");
        m = explain(1, "breast_cancer_mlp", three);
        assertTrue(m.contains("short.csv row 0 (line 1) has 3 values, model 'breast_cancer_mlp' expects 30 features"), m);
    }

    @Test
    void wrongRank() throws IOException {
        Path npy = tmp.resolve("rank4.npy");
        Npy.write(FloatTensor.zeros(1, 1, 2, 30), npy);
        String m = explain(1, "breast_cancer_mlp", npy);
        assertTrue(m.contains("shape [1,1,2,30] (rank 4), model 'breast_cancer_mlp' expects [N,30]"), m);
    }

    @Test
    void nanAndInfinityInTheInput() throws IOException {
        Path nan = editedCsv("nan.csv", line -> "NaN" + line.substring(line.indexOf(',')));
        String m = explain(1, "breast_cancer_mlp", nan);
        assertTrue(m.contains("nan.csv row 1 (line 3) column 0") && m.contains("NaN"), m);
        Path npy = tmp.resolve("inf.npy");
        float[] v = new float[60];
        v[37] = Float.NEGATIVE_INFINITY;
        Npy.write(new FloatTensor(new long[]{2, 30}, v), npy);
        m = explain(1, "breast_cancer_mlp", npy);
        assertTrue(m.contains("-Infinity at index [1, 7]"), m);
    }

    @Test
    void targetOutOfRangeOrUnknown() throws IOException {
        String m = explain(1, "breast_cancer_mlp", goodCsv, "--rows", "0", "--target", "2");
        assertTrue(m.contains("target class 2 is out of range") && m.contains("0..1"), m);
        m = explain(1, "breast_cancer_mlp", goodCsv, "--rows", "0", "--target", "healthy");
        assertTrue(m.contains("unknown target 'healthy'") && m.contains("malignant"), m);
    }

    @Test
    void badLrpOptionsAreUsageErrors() throws IOException {
        String m = explain(2, "breast_cancer_mlp", goodCsv, "--method", "lrp", "--lrp-epsilon", "-1");
        assertTrue(m.contains("--lrp-epsilon must be a finite number >= 0") && m.contains("'-1'"), m);
        m = explain(2, "breast_cancer_mlp", goodCsv, "--method", "lrp", "--lrp-composite", "nope");
        assertTrue(m.contains("unknown LRP composite 'nope'") && m.contains("epsilon-plus"), m);
        m = explain(2, "breast_cancer_mlp", goodCsv, "--method", "lrp", "--lrp-rule", "zplus", "--lrp-composite", "epsilon");
        assertTrue(m.contains("not both"), m);
        m = explain(2, "breast_cancer_mlp", goodCsv, "--method", "lrp", "--lrp-bias-factor", "2");
        assertTrue(m.contains("--lrp-bias-factor must be between 0 and 1"), m);
        m = explain(2, "breast_cancer_mlp", goodCsv, "--method", "lrp", "--steps", "10");
        assertTrue(m.contains("method lrp does not take --steps") && m.contains("--lrp-epsilon"), m);
        m = explain(2, "breast_cancer_mlp", goodCsv, "--method", "saliency", "--lrp-epsilon", "0.1");
        assertTrue(m.contains("method saliency does not take --lrp-epsilon"), m);
        m = explain(2, "breast_cancer_mlp", goodCsv, "--method", "lime", "--window", "1,2");
        assertTrue(m.contains("method lime does not take --window"), m);
    }

    @Test
    void usageErrors() throws IOException {
        String m = explain(2, "breast_cancer_mlp", goodCsv, "--method", "magic");
        assertTrue(m.contains("unknown method 'magic'"), m);
        for (String method : List.of("saliency", "gradxinput", "integrated_gradients", "smoothgrad", "lrp", "lime",
                "kernelshap", "occlusion", "feature_ablation")) {
            assertTrue(m.contains(method), method + " listed: " + m);
        }
        m = explain(2, "breast_cancer_mlp", goodCsv, "--method", "saliency", "--steps", "10");
        assertTrue(m.contains("does not take --steps"), m);
        m = explain(2, "breast_cancer_mlp", goodCsv, "--steps", "ten");
        assertTrue(m.contains("--steps"), m);
        m = explain(2, "breast_cancer_mlp", goodCsv, "--rows", "9-3");
        assertTrue(m.contains("runs backwards"), m);
        m = explain(2, "breast_cancer_mlp", goodCsv, "--device", "tpu");
        assertTrue(m.contains("unknown device 'tpu'"), m);
        m = fails(2, "explain", "--model", "breast_cancer_mlp");
        assertTrue(m.contains("--input"), m);
        m = fails(2, "explian");
        assertTrue(m.contains("explian"), m);
    }

    @Test
    void rowsPastTheEndOfTheFile() throws IOException {
        String m = explain(1, "breast_cancer_mlp", goodCsv, "--rows", "560-600");
        assertTrue(m.contains("row 600") && m.contains("569 rows"), m);
    }

    @Test
    void cudaOnAMachineWithoutIt() throws IOException {
        String m = explain(1, "breast_cancer_mlp", goodCsv, "--rows", "0", "--device", "cuda");
        assertTrue(m.toLowerCase(java.util.Locale.ROOT).contains("cuda"), m);
    }
}
