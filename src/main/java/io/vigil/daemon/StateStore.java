package io.vigil.daemon;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.core.BootMode;
import io.vigil.core.NodeState;
import io.vigil.core.PersistedState;
import io.vigil.protocol.ProtocolVersion;
import io.vigil.security.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps {@link PersistedState} in {@code <dataDir>/state.json}.
 *
 * <p>The epochs in it decide which node has the newest data, so a save must never leave a torn
 * or empty file, and a damaged file must never be read as "no state": a node that forgot its
 * epochs could win against the peer with stale data. Saves therefore write a temporary file,
 * fsync it, rename it over the old one and fsync the folder; loads refuse anything doubtful.
 *
 * <p>Format versions (issue 15: on-disk state migrates forward on the first start of a newer
 * Vigil): 1 had no {@code writtenByProtocol}; 2 names the protocol version of the Vigil that wrote
 * it. An older file is read, kept as {@code state.json.v<N>.bak} and rewritten in this format; a
 * newer one is refused (downgrade is not supported).
 */
public final class StateStore implements EffectWorld.Storage {

    static final String FILE_NAME = "state.json";
    static final int VERSION = 2;
    private static final Set<String> FIELDS_V1 =
            Set.of("version", "lastState", "epoch", "dataEpoch", "bootMode", "failoverEnabled");
    private static final Set<String> FIELDS = union(FIELDS_V1, "writtenByProtocol");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path file;
    private final Path temp;

    public StateStore(Path dataDir) {
        this.dir = dataDir;
        this.file = dataDir.resolve(FILE_NAME);
        this.temp = dataDir.resolve(FILE_NAME + ".tmp");
    }

    public Path file() {
        return file;
    }

    @Override
    public String where() {
        return file.toString();
    }

    /** The saved state, or empty when this node has never saved one (first start). */
    public synchronized Optional<PersistedState> load() throws CorruptStateException, IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(file);
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw corrupt("it is not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw corrupt(bytes.length == 0 ? "it is empty" : "it is not a JSON object");
        }
        int version = version(n);
        PersistedState state = parse(n, version == 1 ? FIELDS_V1 : FIELDS);
        if (version < VERSION) {
            migrate(version, state);
        }
        return Optional.of(state);
    }

    /** Keeps the older file beside the new one (a way back for support), then saves in this format. */
    private void migrate(int from, PersistedState state) throws IOException {
        Path backup = dir.resolve(FILE_NAME + ".v" + from + ".bak");
        Files.copy(file, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
                LinkOption.NOFOLLOW_LINKS);
        save(state);
    }

    /** Replaces the saved state atomically; when this returns, the state survives a power cut. */
    @Override
    public synchronized void save(PersistedState state) throws IOException {
        PrivateFiles.createTraversableDirectories(dir); // the node's dataDir: see NodeDaemon
        ObjectNode n = JSON.createObjectNode()
                .put("version", VERSION)
                .put("writtenByProtocol", ProtocolVersion.current())
                .put("lastState", state.lastState().name())
                .put("epoch", state.epoch())
                .put("dataEpoch", state.dataEpoch())
                .put("bootMode", state.bootMode().name())
                .put("failoverEnabled", state.failoverEnabled());
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        // A fresh 0600 file (issue 10 item 7): a temp file left by a crash keeps whatever mode it had.
        Files.deleteIfExists(temp);
        try (FileChannel ch = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), PrivateFiles.fileAttributes(temp))) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // The rename itself is only durable once the folder entry is flushed.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private int version(JsonNode n) throws IOException {
        JsonNode version = n.get("version");
        if (version == null || !version.isInt() || version.asInt() < 1) {
            throw corrupt("'version' is missing or not a format number");
        }
        if (version.asInt() > VERSION) {
            JsonNode by = n.get("writtenByProtocol");
            throw new IOException("The node state file " + file + " has format " + version.asInt() + ", written by a"
                    + " newer Vigil" + (by == null ? "" : " (protocol " + by.asText() + ")") + "; this Vigil (protocol "
                    + ProtocolVersion.current() + ") reads formats up to " + VERSION + ". Downgrading is not supported:"
                    + " install the newer Vigil again");
        }
        return version.asInt();
    }

    private PersistedState parse(JsonNode n, Set<String> fields) throws CorruptStateException {
        var names = n.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw corrupt("it has an unknown field '" + name + "'");
            }
        }
        if (fields.contains("writtenByProtocol")) {
            JsonNode by = n.get("writtenByProtocol");
            if (by == null || !by.isInt()) {
                throw corrupt("'writtenByProtocol' is missing or not a number");
            }
        }
        long epoch = epoch(n, "epoch");
        long dataEpoch = epoch(n, "dataEpoch");
        JsonNode failover = n.get("failoverEnabled");
        if (failover == null || !failover.isBoolean()) {
            throw corrupt("'failoverEnabled' is missing or not true/false");
        }
        return new PersistedState(constant(n, "lastState", NodeState.class), epoch, dataEpoch,
                constant(n, "bootMode", BootMode.class), failover.asBoolean());
    }

    private long epoch(JsonNode n, String field) throws CorruptStateException {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw corrupt("'" + field + "' is missing or not a non-negative whole number");
        }
        return v.asLong();
    }

    private <E extends Enum<E>> E constant(JsonNode n, String field, Class<E> type) throws CorruptStateException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw corrupt("'" + field + "' is missing or not text");
        }
        try {
            return Enum.valueOf(type, v.asText());
        } catch (IllegalArgumentException e) {
            throw corrupt("'" + field + "' has the unknown value '" + v.asText() + "'");
        }
    }

    private static Set<String> union(Set<String> a, String b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.add(b);
        return Set.copyOf(all);
    }

    private CorruptStateException corrupt(String why) {
        return new CorruptStateException(file, why);
    }
}
