package io.vigil.notify;

import java.util.Map;

/**
 * One thing the cluster tells the outside world: a state change, a failover, an alarm. The
 * {@code eventId} is unique and fixed when the event is raised, so the receiver can store an
 * event sent twice (after a lost answer) once.
 *
 * @param at       ISO-8601 instant
 * @param severity info, warning or alarm
 */
public record ClusterEvent(String eventId, String at, String source, String type, String severity, String message,
                           Map<String, Object> data) {
}
