/**
 * The {@code vigil} command line (picocli): {@code vigil node} runs a node; the other commands
 * read or command running nodes over {@link io.vigil.admin}.
 *
 * <p>Exit codes are part of the interface (scripts rely on them, see {@code vigil --help}):
 * 0 ok/accepted, 1 refused by a node, 2 usage or configuration error, 3 node unreachable,
 * 4 authentication failed. With {@code --cluster} the worst code of the two nodes wins.
 */
package io.vigil.cli;
