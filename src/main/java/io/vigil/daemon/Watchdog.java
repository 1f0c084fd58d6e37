package io.vigil.daemon;

import io.vigil.core.Event;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The daemon's side of {@link WatchdogMain}: starts it, feeds it deadlines and service pids. */
final class Watchdog implements AutoCloseable {
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private final Process process;
    private final Writer in;
    private String lastPids = "";

    private Watchdog(Process process) {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    static Watchdog start(Consumer<Event> events, Consumer<String> log) throws IOException {
        List<String> cmd = new ArrayList<>();
        // Its own session, so that a signal to the daemon's process group (kill -9 -PGID, Ctrl-C in
        // a terminal) does not take the backstop down with the daemon: it must outlive the daemon
        // to kill the services and remove the virtual IP (found by the chaos run: a group kill left
        // the VIP on the dead node's interface while the peer took it over). setsid without a fork
        // (the child is no group leader) keeps the pid, so stdin and pid handling are unchanged.
        if (Files.isExecutable(SETSID)) {
            cmd.add(SETSID.toString());
        }
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-Xmx24m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), WatchdogMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Watchdog w = new Watchdog(p);
        Thread t = NodeDaemon.daemonThread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    log.accept("watchdog: " + line);
                    if (line.startsWith("fired")) {
                        events.accept(new Event.WatchdogFired());
                    }
                }
            } catch (IOException e) {
                log.accept("watchdog output lost: " + e.getMessage());
            }
        }, "vigil-watchdog-out");
        t.start();
        return w;
    }

    /** Kill the services at {@code deadlineMs} (CLOCK_MONOTONIC ms) unless re-armed; negative disarms. */
    synchronized void arm(long deadlineMs) {
        send(deadlineMs < 0 ? "disarm" : "arm " + deadlineMs);
    }

    synchronized void pids(List<Long> pids) {
        String line = "pids " + String.join(" ", pids.stream().map(String::valueOf).toList());
        if (!line.equals(lastPids)) {
            lastPids = line;
            send(line);
        }
    }

    /** A program the watchdog runs when it fires, as an argument list (JSON on the wire): no shell. */
    synchronized void fenceCommand(List<String> argv) {
        if (argv.isEmpty()) {
            return;
        }
        try {
            send("fence " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(argv));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + argv, e);
        }
    }

    private void send(String line) {
        try {
            in.write(line + "\n");
            in.flush();
        } catch (IOException e) {
            // The watchdog is gone: nothing can be fenced for us any more. The daemon logs it at close.
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing stdin is how it learns we are gone
        }
        process.destroy();
    }
}
