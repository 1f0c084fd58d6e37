package io.vigil.cli;

import io.vigil.admin.AdminException;
import io.vigil.config.VigilConfig;
import io.vigil.replication.ResyncEstimate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;

/** `vigil estimate`: expert action "estimate data sync" (SPEC §2). */
@Command(name = "estimate", mixinStandardHelpOptions = true,
        description = "Expert: measure how much data a resync of the node from its peer would move (WAL still to"
                + " stream, blocks pg_rewind would copy, or the whole database when only a full copy is possible),"
                + " without moving any. Ask the node that would be resynchronised (the SECOND or a stopped node).")
final class EstimateCommand extends NodeClientCommand {

    /** A pg_rewind dry run reads the whole WAL since the divergence. */
    static final int ESTIMATE_TIMEOUT_MS = 150_000;

    @Override
    int execute() throws CliException {
        VigilConfig config = config();
        byte[] key = ConfigFiles.key(config);
        List<Outcome> outcomes = new ArrayList<>();
        for (Target t : targets(config)) {
            try {
                outcomes.add(new Outcome(t, client(t, key, ESTIMATE_TIMEOUT_MS).estimate(), null));
            } catch (AdminException e) {
                outcomes.add(new Outcome(t, null, e));
            }
        }
        if (options.json) {
            printJson(options.cluster ? outcomes.stream().map(Outcome::json).toList() : outcomes.get(0).json());
        }
        for (Outcome o : outcomes) {
            if (o.error() != null) {
                err().println("node " + o.target().nodeId() + ": " + o.error().getMessage());
            } else if (!options.json) {
                ResyncEstimate e = (ResyncEstimate) o.value();
                out().println("node " + o.target().nodeId() + ": " + describe(e));
            }
        }
        out().flush();
        return worst(outcomes);
    }

    static String describe(ResyncEstimate e) {
        String how = switch (e.method()) {
            case STREAMING -> "streaming would catch up";
            case REWIND -> "incremental resync (pg_rewind)";
            case BASEBACKUP -> "FULL resync (pg_basebackup)";
        };
        return how + ": " + bytes(e.bytes()) + " to move (" + e.detail() + ")";
    }

    static String bytes(long b) {
        if (b < 10_240) {
            return b + " bytes";
        }
        return b < 10L << 20 ? String.format(Locale.ROOT, "%.1f KiB", b / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
    }
}
