package io.vigil.dirsync;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Starts the JIT on AES-GCM, the block hashes ({@link Blocks}) and {@link FileChecksum} before the first large transfer. The JDK uses the CPU's
 * instructions for them only from JIT-compiled callers; until then a frame costs 10-100x more,
 * and with few, large calls that phase lasts seconds. Many small calls shorten it (measured in
 * isolation: 0.5 s, then full speed), though under real traffic the JIT may still take the first
 * gigabyte or so to settle (profiled in bench/resync-dirs). Runs once per JVM, in the background,
 * with a throwaway key.
 */
final class CryptoWarmUp {

    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static volatile long SINK;

    private CryptoWarmUp() {
    }

    static void start() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(CryptoWarmUp::run, "vigil-dirsync-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static void run() {
        try {
            SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
            Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
            Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
            var blockHash = Blocks.strongHash(new byte[16]);
            long sink = 0;
            FileChecksum sum = new FileChecksum();
            byte[] in = new byte[8192]; // above GCM's PARALLEL_LEN, so the bulk path is the one compiled
            byte[] out = new byte[in.length + 16];
            byte[] back = new byte[in.length + 16];
            for (long i = 0; i < 5_000; i++) {
                GCMParameterSpec iv = new GCMParameterSpec(128, ByteBuffer.allocate(12).putLong(4, i).array());
                enc.init(Cipher.ENCRYPT_MODE, key, iv);
                // Both whole and partial final blocks: GCM compiles a separate path for each.
                int n = enc.doFinal(in, 0, in.length - (int) (i & 1), out, 0);
                dec.init(Cipher.DECRYPT_MODE, key, iv);
                dec.doFinal(out, 0, n, back, 0);
                sink += Blocks.strong(blockHash, in, 0, Blocks.MIN_BLOCK - (int) (i & 1)) + Blocks.weak(in, 0, Blocks.MIN_BLOCK);
                sum.update(in, 0, in.length - (int) (i & 1));
            }
            SINK = sink; // kept, so the hashing is not optimised away
            sum.digest();
        } catch (GeneralSecurityException e) {
            // the real channel reports a missing algorithm with a proper message
        }
    }
}
