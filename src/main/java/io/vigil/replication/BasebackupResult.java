package io.vigil.replication;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Outcome of a full resync.
 *
 * @param bytesCopied  bytes pg_basebackup reported as copied
 * @param previousData where the old data directory was moved (SPEC §3: node 2's data is backed
 *                     up before being overwritten); null if there was none
 */
public record BasebackupResult(long bytesCopied, Path previousData, Duration took) { }
