package io.vigil.setup;

import io.vigil.setup.PairingMessages.Bundle;
import io.vigil.setup.PairingMessages.Grant;
import io.vigil.setup.PairingMessages.Installed;
import io.vigil.setup.PairingMessages.Offer;

import java.io.Closeable;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Node 2's side of pairing (the "certificate service", TCP 9001, open only during
 * {@code vigil setup secondary}). It serves one connection at a time, each under a read deadline
 * and a frame bound, and ends for good when a node has paired, when {@value #MAX_WRONG_CODES}
 * attempts used a wrong code, or when the code expires: a code is never accepted twice.
 */
final class PairingServer implements Closeable {
    static final int MAX_WRONG_CODES = 3;
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    static final int READ_DEADLINE_MS = 30_000;
    /**
     * A whole exchange takes a second or two; one that is still going after this (someone trickling
     * bytes to hold the only slot) is cut, so node 1 is never kept waiting behind it for long.
     */
    static final Duration CONNECTION_DEADLINE = Duration.ofSeconds(60);

    /** Installs what node 1 sent, all or nothing; throws, with what is wrong, to refuse it. */
    interface Installer {
        void install(Bundle bundle) throws SetupException;
    }

    private final ServerSocket server;
    private final ScheduledExecutorService cutter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pairing-deadline");
        t.setDaemon(true);
        return t;
    });
    private volatile Duration connectionDeadline = CONNECTION_DEADLINE;

    private PairingServer(ServerSocket server) {
        this.server = server;
    }

    /** For tests: a shorter whole-connection deadline. */
    PairingServer connectionDeadline(Duration d) {
        this.connectionDeadline = d;
        return this;
    }

    static PairingServer listen(InetSocketAddress bind) throws SetupException {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(bind, 4);
            return new PairingServer(s);
        } catch (IOException e) {
            throw new SetupException("cannot listen for pairing on " + bind + " (" + e.getMessage() + "): stop the"
                    + " program using TCP port " + bind.getPort() + " (ss -ltnp 'sport = :" + bind.getPort()
                    + "'), or choose another with --pairing-port (then give node 1 the same --peer-pairing-port)");
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /**
     * Waits for node 1 to pair with {@code code}, at most {@code timeout}; returns what was installed.
     *
     * @param progress one line per event an operator should see (never the code or a key)
     * @throws SetupException the session ended without pairing: the code expired, was guessed
     *                        wrong too often, or node 1 refused; the message says what to do
     */
    Bundle await(SecurityCode code, Offer offer, Duration timeout, Installer installer, Consumer<String> progress)
            throws SetupException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int wrong = 0;
        try {
            while (true) {
                Socket s = accept(deadline, timeout);
                String from = s.getInetAddress().getHostAddress();
                ScheduledFuture<?> cut = cutter.schedule(() -> closeQuietly(s), connectionDeadline.toMillis(),
                        TimeUnit.MILLISECONDS);
                try (PairingChannel ch = new PairingChannel(s)) {
                    s.setSoTimeout(READ_DEADLINE_MS);
                    BigInteger keying = Pake.asNode2(ch, code);
                    // Node 1 is authenticated: installing may take longer than a stranger is allowed to.
                    cut.cancel(false);
                    progress.accept("node 1 (" + from + ") proved the security code; exchanging certificates");
                    return afterCode(ch, keying, offer, installer, from);
                } catch (Pake.WrongCodeException e) {
                    wrong++;
                    progress.accept("a pairing attempt from " + from + " used a wrong security code (" + wrong
                            + " of " + MAX_WRONG_CODES + " allowed)");
                    if (wrong >= MAX_WRONG_CODES) {
                        throw new SetupException(MAX_WRONG_CODES + " pairing attempts used a wrong security code:"
                                + " this pairing session is over and its code is void. Run `vigil setup secondary`"
                                + " again for a new code, and type it on node 1 exactly as printed");
                    }
                } catch (IOException e) {
                    progress.accept("a connection from " + from + " was not a pairing (" + (cut.isDone()
                            ? "still unfinished after " + describe(connectionDeadline) : e.getMessage())
                            + "); still waiting");
                } finally {
                    cut.cancel(false);
                }
            }
        } finally {
            close();
        }
    }

    private Socket accept(long deadline, Duration timeout) throws SetupException {
        while (true) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                throw expired(timeout);
            }
            try {
                server.setSoTimeout((int) Math.min(leftMs, Integer.MAX_VALUE));
                return server.accept();
            } catch (SocketTimeoutException e) {
                throw expired(timeout);
            } catch (IOException e) {
                throw new SetupException("the pairing listener failed (" + e.getMessage() + "); nothing was"
                        + " changed on this node: run `vigil setup secondary` again", e);
            }
        }
    }

    private static SetupException expired(Duration timeout) {
        return new SetupException("no node paired within " + describe(timeout) + ": the security code has expired"
                + " and nothing was changed on this node. Run `vigil setup secondary` again for a new code"
                + " (--timeout sets how long it waits)");
    }

    /**
     * After the code is proven it is spent, whatever happens next: a failure here ends the session.
     */
    private static Bundle afterCode(PairingChannel ch, BigInteger keying, Offer offer, Installer installer,
                                    String from) throws SetupException {
        try {
            ch.seal(keying, false);
            ch.send(offer.now());
            Grant g = ch.receive(Grant.class);
            if (g.bundle() == null) {
                throw new SetupException("node 1 (" + from + ") refused to pair: " + g.refusal()
                        + ". Nothing was changed on this node; fix that, then run `vigil setup secondary` again");
            }
            try {
                installer.install(g.bundle());
            } catch (SetupException e) {
                ch.send(new Installed(false, e.getMessage()));
                throw e;
            }
            confirm(ch, from);
            return g.bundle();
        } catch (IOException e) {
            throw new SetupException("the pairing with node 1 (" + from + ") broke off after the code was accepted ("
                    + e.getMessage() + "); nothing was changed on this node and the code is used up: run `vigil"
                    + " setup secondary` again for a new one", e);
        }
    }

    /** After installing, node 1 must hear it before it writes its own files; if it cannot, both steps run again. */
    private static void confirm(PairingChannel ch, String from) throws SetupException {
        try {
            ch.send(new Installed(true, "installed"));
        } catch (IOException e) {
            throw new SetupException("this node installed its configuration, but the connection to node 1 (" + from
                    + ") broke before node 1 heard it (" + e.getMessage() + "), so node 1 has not written its own:"
                    + " run `vigil setup secondary` here and `vigil setup primary` on node 1 again", e);
        }
    }

    static String describe(Duration d) {
        if (d.toSeconds() % 60 == 0 && d.toMinutes() > 0) {
            return d.toMinutes() + (d.toMinutes() == 1 ? " minute" : " minutes");
        }
        return d.toMillis() + " ms";
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // it is being cut: nothing else to do
        }
    }

    @Override
    public void close() {
        cutter.shutdownNow();
        try {
            server.close();
        } catch (IOException e) {
            // closing a listener we own: nothing else to do
        }
    }
}
