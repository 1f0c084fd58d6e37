package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk threads install a file only when its checksum matches, and write nothing after a cancel. */
class WriteBehindTest {

    @TempDir
    Path dir;

    private static final Entry ATTRS = new Entry("f", Entry.Type.FILE, 3, 1_700_000_000_000_000_000L, 0640, 0, 0, "");

    /** Hands "new" to the writer as one DELTA message, as FileFetcher does. */
    private static WriteBehind.Done send(WriteBehind w, Object job, Path target, byte[] checksum) throws IOException {
        WriteBehind.Done d = w.open(job, target, null, 0, Blocks.MIN_BLOCK);
        byte[] buf = w.buffer();
        ByteBuffer ops = ByteBuffer.wrap(buf);
        ops.put(Codec.OP_LITERAL).putInt(3).put("new".getBytes(StandardCharsets.US_ASCII)).flip();
        w.apply(d, ops, buf);
        w.finish(d, 3, checksum, ATTRS, false, 3);
        return d;
    }

    private static byte[] checksumOfNew() {
        FileChecksum c = new FileChecksum();
        c.update("new".getBytes(StandardCharsets.US_ASCII), 0, 3);
        return c.digest();
    }

    @Test
    void filesAreInstalledOrDiscardedByTheirChecksum() throws Exception {
        Path good = Files.writeString(dir.resolve("good"), "old");
        Path bad = Files.writeString(dir.resolve("bad"), "old");
        Set<Object> seen = new HashSet<>();
        try (WriteBehind w = new WriteBehind()) {
            send(w, "good", good, checksumOfNew());
            send(w, "bad", bad, new byte[FileChecksum.LENGTH]);
            assertThat(w.pending()).isEqualTo(2);
            for (int i = 0; i < 2; i++) {
                WriteBehind.Done d = w.completed(true);
                seen.add(d.job);
                if (d.job.equals("good")) {
                    assertThat(d.failure).isNull();
                    assertThat(d.literal).isEqualTo(3);
                } else {
                    assertThat(d.failure).isInstanceOf(DeltaApplier.BadFileException.class);
                }
            }
            assertThat(w.pending()).isZero();
        }
        assertThat(seen).containsExactlyInAnyOrder("good", "bad");
        assertThat(Files.readString(good)).isEqualTo("new");
        assertThat(Files.getLastModifiedTime(good).toMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(Files.readString(bad)).as("the old copy, untouched").isEqualTo("old");
        assertThat(DirSyncFixture.hasTempFiles(dir)).isFalse();
    }

    @Test
    void afterACancelQueuedFilesAreDiscardedNotInstalled() throws Exception {
        Path target = Files.writeString(dir.resolve("t"), "old");
        WriteBehind w = new WriteBehind();
        w.cancel();
        send(w, "t", target, checksumOfNew());
        WriteBehind.Done d = w.completed(true);
        w.close();
        assertThat(d.failure).hasMessageContaining("stopped");
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(DirSyncFixture.hasTempFiles(dir)).isFalse();
    }
}
