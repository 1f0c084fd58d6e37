package io.vigil.vms.events;

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

/** Runs the event server as its own process (a cluster resource that depends on the database). */
@Command(name = "vigil-events", mixinStandardHelpOptions = true,
        description = "The reference VMS's event server: stores events and streams them to followers.")
public final class EventMain implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;
    @Option(names = "--port", defaultValue = "8101", description = "port (default ${DEFAULT-VALUE})")
    int port;

    public static void main(String[] args) {
        System.exit(new CommandLine(new EventMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        boolean serve = WarmStandby.await("event server", activated -> {
            WarmStandby.rehearse(none -> {
                EventServer s = EventServer.start(none, Clock.systemUTC(), db.node, "127.0.0.1", 0);
                return new WarmStandby.Running(s, s.port());
            });
            WarmStandby.rehearseConnection(db, activated);
        });
        if (!serve) {
            return 0;
        }
        Store store = db.openStore();
        EventServer server = EventServer.start(store, Clock.systemUTC(), db.node, db.bind, port);
        System.out.println("event server on " + db.bind + ":" + server.port());
        return ManagementMain.runUntilStopped(server, store);
    }
}
