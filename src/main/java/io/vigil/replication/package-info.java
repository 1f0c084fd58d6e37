/**
 * The internal database (SPEC §3): a real PostgreSQL instance per node, driven through
 * PostgreSQL's own tools. {@link io.vigil.replication.PgInstance} executes the state machine's
 * {@link io.vigil.core.Effect.ReplicationRole}: PRIMARY = promote if needed, then
 * {@code configureAsPrimary(synchronous, peer)}; STANDBY = {@code configureAsStandby(peer)},
 * after {@code rewindFrom} (or, when that reports it is impossible, {@code basebackupFrom})
 * if this node ran the services in another epoch. {@link io.vigil.replication.SyncReporter}
 * turns both nodes' views into the {@link io.vigil.core.SyncStatus} the SECOND reports.
 *
 * <p>Known limit: {@code configureAsPrimary} returns the WAL position read after
 * pg_reload_conf(); PostgreSQL applies synchronous_standby_names to waiting commits when its
 * checkpointer processes the reload, a moment later. A commit inside that window may be
 * acknowledged without the standby, above the returned position. The daemon should report
 * UPTODATE only after the primary lists the standby as 'sync' (which SyncReporter requires)
 * and should take the switch position from a status read after that.
 *
 * <p>All blocking: call from a worker, not the daemon's event loop.
 */
package io.vigil.replication;
