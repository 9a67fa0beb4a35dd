package org.explain4j.onnx;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Files of the project's shared reference folder that are not copied into the repository. A
 * test that needs one is skipped, saying so, where the folder is absent.
 */
final class SharedFiles {

    private SharedFiles() {
    }

    /** The real third-party CNTK MNIST model (forward only, batch fixed to 1). */
    static Path mnistCntk() {
        return find("shared/models/mnist-cntk.onnx");
    }

    /** Looks for {@code relative} under the working directory and each folder above it. */
    static Path find(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        assumeTrue(false, "skipped: " + relative + " is not in this folder or any above it");
        throw new AssertionError("unreachable");
    }
}
