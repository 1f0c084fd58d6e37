package io.vigil.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where the node sends its state changes, failovers and alarms: the VMS event server (issue 13),
 * reached through the cluster address, with an account of the management server's 'reporter' role.
 *
 * @param url          the event server, e.g. {@code http://10.0.0.100:8101}
 * @param loginUrl     the management server that issues the session, default the event server's
 *                     host on port 8100
 * @param user         the account (role reporter)
 * @param passwordFile a file holding its password
 */
public record EventsSection(URI url, URI loginUrl, String user, Path passwordFile) {
    public static final int DEFAULT_MANAGEMENT_PORT = 8100;
}
