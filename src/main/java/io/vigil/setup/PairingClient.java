package io.vigil.setup;

import io.vigil.setup.PairingMessages.Bundle;
import io.vigil.setup.PairingMessages.Grant;
import io.vigil.setup.PairingMessages.Installed;
import io.vigil.setup.PairingMessages.Offer;

import java.io.IOException;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/** Node 1's side of pairing: proves the code to node 2, certifies node 2's key, sends it its share. */
final class PairingClient {

    /** Builds node 2's bundle from what it offered, or refuses it (throws, with the reason). */
    interface Granter {
        Bundle grant(Offer offer) throws SetupException;
    }

    private PairingClient() {
    }

    /**
     * Pairs with node 2 at {@code host:port}; returns once node 2 has installed the bundle.
     *
     * @throws SetupException node 2 is not listening, the code is wrong, or either side refused;
     *                        nothing is to be written on node 1 then
     */
    static Bundle pair(String host, int port, SecurityCode code, int timeoutMs, Granter granter) throws SetupException {
        String where = host + ":" + port;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            s.setSoTimeout(PairingServer.READ_DEADLINE_MS);
            PairingChannel ch = new PairingChannel(s);
            BigInteger keying = Pake.asNode1(ch, code);
            ch.seal(keying, true);
            return exchange(ch, granter, where);
        } catch (UnknownHostException e) {
            throw new SetupException(host + " does not resolve on this machine: give node 2's FQDN, host name or IPv4"
                    + " address, or add it to DNS or /etc/hosts");
        } catch (ConnectException e) {
            throw new SetupException("nothing listens for pairing at " + where + ": run `vigil setup secondary` on"
                    + " node 2 first (it listens until a node pairs or its code expires), check the address and"
                    + " --peer-pairing-port, and that no firewall blocks TCP port " + port);
        } catch (SocketTimeoutException e) {
            throw new SetupException("no answer from " + where + " within " + timeoutMs + " ms: check that "
                    + host + " is node 2 and that no firewall drops TCP port " + port);
        } catch (Pake.WrongCodeException e) {
            throw new SetupException(e.getMessage() + " at " + where + ": nothing was changed on either node."
                    + " Type the code that `vigil setup secondary` printed on node 2, exactly; a code is single-use,"
                    + " expires, and node 2 ends its session after " + PairingServer.MAX_WRONG_CODES + " wrong codes"
                    + " (then run `vigil setup secondary` there again for a new one)");
        } catch (IOException e) {
            throw new SetupException("the pairing with node 2 at " + where + " failed (" + e.getMessage()
                    + "); nothing was changed on this node: run `vigil setup secondary` on node 2 again, then this"
                    + " command again", e);
        }
    }

    private static Bundle exchange(PairingChannel ch, Granter granter, String where) throws IOException,
            SetupException {
        Offer offer = ch.receive(Offer.class);
        Bundle b;
        try {
            b = granter.grant(offer);
        } catch (SetupException e) {
            ch.send(new Grant(null, e.getMessage()));
            throw e;
        }
        ch.send(new Grant(b, null));
        Installed done = ch.receive(Installed.class);
        if (!done.ok()) {
            throw new SetupException("node 2 (" + where + ") could not install its configuration: " + done.message()
                    + ". Nothing was changed on this node; fix that on node 2, run `vigil setup secondary` there"
                    + " again, then this command again");
        }
        return b;
    }
}
