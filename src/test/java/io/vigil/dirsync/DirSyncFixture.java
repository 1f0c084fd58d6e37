package io.vigil.dirsync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real source server on loopback serving {@code src} as "data" over TLS of a test cluster CA
 * ({@link TestTls}), and helpers to compare trees.
 */
abstract class DirSyncFixture {

    @TempDir
    Path tmp;
    Path src;
    Path dst;
    DirSyncServer server;
    final StringBuffer serverLog = new StringBuffer();

    @BeforeEach
    void startServer() throws Exception {
        TestTls.warmUp();
        src = Files.createDirectories(tmp.resolve("src"));
        dst = tmp.resolve("dst");
        server = DirSyncServer.start(TestTls.SOURCE, "127.0.0.1", 0, Map.of("data", src), "127.0.0.1",
                line -> serverLog.append(line).append('\n'));
        server.serving(true, "test");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    SyncResult pull() throws IOException {
        return client(server.port()).pull("data", dst, SyncListener.NONE);
    }

    static DirSyncClient client(int port) {
        return new DirSyncClient("127.0.0.1", port, TestTls.RECEIVER, 10_000);
    }

    static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Path write(Path p, byte[] content) throws IOException {
        Files.createDirectories(p.getParent());
        return Files.write(p, content);
    }

    static void chmod(Path p, String perms) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    /** Every entry's type, mode, mtime, content hash and link target, by relative path. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
                String what;
                if (Files.isSymbolicLink(p)) {
                    what = "link -> " + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    what = "dir " + Integer.toOctalString((Integer) a.get("mode") & 07777) + " " + a.get("lastModifiedTime");
                } else {
                    what = "file " + Integer.toOctalString((Integer) a.get("mode") & 07777) + " "
                            + a.get("lastModifiedTime") + " " + sha(Files.readAllBytes(p));
                }
                out.put(root.relativize(p).toString(), what);
            }
        }
        return out;
    }

    static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean hasTempFiles(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.anyMatch(Manifest::isTemp);
        }
    }
}
