package io.vigil.config;

/** Log rotation: a file is rotated at {@code maxFileBytes}; {@code keepFiles} old files are kept. */
public record LogsSection(long maxFileBytes, int keepFiles) {
}
