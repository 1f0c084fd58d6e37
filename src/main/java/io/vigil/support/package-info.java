/**
 * Support material (SPEC §2 "Support"): dumps and kept configurations ({@code Dumps}), made on
 * demand (CLI, console, API) and automatically at a failover or a fatal error ({@code AutoDump});
 * and the optional SNMP agent on UDP 3600 ({@code SnmpAgent}) that answers managers' GET and
 * GETNEXT requests for the node's state. Depends on {@code api}; the daemon wires it.
 */
package io.vigil.support;
