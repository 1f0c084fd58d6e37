package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real sockets, real files: full and incremental passes, deletions, renames, metadata. */
class DirSyncTest extends DirSyncFixture {

    @Test
    void aFullPassCopiesFilesDirectoriesLinksModesAndMtimes() throws Exception {
        write(src.resolve("conf/app.yaml"), "port: 80\n".getBytes());
        write(src.resolve("certs/server.key"), random(1, 3000));
        chmod(src.resolve("certs/server.key"), "rw-------");
        write(src.resolve("logs/big.log"), random(2, 3_000_000));
        write(src.resolve("empty-file"), new byte[0]);
        Files.createDirectories(src.resolve("empty/dir"));
        Files.createSymbolicLink(src.resolve("current"), Path.of("conf/app.yaml"));
        Files.createSymbolicLink(src.resolve("outside"), Path.of("../../outside-the-tree"));
        Files.setLastModifiedTime(src.resolve("conf/app.yaml"), FileTime.from(Instant.parse("2020-01-02T03:04:05.123456789Z")));
        chmod(src.resolve("empty"), "rwx--x---");

        List<Progress> progress = new ArrayList<>();
        SyncResult r = client(server.port()).pull("data", dst, progress::add);

        assertThat(snapshot(dst)).isEqualTo(snapshot(src));
        assertThat(Files.isSymbolicLink(dst.resolve("outside"))).as("links are copied as links, not followed").isTrue();
        assertThat(r.filesTransferred()).isEqualTo(4);
        assertThat(r.dataBytes()).isEqualTo(3_000_000 + 3000 + 9);
        assertThat(r.wireBytes()).isGreaterThan(r.dataBytes());
        assertThat(progress.get(progress.size() - 1).percent()).isEqualTo(100);
        assertThat(progress.get(progress.size() - 1).bytesTotal()).isEqualTo(r.dataBytes());
    }

    @Test
    void anUnchangedTreeMovesNoFileData() throws Exception {
        write(src.resolve("a/b.bin"), random(3, 1_000_000));
        pull();
        SyncResult again = pull();
        assertThat(again.unchanged()).isTrue();
        assertThat(again.wireBytes()).isLessThan(2000);
    }

    @Test
    void anIncrementalPassMovesOnlyTheChangedBlocks() throws Exception {
        byte[] data = random(4, 8 << 20);
        Path f = write(src.resolve("video.idx"), data);
        pull();
        data[100_000] ^= 1;            // two 4 KiB blocks change in place...
        data[5_000_000] ^= 1;
        byte[] grown = new byte[data.length + 100]; // ...and 100 bytes are inserted in the middle
        System.arraycopy(data, 0, grown, 0, 3_000_000);
        System.arraycopy(data, 3_000_000, grown, 3_000_100, data.length - 3_000_000);
        Files.write(f, grown);

        SyncResult r = pull();

        assertThat(snapshot(dst)).isEqualTo(snapshot(src));
        assertThat(r.filesTransferred()).isEqualTo(1);
        assertThat(r.literalBytes()).isLessThan(4 * 4096 + 100);
        // 2048 block signatures (12 bytes each) dominate; still under 1% of the file
        assertThat(r.wireBytes()).isLessThan(grown.length / 100);
    }

    /**
     * Many changed files in one pass: the signatures of each next file are computed ahead, while
     * the source answers the current one, and must be that connection's, for that old copy. One
     * file's old copy is replaced after the first pass (another size), one is deleted on the source.
     */
    @Test
    void signaturesComputedAheadMoveOnlyTheChangedBlocksOfEveryFile() throws Exception {
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            contents.add(random(100 + i, 300_000 + i * 4096));
            write(src.resolve("d/f" + i + ".bin"), contents.get(i));
        }
        pull();
        for (int i = 0; i < 12; i++) {
            contents.get(i)[1000 + i] ^= 1; // one block each
            write(src.resolve("d/f" + i + ".bin"), contents.get(i));
        }
        write(dst.resolve("d/f5.bin"), random(7, 123_457)); // its old copy changed on the receiver
        Files.delete(src.resolve("d/f9.bin"));

        SyncResult r = pull();

        assertThat(snapshot(dst)).isEqualTo(snapshot(src));
        assertThat(r.filesTransferred()).isEqualTo(11);
        assertThat(r.literalBytes()).as("one block of each of 10 files, and f5 whole").isEqualTo(10 * 4096 + 300_000 + 5 * 4096);
    }

    @Test
    void deletionsRenamesAndPermissionChangesAreReplicated() throws Exception {
        write(src.resolve("keep.txt"), "keep".getBytes());
        write(src.resolve("old/name.bin"), random(5, 200_000));
        write(src.resolve("gone.txt"), "bye".getBytes());
        write(src.resolve("was-a-dir/inner.txt"), "x".getBytes());
        pull();

        Files.delete(src.resolve("gone.txt"));
        Files.createDirectories(src.resolve("new"));
        Files.move(src.resolve("old/name.bin"), src.resolve("new/name.bin"));
        Files.delete(src.resolve("old"));
        chmod(src.resolve("keep.txt"), "r--r-----");
        Files.delete(src.resolve("was-a-dir/inner.txt"));
        Files.delete(src.resolve("was-a-dir"));
        write(src.resolve("was-a-dir"), "now a file".getBytes());

        SyncResult r = pull();

        assertThat(snapshot(dst)).isEqualTo(snapshot(src));
        assertThat(r.deleted()).isEqualTo(5); // gone.txt, old, old/name.bin, was-a-dir, was-a-dir/inner.txt
        assertThat(r.filesTransferred()).as("the chmod moved no data").isEqualTo(2);
    }

    @Test
    void aFileThatTurnsIntoALinkIsReplacedNotWrittenThrough() throws Exception {
        write(src.resolve("cfg"), "v1".getBytes());
        pull();
        Path victim = write(tmp.resolve("victim"), "untouched".getBytes());
        Files.delete(src.resolve("cfg"));
        Files.createSymbolicLink(src.resolve("cfg"), victim);

        pull();

        assertThat(Files.readSymbolicLink(dst.resolve("cfg"))).isEqualTo(victim);
        assertThat(Files.readString(victim)).isEqualTo("untouched");
    }

    @Test
    void staleTempFilesFromAKilledPassAreRemoved() throws Exception {
        write(src.resolve("a.txt"), "a".getBytes());
        write(dst.resolve(Manifest.TEMP_PREFIX + "dead.tmp"), "half".getBytes());
        pull();
        assertThat(hasTempFiles(dst)).isFalse();
        assertThat(snapshot(dst)).isEqualTo(snapshot(src));
    }

    @Test
    void aNodeThatIsNotTheSourceRefusesWithItsReason() throws Exception {
        server.serving(false, "state SECOND");
        assertThatThrownBy(this::pull).isInstanceOf(RemoteRefusal.class)
                .hasMessageContaining("not a replication source").hasMessageContaining("state SECOND");
    }

    @Test
    void anUnknownDirectoryNameIsRefusedClearly() {
        assertThatThrownBy(() -> client(server.port()).pull("certs", dst, SyncListener.NONE))
                .isInstanceOf(RemoteRefusal.class).hasMessageContaining("'certs' is not replicated by the peer");
    }
}
