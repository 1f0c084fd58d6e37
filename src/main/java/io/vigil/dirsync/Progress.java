package io.vigil.dirsync;

/**
 * How far a pass over one directory has come.
 *
 * @param filesTotal files whose content must move in this pass
 * @param bytesTotal their size (the data to rebuild, not what crosses the wire)
 * @param etaMs      estimated time left at the rate so far, -1 before there is a rate
 */
public record Progress(String directory, int filesDone, int filesTotal, long bytesDone, long bytesTotal,
                       long etaMs) {

    public int percent() {
        return bytesTotal == 0 ? (filesTotal == 0 ? 100 : 100 * filesDone / filesTotal)
                : (int) Math.min(100, bytesDone * 100 / bytesTotal);
    }
}
