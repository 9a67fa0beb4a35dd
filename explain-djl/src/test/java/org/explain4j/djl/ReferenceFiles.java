package org.explain4j.djl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Copies files of an embedded reference model into a folder, to test file-based opening. */
final class ReferenceFiles {
    private ReferenceFiles() {
    }

    /** Copies {@code explain4j/models/NAME/NAME<suffix>} for each suffix into {@code dir}; returns {@code dir}. */
    static Path copy(String name, Path dir, String... suffixes) {
        for (String suffix : suffixes) {
            String resource = "explain4j/models/" + name + "/" + name + suffix;
            try (InputStream in = ReferenceFiles.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing test resource " + resource);
                }
                Files.copy(in, dir.resolve(name + suffix), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }
}
