package io.vigil.dirsync;

/**
 * What one pass over one directory did.
 *
 * @param entries          files, directories and links on the source
 * @param dataBytes        size of all files on the source (the data the replica holds)
 * @param filesTransferred files whose content was rebuilt
 * @param transferBytes    size of those files
 * @param literalBytes     bytes of them sent as data (the rest came from the old copies' blocks)
 * @param wireBytes        bytes that crossed the network, both ways, handshakes and signatures included
 * @param deleted          entries removed because the source no longer has them
 * @param retries          files sent again after a corrupt stream or a failed checksum
 */
public record SyncResult(String directory, int entries, long dataBytes, int filesTransferred, long transferBytes,
                         long literalBytes, long wireBytes, int deleted, int retries, long durationMs) {

    /** Whether the pass changed nothing (the replica was already identical). */
    public boolean unchanged() {
        return filesTransferred == 0 && deleted == 0;
    }
}
