package io.vigil.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import picocli.CommandLine;

/**
 * What the CLI needs to know about where it runs, injected so tests can play an operator.
 *
 * @param interactive a person can answer prompts on {@code in}
 * @param ansi        stdout is a terminal that shows colours
 * @param in          operator input, for confirmations
 */
record Terminal(boolean interactive, boolean ansi, BufferedReader in) {

    static Terminal system() {
        boolean console = System.console() != null;
        return new Terminal(console, console && CommandLine.Help.Ansi.AUTO.enabled(),
                new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())));
    }
}
