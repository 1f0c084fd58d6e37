package io.vigil.heartbeat;

import io.vigil.heartbeat.HeartbeatNetworks.Network;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one heartbeat network looks like from this node, for the status view (which networks
 * are alive). Times are {@link System#nanoTime()} values: compare them to the current
 * {@code nanoTime()}, never to wall-clock time.
 *
 * @param index             position in the configuration, from 0
 * @param network           the configured addresses
 * @param lastReceivedNanos when an authentic heartbeat of the peer last arrived here; empty if
 *                          none yet
 * @param lastSendError     why the last send on this network failed; empty if it succeeded
 */
public record NetworkStatus(int index, Network network, OptionalLong lastReceivedNanos,
        Optional<String> lastSendError) {
}
