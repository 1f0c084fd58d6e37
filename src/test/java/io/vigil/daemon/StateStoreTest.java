package io.vigil.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.core.BootMode;
import io.vigil.core.NodeState;
import io.vigil.core.PersistedState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StateStoreTest {

    static final PersistedState STATE = new PersistedState(NodeState.PRIM, 7, 6, BootMode.KEEP, true);

    @TempDir
    Path dir;

    @Test
    void aNodeThatNeverSavedHasNoState() throws Exception {
        assertThat(new StateStore(dir).load()).isEmpty();
    }

    @Test
    void savedStateLoadsBack() throws Exception {
        StateStore store = new StateStore(dir.resolve("node1"));
        store.save(STATE);
        assertThat(new StateStore(dir.resolve("node1")).load()).contains(STATE);
        PersistedState next = new PersistedState(NodeState.STOP, 8, 8, BootMode.DISABLED, false);
        store.save(next);
        assertThat(store.load()).contains(next);
        assertThat(dir.resolve("node1/state.json.tmp")).doesNotExist();
    }

    @Test
    void theStateFileAndItsFolderAreOwnerOnlyWhateverTheUmaskAndALeftoverTempFile() throws Exception {
        Path node = dir.resolve("node1");
        Files.createDirectories(node);
        Files.setPosixFilePermissions(Files.writeString(node.resolve("state.json.tmp"), "x"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        new StateStore(dir.resolve("node1")).save(STATE);
        new StateStore(dir.resolve("fresh/node2")).save(STATE);
        assertThat(mode(node.resolve("state.json"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("fresh/node2/state.json"))).isEqualTo("rw-------");
        // Passable, not listable: the internal PostgreSQL runs as its own user below the data folder.
        assertThat(mode(dir.resolve("fresh/node2"))).isEqualTo("rwx--x--x");
        assertThat(mode(dir.resolve("fresh"))).isEqualTo("rwx--x--x");
    }

    static String mode(Path p) throws Exception {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aLeftoverTempFileFromACrashIsIgnored() throws Exception {
        StateStore store = new StateStore(dir);
        store.save(STATE);
        Files.writeString(dir.resolve("state.json.tmp"), "{\"version\":1,\"epo");
        assertThat(store.load()).contains(STATE);
        store.save(STATE);
        assertThat(store.load()).contains(STATE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "{\"version\":1,\"lastState\":\"PRIM\",\"epo",
        "[1, 2]",
        "{\"version\":1,\"lastState\":\"PRIM\",\"epoch\":7,\"bootMode\":\"KEEP\",\"failoverEnabled\":true}",
        "{\"version\":1,\"lastState\":\"LEADER\",\"epoch\":7,\"dataEpoch\":6,\"bootMode\":\"KEEP\",\"failoverEnabled\":true}",
        "{\"version\":1,\"lastState\":\"PRIM\",\"epoch\":-1,\"dataEpoch\":6,\"bootMode\":\"KEEP\",\"failoverEnabled\":true}",
        "{\"version\":2,\"lastState\":\"PRIM\",\"epoch\":7,\"dataEpoch\":6,\"bootMode\":\"KEEP\",\"failoverEnabled\":true}",
        "{\"version\":1,\"writtenByProtocol\":5,\"lastState\":\"PRIM\",\"epoch\":7,\"dataEpoch\":6,\"bootMode\":\"KEEP\","
                + "\"failoverEnabled\":true}",
        "{\"version\":0,\"lastState\":\"PRIM\",\"epoch\":7,\"dataEpoch\":6,\"bootMode\":\"KEEP\",\"failoverEnabled\":true}",
        "{\"version\":1,\"lastState\":\"PRIM\",\"epoch\":\"7\",\"dataEpoch\":6,\"bootMode\":\"KEEP\",\"failoverEnabled\":true}",
    })
    void aDamagedFileIsAnErrorNeverAFreshStart(String content) throws Exception {
        Files.writeString(dir.resolve("state.json"), content);
        StateStore store = new StateStore(dir);
        assertThatThrownBy(store::load).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining(dir.resolve("state.json").toString())
                .hasMessageContaining("damaged")
                .hasMessageContaining("Restore the file");
    }

    @Test
    void theMessageSaysWhatIsWrong() throws Exception {
        Files.writeString(dir.resolve("state.json"), "{\"version\":1,\"lastState\":\"PRIM\"}");
        assertThatThrownBy(new StateStore(dir)::load).hasMessageContaining("'epoch' is missing");
    }

    /** Issue 15: the first start of a newer Vigil reads a format-1 file, keeps it, and rewrites it as format 2. */
    @Test
    void aFormatOneFileIsMigratedForwardAndKept() throws Exception {
        String v1 = "{\"version\":1,\"lastState\":\"PRIM\",\"epoch\":7,\"dataEpoch\":6,\"bootMode\":\"KEEP\","
                + "\"failoverEnabled\":true}";
        Files.writeString(dir.resolve("state.json"), v1);
        assertThat(new StateStore(dir).load()).contains(STATE);
        assertThat(dir.resolve("state.json.v1.bak")).hasContent(v1);
        String now = Files.readString(dir.resolve("state.json"));
        assertThat(now).contains("\"version\" : 2").contains("\"writtenByProtocol\" : "
                + io.vigil.protocol.ProtocolVersion.current());
        assertThat(mode(dir.resolve("state.json"))).isEqualTo("rw-------");
        assertThat(new StateStore(dir).load()).contains(STATE);
    }

    /** Issue 15: a file of a newer format is refused, not read as damaged and not rewritten: no downgrade. */
    @Test
    void aFileOfANewerFormatIsRefusedAndLeftAlone() throws Exception {
        String v3 = "{\"version\":3,\"writtenByProtocol\":7,\"lastState\":\"PRIM\",\"epoch\":7}";
        Files.writeString(dir.resolve("state.json"), v3);
        assertThatThrownBy(new StateStore(dir)::load).isNotInstanceOf(CorruptStateException.class)
                .hasMessage("The node state file " + dir.resolve("state.json") + " has format 3, written by a newer"
                        + " Vigil (protocol 7); this Vigil (protocol 5) reads formats up to 2. Downgrading is not"
                        + " supported: install the newer Vigil again");
        assertThat(dir.resolve("state.json")).hasContent(v3);
    }
}
