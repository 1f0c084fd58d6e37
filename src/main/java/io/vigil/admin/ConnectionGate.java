package io.vigil.admin;

import io.vigil.security.Acceptor;

import java.net.InetAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;

/**
 * Who may hold one of the admin channel's threads before authenticating (issue 10, item 4). A
 * few idle connections used to take every thread and queue place for 10 s each, locking out the
 * CLI and the peer. Now every connection is served at once or refused at once:
 * <ul>
 *   <li>the peer (its configured {@code peer.adminAddress}) has {@code peerSlots} threads of its
 *       own, so the other node's status query and {@code --cluster} commands always get through;</li>
 *   <li>everyone else shares the remaining threads, at most {@code perSource} per address, so one
 *       host cannot take them all.</li>
 * </ul>
 * Nothing waits in the pool's queue, so with the request deadline a refused client can retry
 * within seconds. Thread-safe.
 */
final class ConnectionGate implements Acceptor.Gate {
    private final InetAddress peer;
    private final int peerSlots;
    private final int sharedSlots;
    private final int perSource;
    private final Map<InetAddress, Integer> bySource = new HashMap<>();
    private int peerInUse;
    private int sharedInUse;

    /**
     * @param peer      the peer's address, or null when unknown (then no slot is kept)
     * @param threads   the pool's threads; {@code peerSlots} of them are kept for the peer
     */
    ConnectionGate(InetAddress peer, int threads, int peerSlots, int perSource) {
        if (peerSlots < 0 || threads <= peerSlots || perSource < 1) {
            throw new IllegalArgumentException("admin channel limits: need more threads (" + threads
                    + ") than peer slots (" + peerSlots + ") and at least one connection per source");
        }
        this.peer = peer;
        this.peerSlots = peer == null ? 0 : peerSlots;
        this.sharedSlots = threads - this.peerSlots;
        this.perSource = perSource;
    }

    @Override
    public synchronized boolean enter(Socket client) {
        InetAddress from = client.getInetAddress();
        if (from.equals(peer) && peerInUse < peerSlots) {
            peerInUse++;
            return true;
        }
        int mine = bySource.getOrDefault(from, 0);
        if (sharedInUse >= sharedSlots || mine >= perSource) {
            return false;
        }
        sharedInUse++;
        bySource.put(from, mine + 1);
        return true;
    }

    @Override
    public synchronized void leave(Socket client) {
        InetAddress from = client.getInetAddress();
        Integer mine = bySource.get(from);
        if (mine == null) {
            // Not counted among the shared slots, so it held one of the peer's.
            peerInUse--;
            return;
        }
        sharedInUse--;
        if (mine == 1) {
            bySource.remove(from);
        } else {
            bySource.put(from, mine - 1);
        }
    }
}
