package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The receiver keeps the block signatures of the files it installs ({@link SignatureCache}) and
 * sends them at the next pass instead of reading the old copy; they are used only for the very
 * file they were computed for, under the key they were computed with, and a wrong one never
 * installs wrong data. Real sockets and files (one client for several passes, as a node's).
 */
class SignatureCacheTest extends DirSyncFixture {

    private static final int BLOCK = Blocks.MIN_BLOCK;

    @Test
    void passAfterPassTheSignaturesOfTheInstalledFilesAreSentWithoutReadingTheOldCopies() throws Exception {
        DirSyncClient client = client(server.port());
        byte[] big = random(1, (1 << 20) + 123); // a short last block
        byte[] small = random(2, 300_000);
        Path fb = write(src.resolve("d/big.bin"), big);
        Path fs = write(src.resolve("small.bin"), small);
        client.pull("data", dst, SyncListener.NONE); // whole files: signed after the pass, in the background
        SignatureCache cache = client.signatureCache();
        assertThat(client.awaitBackgroundSignatures(Duration.ofSeconds(60))).isTrue();

        for (int round = 1; round <= 3; round++) {
            big[round * 70_000] ^= 1;
            big[big.length - 1] ^= 1; // the short last block too
            small[round * 50_000] ^= 1;
            bump(Files.write(fb, big), round);
            bump(Files.write(fs, small), round);

            SyncResult r = client.pull("data", dst, SyncListener.NONE);

            assertThat(snapshot(dst)).isEqualTo(snapshot(src));
            // kept signatures of both old copies: those of the full copy, then of the rebuilt files
            assertThat(cache.hits()).as("round %d", round).isEqualTo(2L * round);
            // and right ones: only the changed blocks travel, and no file needed a second attempt
            assertThat(r.retries()).isZero();
            assertThat(r.literalBytes()).isEqualTo(2 * BLOCK + 123);
        }
    }

    @Test
    void filesCopiedWholeAreSignedAfterThePassNotWhileItRuns() throws Exception {
        SignatureCache cache = new SignatureCache();
        byte[] key = cache.connectionKey();
        Path a = write(tmp.resolve("a.bin"), random(11, 3 * BLOCK + 5));
        Path b = write(tmp.resolve("b.bin"), random(12, 2 * BLOCK));
        cache.passStarted();
        cache.signLater(a);
        cache.signLater(b);

        assertThat(cache.awaitSigned(300)).as("nothing signed while a pass runs").isFalse();
        assertThat(cache.bytes()).isZero();

        Files.write(b, random(13, 2 * BLOCK)); // replaced after it was installed: b's identity changes
        cache.remove(b); // as a pass does before it replaces a file
        cache.passEnded();

        assertThat(cache.awaitSigned(60_000)).isTrue();
        assertThat(cache.get(a, key, BLOCK, 4)).isEqualTo(signaturesOf(a, key));
        assertThat(cache.get(b, key, BLOCK, 2)).as("forgotten before it was signed").isNull();
    }

    @Test
    void aFileChangedAfterItWasCopiedWholeIsNotKeptWithStaleSignatures() throws Exception {
        SignatureCache cache = new SignatureCache();
        byte[] key = cache.connectionKey();
        Path f = write(tmp.resolve("f.bin"), random(14, 3 * BLOCK));
        SignatureCache.FileId read = SignatureCache.FileId.of(f);
        byte[] stale = signaturesOf(f, key);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            Files.write(f, random(15, 3 * BLOCK));
            return !SignatureCache.FileId.of(f).equals(read);
        });

        cache.put(f, read, key, BLOCK, stale); // as the background signer, whose read began before the change

        assertThat(cache.bytes()).isZero();
        assertThat(cache.get(f, key, BLOCK, 3)).isNull();
    }

    @Test
    void anOldCopyChangedOnTheReceiverIsSignedAfreshNotFromTheCache() throws Exception {
        DirSyncClient client = client(server.port());
        byte[] data = random(3, 200_000);
        Path f = write(src.resolve("f.bin"), data);
        client.pull("data", dst, SyncListener.NONE);
        assertThat(client.awaitBackgroundSignatures(Duration.ofSeconds(60))).isTrue();
        Path old = dst.resolve("f.bin");
        SignatureCache.FileId installed = SignatureCache.FileId.of(old);
        FileTime mtime = Files.getLastModifiedTime(old);
        // Same inode, size and mtime, other content: only the ctime tells (it moves on a clock tick).
        byte[] local = random(4, 200_000);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            Files.write(old, local);
            Files.setLastModifiedTime(old, mtime);
            return !SignatureCache.FileId.of(old).equals(installed);
        });
        data[1000] ^= 1;
        bump(Files.write(f, data), 1);

        SyncResult r = client.pull("data", dst, SyncListener.NONE);

        assertThat(snapshot(dst)).isEqualTo(snapshot(src));
        assertThat(client.signatureCache().hits()).isZero();
        assertThat(r.retries()).as("signatures of the old copy as it is now: no wrong match").isZero();
        assertThat(r.literalBytes()).as("nothing in common with the changed old copy").isEqualTo(200_000);
    }

    @Test
    void wrongKeptSignaturesCostTheFileAWholeResendNeverAWrongCopy() throws Exception {
        DirSyncClient client = client(server.port());
        byte[] data = random(5, 100_000);
        Path f = write(src.resolve("f.bin"), data);
        client.pull("data", dst, SyncListener.NONE);
        assertThat(client.awaitBackgroundSignatures(Duration.ofSeconds(60))).isTrue();
        SignatureCache cache = client.signatureCache();
        byte[] key = cache.connectionKey();
        // The signatures of other content, claimed for the old copy: the source matches against them.
        Path other = write(tmp.resolve("other.bin"), random(6, 100_000));
        Path old = dst.resolve("f.bin");
        cache.put(old, key, BLOCK, signaturesOf(other, key));
        // the new file starts with a block of the other content: its kept signature says the old copy has it
        System.arraycopy(Files.readAllBytes(other), 0, data, 0, BLOCK);
        bump(Files.write(f, data), 1);

        SyncResult r = client.pull("data", dst, SyncListener.NONE);

        assertThat(cache.hits()).isEqualTo(1);
        assertThat(r.retries()).as("the rebuilt file failed its check and was fetched again whole").isEqualTo(1);
        assertThat(Files.readAllBytes(old)).isEqualTo(data);
        assertThat(snapshot(dst)).isEqualTo(snapshot(src));
    }

    @Test
    void oneKeyServesTheConnectionsOfADayThenANewOneAndNoKeptSignature() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        SignatureCache cache = new SignatureCache(now::get, SignatureCache.MAX_BYTES);
        byte[] first = cache.connectionKey();
        Path f = write(tmp.resolve("f.bin"), random(7, 10_000));
        cache.put(f, first, BLOCK, signaturesOf(f, first));
        now.addAndGet(SignatureCache.KEY_LIFETIME_MS - 1);

        assertThat(cache.connectionKey()).hasSize(TlsChannel.BLOCK_KEY).isEqualTo(first);
        assertThat(cache.get(f, first, BLOCK, 3)).isNotNull();

        now.addAndGet(1);
        byte[] renewed = cache.connectionKey();

        assertThat(renewed).hasSize(TlsChannel.BLOCK_KEY).isNotEqualTo(first);
        assertThat(cache.bytes()).isZero();
        assertThat(cache.get(f, first, BLOCK, 3)).isNull();
        cache.put(f, first, BLOCK, signaturesOf(f, first)); // computed under the old key, arriving late
        assertThat(cache.bytes()).isZero();
        assertThat(new SignatureCache().connectionKey()).as("another node's").isNotEqualTo(renewed);
    }

    @Test
    void keptSignaturesAreBoundedAndTheLeastRecentlyUsedGoFirst() throws Exception {
        SignatureCache cache = new SignatureCache(System::currentTimeMillis, 2 * 3 * 12);
        byte[] key = cache.connectionKey();
        Path a = write(tmp.resolve("a"), random(8, 10_000));
        Path b = write(tmp.resolve("b"), random(9, 10_000));
        Path c = write(tmp.resolve("c"), random(10, 10_000));
        cache.put(a, key, BLOCK, signaturesOf(a, key));
        cache.put(b, key, BLOCK, signaturesOf(b, key));
        assertThat(cache.get(a, key, BLOCK, 3)).isNotNull(); // a used last

        cache.put(c, key, BLOCK, signaturesOf(c, key));

        assertThat(cache.bytes()).isEqualTo(2 * 3 * 12);
        assertThat(cache.get(b, key, BLOCK, 3)).isNull();
        assertThat(cache.get(a, key, BLOCK, 3)).isNotNull();
        assertThat(cache.get(c, key, BLOCK, 3)).isNotNull();
        assertThat(cache.get(c, cache.connectionKey().clone(), BLOCK * 2, 2)).as("another block size").isNull();
    }

    /** The signatures of {@code f} as the receiver sends them (weak int, strong long per 4 KiB block). */
    private static byte[] signaturesOf(Path f, byte[] key) throws Exception {
        byte[] b = Files.readAllBytes(f);
        var hash = Blocks.strongHash(key);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(Blocks.blockCount(b.length, BLOCK) * 12);
        for (int off = 0; off < b.length; off += BLOCK) {
            int len = Math.min(BLOCK, b.length - off);
            out.putInt(Blocks.weak(b, off, len)).putLong(Blocks.strong(hash, b, off, len));
        }
        return out.array();
    }

    /** A new mtime, so the quick check sees the change even within one clock tick. */
    private static void bump(Path f, int round) throws Exception {
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_600_000_000_000L + round * 1000L));
    }
}
