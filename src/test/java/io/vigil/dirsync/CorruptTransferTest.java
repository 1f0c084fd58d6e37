package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Issue 3: "Corrupted or truncated transfer streams are detected (checksums) and retried, never
 * applied". A proxy between the nodes damages what the source sends; the replica must end up
 * either with the old file or the complete new one.
 */
class CorruptTransferTest extends DirSyncFixture {

    private static final int SIZE = 2_000_000;

    private SyncResult pullThrough(FaultyProxy proxy) throws IOException {
        return client(proxy.port()).pull("data", dst, SyncListener.NONE);
    }

    @Test
    void aFlippedByteIsDetectedAndTheFileFetchedAgain() throws Exception {
        byte[] content = random(10, SIZE);
        write(src.resolve("rec/index.bin"), content);
        try (FaultyProxy proxy = new FaultyProxy(server.port(), FaultyProxy.Fault.FLIP, SIZE / 2, 1)) {
            SyncResult r = pullThrough(proxy);
            assertThat(proxy.faultsInjected()).isEqualTo(1);
            assertThat(r.retries()).isEqualTo(1);
        }
        assertThat(Files.readAllBytes(dst.resolve("rec/index.bin"))).isEqualTo(content);
        assertThat(hasTempFiles(dst)).isFalse();
    }

    @Test
    void aTruncatedStreamIsDetectedAndTheFileFetchedAgain() throws Exception {
        byte[] content = random(11, SIZE);
        write(src.resolve("cert.pem"), content);
        try (FaultyProxy proxy = new FaultyProxy(server.port(), FaultyProxy.Fault.TRUNCATE, SIZE / 3, 1)) {
            SyncResult r = pullThrough(proxy);
            assertThat(r.retries()).isEqualTo(1);
        }
        assertThat(Files.readAllBytes(dst.resolve("cert.pem"))).isEqualTo(content);
        assertThat(hasTempFiles(dst)).isFalse();
    }

    @Test
    void aStreamThatStaysCorruptNeverReplacesTheOldCopy() throws Exception {
        byte[] v1 = random(12, SIZE);
        Path f = write(src.resolve("db.conf"), v1);
        pull();
        byte[] v2 = v1.clone();
        for (int i = 0; i < SIZE; i += 4096) {
            v2[i] ^= 1; // every block changes: the whole file travels as literal data
        }
        Files.write(f, v2);

        // Damage every connection, beyond the listing, inside the file data.
        try (FaultyProxy proxy = new FaultyProxy(server.port(), FaultyProxy.Fault.FLIP, SIZE / 2, Integer.MAX_VALUE)) {
            assertThatThrownBy(() -> pullThrough(proxy)).isInstanceOf(IOException.class)
                    .hasMessageContaining("gave up").hasMessageContaining("integrity check");
            assertThat(proxy.faultsInjected()).isEqualTo(DirSyncClient.ATTEMPTS);
        }
        assertThat(Files.readAllBytes(dst.resolve("db.conf"))).as("the old copy, intact").isEqualTo(v1);
        assertThat(hasTempFiles(dst)).isFalse();

        pull(); // the link is healthy again: the next pass completes
        assertThat(Files.readAllBytes(dst.resolve("db.conf"))).isEqualTo(v2);
    }

    @Test
    void aRebuiltFileWithTheWrongHashIsDiscarded() throws Exception {
        Path target = write(dst.resolve("f"), "old".getBytes());
        Files.createDirectories(dst);
        DeltaApplier applier = new DeltaApplier(target, null, 0, Blocks.MIN_BLOCK);
        java.nio.ByteBuffer ops = java.nio.ByteBuffer.allocate(64);
        ops.put(Codec.OP_LITERAL).putInt(3).put("new".getBytes()).flip();
        applier.apply(ops);
        Entry attrs = new Entry("f", Entry.Type.FILE, 3, 0, 0644, 0, 0, "");
        assertThatThrownBy(() -> applier.finish(3, new byte[FileChecksum.LENGTH], attrs, false))
                .isInstanceOf(DeltaApplier.BadFileException.class).hasMessageContaining("discarded");
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(hasTempFiles(dst)).isFalse();
    }

    @Test
    void pathsFromThePeerCannotLeaveTheDirectory() {
        for (String bad : new String[] {"../x", "a/../../x", "/etc/passwd", "a//b", "./a", ""}) {
            assertThatThrownBy(() -> SafePaths.resolve(dst, bad)).as(bad).isInstanceOf(CorruptStreamException.class);
        }
    }
}
