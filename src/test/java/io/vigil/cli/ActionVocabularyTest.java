package io.vigil.cli;

import io.vigil.core.Action;
import io.vigil.core.Command;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One command vocabulary (issue 11): {@link Action} is the only list of operator actions, and the
 * admin channel's words, the node's commands, the commands log's wording and the CLI agree with it.
 */
class ActionVocabularyTest {

    @Test
    void everyActionParsesToItsCommandAndBack() {
        for (Action a : Action.values()) {
            Command c = Action.parse(a.word(), a.arg()).command();
            assertThat(c).as(a.id()).isEqualTo(a.command());
            assertThat(Action.of(c)).as(a.id()).isEqualTo(a);
            assertThat(c.describe()).as(a.id()).isEqualTo(a.typed());
            assertThat(Action.byId(a.id())).isEqualTo(a);
        }
    }

    @Test
    void everyKindOfCommandHasAnAction() {
        Set<Class<?>> covered = Arrays.stream(Action.values()).map(a -> a.command().getClass()).collect(Collectors.toSet());
        assertThat(covered).containsExactlyInAnyOrder(Command.class.getPermittedSubclasses());
    }

    @Test
    void whatTheCommandsLogShowsIsACommandTheCliAccepts() {
        for (Action a : Action.values()) {
            CommandLine cli = new CommandLine(new VigilCommand());
            String[] typed = a.typed().split(" ");
            assertThat(cli.getSubcommands()).as("'vigil %s' (%s)", a.typed(), a.id()).containsKey(typed[0]);
            // Parsing checks the argument and the options against the subcommand's declaration.
            CommandLine.ParseResult parsed = cli.parseArgs(typed);
            assertThat(parsed.subcommand().commandSpec().name()).isEqualTo(typed[0]);
        }
    }

    @Test
    void wordsAndArgumentsComeFromTheActions() {
        assertThat(Action.words()).containsExactly("start", "stop", "restart", "swap", "swap-without-sync",
                "force-start", "failover", "boot", "checkers");
        assertThat(Action.argsOf("boot")).containsExactly("keep", "enabled", "disabled");
        assertThat(Action.argsOf("start")).isEmpty();
    }
}
