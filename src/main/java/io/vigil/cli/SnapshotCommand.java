package io.vigil.cli;

import io.vigil.admin.AdminException;
import io.vigil.config.VigilConfig;
import io.vigil.console.Snapshot;
import io.vigil.support.Dumps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `vigil snapshot`: the console's Support snapshot (SPEC §2), from the command line. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Download a support snapshot of a node (or both with --cluster): a zip with its three logs,"
                + " its status and, for the local node, its configuration with the secrets redacted and the last 3"
                + " dumps and configurations it keeps (see vigil dump).")
final class SnapshotCommand extends NodeClientCommand {

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = ".",
            description = "Folder to write vigil-snapshot-node<N>-<time>.zip into (default: current folder).")
    Path out;

    @Override
    int execute() throws CliException {
        VigilConfig config = config();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        List<Outcome> outcomes = new ArrayList<>();
        for (Target t : targets(config)) {
            try {
                boolean here = t.nodeId() == config.node().id();
                byte[] zip = Snapshot.overAdminChannel(client(t, STATUS_TIMEOUT_MS), t.nodeId(),
                        here ? config.toYaml() : null, here ? Dumps.dir(config.node().dataDir()) : null);
                Path file = out.resolve("vigil-snapshot-node" + t.nodeId() + "-" + stamp + ".zip");
                Files.createDirectories(out);
                Files.write(file, zip);
                Map<String, Object> written = new LinkedHashMap<>();
                written.put("nodeId", t.nodeId());
                written.put("file", file.toAbsolutePath().toString());
                written.put("bytes", zip.length);
                outcomes.add(new Outcome(t, written, null));
            } catch (AdminException e) {
                outcomes.add(new Outcome(t, null, e));
            } catch (IOException e) {
                throw new CliException(ExitCode.USAGE, "cannot write the snapshot into " + out + ": " + e.getMessage());
            }
        }
        return report(outcomes, o -> {
            Map<?, ?> w = (Map<?, ?>) o.value();
            out().println("node " + o.target().nodeId() + ": snapshot written to " + w.get("file")
                    + " (" + w.get("bytes") + " bytes)");
        });
    }
}
