package io.vigil.cli;

import io.vigil.demo.Demo;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `vigil demo`: the two-node cluster on this machine, with a prompt to break it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start two nodes on this machine (loopback) protecting a sample management server and an"
                + " event server that depends on it; show their states live; type kill 1, start 1, swap, ..."
                + " to break and repair the cluster. Ctrl-C stops everything."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "demo-run",
            description = "Folder for the generated configurations, data and logs (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--fast", description = "Fast profile: heartbeat every 200 ms, peer lost after 1 s.")
    boolean fast;

    @Option(names = "--witness", description = "Also run a witness (UDP 4850): split-brain protection and self-fencing.")
    boolean witness;

    @Option(names = "--no-database", description = "Do not run the replicated PostgreSQL on each node.")
    boolean noDatabase;

    @Override
    public Integer call() throws Exception {
        return Demo.run(dir, fast, witness, !noDatabase, System.in, System.out);
    }
}
