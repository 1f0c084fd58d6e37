package io.vigil.core;

/** Console colour of a node (SPEC §1): green available, magenta transient, red unavailable. */
public enum Colour {
    GREEN, MAGENTA, RED
}
