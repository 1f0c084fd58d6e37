package io.vigil.api;

/** Answer to an operator command: accepted (and started) or refused, with a message for a person. */
public record CommandResult(int nodeId, String command, boolean accepted, String message) {
}
