package io.vigil.setup;

import io.vigil.setup.PairingChannel.PairingProtocolException;
import io.vigil.setup.PairingMessages.Round1;
import io.vigil.setup.PairingMessages.Round2;
import io.vigil.setup.PairingMessages.Round3;
import io.vigil.setup.PairingMessages.Verdict;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.agreement.jpake.JPAKEParticipant;
import org.bouncycastle.crypto.agreement.jpake.JPAKEPrimeOrderGroups;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound1Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound2Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound3Payload;
import org.bouncycastle.crypto.digests.SHA256Digest;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/**
 * The security code's PAKE: BouncyCastle's J-PAKE (RFC 8236) over the NIST 3072-bit group with
 * SHA-256, with its key confirmation round. An eavesdropper learns nothing about the code, and
 * someone who talks to a node without the code gets one guess per exchange and nothing to test
 * guesses against offline; {@link PairingServer} allows three. Node 2 checks node 1's
 * confirmation first and only then sends its own, so a wrong guess from node 1's side never
 * receives anything derived from the code.
 */
final class Pake {
    static final String NODE1 = "vigil-node1";
    static final String NODE2 = "vigil-node2";

    private Pake() {
    }

    /** Thrown when the confirmation does not match: the two sides did not use the same code. */
    static final class WrongCodeException extends Exception {
        WrongCodeException(String message) {
            super(message);
        }
    }

    /** Node 1's side. Returns the keying material both now share. */
    static BigInteger asNode1(PairingChannel ch, SecurityCode code) throws IOException, WrongCodeException {
        JPAKEParticipant me = participant(NODE1, code);
        ch.send(round1(me.createRound1PayloadToSend()));
        validate1(me, ch.receive(Round1.class));
        ch.send(round2(me.createRound2PayloadToSend()));
        validate2(me, ch.receive(Round2.class));
        BigInteger keying = me.calculateKeyingMaterial();
        ch.send(new Round3(NODE1, me.createRound3PayloadToSend(keying).getMacTag().toString(16)));
        Verdict v = ch.receive(Verdict.class);
        if (!v.ok()) {
            throw new WrongCodeException("node 2 refused the security code");
        }
        Round3 theirs = ch.receive(Round3.class);
        try {
            me.validateRound3PayloadReceived(round3(theirs), keying);
        } catch (CryptoException e) {
            throw new WrongCodeException("node 2 could not prove that it knows the security code");
        } catch (RuntimeException e) {
            throw new PairingProtocolException("an invalid J-PAKE round 3");
        }
        return keying;
    }

    /** Node 2's side. Returns the keying material, or tells node 1 and throws when the code differs. */
    static BigInteger asNode2(PairingChannel ch, SecurityCode code) throws IOException, WrongCodeException {
        JPAKEParticipant me = participant(NODE2, code);
        Round1 first = ch.receive(Round1.class);
        if (first.protocol() != PairingMessages.PROTOCOL) {
            throw new PairingProtocolException("pairing protocol " + first.protocol() + " (this node speaks "
                    + PairingMessages.PROTOCOL + "): install the same Vigil version on both nodes");
        }
        ch.send(round1(me.createRound1PayloadToSend()));
        validate1(me, first);
        Round2 second = ch.receive(Round2.class);
        ch.send(round2(me.createRound2PayloadToSend()));
        validate2(me, second);
        BigInteger keying = me.calculateKeyingMaterial();
        // BouncyCastle creates our confirmation before it checks theirs; it is sent only after.
        Round3 mine = new Round3(NODE2, me.createRound3PayloadToSend(keying).getMacTag().toString(16));
        Round3 theirs = ch.receive(Round3.class);
        try {
            me.validateRound3PayloadReceived(round3(theirs), keying);
        } catch (CryptoException e) {
            ch.send(new Verdict(false, "wrong security code"));
            throw new WrongCodeException("node 1 used a wrong security code");
        } catch (RuntimeException e) {
            throw new PairingProtocolException("an invalid J-PAKE round 3"); // malformed, not a guess
        }
        ch.send(new Verdict(true, "ok"));
        ch.send(mine);
        return keying;
    }

    private static JPAKEParticipant participant(String id, SecurityCode code) {
        char[] secret = code.secret();
        try {
            return new JPAKEParticipant(id, secret, JPAKEPrimeOrderGroups.NIST_3072, new SHA256Digest(),
                    new SecureRandom());
        } finally {
            Arrays.fill(secret, '\0'); // the participant keeps its own copy
        }
    }

    static void validate1(JPAKEParticipant me, Round1 r) throws PairingProtocolException {
        try {
            me.validateRound1PayloadReceived(new JPAKERound1Payload(r.id(), big(r.gx1()), big(r.gx2()),
                    bigs(r.proof1()), bigs(r.proof2())));
        } catch (CryptoException | RuntimeException e) {
            throw new PairingProtocolException("an invalid J-PAKE round 1 (" + e.getMessage() + ")");
        }
    }

    static void validate2(JPAKEParticipant me, Round2 r) throws PairingProtocolException {
        try {
            me.validateRound2PayloadReceived(new JPAKERound2Payload(r.id(), big(r.a()), bigs(r.proof())));
        } catch (CryptoException | RuntimeException e) {
            throw new PairingProtocolException("an invalid J-PAKE round 2 (" + e.getMessage() + ")");
        }
    }

    private static JPAKERound3Payload round3(Round3 r) throws PairingProtocolException {
        try {
            return new JPAKERound3Payload(r.id(), big(r.mac()));
        } catch (RuntimeException e) {
            throw new PairingProtocolException("an invalid J-PAKE round 3");
        }
    }

    static Round1 round1(JPAKERound1Payload p) {
        return new Round1(PairingMessages.PROTOCOL, p.getParticipantId(), p.getGx1().toString(16),
                p.getGx2().toString(16), hex(p.getKnowledgeProofForX1()), hex(p.getKnowledgeProofForX2()));
    }

    static Round2 round2(JPAKERound2Payload p) {
        return new Round2(p.getParticipantId(), p.getA().toString(16), hex(p.getKnowledgeProofForX2s()));
    }

    private static List<String> hex(BigInteger[] values) {
        return Arrays.stream(values).map(v -> v.toString(16)).toList();
    }

    /**
     * Every number of the exchange is below the 3072-bit group's modulus (768 hex digits); a longer
     * one is refused before BouncyCastle exponentiates with it (a 64 KiB exponent costs seconds).
     */
    static final int MAX_HEX_DIGITS = 3072 / 4 + 2;

    private static BigInteger big(String hex) {
        if (hex.length() > MAX_HEX_DIGITS) {
            throw new IllegalArgumentException("a number of " + hex.length() + " hex digits (at most "
                    + MAX_HEX_DIGITS + ")");
        }
        return new BigInteger(hex, 16);
    }

    private static BigInteger[] bigs(List<String> hex) {
        return hex.stream().map(Pake::big).toArray(BigInteger[]::new);
    }
}
