package io.vigil.it.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The number X of a lab's subnet 10.77.X.0/24, held through a file lock so that labs of concurrent
 * JVMs never share one, and released by the kernel when a JVM dies: a number nobody holds marks the
 * namespaces carrying it as leftovers of a crashed run.
 */
final class LabNumber implements AutoCloseable {
    static final int MAX = 254;
    private static final Path DIR = Files.isDirectory(Path.of("/run"))
            ? Path.of("/run/vigil-netlab") : Path.of(System.getProperty("java.io.tmpdir"), "vigil-netlab");
    /** File locks are per JVM: a second tryLock from this JVM would throw, so remember our own. */
    private static final Set<Integer> HELD_HERE = new HashSet<>();

    final int value;
    private final FileChannel channel;
    private final FileLock lock;

    private LabNumber(int value, FileChannel channel, FileLock lock) {
        this.value = value;
        this.channel = channel;
        this.lock = lock;
    }

    static LabNumber acquire() {
        for (int n = 1; n <= MAX; n++) {
            LabNumber held = tryAcquire(n);
            if (held != null) {
                return held;
            }
        }
        throw new IllegalStateException("all " + MAX + " lab numbers are in use (locks in " + DIR + ")");
    }

    /** True when no live lab, in this JVM or another, holds {@code n}. */
    static boolean isFree(int n) {
        LabNumber probe = tryAcquire(n);
        if (probe == null) {
            return false;
        }
        probe.close();
        return true;
    }

    private static LabNumber tryAcquire(int n) {
        synchronized (HELD_HERE) {
            if (HELD_HERE.contains(n)) {
                return null;
            }
            try {
                Files.createDirectories(DIR);
                FileChannel ch = FileChannel.open(DIR.resolve("lab-" + n + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    ch.close();
                    return null;
                }
                HELD_HERE.add(n);
                return new LabNumber(n, ch, lock);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock a lab number in " + DIR, e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (HELD_HERE) {
            if (!channel.isOpen()) {
                return;
            }
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                HELD_HERE.remove(value);
            }
        }
    }
}
