package io.vigil.dirsync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/** Applies an entry's mode, owner and mtime on the receiving side (never through a link). */
final class Attributes {

    private Attributes() {
    }

    /**
     * @throws IOException when {@code p} is not (or no longer) of the entry's type, e.g. a link put
     *                     there during the pass: its owner, mode or mtime are then left alone
     */
    static void apply(Path p, Entry e, boolean asRoot) throws IOException {
        BasicFileAttributeView view = Files.getFileAttributeView(p, BasicFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        BasicFileAttributes now = view.readAttributes();
        boolean expected = e.type() == Entry.Type.DIR ? now.isDirectory() : now.isRegularFile();
        if (!expected) {
            throw new IOException("refused to set the owner, mode and mtime of " + p + ": it should be a "
                    + e.type() + " but is not (changed during the pass); the next pass starts over");
        }
        if (asRoot) {
            // Owner first: changing the owner clears setuid/setgid bits, which the mode then restores.
            Files.setAttribute(p, "unix:uid", e.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", e.gid(), LinkOption.NOFOLLOW_LINKS);
        }
        Files.setAttribute(p, "unix:mode", e.mode(), LinkOption.NOFOLLOW_LINKS);
        // Files.setLastModifiedTime would follow a link: the NOFOLLOW view sets the entry's own.
        view.setTimes(FileTime.from(e.mtimeNanos(), TimeUnit.NANOSECONDS), null, null);
    }

    /** Whether only metadata (not content) of a same-content file differs. */
    static boolean differ(Entry want, Entry have, boolean asRoot) {
        return want.mode() != have.mode() || want.mtimeNanos() != have.mtimeNanos()
                || asRoot && (want.uid() != have.uid() || want.gid() != have.gid());
    }
}
