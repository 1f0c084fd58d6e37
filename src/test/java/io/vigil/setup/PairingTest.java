package io.vigil.setup;

import io.vigil.setup.PairingMessages.Bundle;
import io.vigil.setup.PairingMessages.Offer;
import io.vigil.setup.PairingMessages.Round1;
import io.vigil.setup.PairingMessages.Round2;
import io.vigil.setup.PairingMessages.Round3;
import io.vigil.setup.PairingMessages.Verdict;
import org.bouncycastle.crypto.agreement.jpake.JPAKEParticipant;
import org.bouncycastle.crypto.agreement.jpake.JPAKEPrimeOrderGroups;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The pairing exchange on real sockets: the code is proven, single-use, limited and expires. */
class PairingTest {
    private static final Offer OFFER = new Offer("1.0", 0, "vms2", "127.0.0.1", 6260, 9454, 5433, "pk");
    private static final Bundle BUNDLE = new Bundle(new ClusterSettings("c", "00", null, null, 8888, null, "none",
            null, null, null), "ca", "cakey", "cert", Map.of());

    private final List<String> progress = new CopyOnWriteArrayList<>();
    private final AtomicInteger installs = new AtomicInteger();
    private PairingServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    /** Node 2 waiting for a pairing with {@code code}; completes with the bundle or the session's end. */
    private CompletableFuture<Object> node2(SecurityCode code, Duration timeout) throws SetupException {
        server = PairingServer.listen(new InetSocketAddress("127.0.0.1", 0));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return server.await(code, OFFER, timeout, b -> installs.incrementAndGet(), progress::add);
            } catch (SetupException e) {
                return e;
            }
        });
    }

    private Bundle pair(SecurityCode code) throws SetupException {
        return PairingClient.pair("127.0.0.1", server.port(), code, 5000, offer -> {
            assertThat(offer.hostName()).isEqualTo(OFFER.hostName());
            assertThat(offer.publicKey()).isEqualTo(OFFER.publicKey());
            return BUNDLE;
        });
    }

    @Test
    void theRightCodePairsAndNodeTwoInstallsWhatNodeOneSent() throws Exception {
        SecurityCode code = SecurityCode.random();
        CompletableFuture<Object> two = node2(code, Duration.ofMinutes(1));
        assertThat(pair(SecurityCode.parse(code.display().toLowerCase()))).isEqualTo(BUNDLE);
        assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo(BUNDLE);
        assertThat(installs).hasValue(1);
    }

    @Test
    void aWrongCodeFailsOnBothSidesAndChangesNothing() throws Exception {
        SecurityCode code = SecurityCode.random();
        CompletableFuture<Object> two = node2(code, Duration.ofMinutes(1));
        assertThatThrownBy(() -> pair(SecurityCode.random())).isInstanceOf(SetupException.class)
                .hasMessage("node 2 refused the security code at 127.0.0.1:" + server.port() + ": nothing was changed"
                        + " on either node. Type the code that `vigil setup secondary` printed on node 2, exactly; a"
                        + " code is single-use, expires, and node 2 ends its session after 3 wrong codes (then run"
                        + " `vigil setup secondary` there again for a new one)");
        await().atMost(Duration.ofSeconds(10)).until(() -> !progress.isEmpty());
        assertThat(progress).containsExactly("a pairing attempt from 127.0.0.1 used a wrong security code"
                + " (1 of 3 allowed)");
        assertThat(installs).hasValue(0);
        assertThat(two).isNotDone();
        assertThat(pair(code)).isEqualTo(BUNDLE); // one mistyped code does not end the session
        assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo(BUNDLE);
    }

    @Test
    void threeWrongCodesEndTheSessionAndVoidTheCode() throws Exception {
        SecurityCode code = SecurityCode.random();
        CompletableFuture<Object> two = node2(code, Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> pair(SecurityCode.random())).hasMessageStartingWith("node 2 refused the"
                    + " security code");
        }
        assertThat(two.get(10, TimeUnit.SECONDS)).isInstanceOf(SetupException.class).extracting(Object::toString)
                .asString().endsWith("3 pairing attempts used a wrong security code: this pairing session is over and"
                        + " its code is void. Run `vigil setup secondary` again for a new code, and type it on node 1"
                        + " exactly as printed");
        assertThatThrownBy(() -> pair(code)).hasMessageStartingWith("nothing listens for pairing at 127.0.0.1:");
        assertThat(installs).hasValue(0);
    }

    @Test
    void aUsedCodeIsRefusedWhetherTheSessionIsOverOrANewOneRuns() throws Exception {
        SecurityCode code = SecurityCode.random();
        CompletableFuture<Object> first = node2(code, Duration.ofMinutes(1));
        pair(code);
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(BUNDLE);
        int port = server.port();
        assertThatThrownBy(() -> pair(code)).hasMessageStartingWith("nothing listens for pairing at 127.0.0.1:"
                + port + ": run `vigil setup secondary` on node 2 first");
        CompletableFuture<Object> second = node2(SecurityCode.random(), Duration.ofMinutes(1));
        assertThatThrownBy(() -> pair(code)).hasMessageStartingWith("node 2 refused the security code");
        assertThat(second).isNotDone();
        assertThat(installs).hasValue(1);
    }

    @Test
    void aCodeExpiresWithAClearMessageAndNothingInstalled() throws Exception {
        SecurityCode code = SecurityCode.random();
        CompletableFuture<Object> two = node2(code, Duration.ofMillis(300));
        Object end = two.get(10, TimeUnit.SECONDS);
        assertThat(end).isInstanceOf(SetupException.class);
        assertThat(((SetupException) end).getMessage()).isEqualTo("no node paired within 300 ms: the security code"
                + " has expired and nothing was changed on this node. Run `vigil setup secondary` again for a new code"
                + " (--timeout sets how long it waits)");
        assertThatThrownBy(() -> pair(code)).hasMessageStartingWith("nothing listens for pairing");
        assertThat(installs).hasValue(0);
    }

    @Test
    void aNodeTwoThatIsNotListeningIsNamedWithWhatToDo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> PairingClient.pair("127.0.0.1", port, SecurityCode.random(), 2000, o -> BUNDLE))
                .hasMessage("nothing listens for pairing at 127.0.0.1:" + port + ": run `vigil setup secondary` on"
                        + " node 2 first (it listens until a node pairs or its code expires), check the address and"
                        + " --peer-pairing-port, and that no firewall blocks TCP port " + port);
    }

    @Test
    void junkAndOversizedFramesAreDroppedWithoutSpendingAnAttempt() throws Exception {
        SecurityCode code = SecurityCode.random();
        CompletableFuture<Object> two = node2(code, Duration.ofMinutes(1));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            new DataOutputStream(s.getOutputStream()).writeInt(10_000_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1); // node 2 hung up without reading 10 MB
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> progress.size() == 1);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(5);
            out.write("{bad}".getBytes());
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> progress.size() == 2);
        assertThat(progress).containsExactly(
                "a connection from 127.0.0.1 was not a pairing (a frame of 10000000 bytes (at most 65536)); still"
                        + " waiting",
                "a connection from 127.0.0.1 was not a pairing (a malformed Round1 message); still waiting");
        assertThat(pair(code)).isEqualTo(BUNDLE);
        assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo(BUNDLE);
    }

    @Test
    void aConnectionTricklingBytesIsCutAtItsDeadlineAndPairingGoesOn() throws Exception {
        SecurityCode code = SecurityCode.random();
        server = PairingServer.listen(new InetSocketAddress("127.0.0.1", 0)).connectionDeadline(Duration.ofMillis(300));
        CompletableFuture<Object> two = CompletableFuture.supplyAsync(() -> {
            try {
                return server.await(code, OFFER, Duration.ofMinutes(1), b -> installs.incrementAndGet(), progress::add);
            } catch (SetupException e) {
                return e;
            }
        });
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(new byte[] {0, 0}); // half a length, then nothing
            assertThat(s.getInputStream().read()).isEqualTo(-1); // cut long before the 30 s read deadline
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !progress.isEmpty());
        assertThat(progress).containsExactly("a connection from 127.0.0.1 was not a pairing (still unfinished after"
                + " 300 ms); still waiting");
        server.connectionDeadline(PairingServer.CONNECTION_DEADLINE); // a real exchange may take longer than 300 ms
        assertThat(pair(code)).isEqualTo(BUNDLE);
        assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo(BUNDLE);
    }

    @Test
    void aHugeNumberIsRefusedBeforeAnyExponentiation() throws Exception {
        SecurityCode code = SecurityCode.random();
        CompletableFuture<Object> two = node2(code, Duration.ofMinutes(1));
        try (Socket s = new Socket("127.0.0.1", server.port()); PairingChannel ch = new PairingChannel(s)) {
            String huge = "f".repeat(20_000);
            ch.send(new Round1(PairingMessages.PROTOCOL, Pake.NODE1, huge, "2", List.of(huge, huge, "1"),
                    List.of("2", "2", "1")));
            ch.receive(Round1.class); // node 2 answers round 1, then checks ours and hangs up
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !progress.isEmpty());
        assertThat(progress).containsExactly("a connection from 127.0.0.1 was not a pairing (an invalid J-PAKE round 1"
                + " (a number of 20000 hex digits (at most 770))); still waiting");
        assertThat(pair(code)).isEqualTo(BUNDLE);
        assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo(BUNDLE);
    }

    @Test
    void aMalformedConfirmationIsDroppedWithoutSpendingAnAttempt() throws Exception {
        SecurityCode code = SecurityCode.random();
        CompletableFuture<Object> two = node2(code, Duration.ofMinutes(1));
        try (Socket s = new Socket("127.0.0.1", server.port()); PairingChannel ch = new PairingChannel(s)) {
            JPAKEParticipant p = new JPAKEParticipant(Pake.NODE1, code.secret(), JPAKEPrimeOrderGroups.NIST_3072,
                    new SHA256Digest(), new SecureRandom());
            ch.send(Pake.round1(p.createRound1PayloadToSend()));
            Pake.validate1(p, ch.receive(Round1.class));
            ch.send(Pake.round2(p.createRound2PayloadToSend()));
            Pake.validate2(p, ch.receive(Round2.class));
            ch.send(new Round3(Pake.NODE1, "not-hex")); // malformed, not a guess
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !progress.isEmpty());
        assertThat(progress).containsExactly("a connection from 127.0.0.1 was not a pairing (an invalid J-PAKE round 3);"
                + " still waiting");
        assertThat(pair(code)).isEqualTo(BUNDLE);
        assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo(BUNDLE);
    }

    @Test
    void aNodeTwoWithoutTheCodeCannotFakeItsConfirmation() throws Exception {
        // An impostor listening where node 1 expects node 2 says "ok" to any confirmation and sends its own.
        try (ServerSocket impostor = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> fake = CompletableFuture.runAsync(() -> impersonate(impostor));
            assertThatThrownBy(() -> PairingClient.pair("127.0.0.1", impostor.getLocalPort(), SecurityCode.random(),
                    5000, o -> BUNDLE)).hasMessageStartingWith("node 2 could not prove that it knows the security code"
                    + " at 127.0.0.1:" + impostor.getLocalPort() + ": nothing was changed on either node.");
            fake.get(10, TimeUnit.SECONDS);
        }
    }

    private static void impersonate(ServerSocket impostor) {
        try (Socket s = impostor.accept(); PairingChannel ch = new PairingChannel(s)) {
            JPAKEParticipant p = new JPAKEParticipant(Pake.NODE2, "GUESSGUESSGUESS0".toCharArray(),
                    JPAKEPrimeOrderGroups.NIST_3072, new SHA256Digest(), new SecureRandom());
            Round1 theirs = ch.receive(Round1.class);
            ch.send(Pake.round1(p.createRound1PayloadToSend()));
            Pake.validate1(p, theirs);
            Round2 theirs2 = ch.receive(Round2.class);
            ch.send(Pake.round2(p.createRound2PayloadToSend()));
            Pake.validate2(p, theirs2);
            BigInteger keying = p.calculateKeyingMaterial();
            Round3 guess = new Round3(Pake.NODE2, p.createRound3PayloadToSend(keying).getMacTag().toString(16));
            ch.receive(Round3.class);
            ch.send(new Verdict(true, "ok"));
            ch.send(guess);
            ch.receive(Verdict.class);
        } catch (IOException e) {
            // node 1 hangs up once it refuses: expected
        }
    }

    @Test
    void nodeOnesRefusalEndsNodeTwosSession() throws Exception {
        SecurityCode code = SecurityCode.random();
        CompletableFuture<Object> two = node2(code, Duration.ofMinutes(1));
        assertThatThrownBy(() -> PairingClient.pair("127.0.0.1", server.port(), code, 5000, o -> {
            throw new SetupException("node 2 runs Vigil 0.9, node 1 1.0");
        })).hasMessage("node 2 runs Vigil 0.9, node 1 1.0");
        Object end = two.get(10, TimeUnit.SECONDS);
        assertThat(((SetupException) end).getMessage()).isEqualTo("node 1 (127.0.0.1) refused to pair: node 2 runs"
                + " Vigil 0.9, node 1 1.0. Nothing was changed on this node; fix that, then run `vigil setup"
                + " secondary` again");
        assertThat(installs).hasValue(0);
    }

    @Test
    void nodeTwosFailureToInstallIsReportedOnNodeOne() throws Exception {
        SecurityCode code = SecurityCode.random();
        server = PairingServer.listen(new InetSocketAddress("127.0.0.1", 0));
        CompletableFuture<Object> two = CompletableFuture.supplyAsync(() -> {
            try {
                return server.await(code, OFFER, Duration.ofMinutes(1), b -> {
                    throw new SetupException("/etc/vigil is read-only");
                }, progress::add);
            } catch (SetupException e) {
                return e;
            }
        });
        assertThatThrownBy(() -> pair(code)).hasMessage("node 2 (127.0.0.1:" + server.port() + ") could not install"
                + " its configuration: /etc/vigil is read-only. Nothing was changed on this node; fix that on node 2,"
                + " run `vigil setup secondary` there again, then this command again");
        assertThat(two.get(10, TimeUnit.SECONDS)).isInstanceOf(SetupException.class);
    }

    @Test
    void aTakenPairingPortIsRefusedWithTheFix() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> PairingServer.listen(new InetSocketAddress("127.0.0.1", port)))
                    .hasMessageContaining("cannot listen for pairing on /127.0.0.1:" + port)
                    .hasMessageEndingWith("or choose another with --pairing-port (then give node 1 the same"
                            + " --peer-pairing-port)");
        }
    }
}
