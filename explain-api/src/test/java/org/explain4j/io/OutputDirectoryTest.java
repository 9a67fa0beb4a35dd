package org.explain4j.io;

import org.explain4j.ExplainException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputDirectoryTest {
    @TempDir
    Path tmp;

    private List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void commitIntoNewDirectoryMovesEverythingAndLeavesNoTemp() throws Exception {
        Path out = tmp.resolve("run");
        try (OutputDirectory o = OutputDirectory.create(out)) {
            Files.writeString(o.file("a.txt"), "A");
            Files.writeString(o.file("b.txt"), "B");
            assertFalse(Files.exists(out), "nothing visible before the commit");
            assertTrue(o.staging().getFileName().toString().startsWith("run.tmp-"));
            o.commit();
        }
        assertEquals(List.of("a.txt", "b.txt"), names(out));
        assertEquals(List.of("run"), names(tmp));
        assertEquals("A", Files.readString(out.resolve("a.txt")));
    }

    @Test
    void commitIntoExistingDirectoryReplacesNamesakesAndKeepsOthers() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("run"));
        Files.writeString(out.resolve("a.txt"), "old");
        Files.writeString(out.resolve("keep.txt"), "mine");
        try (OutputDirectory o = OutputDirectory.create(out)) {
            Files.writeString(o.file("a.txt"), "new");
            o.commit();
        }
        assertEquals(List.of("a.txt", "keep.txt"), names(out));
        assertEquals("new", Files.readString(out.resolve("a.txt")));
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
        assertEquals(List.of("run"), names(tmp));
    }

    @Test
    void failureBeforeCommitLeavesNothingNotEvenCreatedParents() throws Exception {
        Path out = tmp.resolve("x/y/run");
        RuntimeException boom = assertThrows(RuntimeException.class, () -> {
            try (OutputDirectory o = OutputDirectory.create(out)) {
                Files.writeString(o.file("half.txt"), "half");
                assertTrue(Files.isDirectory(tmp.resolve("x/y")));
                throw new RuntimeException("boom");
            }
        });
        assertEquals("boom", boom.getMessage());
        assertEquals(List.of(), names(tmp));
    }

    @Test
    void failureKeepsAnExistingDirectoryAsItWas() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("run"));
        Files.writeString(out.resolve("a.txt"), "old");
        try (OutputDirectory o = OutputDirectory.create(out)) {
            Files.writeString(o.file("a.txt"), "new");
        }
        assertEquals(List.of("a.txt"), names(out));
        assertEquals("old", Files.readString(out.resolve("a.txt")));
        assertEquals(List.of("run"), names(tmp));
    }

    @Test
    void refusesAFileInTheWayAndNamesThatAreNotPlain() throws Exception {
        Path file = Files.writeString(tmp.resolve("run"), "x");
        ExplainException e = assertThrows(ExplainException.class, () -> OutputDirectory.create(file));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
        try (OutputDirectory o = OutputDirectory.create(tmp.resolve("other"))) {
            assertThrows(IllegalArgumentException.class, () -> o.file("../escape.txt"));
        }
        assertEquals(List.of("run"), names(tmp));
    }
}
