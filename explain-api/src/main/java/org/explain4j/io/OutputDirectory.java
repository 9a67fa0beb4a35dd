package org.explain4j.io;

import org.explain4j.ExplainException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Makes a run's output appear all at once or not at all. Files are written into a temporary
 * sibling {@code <out>.tmp-XXXX}; {@link #commit()} moves them into {@code <out>} (replacing
 * files of the same names, leaving other files there alone). Closing without a commit deletes
 * the temporary directory and any parent directories this object created, so a failed run leaves
 * nothing behind.
 *
 * <pre>{@code
 * try (OutputDirectory out = OutputDirectory.create(dir)) {
 *     Files.writeString(out.file("explanation.json"), json);
 *     out.commit();
 * }
 * }</pre>
 */
public final class OutputDirectory implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private final List<Path> createdParents;
    private boolean committed;
    private boolean closed;

    private OutputDirectory(Path target, Path staging, List<Path> createdParents) {
        this.target = target;
        this.staging = staging;
        this.createdParents = createdParents;
    }

    /**
     * Prepares to write into {@code dir}. Missing parent directories are created (and removed
     * again if the run fails).
     *
     * @throws ExplainException when {@code dir} exists but is not a directory, or cannot be prepared
     */
    public static OutputDirectory create(Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new ExplainException("output " + dir + " exists and is not a directory; give a directory path");
        }
        Path parent = target.getParent();
        if (parent == null) {
            throw new ExplainException("output " + dir + " has no parent directory; give a directory below /");
        }
        List<Path> created = new ArrayList<>();
        try {
            createParents(parent, created);
            Path staging = Files.createTempDirectory(parent, target.getFileName() + ".tmp-");
            return new OutputDirectory(target, staging, created);
        } catch (IOException e) {
            removeEmpty(created);
            throw new ExplainException("cannot create output directory " + dir + ": " + describe(e), e);
        }
    }

    /** The final directory, as given (absolute). */
    public Path target() {
        return target;
    }

    /** The temporary directory files are written into before the commit. */
    public Path staging() {
        return staging;
    }

    /** Where to write the file {@code name} now: inside the staging directory. */
    public Path file(String name) {
        if (committed || closed) {
            throw new IllegalStateException("output directory already " + (committed ? "committed" : "closed"));
        }
        Path p = staging.resolve(name).normalize();
        if (!p.getParent().equals(staging)) {
            throw new IllegalArgumentException("output file name must be a plain name: " + name);
        }
        return p;
    }

    /** Names of the files written so far, sorted. */
    public List<String> fileNames() {
        try (Stream<Path> files = Files.list(staging)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Moves the written files into the final directory. When it does not exist yet, the staging
     * directory is renamed to it in one step; otherwise each file replaces its namesake.
     *
     * @return the final directory
     */
    public Path commit() {
        if (committed || closed) {
            throw new IllegalStateException("output directory already " + (committed ? "committed" : "closed"));
        }
        try {
            if (!Files.exists(target) && renamedWhole()) {
                committed = true;
                return target;
            }
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(staging)) {
                for (Path f : files.sorted().toList()) {
                    move(f, target.resolve(f.getFileName().toString()));
                }
            }
            Files.delete(staging);
            committed = true;
            return target;
        } catch (IOException e) {
            throw new ExplainException("cannot move results into " + target + ": " + describe(e), e);
        }
    }

    private boolean renamedWhole() throws IOException {
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException raced) {
            return false; // someone created the target meanwhile, or the file system cannot: move file by file
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes the staging directory unless committed; never throws for a missing one. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (committed) {
            return;
        }
        deleteTree(staging);
        removeEmpty(createdParents);
    }

    private static void createParents(Path dir, List<Path> created) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        for (int i = missing.size() - 1; i >= 0; i--) {
            Files.createDirectory(missing.get(i));
            created.add(missing.get(i));
        }
    }

    private static void removeEmpty(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException notEmptyAnymore) {
                return; // something else put files there: keep it and its parents
            }
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: a leftover temp dir is named .tmp- and harmless
        }
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return "no such file or directory " + n.getFile();
        }
        if (e instanceof java.nio.file.AccessDeniedException a) {
            return "permission denied on " + a.getFile();
        }
        if (e instanceof FileAlreadyExistsException f) {
            return "a file is in the way: " + f.getFile();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}
