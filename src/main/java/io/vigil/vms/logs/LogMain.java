package io.vigil.vms.logs;

import io.vigil.vms.management.DatabaseOptions;
import io.vigil.vms.management.ManagementMain;
import io.vigil.vms.management.Store;
import io.vigil.vms.management.WarmStandby;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.util.concurrent.Callable;

/** Runs the log server as its own process (a cluster resource that depends on the database). */
@Command(name = "vigil-logs", mixinStandardHelpOptions = true,
        description = "The reference VMS's log server: system and audit logs, searchable.")
public final class LogMain implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;
    @Option(names = "--port", defaultValue = "8102", description = "port (default ${DEFAULT-VALUE})")
    int port;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LogMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        boolean serve = WarmStandby.await("log server", activated -> {
            WarmStandby.rehearse(none -> {
                LogServer s = LogServer.start(none, Clock.systemUTC(), db.node, "127.0.0.1", 0);
                return new WarmStandby.Running(s, s.port());
            });
            WarmStandby.rehearseConnection(db, activated);
        });
        if (!serve) {
            return 0;
        }
        Store store = db.openStore();
        LogServer server = LogServer.start(store, Clock.systemUTC(), db.node, db.bind, port);
        System.out.println("log server on " + db.bind + ":" + server.port());
        return ManagementMain.runUntilStopped(server, store);
    }
}
