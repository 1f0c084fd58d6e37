package io.vigil.dirsync;

import io.vigil.core.SyncStatus;

/**
 * One replicated directory as `vigil status` shows it.
 *
 * @param status           uptodate: the last pass completed (on the SECOND) or this node is the
 *                         source; not uptodate: a pass is running, or failed on a file; connection
 *                         error: the source could not be reached or refused us; not configured:
 *                         this node neither serves nor receives (STOP, WAIT...)
 * @param detail           why, in words (the last error, or what the last pass did)
 * @param lastSyncEpochMs  when the last complete pass ended (0: never)
 * @param percent          progress of the running pass, or of the last one (100 when done)
 * @param bytesDone        bytes of changed files rebuilt so far in that pass
 * @param bytesTotal       bytes of changed files that pass has to rebuild
 * @param etaMs            estimated time left of the running pass (-1: unknown, 0: done)
 * @param dataBytes        size of the directory at the source at the last pass
 * @param wireBytes        bytes on the wire of the last complete pass
 */
public record DirectoryStatus(String name, String path, SyncStatus status, String detail, long lastSyncEpochMs,
                              int percent, long bytesDone, long bytesTotal, long etaMs, long dataBytes,
                              long wireBytes) {

    static DirectoryStatus initial(String name, String path, SyncStatus status, String detail) {
        return new DirectoryStatus(name, path, status, detail, 0, 0, 0, 0, -1, 0, 0);
    }

    DirectoryStatus with(SyncStatus s, String why) {
        return new DirectoryStatus(name, path, s, why, lastSyncEpochMs, percent, bytesDone, bytesTotal, etaMs,
                dataBytes, wireBytes);
    }

    DirectoryStatus progress(Progress p) {
        return new DirectoryStatus(name, path, SyncStatus.NOT_UPTODATE, "transferring " + p.filesDone() + "/"
                + p.filesTotal() + " changed files", lastSyncEpochMs, p.percent(), p.bytesDone(), p.bytesTotal(),
                p.etaMs(), dataBytes, wireBytes);
    }

    DirectoryStatus done(SyncResult r, long nowEpochMs) {
        String what = r.unchanged() ? "in sync" : "copied " + r.filesTransferred() + " file(s), " + r.transferBytes()
                + " bytes (" + r.wireBytes() + " on the wire), deleted " + r.deleted();
        return new DirectoryStatus(name, path, SyncStatus.UPTODATE, what, nowEpochMs, 100, r.transferBytes(),
                r.transferBytes(), 0, r.dataBytes(), r.wireBytes());
    }
}
