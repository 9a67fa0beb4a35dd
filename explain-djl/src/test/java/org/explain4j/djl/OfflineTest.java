package org.explain4j.djl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DJL backend never reaches for the network, and a missing native library is a clear
 * error rather than a download. Each case runs {@link OfflineProbe} in a fresh JVM (DJL's
 * engines load once per process) with an empty DJL cache, and reads back what it printed.
 */
class OfflineTest {

    private static final String MLP = "breast_cancer_mlp";
    /** Where DJL downloads native libraries from when it is allowed to. */
    private static final String DOWNLOAD_HOST = "publish.djl.ai";

    @Test
    void withoutThePyTorchNativeJarTheErrorSaysWhatToAddAndNothingIsDownloaded(@TempDir Path dir) throws Exception {
        ReferenceFiles.copy(MLP, dir, ".pt", ".json", ".grad.onnx");
        List<String> out = probe(dir, true, "-Dai.djl.offline=true", "pytorch", dir.resolve(MLP + ".pt").toString());
        String error = single(out, "RESULT error ");
        assertTrue(error.startsWith("DJL's PyTorch engine cannot be loaded ("), error);
        assertTrue(error.contains("ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64"), error);
        assertTrue(error.contains("never downloads it"), error);
        assertEquals(List.of(), lines(out, "RESULT network "), "network requests");
        assertFalse(out.stream().anyMatch(l -> l.contains(DOWNLOAD_HOST)), String.join("\n", out));
    }

    /**
     * The control, so that the test above can fail: with the offline switch off, the same
     * class path makes DJL reach for its download site (its host lookup or a connection shows
     * in the output), where the test above saw nothing.
     */
    @Test
    void withOfflineModeOffDjlReachesForItsDownloadSite(@TempDir Path dir) throws Exception {
        ReferenceFiles.copy(MLP, dir, ".pt", ".json", ".grad.onnx");
        List<String> out = probe(dir, true, "-Dai.djl.offline=false", "pytorch", dir.resolve(MLP + ".pt").toString());
        assertTrue(out.stream().anyMatch(l -> l.contains(DOWNLOAD_HOST)), String.join("\n", out));
    }

    @Test
    void withTheNativeJarsBothEnginesLoadWithoutTheNetwork(@TempDir Path dir) throws Exception {
        ReferenceFiles.copy(MLP, dir, ".pt", ".json", ".grad.onnx");
        List<String> out = probe(dir, false, "-Dai.djl.offline=true", "pytorch", dir.resolve(MLP + ".pt").toString());
        assertEquals("ok", single(out, "RESULT "), String.join("\n", out));
        assertEquals(List.of(), lines(out, "RESULT network "), "network requests");
        // The build sets DJL_CACHE_DIR; the probe unpacked (or found) libtorch there, not in ~/.djl.ai.
        String configured = System.getProperty("DJL_CACHE_DIR");
        if (configured != null) {
            assertEquals(Path.of(configured).normalize(), DjlEngines.cacheDirectory().normalize());
        }
        try (var versions = Files.list(DjlEngines.cacheDirectory().resolve("pytorch"))) {
            assertTrue(versions.anyMatch(v -> Files.isRegularFile(v.resolve("libtorch_cpu.so"))), "libtorch in the cache");
        }
    }

    @Test
    void onnxRuntimeStartedBeforeDjlIsExplained(@TempDir Path dir) throws Exception {
        ReferenceFiles.copy(MLP, dir, ".onnx", ".json", ".grad.onnx");
        List<String> out = probe(dir, false, "-Dai.djl.offline=true", "ort-first", dir.resolve(MLP + ".onnx").toString());
        String error = single(out, "RESULT error ");
        assertTrue(error.startsWith("DJL's ONNX Runtime engine cannot start: ONNX Runtime was already started"), error);
        assertTrue(error.contains("DjlEngines.preloadOnnxRuntime()"), error);
    }

    /**
     * ONNX Runtime 1.29 overflows a 1 MB thread stack while it creates its environment when the
     * command line is long; both backends create it on a thread with a larger stack. The class
     * path goes on the command line here, padded to 8 KB, as many launchers put it.
     */
    @Test
    void bothOnnxRuntimeBackendsStartUnderALongCommandLine(@TempDir Path dir) throws Exception {
        ReferenceFiles.copy(MLP, dir, ".onnx", ".json", ".grad.onnx");
        List<String> out = probe(dir, false, true, "-Dai.djl.offline=true", "both", dir.resolve(MLP + ".onnx").toString());
        assertEquals("ok", single(out, "RESULT "), String.join("\n", out));
    }

    /**
     * Runs the probe in a new JVM with the test class path (less PyTorch's native jar when
     * {@code withoutNative}) and an empty DJL cache under {@code dir}; returns its output lines.
     */
    private static List<String> probe(Path dir, boolean withoutNative, String offline, String... args)
            throws IOException, InterruptedException {
        return probe(dir, withoutNative, false, offline, args);
    }

    /** As above; with {@code longCommandLine} the class path goes on the command line, padded to 8 KB. */
    private static List<String> probe(Path dir, boolean withoutNative, boolean longCommandLine, String offline,
                                      String... args) throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = new ArrayList<>(Arrays.asList(classPath.split(File.pathSeparator)));
        if (withoutNative) {
            assertTrue(entries.removeIf(e -> e.contains("pytorch-native-cpu")), "the native jar was on the class path");
        }
        String joined = String.join(File.pathSeparator, entries);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (longCommandLine) {
            StringBuilder padded = new StringBuilder(joined);
            for (int i = 0; padded.length() < 8192; i++) {
                padded.append(File.pathSeparator).append(dir.resolve("no-such-folder-" + i));
            }
            command.addAll(List.of("-cp", padded.toString()));
        }
        command.addAll(List.of(
                offline,
                // an empty cache without the native jar; the build's (already unpacked) with it
                "-DENGINE_CACHE_DIR=" + (withoutNative ? dir.resolve("djl-cache") : DjlEngines.cacheDirectory()),
                OfflineProbe.class.getName()));
        command.addAll(List.of(args));
        Path log = dir.resolve("probe.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // Otherwise the class path goes in the environment: the ort-first scenario creates ONNX
        // Runtime's environment on the main thread, which a long command line would crash.
        if (!longCommandLine) {
            builder.environment().put("CLASSPATH", joined);
        }
        Process p = builder.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish in 2 minutes");
        List<String> out = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join("\n", out));
        return out;
    }

    private static List<String> lines(List<String> out, String prefix) {
        return out.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .collect(Collectors.toList());
    }

    private static String single(List<String> out, String prefix) {
        List<String> found = lines(out, prefix).stream().filter(l -> !l.startsWith("network ")).toList();
        assertEquals(1, found.size(), String.join("\n", out));
        return found.get(0);
    }
}
