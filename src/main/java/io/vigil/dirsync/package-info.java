/**
 * Directory replication (SPEC §3, issue 3): listed directories copied from the node running the
 * services to the SECOND, continuously, with rsync-style incremental transfer.
 *
 * <p>Who does what: {@link io.vigil.dirsync.DirectoryReplication} follows the state machine's
 * replication role. PRIMARY: its {@link io.vigil.dirsync.DirSyncServer} serves. STANDBY: it pulls
 * every interval with a {@link io.vigil.dirsync.DirSyncClient}. NONE: neither. The SECOND pulls
 * (rather than the PRIM pushing) because the receiver holds the old copy whose block signatures
 * the delta algorithm starts from, and because a pull loop needs no change notification that
 * could be missed: every pass compares the whole tree.
 *
 * <p>Channel ({@link io.vigil.dirsync.TlsChannel}, protocol 4, issue 12): TLS 1.3 from the JDK,
 * mutually authenticated with the node certificates of the cluster CA ({@link io.vigil.pki.ClusterTls}),
 * then a hello (magic, version, the receiver's block key, kept up to a day) and length-prefixed frames. A
 * record altered, dropped, replayed or reordered fails TLS; a stream cut inside a frame is a short
 * read. Either ends the connection ({@link io.vigil.dirsync.CorruptStreamException}).
 *
 * <p>Transfer ({@link io.vigil.dirsync.FileFetcher}, {@link io.vigil.dirsync.DeltaEncoder},
 * {@link io.vigil.dirsync.DeltaApplier}): rsync's algorithm with 4 KiB blocks (weak rolling
 * checksum + a 64-bit PolymurHash keyed per receiver, {@link io.vigil.dirsync.Blocks}; the receiver keeps the signatures of the files it installed for the next passes, {@link io.vigil.dirsync.SignatureCache}; files that arrived whole are signed between passes, {@link io.vigil.dirsync.BackgroundSigner}), rebuilt into a temporary file, verified against the
 * source's whole-file checksum ({@link io.vigil.dirsync.FileChecksum}: 128-bit MurmurHash3, as
 * rsync uses xxh128; TLS already authenticates the bytes), renamed into place. A
 * large file is written by a second thread while the next frames are read
 * ({@link io.vigil.dirsync.WriteBehind}). Any failure discards the temporary file; the
 * file is retried (a new connection after a corrupt stream, a whole-file send after a checksum
 * mismatch), {@link io.vigil.dirsync.DirSyncClient#ATTEMPTS} times per pass.
 *
 * <p>Symbolic links are copied as links and never followed. The receiver checks the source's whole
 * listing before changing anything ({@link io.vigil.dirsync.Listing}: no entry below a link or a
 * file, no '..', absolute name, duplicate...), and every component with lstat right before each
 * change ({@link io.vigil.dirsync.SafePaths}), so a source of the cluster CA cannot make it write
 * outside the directory (issue 10 item 1). Before authentication a connection has
 * {@link io.vigil.dirsync.DirSyncServer#AUTH_DEADLINE_MS} and a limited share of the session
 * threads, one of which is kept for the peer (issue 10 item 4; docs/security.md).
 */
package io.vigil.dirsync;
