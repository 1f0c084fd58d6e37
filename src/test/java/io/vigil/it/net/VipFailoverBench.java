package io.vigil.it.net;

import io.vigil.demo.LocalCluster;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * bench/vip-failover (not part of the test suite: run by the bench script). Same topology for
 * both: node1, node2 and a client on a bridge, plus a witness host for Vigil. Power loss of the
 * VIP holder (its link cut), then the time until the client gets an answer through the VIP from
 * the other node. keepalived (advert_int 1) with a sample service always running on both nodes;
 * Vigil at default settings and with the fast profile. Then a partition between the nodes: does
 * each end up with the VIP held twice?
 */
class VipFailoverBench {
    private static final int RUNS = Integer.getInteger("bench.runs", 10);
    private static final int PORT = 18080;

    @Test
    void vipFailover() throws Exception {
        NetLab.requireRoot();
        List<Long> keepalived = new ArrayList<>();
        boolean keepalivedDouble;
        try (NetLab lab = NetLab.create("vgb", "witness", "node1", "node2", "client")) {
            keepalivedDouble = keepalived(lab, keepalived);
        }
        List<Long> vigil = new ArrayList<>();
        List<Long> fast = new ArrayList<>();
        boolean vigilDouble;
        try (NetLab lab = NetLab.create("vgb", "witness", "node1", "node2", "client")) {
            vigilDouble = vigil(lab, 1000, 3000, vigil, true);
        }
        try (NetLab lab = NetLab.create("vgb", "witness", "node1", "node2", "client")) {
            vigil(lab, 200, 1000, fast, false);
        }
        long k = p50(keepalived);
        long v = p50(vigil);
        System.out.printf(Locale.ROOT, "{\"bench\":\"vip-failover\",\"runs\":%d,\"keepalived_p50_ms\":%d,"
                        + "\"vigil_p50_ms\":%d,\"vigil_fast_p50_ms\":%d,\"ratio\":%.2f,"
                        + "\"keepalived_vip_twice_on_partition\":%b,\"vigil_vip_twice_on_partition\":%b}%n",
                RUNS, k, v, p50(fast), (double) v / k, keepalivedDouble, vigilDouble);
    }

