package io.vigil.cli;

import io.vigil.console.ConsoleServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * {@code vigil config hash-password}: the console password as the salted hash that
 * {@code console.passwordFile} may hold instead of the password itself (SPEC §7: passwords stored
 * only as slow salted hashes). The password is read from standard input, never from the command
 * line, where other users could see it in the process list.
 */
@Command(name = "hash-password", mixinStandardHelpOptions = true,
        description = {"Read the web console's admin password from standard input (one line) and print its salted "
                + "PBKDF2-HMAC-SHA256 hash (600,000 iterations). Put the hash in the file named by console.passwordFile.",
            "Example: bin/vigil config hash-password > /etc/vigil/console-password"})
final class HashPasswordCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String password;
        java.io.Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("Console password (not shown): ");
            password = typed == null ? null : new String(typed);
        } else {
            password = ((VigilCommand) spec.root().userObject()).terminal().in().readLine();
        }
        if (password == null || password.isBlank()) {
            spec.commandLine().getErr().println("No password on standard input. Type it, or pipe it: "
                    + "printf '%s\\n' \"$PASSWORD\" | vigil config hash-password");
            return ExitCode.USAGE;
        }
        if (password.length() < 8) {
            spec.commandLine().getErr().println("The password is shorter than 8 characters; choose a longer one.");
            return ExitCode.USAGE;
        }
        spec.commandLine().getOut().println(ConsoleServer.hashPassword(password));
        return ExitCode.OK;
    }
}
