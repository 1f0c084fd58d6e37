package io.vigil.vms.management;

/** Who a request acts for: an authenticated user and what their role lets them do. */
public record Principal(String name, String role, boolean canWrite) {
}
