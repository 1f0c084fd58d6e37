package io.vigil.core;

/**
 * What a node keeps across restarts (SPEC §2 boot behaviour; epochs for "who has the newest data").
 *
 * @param lastState        public state when last saved
 * @param epoch            highest epoch this node has run, followed or granted
 * @param dataEpoch        epoch of the newest data this node holds
 * @param bootMode         boot behaviour chosen by the operator
 * @param failoverEnabled  "failover on" admin flag
 */
public record PersistedState(NodeState lastState, long epoch, long dataEpoch, BootMode bootMode,
                             boolean failoverEnabled) {
}
