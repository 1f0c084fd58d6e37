package io.vigil.vms.recording;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a recording server as its own process:
 * {@code java -cp vigil.jar:lib/* io.vigil.vms.recording.RecordingMain --name rec1 --storage /srv/video
 * --management-url http://VIP:8100 --user rec1 --password-file /etc/vigil/rec1.password}.
 * Several run on one machine with different {@code --name}, {@code --port} and {@code --storage}.
 * The password comes from a file, never the command line (other users can read it in /proc).
 */
@Command(name = "vigil-recording", mixinStandardHelpOptions = true,
        description = "The reference VMS's recording server: records its devices, serves live and playback.")
public final class RecordingMain implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Option(names = "--name", required = true, description = "this recording server's name in the management server")
    String name;
    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "address to listen on (default ${DEFAULT-VALUE})")
    String bind;
    @Option(names = "--port", defaultValue = "7563", description = "HTTP port (default ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--storage", required = true, description = "folder of the recordings (the segment store)")
    Path storage;
    @Option(names = "--management-url", description = "the management server through the cluster"
            + " address, e.g. http://10.0.0.10:8100 (required, except with --failover)")
    String managementUrl;
    @Option(names = "--user", description = "management server user to log in as (required, except with --failover)")
    String user;
    @Option(names = "--password-file", description = "file holding that user's password (required, except with"
            + " --failover)")
    Path passwordFile;
    @Option(names = "--failover", description = "run as a failover recording server: record only what the failover"
            + " coordinator asks for, while a recording server is down (needs --coordinator-token-file)")
    boolean failover;
    @Option(names = "--coordinator-token-file", description = "file holding the bearer token the failover"
            + " coordinator's calls carry (the management server's --coordinator-token-file); without it this"
            + " server is not watched")
    Path coordinatorTokenFile;
    @Option(names = "--api-token-file", description = "file holding the bearer token that /devices, live and playback"
            + " ask for (without it they are open to anyone who reaches the port)")
    Path apiTokenFile;
    @Option(names = "--poll-ms", defaultValue = "5000", description = "re-read the configuration this often (default ${DEFAULT-VALUE})")
    long pollMs;
    @Option(names = "--segment-seconds", defaultValue = "60", description = "a new segment file this often (default ${DEFAULT-VALUE})")
    long segmentSeconds;
    @Option(names = "--segment-mb", defaultValue = "64", description = "or when a segment reaches this size (default ${DEFAULT-VALUE})")
    long segmentMb;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RecordingMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        RecordingServer server = RecordingServer.start(options(), role());
        System.out.println((failover ? "failover " : "") + "recording server '" + name + "' on " + bind + ":" + server.port() + ", storage " + storage);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }, "recording-shutdown"));
        stop.await();
        return 0;
    }

    RecordingServer.Role role() throws IOException {
        if (failover && coordinatorTokenFile == null) {
            throw refuse("--failover needs --coordinator-token-file: a failover server does only what the coordinator"
                    + " asks, and must know its calls");
        }
        return new RecordingServer.Role(coordinatorTokenFile == null ? null
                : secret(coordinatorTokenFile, "--coordinator-token-file"), failover);
    }

    RecordingServer.Options options() throws IOException {
        if (!failover && (managementUrl == null || user == null || passwordFile == null)) {
            throw refuse("--management-url, --user and --password-file are required (a failover server, started with"
                    + " --failover, needs none of them)");
        }
        URI url = failover && managementUrl == null ? null : managementUrl();
        if (port < 0 || port > 65_535) {
            throw refuse("--port " + port + " is not a port (1-65535, or 0 for any free port)");
        }
        if (pollMs < 200 || segmentSeconds < 1 || segmentMb < 1) {
            throw refuse("--poll-ms must be at least 200, --segment-seconds and --segment-mb at least 1");
        }
        Files.createDirectories(storage);
        if (!Files.isDirectory(storage) || !Files.isWritable(storage)) {
            throw refuse("--storage " + storage + " is not a writable directory; create it and give this user write access");
        }
        return new RecordingServer.Options(name, bind, port, storage.toAbsolutePath(), url, user,
                passwordFile == null ? null : secret(passwordFile, "--password-file"), pollMs, segmentSeconds * 1000, segmentMb * 1024 * 1024,
                apiTokenFile == null ? null : secret(apiTokenFile, "--api-token-file"));
    }

    private URI managementUrl() {
        try {
            URI u = URI.create(managementUrl);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw refuse("--management-url '" + managementUrl + "' is not an http(s) URL such as http://10.0.0.10:8100");
    }

    private String secret(Path file, String option) throws IOException {
        if (!Files.isReadable(file)) {
            throw refuse(option + " " + file + " cannot be read; check it exists and this user may read it");
        }
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
            throw refuse(option + " " + file + " is empty");
        }
        return s;
    }

    private CommandLine.ParameterException refuse(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
