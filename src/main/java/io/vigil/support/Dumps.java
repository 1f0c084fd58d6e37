package io.vigil.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.api.DumpInfo;
import io.vigil.api.LogPage;
import io.vigil.api.NodeControl;
import io.vigil.security.PrivateFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The dumps and configurations a node keeps for support (SPEC §2 "Support"), in one private
 * folder (0700, files 0600): folders {@code dump_<date>_<hour>} (hour as HHmmss, with {@code -2},
 * {@code -3}... when several fall in the same second) and files {@code configuration_<date>_<hour>.yaml}.
 * The last {@link #KEEP} of each are kept; the snapshot zip carries them all.
 *
 * <p>A dump is written into a hidden folder and renamed when complete, so the list never shows a
 * half-written one. Every text goes through {@code redact}, the node's own redactor, before it is
 * written: logs are redacted when written already, but a status or a thread name is not.
 */
public final class Dumps {
    /** SPEC §2: the last 3 dumps and the last 3 configurations. */
    public static final int KEEP = 3;
    /** Lines of each log put in a dump: a busy day of a node, small enough for a mail. */
    static final int LOG_LINES = 5000;
    static final String DUMP = "dump_";
    static final String CONFIGURATION = "configuration_";
    private static final String YAML = ".yaml";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path dir;
    private final NodeControl node;
    private final String configYaml;
    private final Path stateFile;
    private final UnaryOperator<String> redact;
    private final Clock clock;

    /**
     * @param dir        the support folder (created 0700 on first use)
     * @param node       this node: its status and logs
     * @param configYaml the effective configuration with the key redacted ({@code VigilConfig.toYaml})
     * @param stateFile  the node's persisted state, copied as it is on disk
     * @param redact     the node's redactor: removes every secret it knows from a text
     */
    public Dumps(Path dir, NodeControl node, String configYaml, Path stateFile, UnaryOperator<String> redact,
                 Clock clock) {
        this.dir = dir;
        this.node = node;
        this.configYaml = configYaml;
        this.stateFile = stateFile;
        this.redact = redact;
        this.clock = clock;
    }

    public Path dir() {
        return dir;
    }

    /** Where a node with this data folder keeps its dumps and configurations. */
    public static Path dir(Path dataDir) {
        return dataDir.resolve("support");
    }

    /** Writes a new dump, then deletes the oldest beyond {@link #KEEP}. */
    public synchronized DumpInfo create(String reason) throws IOException {
        PrivateFiles.createDirectories(dir);
        ZonedDateTime now = ZonedDateTime.now(clock);
        String name = freeName(DUMP + STAMP.format(now), "");
        Path partial = dir.resolve(".partial-" + name);
        deleteTree(partial);
        PrivateFiles.createDirectories(partial);
        try {
            write(partial, reason, now);
            Files.move(partial, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteTree(partial);
            throw e;
        }
        prune(DUMP, "");
        return info(dir.resolve(name));
    }

    /**
     * Keeps a copy of the effective configuration when it differs from the newest one kept
     * (called at every start, so the last three configurations the node ran with stay on disk).
     */
    public synchronized void keepConfiguration() throws IOException {
        PrivateFiles.createDirectories(dir);
        String text = redact.apply(configYaml);
        List<Path> kept = sorted(CONFIGURATION, YAML);
        if (!kept.isEmpty() && Files.readString(kept.get(kept.size() - 1)).equals(text)) {
            return;
        }
        PrivateFiles.writeString(dir.resolve(freeName(CONFIGURATION + STAMP.format(ZonedDateTime.now(clock)), YAML)),
                text);
        prune(CONFIGURATION, YAML);
    }

    /** The dumps kept, oldest first. */
    public List<DumpInfo> list() throws IOException {
        List<DumpInfo> out = new ArrayList<>();
        for (Path d : sorted(DUMP, "")) {
            out.add(info(d));
        }
        return out;
    }

    /**
     * Every file of the kept dumps and configurations, by its path relative to the support
     * folder ({@code dump_.../status.json}, {@code configuration_....yaml}), oldest first: what a
     * snapshot zips. Empty when the folder does not exist or cannot be read.
     */
    public static Map<String, Path> keptFiles(Path dir) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        Dumps d = new Dumps(dir, null, null, null, UnaryOperator.identity(), Clock.systemUTC());
        for (Path dump : d.sorted(DUMP, "")) {
            try (Stream<Path> files = Files.list(dump)) {
                files.filter(Files::isRegularFile).sorted()
                        .forEach(f -> out.put(dump.getFileName() + "/" + f.getFileName(), f));
            }
        }
        for (Path c : d.sorted(CONFIGURATION, YAML)) {
            out.put(c.getFileName().toString(), c);
        }
        return out;
    }

    private void write(Path into, String reason, ZonedDateTime now) throws IOException {
        var status = node.status();
        put(into, "README.txt", () -> "Vigil dump of node" + status.node().nodeId() + " (" + status.hostName()
                + "), version " + status.version() + "\ncreated: " + now.toInstant() + "\nreason: "
                + reason.replaceAll("\\p{Cntrl}", " ") + "\nSecrets are redacted.\n");
        put(into, "threads.txt", ThreadDump::ofThisProcess);
        put(into, "processes.txt", Dumps::processes);
        put(into, "status.json", () -> JSON.writeValueAsString(status) + "\n");
        put(into, "module.log", () -> log("module", true));
        put(into, "module-errors.log", () -> log("module", false));
        put(into, "application.log", () -> log("application", false));
        put(into, "commands.log", () -> log("commands", false));
        put(into, "configuration.yaml", () -> configYaml);
        put(into, "state.json", () -> Files.exists(stateFile) ? Files.readString(stateFile)
                : "no state file at " + stateFile + " (the node has not saved a state yet)\n");
    }

    /** Writes one file of the dump; a part that cannot be read says why, instead of failing the dump. */
    private void put(Path into, String file, Callable<String> content) throws IOException {
        String text;
        try {
            text = content.call();
        } catch (Exception e) {
            text = "could not be collected: " + e + "\n";
        }
        PrivateFiles.writeString(into.resolve(file), redact.apply(text));
    }

    private String log(String log, boolean verbose) throws IOException {
        LogPage page = node.logs(log, verbose, 0, LOG_LINES);
        return String.join("\n", page.lines()) + "\n";
    }

    /** SPEC §2: "the node's state and processes": this daemon and what it started (services, PostgreSQL). */
    private static String processes() {
        StringBuilder out = new StringBuilder();
        ProcessHandle self = ProcessHandle.current();
        Stream.concat(Stream.of(self), self.descendants()).forEach(p -> out.append(p.pid()).append(' ')
                .append(p.parent().map(pp -> String.valueOf(pp.pid())).orElse("-")).append(' ')
                .append(p.info().user().orElse("?")).append(' ')
                .append(p.info().commandLine().orElse(p.info().command().orElse("?"))).append('\n'));
        return "pid ppid user command\n" + out;
    }

    private DumpInfo info(Path d) throws IOException {
        String created = "";
        String reason = "";
        Path readme = d.resolve("README.txt");
        if (Files.isRegularFile(readme)) {
            for (String line : Files.readAllLines(readme)) {
                created = line.startsWith("created: ") ? line.substring(9) : created;
                reason = line.startsWith("reason: ") ? line.substring(8) : reason;
            }
        }
        long bytes;
        try (Stream<Path> files = Files.list(d)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
        return new DumpInfo(d.getFileName().toString(), d.toString(), created, reason, bytes);
    }

    /**
     * {@code base}, or {@code base-N} with N past every number used in this second so far: a new
     * entry must sort after the kept ones, even after the first of that second was deleted.
     */
    private String freeName(String base, String suffix) throws IOException {
        int last = 0;
        try (Stream<Path> all = Files.list(dir)) {
            for (Path p : all.toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(suffix) && stamp(p, suffix).equals(base) && sequence(p, suffix) < Integer.MAX_VALUE) {
                    last = Math.max(last, sequence(p, suffix));
                }
            }
        }
        return last == 0 ? base + suffix : base + "-" + (last + 1) + suffix;
    }

    /** Kept entries of one kind, oldest first: by time stamp, then by the number added within a second. */
    private List<Path> sorted(String prefix, String suffix) throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(suffix) && (suffix.isEmpty() ? Files.isDirectory(p)
                        : Files.isRegularFile(p));
            }).sorted(Comparator.comparing((Path p) -> stamp(p, suffix)).thenComparingInt(p -> sequence(p, suffix)))
                    .toList();
        }
    }

    private static String stamp(Path p, String suffix) {
        String n = p.getFileName().toString();
        n = n.substring(0, n.length() - suffix.length());
        int dash = n.indexOf('-');
        return dash < 0 ? n : n.substring(0, dash);
    }

    private static int sequence(Path p, String suffix) {
        String n = p.getFileName().toString();
        n = n.substring(0, n.length() - suffix.length());
        int dash = n.indexOf('-');
        try {
            return dash < 0 ? 1 : Integer.parseInt(n.substring(dash + 1));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE; // not one of ours; sorts last, so it is never the one deleted first
        }
    }

    private void prune(String prefix, String suffix) throws IOException {
        List<Path> kept = sorted(prefix, suffix);
        for (int i = 0; i < kept.size() - KEEP; i++) {
            deleteTree(kept.get(i));
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