    private boolean keepalived(NetLab lab, List<Long> samples) throws Exception {
        String vip = lab.address(100);
        Path dir = NetLab.logDir("vip-failover-keepalived").toAbsolutePath();
        LocalCluster.deleteTree(dir);
        Files.createDirectories(dir);
        List<Process> procs = new ArrayList<>();
        for (int id = 1; id <= 2; id++) {
            Path conf = dir.resolve("keepalived" + id + ".conf");
            Files.writeString(conf, "global_defs {\n  router_id node" + id + "\n  enable_script_security\n}\n"
                    + "vrrp_instance VI_1 {\n  state " + (id == 1 ? "MASTER" : "BACKUP") + "\n  interface eth0\n"
                    + "  virtual_router_id 51\n  priority " + (id == 1 ? 150 : 100) + "\n  advert_int 1\n"
                    + "  virtual_ipaddress {\n    " + vip + "/" + lab.prefixLength() + " dev eth0\n  }\n}\n");
            procs.add(lab.exec("node" + id, List.of("keepalived", "-n", "-l", "-D", "-P", "-f", conf.toString(),
                    "-p", dir.resolve("k" + id + ".pid").toString(), "-r", dir.resolve("v" + id + ".pid").toString()),
                    dir.resolve("keepalived" + id + ".log")));
            List<String> svc = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), "io.vigil.vms.SampleService",
                    "--node", "node" + id, "--host", "0.0.0.0", "--port", Integer.toString(PORT)));
            procs.add(lab.exec("node" + id, svc, dir.resolve("service" + id + ".log")));
        }
        try {
            for (int run = 0; run < RUNS; run++) {
                int holder = awaitServedBy(lab, vip, 0, 60_000);
                samples.add(cutAndMeasure(lab, vip, holder));
                lab.linkUp("node" + holder);
            }
            awaitServedBy(lab, vip, 0, 60_000);
            return partitionHoldsTwice(lab, vip);
        } finally {
            for (Process p : procs) {
                lab.killGroup(p, "KILL");
            }
        }
    }

    private boolean vigil(NetLab lab, long hb, long timeout, List<Long> samples, boolean partition) throws Exception {
        String vip = lab.address(100);
        Path dir = NetLab.logDir("vip-failover-vigil-" + hb).toAbsolutePath();
        LocalCluster.deleteTree(dir);
        List<String> hosts = List.of("witness", "node1", "node2");
        LocalCluster.Settings s = LocalCluster.Settings.defaults(dir).withWitness(4850).withTimings(hb, timeout)
                .withoutEventServer().withMaxFailovers(1000);
        try (LocalCluster c = LocalCluster.create(s, new LocalCluster.Placement(hosts.stream().map(lab::ip).toList(),
                hosts.stream().map(lab::namespace).toList()).withVip(vip + "/" + lab.prefixLength(), "eth0"))) {
            c.startWitness();
            c.start(1);
            c.start(2);
            for (int run = 0; run < RUNS; run++) {
                int holder = awaitServedBy(lab, vip, 0, 60_000);
                // the SECOND must be up to date and the PRIM hold the lease, or no failover is allowed
                awaitSteady(c, holder, 60_000);
                samples.add(cutAndMeasure(lab, vip, holder));
                lab.linkUp("node" + holder);
            }
            awaitServedBy(lab, vip, 0, 60_000);
            return partition && partitionHoldsTwice(lab, vip);
        }
    }

    /** Cuts the holder's link; returns ms until the client is served through the VIP by the other node. */
    private long cutAndMeasure(NetLab lab, String vip, int holder) throws InterruptedException {
        long t0 = System.nanoTime();
        lab.linkDown("node" + holder);
        awaitServedBy(lab, vip, 3 - holder, 60_000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.err.println("  node" + holder + " powered off: served by node" + (3 - holder) + " after " + ms + " ms");
        return ms;
    }

    /** Waits until the VIP answers from {@code node} (0: any); returns the node that answers. */
    private int awaitServedBy(NetLab lab, String vip, int node, long limitMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + limitMs;
        while (System.currentTimeMillis() < deadline) {
            String out = lab.result("client", "curl", "-s", "-m", "0.3", "http://" + vip + ":" + PORT + "/").output();
            for (int id = 1; id <= 2; id++) {
                if (out.contains("served by node" + id) && (node == 0 || node == id)) {
                    return id;
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the VIP was not served" + (node == 0 ? "" : " by node" + node) + " in time");
    }

    /** Partition node1 from node2 for 10 s: is the VIP ever held by both at once? */
    private boolean partitionHoldsTwice(NetLab lab, String vip) throws InterruptedException {
        lab.partition("node1", "node2");
        boolean twice = false;
        long end = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < end && !twice) {
            twice = holds(lab, 1, vip) && holds(lab, 2, vip);
            Thread.sleep(100);
        }
        lab.heal("node1", "node2");
        return twice;
    }

    private static boolean holds(NetLab lab, int id, String vip) {
        return lab.result("node" + id, "ip", "-4", "-o", "addr", "show", "dev", "eth0").output().contains(" " + vip + "/");
    }

    private static void awaitSteady(LocalCluster c, int prim, long limitMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + limitMs;
        while (System.currentTimeMillis() < deadline) {
            String p = log(c, prim);
            String s = log(c, 3 - prim);
            if (s.lastIndexOf("data up to date with node" + prim) > s.lastIndexOf("->SECOND")
                    && s.lastIndexOf("->SECOND") > s.lastIndexOf("->WAIT")
                    && p.lastIndexOf("holding the witness lease") > p.lastIndexOf("->WAIT")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("node" + prim + " PRIM with an up-to-date SECOND was not reached");
    }

    private static String log(LocalCluster c, int id) throws IOException {
        Path log = c.dataDir(id).resolve("log/module.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static long p50(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.sort(Comparator.naturalOrder());
        return s.isEmpty() ? -1 : s.get((s.size() - 1) / 2);
    }
}
