package io.vigil.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one command vocabulary (issue 11): every operator action, with the id the console's menu
 * and the REST API use ({@code failover-off}), the word and argument the admin channel carries
 * ({@code failover}, {@code off}), the form an operator types and the commands log shows
 * ({@code failover off}), and the {@link Command} the node decides on. The CLI, the admin
 * channel, the REST API, the console's menu and the commands log all read it from here.
 */
public enum Action {
    START("start", "start", null, "start"),
    STOP("stop", "stop", null, "stop"),
    RESTART("restart", "restart", null, "restart"),
    SWAP("swap", "swap", null, "swap"),
    SWAP_WITHOUT_SYNC("swap-without-sync", "swap-without-sync", null, "swap --without-sync"),
    FORCE_START("force-start", "force-start", null, "prim --force"),
    FAILOVER_ON("failover-on", "failover", "on", "failover on"),
    FAILOVER_OFF("failover-off", "failover", "off", "failover off"),
    BOOT_KEEP("boot-keep", "boot", "keep", "boot keep"),
    BOOT_ENABLED("boot-enabled", "boot", "enabled", "boot enabled"),
    BOOT_DISABLED("boot-disabled", "boot", "disabled", "boot disabled"),
    CHECKERS_SUSPEND("checkers-suspend", "checkers", "suspend", "checkers suspend"),
    CHECKERS_RESUME("checkers-resume", "checkers", "resume", "checkers resume"),
    CHECKERS_START("checkers-start", "checkers", "start", "checkers start"),
    CHECKERS_STOP("checkers-stop", "checkers", "stop", "checkers stop");

    private final String id;
    private final String word;
    private final String arg;
    private final String typed;

    Action(String id, String word, String arg, String typed) {
        this.id = id;
        this.word = word;
        this.arg = arg;
        this.typed = typed;
    }

    /** The console menu's and REST API's name ({@code /api/nodes/1/commands/failover-off}). */
    public String id() {
        return id;
    }

    /** The admin channel's command word. */
    public String word() {
        return word;
    }

    /** The admin channel's argument, or null for a word that takes none. */
    public String arg() {
        return arg;
    }

    /** What an operator types after {@code vigil}, as the commands log records it. */
    public String typed() {
        return typed;
    }

    /** The command the node decides on. */
    public Command command() {
        return switch (this) {
            case START -> new Command.Start();
            case STOP -> new Command.Stop();
            case RESTART -> new Command.Restart();
            case SWAP -> new Command.Swap(false);
            case SWAP_WITHOUT_SYNC -> new Command.Swap(true);
            case FORCE_START -> new Command.ForceStart();
            case BOOT_KEEP -> new Command.SetBoot(BootMode.KEEP);
            case BOOT_ENABLED -> new Command.SetBoot(BootMode.ENABLED);
            case BOOT_DISABLED -> new Command.SetBoot(BootMode.DISABLED);
            case FAILOVER_ON -> new Command.SetFailover(true);
            case FAILOVER_OFF -> new Command.SetFailover(false);
            case CHECKERS_SUSPEND -> new Command.SuspendErrorDetection(true);
            case CHECKERS_RESUME -> new Command.SuspendErrorDetection(false);
            case CHECKERS_START -> new Command.Checkers(true);
            case CHECKERS_STOP -> new Command.Checkers(false);
        };
    }

    /** The action a command came from (every command has exactly one). */
    public static Action of(Command c) {
        for (Action a : values()) {
            if (a.command().equals(c)) {
                return a;
            }
        }
        throw new IllegalArgumentException("no action for " + c); // a new Command without its Action
    }

    /** The menu action with this id, or null. */
    public static Action byId(String id) {
        for (Action a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        return null;
    }

    /** Every command word, each once, in the order the help lists them. */
    public static List<String> words() {
        List<String> words = new ArrayList<>();
        for (Action a : values()) {
            if (!words.contains(a.word)) {
                words.add(a.word);
            }
        }
        return List.copyOf(words);
    }

    /** The arguments {@code word} accepts, in order; empty for a word that takes none. */
    public static List<String> argsOf(String word) {
        List<String> args = new ArrayList<>();
        for (Action a : values()) {
            if (a.word.equals(word) && a.arg != null) {
                args.add(a.arg);
            }
        }
        return List.copyOf(args);
    }

    /**
     * The action an operator asked for by its admin word and argument: the one check of what the
     * CLI, the admin channel and the REST API accept.
     *
     * @param arg null or empty for the words that take none; case and surrounding blanks do not matter
     * @throws IllegalArgumentException naming the bad word or argument and the accepted ones
     */
    public static Action parse(String word, String arg) {
        List<String> words = words();
        if (word == null || word.isEmpty()) {
            throw new IllegalArgumentException("missing \"command\"; expected one of " + words);
        }
        if (!words.contains(word)) {
            throw new IllegalArgumentException("unknown command \"" + printable(word) + "\"; expected one of " + words);
        }
        String a = arg == null ? "" : arg.trim().toLowerCase(Locale.ROOT);
        List<String> allowed = argsOf(word);
        if (allowed.isEmpty() && !a.isEmpty()) {
            throw new IllegalArgumentException("command \"" + word + "\" takes no argument, got \""
                    + printable(a) + "\"");
        }
        if (!allowed.isEmpty() && a.isEmpty()) {
            throw new IllegalArgumentException("command \"" + word + "\" needs an argument: one of " + allowed);
        }
        if (!allowed.isEmpty() && !allowed.contains(a)) {
            throw new IllegalArgumentException("command \"" + word + "\" does not accept \"" + printable(a)
                    + "\"; expected one of " + allowed);
        }
        return of(word, a);
    }

    /** Error messages quote client input; keep them short and free of control characters. */
    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** The action for a word and argument (null or "" for none), or null when there is none. */
    public static Action of(String word, String arg) {
        String a = arg == null || arg.isEmpty() ? null : arg;
        for (Action x : values()) {
            if (x.word.equals(word) && java.util.Objects.equals(x.arg, a)) {
                return x;
            }
        }
        return null;
    }
}
