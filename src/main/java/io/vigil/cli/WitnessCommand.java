package io.vigil.cli;

import io.vigil.config.ConfigException;
import io.vigil.witness.WitnessConfig;
import io.vigil.witness.WitnessServer;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `vigil witness`: the lease service (tie-breaker) for one or more clusters, on a third machine. */
@Command(name = "witness", mixinStandardHelpOptions = true,
        description = {"Run the witness: a small lease service on a third machine that decides which node may run"
                + " the services when the two nodes cannot see each other. It serves several clusters, each"
                + " authenticated with its own witness key (`vigil key witness`), and keeps only the highest epoch of each on disk."})
final class WitnessCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "Witness configuration (bindAddress, port, stateDir, maxLeaseMs, clusters: name + key).")
    Path config;

    @Override
    public Integer call() throws Exception {
        WitnessConfig cfg;
        try {
            cfg = WitnessConfig.load(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return ExitCode.USAGE;
        }
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
        WitnessServer server = WitnessServer.start(cfg, () -> System.nanoTime() / 1_000_000L,
                line -> System.out.println(LocalDateTime.now().format(f) + " " + line));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "vigil-witness-stop"));
        // vigil-witness.service is Type=notify: started once its socket is bound.
        io.vigil.daemon.SystemdNotify.fromEnvironment().send("READY=1\nSTATUS=witness listening");
        stopped.await();
        return 0;
    }
}
