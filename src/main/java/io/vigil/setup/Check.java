package io.vigil.setup;

/**
 * The outcome of one prerequisite check before setup changes anything (SPEC §6).
 *
 * @param name    what was checked, e.g. "name resolution of vms2"
 * @param ok      whether setup may go on
 * @param message what was found; when not ok, what is wrong and how to fix it
 */
public record Check(String name, boolean ok, String message) {
    static Check pass(String name, String message) {
        return new Check(name, true, message);
    }

    static Check fail(String name, String message) {
        return new Check(name, false, message);
    }
}
