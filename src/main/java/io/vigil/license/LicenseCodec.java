package io.vigil.license;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The license file: {@code {"format":"vigil-license/1","license":"<base64 of the JSON terms>",
 * "signature":"<base64 Ed25519 signature of those bytes>"}}. The signature covers the exact bytes
 * of the terms, so nothing depends on how JSON is re-encoded. Keys are the JDK's Ed25519 (no
 * cryptography written here); nodes hold only the vendor's public key.
 */
public final class LicenseCodec {
    public static final String FORMAT = "vigil-license/1";
    /** A license is a few hundred bytes; anything much bigger is not one. */
    static final int MAX_BYTES = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private LicenseCodec() {
    }

    /** Signs {@code license} with the vendor's private key (the issuing tool only). */
    public static byte[] encode(License license, PrivateKey vendorKey) throws GeneralSecurityException {
        ObjectNode terms = JSON.createObjectNode().put("id", license.id()).put("licensee", license.licensee());
        license.hosts().forEach(terms.putArray("hosts")::add);
        terms.put("issued", license.issued().toString());
        terms.put("expires", license.expires() == null ? null : license.expires().toString());
        byte[] payload = terms.toString().getBytes(StandardCharsets.UTF_8);
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(vendorKey);
        s.update(payload);
        ObjectNode file = JSON.createObjectNode().put("format", FORMAT)
                .put("license", Base64.getEncoder().encodeToString(payload))
                .put("signature", Base64.getEncoder().encodeToString(s.sign()));
        return (file.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The bytes of the license file at {@code file}, refused before reading when it is far too big
     * to be one (an operator may point at any file).
     */
    public static byte[] read(java.nio.file.Path file) throws java.io.IOException, LicenseException {
        long size = java.nio.file.Files.size(file);
        if (size > MAX_BYTES) {
            throw new LicenseException("not a Vigil license: " + file + " has " + size + " bytes (a license is under"
                    + " 16 KiB)");
        }
        return java.nio.file.Files.readAllBytes(file);
    }

    /**
     * Reads and authenticates a license file.
     *
     * @throws LicenseException naming what is wrong: not a license, damaged, not signed by the vendor
     */
    public static License decode(byte[] file, PublicKey vendorKey) throws LicenseException {
        if (file.length > MAX_BYTES) {
            throw new LicenseException("not a Vigil license: " + file.length + " bytes (a license is under 16 KiB)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file);
        } catch (java.io.IOException e) {
            throw new LicenseException("not a Vigil license: the file is not JSON");
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new LicenseException("not a Vigil license: \"format\" is not \"" + FORMAT + "\"");
        }
        byte[] payload = base64(root, "license");
        if (!verifies(payload, base64(root, "signature"), vendorKey)) {
            throw new LicenseException("the license's signature does not verify: the file was changed after it was"
                    + " issued, or it was not issued by the vendor. Ask for the license file again; do not edit it");
        }
        return terms(payload);
    }

    private static byte[] base64(JsonNode root, String field) throws LicenseException {
        try {
            return Base64.getDecoder().decode(root.path(field).asText(""));
        } catch (IllegalArgumentException e) {
            throw new LicenseException("damaged license: \"" + field + "\" is not base64");
        }
    }

    private static boolean verifies(byte[] payload, byte[] signature, PublicKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(payload);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // a malformed signature is a signature that does not verify
        }
    }

    /** The signed terms; the vendor signed them, but a tool bug must still not crash a node. */
    private static License terms(byte[] payload) throws LicenseException {
        try {
            JsonNode t = JSON.readTree(payload);
            List<String> hosts = new ArrayList<>();
            t.path("hosts").forEach(h -> hosts.add(h.asText()));
            JsonNode expires = t.path("expires");
            return new License(t.path("id").asText(null), t.path("licensee").asText(null), hosts,
                    LocalDate.parse(t.path("issued").asText()),
                    expires.isNull() || expires.isMissingNode() ? null : LocalDate.parse(expires.asText()));
        } catch (java.io.IOException | DateTimeParseException | IllegalArgumentException e) {
            throw new LicenseException("the license is signed but its terms cannot be read (" + e.getMessage()
                    + "): ask the vendor for a new file");
        }
    }

    /** A PEM "PUBLIC KEY" (X.509) Ed25519 key. */
    public static PublicKey publicKey(String pem) throws GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
    }

    /** A PEM "PRIVATE KEY" (PKCS#8) Ed25519 key. */
    public static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] der(String pem, String type) throws GeneralSecurityException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) {
            throw new GeneralSecurityException("not a PEM " + type);
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
        } catch (IllegalArgumentException x) {
            throw new GeneralSecurityException("damaged PEM " + type);
        }
    }
}
