package io.vigil.license;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;

/**
 * The vendor's public key, built into the product ({@code vendor.pub}). Its private half is held
 * by the vendor's issuing tool only, never by a node.
 */
public final class VendorKey {
    private VendorKey() {
    }

    public static PublicKey get() {
        try (InputStream in = VendorKey.class.getResourceAsStream("vendor.pub")) {
            if (in == null) {
                throw new IllegalStateException("vendor.pub is missing from this build");
            }
            return LicenseCodec.publicKey(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("vendor.pub in this build is not an Ed25519 public key", e);
        }
    }
}
