package io.vigil.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingFileTest {

    @TempDir
    Path dir;

    /** "line-NN" plus newline is 8 bytes; 3 lines fit in 24 bytes. */
    static String line(int i) {
        return "line-%02d".formatted(i);
    }

    @Test
    void logFilesRotatedFilesAndTheirNewFolderAreOwnerOnly() throws Exception {
        Path f = dir.resolve("node1/log/module.log");
        try (RotatingFile r = new RotatingFile(f, 24, 2)) {
            for (int i = 0; i < 7; i++) {
                r.append(line(i));
            }
        }
        for (Path p : List.of(f, dir.resolve("node1/log/module.log.1"), dir.resolve("node1/log/module.log.2"))) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                    .as(p.toString()).isEqualTo("rw-------");
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("node1/log")))).isEqualTo("rwx------");
    }

    @Test
    void rotatesAtTheSizeAndKeepsOnlyNOldFiles() throws Exception {
        Path f = dir.resolve("module.log");
        try (RotatingFile r = new RotatingFile(f, 24, 2)) {
            for (int i = 0; i < 12; i++) {
                r.append(line(i));
            }
            assertThat(r.files()).containsExactly(f, dir.resolve("module.log.1"), dir.resolve("module.log.2"));
        }
        assertThat(Files.readAllLines(f)).containsExactly(line(9), line(10), line(11));
        assertThat(Files.readAllLines(dir.resolve("module.log.1"))).containsExactly(line(6), line(7), line(8));
        assertThat(Files.readAllLines(dir.resolve("module.log.2"))).containsExactly(line(3), line(4), line(5));
        assertThat(dir.resolve("module.log.3")).doesNotExist();
        assertThat(Files.size(f)).isLessThanOrEqualTo(24);
    }

    @Test
    void keepZeroFilesOnlyKeepsTheCurrentOne() throws Exception {
        Path f = dir.resolve("a.log");
        try (RotatingFile r = new RotatingFile(f, 16, 0)) {
            for (int i = 0; i < 5; i++) {
                r.append(line(i));
            }
        }
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
        assertThat(Files.readAllLines(f)).containsExactly(line(4));
    }

    @Test
    void readSpansRotatedFilesNewestLast() throws Exception {
        try (RotatingFile r = new RotatingFile(dir.resolve("a.log"), 24, 5)) {
            for (int i = 0; i < 10; i++) {
                r.append(line(i));
            }
            assertThat(r.read(l -> true, 0, 5)).containsExactly(line(5), line(6), line(7), line(8), line(9));
            assertThat(r.read(l -> true, 5, 3)).containsExactly(line(2), line(3), line(4));
            assertThat(r.read(l -> true, 8, 100)).containsExactly(line(0), line(1));
            assertThat(r.read(l -> l.endsWith("0") || l.endsWith("5"), 0, 10)).containsExactly(line(0), line(5));
        }
    }

    @Test
    void reopeningAppendsAndStillRotatesAtTheSize() throws Exception {
        Path f = dir.resolve("a.log");
        try (RotatingFile r = new RotatingFile(f, 24, 1)) {
            r.append(line(0));
            r.append(line(1));
        }
        try (RotatingFile r = new RotatingFile(f, 24, 1)) {
            r.append(line(2));
            r.append(line(3));
            assertThat(r.read(l -> true, 0, 10)).containsExactly(line(0), line(1), line(2), line(3));
        }
        assertThat(Files.readAllLines(f)).containsExactly(line(3));
    }

    @Test
    void eachLineIsOnDiskAsSoonAsAppendReturns() throws Exception {
        Path f = dir.resolve("a.log");
        try (RotatingFile r = new RotatingFile(f, 1000, 1)) {
            r.append("written");
            // Read by another handle while this one is open: nothing waits in a buffer.
            assertThat(Files.readString(f, StandardCharsets.UTF_8)).isEqualTo("written\n");
        }
    }

    @Test
    void lineBreaksInsideALineAreEscaped() throws Exception {
        try (RotatingFile r = new RotatingFile(dir.resolve("a.log"), 1000, 1)) {
            r.append("one\ntwo\r\nthree");
            assertThat(r.read(l -> true, 0, 10)).containsExactly("one\\ntwo\\nthree");
        }
    }

    @Test
    void concurrentAppendsLoseAndTearNoLine() throws Exception {
        Path f = dir.resolve("a.log");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (RotatingFile r = new RotatingFile(f, 4096, 50)) {
            IntStream.range(0, 4).forEach(t -> pool.submit(() -> {
                for (int i = 0; i < 250; i++) {
                    r.append("t" + t + "-" + i + "-" + "x".repeat(20));
                }
                return null;
            }));
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            List<String> all = new ArrayList<>(r.read(l -> true, 0, 10_000));
            assertThat(all).hasSize(1000).allMatch(l -> l.matches("t[0-3]-\\d+-x{20}"));
        }
    }
}
