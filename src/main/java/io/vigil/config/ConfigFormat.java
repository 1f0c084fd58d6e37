package io.vigil.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The configuration file's format version, its top-level {@code format} key (issue 15: on-disk
 * configuration migrates forward on the first start of a newer Vigil). Format 1 is every file
 * written before the key existed (no {@code format}); format 2 states its format. A node's first
 * start on a newer Vigil rewrites an older file in place, keeping the original beside it; a file of
 * a newer format is refused, since downgrading is not supported.
 */
public final class ConfigFormat {
    /** The format this Vigil writes; it reads this and every older one. */
    public static final int CURRENT = 2;
    static final String KEY = "format";

    private ConfigFormat() {
    }

    /** The file's format (1 when it has no {@code format} key), refusing one newer than {@link #CURRENT}. */
    static int of(YamlNode root, Path file) throws ConfigException {
        int format = root.integer(KEY, 1);
        if (format < 1) {
            throw root.error(KEY, "is " + format + ", not a format number", "Set 'format: " + CURRENT
                    + "', or remove the line if the file was written before formats existed");
        }
        if (format > CURRENT) {
            throw root.error(KEY, "is " + format + ": the file was written by a newer Vigil, and this one reads"
                    + " formats up to " + CURRENT, "Downgrading is not supported: install the newer Vigil again, or"
                    + " put back the backup the upgrade kept (" + file.getFileName() + ".format<N>.bak)");
        }
        return format;
    }

    /**
     * Rewrites an older-format file as {@link #CURRENT}, keeping the original as
     * {@code <file>.format<N>.bak}. The only change from format 1 is the {@code format} line, added
     * at the top as text, so the operator's comments and layout survive. A file that does not
     * parse is left alone: reading it reports what is wrong.
     *
     * @return the backup, or empty when nothing was migrated
     */
    public static Optional<Path> migrate(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(text);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        if (root == null || !root.isObject() || root.has(KEY)) {
            return Optional.empty();
        }
        Path backup = file.resolveSibling(file.getFileName() + ".format1.bak");
        Files.copy(file, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
                LinkOption.NOFOLLOW_LINKS);
        // Written beside the file with its owner and mode, then renamed over it: never half a file.
        Path temp = file.resolveSibling(file.getFileName() + ".migrating");
        Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
                LinkOption.NOFOLLOW_LINKS);
        Files.writeString(temp, line() + text, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return Optional.of(backup);
    }

    /** The line a migrated or newly written file starts with. */
    public static String line() {
        return KEY + ": " + CURRENT + "  # configuration format; a newer Vigil rewrites older ones on first start\n";
    }
}
