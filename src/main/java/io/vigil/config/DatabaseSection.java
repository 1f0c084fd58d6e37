package io.vigil.config;

import java.nio.file.Path;

/**
 * The VMS database (SPEC §3). Absent from the configuration means Vigil manages no database.
 *
 * <p>{@code internal}: Vigil runs PostgreSQL on both nodes and replicates node → node. The
 * database roles' passwords are derived from the cluster key, so there is no extra secret to
 * distribute and none with a default value.
 *
 * <p>{@code external}: a PostgreSQL outside the cluster, not replicated or monitored; the services
 * of the node that runs them receive its address in their environment.
 *
 * @param binDir        PostgreSQL's tools (internal; default Debian's /usr/lib/postgresql/15/bin)
 * @param osUser        the non-root user that owns and runs PostgreSQL (internal; default postgres)
 * @param dataDir       the data directory (internal; default {@code <node.dataDir>/pg/data}); its parent
 *                      belongs to {@code osUser} (full resyncs create a fresh directory beside it)
 * @param port          this node's database port (internal; default 5432)
 * @param listenAddress the address the peer replicates from (internal; default this node's
 *                      address on the first heartbeat network)
 * @param peerAddress   the peer's database address (internal; default the peer's address on the
 *                      first heartbeat network)
 * @param peerPort      the peer's database port (internal; default {@code port})
 * @param allowedCidr   who may connect for replication (internal; default peerAddress/32)
 * @param url           JDBC URL of the external database (external)
 * @param user          its user (external)
 * @param passwordFile  file holding its password (external); never read into logs
 */
public record DatabaseSection(Mode mode, Path binDir, String osUser, Path dataDir, int port, String listenAddress,
                              String peerAddress, int peerPort, String allowedCidr, String url, String user,
                              Path passwordFile) {

    public enum Mode { INTERNAL, EXTERNAL }

    public boolean internal() {
        return mode == Mode.INTERNAL;
    }
}
