package io.vigil.cli;

import picocli.CommandLine;

/** The `vigil` launcher. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new VigilCommand()).execute(args));
    }
}
