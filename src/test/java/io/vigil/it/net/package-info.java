/**
 * Test-only harness for real networks: {@link io.vigil.it.net.NetLab} builds hosts (node1, node2,
 * witness, client, ...) as network namespaces on one bridge and injects faults (power loss, partition,
 * one-way loss, random loss, SIGSTOP); {@link io.vigil.it.net.ArpProbe} tells which host answers for
 * an address.
 *
 * <p>Tests using it carry the tag {@code netns} and need root plus iproute2, nftables, arping
 * (Thomas Habets'), iputils-ping and util-linux; they fail, never skip, when these are missing,
 * because CI runs them as root. Run them with
 * {@code mvn -o test -Dtest='io.vigil.it.net.**'}.
 *
 * <pre>
 *   client   witness   node1   node2       one namespace per host, eth0 = 10.77.X.n/24
 *     |         |        |       |
 *   [=========== br0 in namespace PREFIX-X-switch ===========]   faults = nft rules here
 * </pre>
 */
package io.vigil.it.net;
