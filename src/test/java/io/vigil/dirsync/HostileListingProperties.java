package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Issue 10 item 1, as properties over generated listings served by a {@link LyingSource} to a
 * real receiver over loopback, on real directories beside an "outside" tree that stands for
 * /etc: whatever the listing, nothing outside the replicated directory changes (path, type,
 * mode, owner, mtime, content, link target); a listing with a hostile entry is refused whole;
 * a valid one (links pointing outside included, over a previous copy with links where the new
 * listing has directories) is applied exactly.
 */
class HostileListingProperties {

    private static final String OUTSIDE = "@outside";
    /** Link targets; {@value #OUTSIDE} stands for the outside tree's absolute path. */
    private static final List<String> TARGETS = List.of(OUTSIDE, OUTSIDE + "/keep.conf", OUTSIDE + "/sub",
            "../outside", "../../outside/sub", "/etc/passwd", "a", "..");
    private static final List<String> NAMES = List.of("a", "b", "l", "sub", "keep.conf", "planted");
    private static final long MTIME = 1_500_000_000_123_456_789L;

    private Path tmp;
    private Path outside;
    private Path dst;
    private LyingSource source;

    /** One generated entry: its parent is the {@code parent}-th directory generated before it (0: the root). */
    record Spec(int parent, String name, Entry.Type type, int target, int mode, int owner, String content) {
    }

    /** A hostile entry inserted into a valid listing at position {@code at}. */
    record Attack(Kind kind, int at, int pick, Entry.Type type) {
        enum Kind { BELOW_LINK, DOT_DOT, DOT, ABSOLUTE, EMPTY_COMPONENT, NUL, DUPLICATE, BELOW_FILE, NO_PARENT }
    }

    @BeforeTry
    void setUp() throws IOException {
        tmp = Files.createTempDirectory("hostile-listing");
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep.conf"), "precious\n");
        Files.createDirectories(outside.resolve("sub"));
        Files.createDirectories(outside.resolve("a"));
        dst = Files.createDirectories(tmp.resolve("dst"));
        // left behind locally (an earlier pass, or an operator): a later listing may want a directory there
        Files.createSymbolicLink(dst.resolve("planted"), outside);
        source = new LyingSource();
    }

    @AfterTry
    void tearDown() throws IOException {
        source.close();
        deleteTree(tmp);
    }

    @Property(tries = 100)
    void aValidListingIsAppliedExactlyAndNothingOutsideChanges(@ForAll("listings") List<Spec> previous,
                                                               @ForAll("listings") List<Spec> next) throws Exception {
        Map<String, String> outsideBefore = TreeSnapshot.of(outside);

        for (List<Spec> specs : List.of(previous, next)) {
            Map<String, byte[]> contents = new HashMap<>();
            List<Entry> listing = build(specs, contents);
            source.serve(listing, contents);
            DirSyncFixture.client(source.port()).pull("data", dst, SyncListener.NONE);
            assertApplied(listing, contents);
        }
        assertThat(TreeSnapshot.of(outside)).isEqualTo(outsideBefore);
    }

    @Property(tries = 200)
    void aListingWithAHostileEntryIsRefusedWholeAndNothingChanges(@ForAll("listings") List<Spec> valid,
                                                                  @ForAll("attacks") List<Attack> attacks)
            throws Exception {
        Map<String, byte[]> contents = new HashMap<>();
        List<Entry> listing = build(valid, contents);
        for (Attack a : attacks) {
            insert(listing, a, contents);
        }
        Map<String, String> before = TreeSnapshot.of(tmp);
        source.serve(listing, contents);

        assertThatThrownBy(() -> DirSyncFixture.client(source.port()).pull("data", dst, SyncListener.NONE))
                .as("listing %s", listing)
                .isInstanceOf(RefusedListingException.class)
                .hasMessageStartingWith("refused the listing of 'data' from the source: entry '");
        assertThat(TreeSnapshot.of(tmp)).as("nothing inside or outside changed").isEqualTo(before);
    }

