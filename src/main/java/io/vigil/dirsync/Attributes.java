package io.vigil.dirsync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/** Applies an entry's mode, owner and mtime on the receiving side (never through a link). */
final class Attributes {

    private Attributes() {
    }

    static void apply(Path p, Entry e, boolean asRoot) throws IOException {
        if (asRoot) {
            // Owner first: changing the owner clears setuid/setgid bits, which the mode then restores.
            Files.setAttribute(p, "unix:uid", e.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", e.gid(), LinkOption.NOFOLLOW_LINKS);
        }
        Files.setAttribute(p, "unix:mode", e.mode(), LinkOption.NOFOLLOW_LINKS);
        Files.setLastModifiedTime(p, FileTime.from(e.mtimeNanos(), TimeUnit.NANOSECONDS));
    }

    /** Whether only metadata (not content) of a same-content file differs. */
    static boolean differ(Entry want, Entry have, boolean asRoot) {
        return want.mode() != have.mode() || want.mtimeNanos() != have.mtimeNanos()
                || asRoot && (want.uid() != have.uid() || want.gid() != have.gid());
    }
}
