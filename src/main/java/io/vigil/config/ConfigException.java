package io.vigil.config;

import java.nio.file.Path;

/**
 * A configuration file that cannot be used. The message always names the file, the key path
 * (e.g. {@code resources[1].checkers[0].port}) and what to do, because the person reading it
 * is an operator at a console, not a developer with a debugger. Messages never contain the
 * cluster key.
 */
public final class ConfigException extends Exception {

    private final transient Path file;
    private final String keyPath;

    /**
     * @param file    the configuration file (may be null for a tree built in code)
     * @param keyPath the offending key, or empty for a problem with the whole file
     * @param problem what is wrong
     * @param fix     what the operator should do
     */
    public ConfigException(Path file, String keyPath, String problem, String fix) {
        super(format(file, keyPath, problem, fix));
        this.file = file;
        this.keyPath = keyPath == null ? "" : keyPath;
    }

    public Path file() {
        return file;
    }

    /** The offending key path, empty when the problem concerns the whole file. */
    public String keyPath() {
        return keyPath;
    }

    private static String format(Path file, String keyPath, String problem, String fix) {
        StringBuilder sb = new StringBuilder("Configuration file ")
                .append(file == null ? "<built in code>" : file.toString()).append(": ");
        if (keyPath != null && !keyPath.isEmpty()) {
            sb.append(keyPath).append(": ");
        }
        sb.append(problem);
        if (fix != null && !fix.isEmpty()) {
            sb.append(". ").append(fix);
        }
        return sb.toString();
    }
}