    @Provide
    Arbitrary<List<Spec>> listings() {
        return Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.of(NAMES),
                        Arbitraries.of(Entry.Type.class), Arbitraries.integers().between(0, TARGETS.size() - 1),
                        Arbitraries.of(0755, 0700, 0644, 0600, 04755, 0777, 01777),
                        Arbitraries.of(0, 1000), Arbitraries.strings().alpha().ofMaxLength(40))
                .as(Spec::new).list().ofMaxSize(14);
    }

    @Provide
    Arbitrary<List<Attack>> attacks() {
        return Combinators.combine(Arbitraries.of(Attack.Kind.class), Arbitraries.integers().between(0, 20),
                        Arbitraries.integers().between(0, 20), Arbitraries.of(Entry.Type.class))
                .as(Attack::new).list().ofMinSize(1).ofMaxSize(3);
    }

    /** The listing an honest source would send for {@code specs} (names made unique, parents before children). */
    private List<Entry> build(List<Spec> specs, Map<String, byte[]> contents) {
        List<String> dirs = new ArrayList<>();
        Map<String, Entry> byPath = new LinkedHashMap<>();
        for (Spec s : specs) {
            String parent = s.parent() == 0 || dirs.isEmpty() ? "" : dirs.get(s.parent() % dirs.size()) + "/";
            String path = parent + s.name();
            if (byPath.containsKey(path)) {
                continue;
            }
            Entry e = entry(path, s.type(), s, contents);
            byPath.put(path, e);
            if (s.type() == Entry.Type.DIR) {
                dirs.add(path);
            }
        }
        List<Entry> out = new ArrayList<>(byPath.values());
        out.sort((x, y) -> x.path().compareTo(y.path()));
        return out;
    }

    private Entry entry(String path, Entry.Type type, Spec s, Map<String, byte[]> contents) {
        int owner = "root".equals(System.getProperty("user.name")) ? s.owner() : currentUid();
        return switch (type) {
            case DIR -> new Entry(path, type, 0, MTIME, s.mode() | 0700, owner, owner, "");
            case LINK -> new Entry(path, type, 0, MTIME, 0777, owner, owner,
                    TARGETS.get(s.target()).replace(OUTSIDE, outside.toString()));
            case FILE -> {
                byte[] data = s.content().getBytes();
                contents.put(path, data);
                // other content, other mtime: the receiver's quick check (size, mtime) must see the change
                yield new Entry(path, type, data.length, MTIME + fnv(data), s.mode(), owner, owner, "");
            }
        };
    }

    /** Inserts an entry that is hostile whatever else the listing holds. */
    private void insert(List<Entry> listing, Attack a, Map<String, byte[]> contents) {
        int at = Math.min(a.at(), listing.size());
        Entry picked = listing.isEmpty() ? null : listing.get(a.pick() % listing.size());
        Spec s = new Spec(0, "x", a.type(), 0, 0644, 0, "evil");
        String o = outside.toString();
        switch (a.kind()) {
            case BELOW_LINK -> {
                String link = "evil-link-" + listing.size();
                listing.add(at, entry(link, Entry.Type.LINK, s, contents));
                listing.add(at + 1, entry(link + "/x", a.type(), s, contents));
            }
            case DOT_DOT -> listing.add(at, entry(a.pick() % 2 == 0 ? "../outside/x" : "sub/../../outside/x",
                    a.type(), s, contents));
            case DOT -> listing.add(at, entry(a.pick() % 2 == 0 ? "." : "./x", a.type(), s, contents));
            case ABSOLUTE -> listing.add(at, entry(a.pick() % 2 == 0 ? o + "/x" : "/", a.type(), s, contents));
            case EMPTY_COMPONENT -> listing.add(at, entry(a.pick() % 2 == 0 ? "" : "x//y", a.type(), s, contents));
            case NUL -> listing.add(at, entry("x\0" + o, a.type(), s, contents));
            case DUPLICATE -> {
                if (picked == null) {
                    listing.add(entry("x", a.type(), s, contents));
                    listing.add(entry("x", a.type(), s, contents));
                } else {
                    listing.add(entry(picked.path(), a.type(), s, contents)); // after the original
                }
            }
            case BELOW_FILE -> {
                String file = "evil-file-" + listing.size();
                listing.add(at, entry(file, Entry.Type.FILE, s, contents));
                listing.add(at + 1, entry(file + "/x", a.type(), s, contents));
            }
            case NO_PARENT -> listing.add(at, entry("never-listed/x", a.type(), s, contents));
        }
    }

    /** dst holds exactly the listing: types, link targets, contents, modes, owners, mtimes. */
    private void assertApplied(List<Entry> listing, Map<String, byte[]> contents) throws IOException {
        Set<String> want = new TreeSet<>();
        for (Entry e : listing) {
            want.add(e.path());
            Path p = dst.resolve(e.path());
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime,isDirectory,"
                    + "isRegularFile,isSymbolicLink", LinkOption.NOFOLLOW_LINKS);
            switch (e.type()) {
                case LINK -> {
                    assertThat(a.get("isSymbolicLink")).as(e.path()).isEqualTo(true);
                    assertThat(Files.readSymbolicLink(p).toString()).as(e.path()).isEqualTo(e.linkTarget());
                    continue;
                }
                case DIR -> assertThat(a.get("isDirectory")).as(e.path()).isEqualTo(true);
                case FILE -> {
                    assertThat(a.get("isRegularFile")).as(e.path()).isEqualTo(true);
                    assertThat(Files.readAllBytes(p)).as(e.path()).isEqualTo(contents.get(e.path()));
                }
            }
            assertThat((Integer) a.get("mode") & 07777).as(e.path() + " mode").isEqualTo(e.mode());
            assertThat(a.get("uid")).as(e.path() + " owner").isEqualTo(e.uid());
            assertThat(((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS)).as(e.path() + " mtime")
                    .isEqualTo(e.mtimeNanos());
        }
        Set<String> have = new TreeSet<>();
        for (Entry e : Manifest.scan(dst, skipped -> { })) {
            have.add(e.path());
        }
        assertThat(have).as("nothing more, nothing less").isEqualTo(want);
    }

    /** FNV-1a, kept to 30 bits so the mtime stays a plausible date. */
    private static long fnv(byte[] b) {
        long h = 0xcbf29ce484222325L;
        for (byte x : b) {
            h = (h ^ (x & 0xff)) * 0x100000001b3L;
        }
        return h & 0x3fffffff;
    }

    private static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("."), "unix:uid");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
