package io.vigil.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The fencing watchdog: a separate process the node daemon feeds through its stdin. It kills the
 * protected services (and runs the configured fence commands, e.g. removing the virtual IP) when
 * the daemon misses the deadline it armed — a paused or hung daemon cannot do it itself — or when
 * the daemon dies (stdin closes), so services never outlive the node that controls them.
 *
 * <p>Protocol, one line each: {@code arm <deadline>} (CLOCK_MONOTONIC milliseconds, the same
 * clock as the daemon's), {@code disarm}, {@code pids <pid>...}, {@code fence ["program","arg",...]}
 * (a JSON array, run without a shell).
 * It prints {@code fired <why>} after killing.
 */
public final class WatchdogMain {
    private static volatile long deadline = -1;
    private static volatile long[] pids = new long[0];
    private static final List<List<String>> FENCE = new CopyOnWriteArrayList<>();
    private static volatile boolean daemonGone;

    private WatchdogMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Thread reader = new Thread(WatchdogMain::read, "watchdog-stdin");
        reader.setDaemon(true);
        reader.start();
        while (true) {
            long now = System.nanoTime() / 1_000_000L;
            long d = deadline;
            if (daemonGone) {
                fire("the node daemon exited");
                return;
            }
            if (d >= 0 && now >= d) {
                deadline = -1;
                fire("the node daemon missed its fencing deadline by " + (now - d) + " ms");
            }
            Thread.sleep(5);
        }
    }

    private static void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("arm ")) {
                    deadline = Long.parseLong(line.substring(4).trim());
                } else if (line.equals("disarm")) {
                    deadline = -1;
                } else if (line.startsWith("pids")) {
                    String rest = line.substring(4).trim();
                    pids = rest.isEmpty() ? new long[0]
                            : java.util.Arrays.stream(rest.split("\\s+")).mapToLong(Long::parseLong).toArray();
                } else if (line.startsWith("fence ")) {
                    fence(line.substring(6));
                }
            }
        } catch (IOException | RuntimeException e) {
            // treat a broken pipe like an exit of the daemon
        }
        daemonGone = true;
    }

    /** A line the daemon wrote badly must not read as "the daemon is gone", which would fire. */
    private static void fence(String json) {
        try {
            FENCE.add(List.of(new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, String[].class)));
        } catch (IOException | RuntimeException e) {
            System.err.println("watchdog: ignoring a fence command that is not a JSON list of strings: " + e);
        }
    }

    private static void fire(String why) {
        int killed = 0;
        for (long pid : pids) {
            var h = ProcessHandle.of(pid);
            if (h.isPresent()) {
                h.get().descendants().forEach(ProcessHandle::destroyForcibly);
                h.get().destroyForcibly();
                killed++;
            }
        }
        pids = new long[0];
        for (List<String> cmd : FENCE) {
            try {
                new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            } catch (IOException e) {
                System.err.println("watchdog: fence command failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        System.out.println("fired " + why + " (killed " + killed + " service process tree(s))");
        System.out.flush();
    }
}
