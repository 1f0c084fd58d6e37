package io.vigil.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterKeysTest {

    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    /** RFC 5869 appendix A.1: basic test case with SHA-256. */
    @Test
    void rfc5869A1() {
        byte[] ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = hex("000102030405060708090a0b0c");
        byte[] info = hex("f0f1f2f3f4f5f6f7f8f9");
        assertThat(HEX.formatHex(ClusterKeys.extract(salt, ikm)))
                .isEqualTo("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
        assertThat(HEX.formatHex(ClusterKeys.hkdf(salt, ikm, info, 42))).isEqualTo(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    /** RFC 5869 appendix A.2: longer inputs and outputs (three expand blocks). */
    @Test
    void rfc5869A2() {
        byte[] ikm = range(0x00, 0x4f);
        byte[] salt = range(0x60, 0xaf);
        byte[] info = range(0xb0, 0xff);
        assertThat(HEX.formatHex(ClusterKeys.extract(salt, ikm)))
                .isEqualTo("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244");
        assertThat(HEX.formatHex(ClusterKeys.hkdf(salt, ikm, info, 82))).isEqualTo(
                "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                        + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                        + "cc30c58179ec3e87c14c01d5c1f3434f1d87");
    }

    /** RFC 5869 appendix A.3: zero-length salt and info. */
    @Test
    void rfc5869A3() {
        byte[] ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        assertThat(HEX.formatHex(ClusterKeys.extract(new byte[0], ikm)))
                .isEqualTo("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
        assertThat(HEX.formatHex(ClusterKeys.hkdf(new byte[0], ikm, new byte[0], 42))).isEqualTo(
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
        assertThat(ClusterKeys.hkdf(null, ikm, new byte[0], 42)).isEqualTo(ClusterKeys.hkdf(new byte[0], ikm,
                new byte[0], 42));
    }

    @Test
    void eachPurposeHasItsOwn32ByteKeyAndTheClusterKeyIsNoneOfThem() {
        byte[] clusterKey = hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        ClusterKeys keys = ClusterKeys.of(clusterKey);
        List<byte[]> all = List.of(keys.heartbeat(), keys.dbSuperuser(),
                keys.witness("site-a"), keys.witness("site-b"), clusterKey);
        Set<String> distinct = new HashSet<>();
        for (byte[] k : all) {
            distinct.add(HEX.formatHex(k));
        }
        assertThat(distinct).hasSize(all.size());
        assertThat(keys.dbSuperuser()).hasSize(ClusterKeys.KEY_BYTES);
        // Stable: both nodes and the witness derive the same bytes (the labels are wire protocol).
        assertThat(keys.heartbeat()).isEqualTo(ClusterKeys.hkdf(null, clusterKey,
                "vigil/heartbeat/v1".getBytes(java.nio.charset.StandardCharsets.UTF_8), 32));
        assertThat(keys.witness("site-a")).isEqualTo(ClusterKeys.of(clusterKey.clone()).witness("site-a"));
    }

    /**
     * Issue 12 item 5: the admin channel and directory replication run over TLS of the cluster CA,
     * so no key is derived for them any more (a derived key nobody uses is one more secret to leak).
     */
    @Test
    void onlyTheKeysSomethingUsesAreDerived() {
        assertThat(java.util.Arrays.stream(ClusterKeys.Purpose.values()).map(ClusterKeys.Purpose::label))
                .containsExactly("vigil/heartbeat/v1", "vigil/db-superuser/v1");
        assertThat(java.util.Arrays.stream(ClusterKeys.class.getMethods()).map(java.lang.reflect.Method::getName))
                .doesNotContain("admin", "dirsync");
    }

    @Test
    void badInputIsRefusedWithWhatToDo() {
        assertThatThrownBy(() -> ClusterKeys.of(new byte[15])).hasMessageContaining("at least 16");
        assertThatThrownBy(() -> ClusterKeys.of(new byte[16]).witness("")).hasMessageContaining("cluster's name");
        assertThatThrownBy(() -> ClusterKeys.hkdf(null, new byte[1], new byte[0], 255 * 32 + 1))
                .hasMessageContaining("1..8160");
        assertThat(ClusterKeys.of(new byte[16]).toString()).doesNotContain("00");
    }

    private static byte[] range(int from, int to) {
        byte[] b = new byte[to - from + 1];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }
}
