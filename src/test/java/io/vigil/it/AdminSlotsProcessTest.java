package io.vigil.it;

import io.vigil.core.NodeState;
import io.vigil.api.CommandResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10 item 4 against real node processes: idle connections used to hold every admin-channel
 * thread and queue place for 10 s each, so the CLI and the peer's status query were refused.
 */
@Tag("processes")
class AdminSlotsProcessTest extends ClusterProcessTest {

    @Test
    void manyIdleConnectionsLeaveTheCliAndThePeersStatusQueryWorking() throws Exception {
        start("admin-slots", s -> s);
        int prim = nodes.awaitPair();
        int port = nodes.cluster.adminPort(prim);
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                // Connected, then silent; the node accepts connections in order, so these come first.
                idle.add(new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName("127.0.0.2"), 0));
            }
            // The CLI, through the node's local socket: the idle TCP connections do not concern it.
            CommandResult r = nodes.command(prim, "boot", "keep");
            assertThat(r.accepted()).as(r.message()).isTrue();
            // The peer asks for the status the way its console and relayed `status --cluster` do:
            // over TLS with its certificate, 2 s timeout; the idle connections hold their share only.
            assertThat(nodes.cluster.adminAsPeer(prim).status().node().state()).isEqualTo(NodeState.PRIM);
            assertThat(nodes.state(3 - prim)).isEqualTo(NodeState.SECOND);
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }
}
