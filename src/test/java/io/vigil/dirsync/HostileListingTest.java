package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.awaitility.Awaitility.await;

import io.vigil.config.ReplicationSection;
import io.vigil.core.Effect.ReplicationRole.Role;
import io.vigil.core.SyncStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 10 item 1: a source that holds a certificate of the cluster CA but sends a hostile listing (real
 * sockets, real directories) must not make the receiver touch anything outside its directory.
 */
class HostileListingTest {

    private static final long MTIME = 1_600_000_000_000_000_000L;

    @TempDir
    Path tmp;
    Path outside;
    Path dst;
    LyingSource source;

    @BeforeEach
    void setUp() throws IOException {
        outside = Files.createDirectories(tmp.resolve("outside"));
        DirSyncFixture.write(outside.resolve("keep.conf"), "precious\n".getBytes());
        Files.createDirectories(outside.resolve("sub"));
        dst = Files.createDirectories(tmp.resolve("dst"));
        source = new LyingSource();
    }

    @AfterEach
    void tearDown() throws IOException {
        source.close();
    }

    static Entry dir(String path) {
        return new Entry(path, Entry.Type.DIR, 0, MTIME, 0777, 0, 0, "");
    }

    static Entry file(String path, int size) {
        return new Entry(path, Entry.Type.FILE, size, MTIME, 04777, 0, 0, "");
    }

    static Entry link(String path, String target) {
        return new Entry(path, Entry.Type.LINK, 0, MTIME, 0777, 0, 0, target);
    }

    private SyncResult pull() throws IOException {
        return DirSyncFixture.client(source.port()).pull("data", dst, SyncListener.NONE);
    }

    @Test
    void entriesBelowALinkToOutsideAreRefusedAndNothingOutsideChanges() throws Exception {
        Map<String, String> before = TreeSnapshot.of(outside);
        String target = outside.toString();
        source.serve(List.of(link("l", target), dir("l/x"), dir("l/sub"), file("l/evil.service", 4),
                link("l/y", "/etc/passwd")), Map.of("l/evil.service", "evil".getBytes()));

        assertThatThrownBy(this::pull)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'l/x'")
                .hasMessageContaining("below 'l', which the listing gives as a link");
        assertThat(TreeSnapshot.of(outside)).isEqualTo(before);
        assertThat(outside.resolve("x")).doesNotExist();
    }

    static Stream<Arguments> hostileListings() {
        return Stream.of(
                Arguments.of(List.of(dir("a"), dir("a/../../escape")), "'a/../../escape'", "'..'"),
                Arguments.of(List.of(dir("./a")), "'./a'", "'.'"),
                Arguments.of(List.of(dir("/abs")), "'/abs'", "absolute"),
                Arguments.of(List.of(dir("a//b")), "'a//b'", "empty component"),
                Arguments.of(List.of(dir("")), "''", "empty"),
                Arguments.of(List.of(dir("a\0b")), "a\\0b", "NUL"),
                Arguments.of(List.of(dir("a"), dir("a")), "'a'", "listed twice"),
                Arguments.of(List.of(dir("a"), file("a", 1)), "'a'", "listed twice"),
                Arguments.of(List.of(file("f", 1), dir("f/d")), "'f/d'", "below 'f', which the listing gives as a file"),
                Arguments.of(List.of(dir("a/b")), "'a/b'", "directory 'a' is not listed before it"),
                Arguments.of(List.of(file(".vigil-sync-0.tmp", 1)), "'.vigil-sync-0.tmp'", "reserved"),
                Arguments.of(List.of(link("l", "")), "'l'", "empty target"));
    }

    @ParameterizedTest
    @MethodSource("hostileListings")
    void aHostileListingIsRefusedWithAnErrorNamingTheEntry(List<Entry> listing, String names, String why)
            throws Exception {
        DirSyncFixture.write(dst.resolve("existing"), "kept".getBytes());
        Map<String, String> before = TreeSnapshot.of(tmp);
        source.serve(listing, Map.of());

        assertThatThrownBy(this::pull).isInstanceOf(IOException.class).hasMessageContaining(names)
                .hasMessageContaining(why);
        assertThat(TreeSnapshot.of(tmp)).as("a refused listing changes nothing, inside or outside").isEqualTo(before);
    }

    @Test
    void aValidListingFromTheSameSourceStillWorksAfterARefusal() throws Exception {
        source.serve(List.of(link("l", outside.toString()), dir("l/x")), Map.of());
        assertThatThrownBy(this::pull).isInstanceOf(IOException.class);

        source.serve(List.of(dir("d"), file("d/f", 5), link("l", outside.toString())), Map.of("d/f", "hello".getBytes()));
        SyncResult r = pull();

        assertThat(r.filesTransferred()).isEqualTo(1);
        assertThat(dst.resolve("d/f")).hasContent("hello");
        assertThat(Files.readSymbolicLink(dst.resolve("l"))).isEqualTo(outside);
    }

    @Test
    void aSecondFedAHostileListingReportsItAndKeepsPulling() throws Exception {
        source.serve(List.of(link("l", outside.toString()), dir("l/x")), Map.of());
        List<String> errors = new CopyOnWriteArrayList<>();
        ReplicationSection cfg = new ReplicationSection(0, "127.0.0.1", "127.0.0.1", source.port(), 100,
                List.of(new ReplicationSection.Directory("data", dst)));
        try (DirectoryReplication node = DirectoryReplication.start(cfg, TestTls.RECEIVER, line -> { }, errors::add)) {
            node.follow(Role.STANDBY);

            await().atMost(Duration.ofSeconds(20)).until(() -> !errors.isEmpty());
            assertThat(errors.get(0)).contains("directory data", "is not uptodate", "entry 'l/x'", "a link");
            assertThat(node.status().get(0).status()).isEqualTo(SyncStatus.NOT_UPTODATE);
            assertThat(node.caughtUp()).as("a refused pass never counts as caught up").isFalse();
            assertThat(outside.resolve("x")).doesNotExist();

            source.serve(List.of(dir("d")), Map.of()); // the source is repaired: the next passes work again
            await().atMost(Duration.ofSeconds(20)).until(node::caughtUp);
            assertThat(dst.resolve("d")).isDirectory();
            assertThat(errors).as("the refusal was logged once, not at every pass").hasSize(1);
        }
    }

    @Test
    void aListingWithoutEndIsRefusedBeforeItFillsTheHeap() throws Exception {
        List<Entry> many = new java.util.ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            many.add(dir("d" + i));
        }
        source.serve(many, Map.of());
        Map<String, String> before = TreeSnapshot.of(tmp);

        assertThatThrownBy(() -> new DirSyncClient("127.0.0.1", source.port(), TestTls.RECEIVER, 10_000, 100)
                .pull("data", dst, SyncListener.NONE))
                .isInstanceOf(RefusedListingException.class)
                .hasMessageContaining("more than 100 entries");
        assertThat(TreeSnapshot.of(tmp)).isEqualTo(before);
    }

    @Test
    void aFileAnswerWithModeBitsBeyondPermissionsIsNotInstalled() throws Exception {
        source.serve(List.of(file("f", 4)), Map.of("f", "data".getBytes()));
        source.answerAs(e -> new Entry(e.path(), e.type(), e.size(), e.mtimeNanos(), 0170777, 0, 0, ""));

        assertThatThrownBy(this::pull).isInstanceOf(IOException.class)
                .hasMessageContaining("'f' with a FILE of mode 170777, not a file's permission bits");
        assertThat(dst.resolve("f")).doesNotExist();
        assertThat(DirSyncFixture.hasTempFiles(dst)).isFalse();
    }
}
