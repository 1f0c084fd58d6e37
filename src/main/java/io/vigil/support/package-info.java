/**
 * Support material (SPEC §2 "Support"): dumps and kept configurations ({@code Dumps}), made on
 * demand (CLI, console, API through {@code NodeControl.dump}) and automatically at a failover or
 * a fatal error ({@code AutoDump}). Depends on {@code api}; the daemon wires it, the snapshot
 * (console) reads what it keeps.
 */
package io.vigil.support;
