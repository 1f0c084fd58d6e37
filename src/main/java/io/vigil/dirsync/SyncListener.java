package io.vigil.dirsync;

/** Told of a pass's progress (at most a few times a second) on the pulling thread; must be quick. */
@FunctionalInterface
public interface SyncListener {
    SyncListener NONE = p -> { };

    void progress(Progress progress);
}
