package io.vigil.vms.management;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.sql.SQLException;
import java.util.Map;
import java.util.Set;

/**
 * The management API's failover routes (issue 14, SPEC §9): failover servers, failover groups and
 * their sequence, each recording server's protection, each device's failover support, and the
 * covered state the coordinator sets. Every change goes through {@link Changes} (one transaction,
 * audited, idempotent with a key) and so needs the administrator role.
 */
final class FailoverRoutes {

    /** How a route applies a change: the management server's audited, idempotent transaction. */
    @FunctionalInterface
    interface Changer {
        void change(Context ctx, String action, Store.Work<Changes.Outcome> work) throws SQLException;
    }

    /** How a route reads an id from the path, refusing anything but a positive number. */
    @FunctionalInterface
    interface Ids {
        long id(Context ctx);
    }

    private FailoverRoutes() {
    }

    static void add(RoutesConfig r, Store store, Changer changer, Ids ids, Set<String> clusterHosts) {
        servers(r, store, changer, ids);
        groups(r, store, changer, ids, clusterHosts);
        r.get("/api/recording-servers/{id}/failover", ctx -> ApiSupport.json(ctx, 200,
                store.read(c -> FailoverAssignments.get(c, ids.id(ctx)))));
        r.put("/api/recording-servers/{id}/failover", ctx -> changer.change(ctx, "update", c -> {
            var p = FailoverAssignments.set(c, ids.id(ctx), Json.parse(ctx.body(), FailoverInputs.Protection.class),
                    clusterHosts);
            return new Changes.Outcome(200, p, "recording-server-failover", String.valueOf(p.recordingServerId()),
                    "primary=" + p.primaryGroupId() + " secondary=" + p.secondaryGroupId() + " hot=" + p.hotStandbyId());
        }));
        r.get("/api/devices/{id}/failover", ctx -> ApiSupport.json(ctx, 200,
                store.read(c -> FailoverAssignments.support(c, ids.id(ctx)))));
        r.put("/api/devices/{id}/failover", ctx -> changer.change(ctx, "update", c -> {
            var d = FailoverAssignments.setSupport(c, ids.id(ctx), Json.parse(ctx.body(), FailoverInputs.DeviceSupport.class));
            return new Changes.Outcome(200, d, "device-failover", String.valueOf(d.deviceId()), d.support());
        }));
        r.get("/api/devices/{id}/served-by", ctx -> ApiSupport.json(ctx, 200,
                store.read(c -> FailoverCovers.servedBy(c, ids.id(ctx)))));
        r.put("/api/recording-servers/{id}/cover", ctx -> changer.change(ctx, "cover", c -> {
            var cover = FailoverCovers.set(c, ids.id(ctx), Json.parse(ctx.body(), FailoverInputs.Cover.class));
            return new Changes.Outcome(200, cover, "recording-server-cover", String.valueOf(cover.recordingServerId()),
                    "failover server " + cover.failoverServerId());
        }));
        r.delete("/api/recording-servers/{id}/cover", ctx -> changer.change(ctx, "hand-back", c -> {
            long id = ids.id(ctx);
            boolean cleared = FailoverCovers.clear(c, id);
            return new Changes.Outcome(200, Map.of("recordingServerId", id, "cleared", cleared),
                    "recording-server-cover", String.valueOf(id), cleared ? "handed back" : "was not covered");
        }));
    }

    private static void servers(RoutesConfig r, Store store, Changer changer, Ids ids) {
        r.get("/api/failover-servers", ctx -> ApiSupport.json(ctx, 200, store.read(FailoverServers::list)));
        r.get("/api/failover-servers/{id}", ctx -> ApiSupport.json(ctx, 200,
                store.read(c -> FailoverServers.get(c, ids.id(ctx)))));
        r.post("/api/failover-servers", ctx -> changer.change(ctx, "create", c -> {
            var s = FailoverServers.create(c, Json.parse(ctx.body(), FailoverInputs.FailoverServer.class));
            return new Changes.Outcome(201, s, "failover-server", String.valueOf(s.id()), s.name());
        }));
        r.put("/api/failover-servers/{id}", ctx -> changer.change(ctx, "update", c -> {
            var s = FailoverServers.update(c, ids.id(ctx), Json.parse(ctx.body(), FailoverInputs.FailoverServer.class));
            return new Changes.Outcome(200, s, "failover-server", String.valueOf(s.id()), s.name());
        }));
        r.delete("/api/failover-servers/{id}", ctx -> changer.change(ctx, "delete", c -> {
            long id = ids.id(ctx);
            FailoverServers.delete(c, id);
            return new Changes.Outcome(200, Map.of("deleted", id), "failover-server", String.valueOf(id), null);
        }));
    }

    private static void groups(RoutesConfig r, Store store, Changer changer, Ids ids, Set<String> clusterHosts) {
        r.get("/api/failover-groups", ctx -> ApiSupport.json(ctx, 200, store.read(FailoverServers::groups)));
        r.get("/api/failover-groups/{id}", ctx -> ApiSupport.json(ctx, 200,
                store.read(c -> FailoverServers.group(c, ids.id(ctx)))));
        r.post("/api/failover-groups", ctx -> changer.change(ctx, "create", c -> {
            var g = FailoverServers.createGroup(c, Json.parse(ctx.body(), FailoverInputs.FailoverGroup.class));
            return new Changes.Outcome(201, g, "failover-group", String.valueOf(g.id()), g.name());
        }));
        r.delete("/api/failover-groups/{id}", ctx -> changer.change(ctx, "delete", c -> {
            long id = ids.id(ctx);
            FailoverServers.deleteGroup(c, id);
            return new Changes.Outcome(200, Map.of("deleted", id), "failover-group", String.valueOf(id), null);
        }));
        r.post("/api/failover-groups/{id}/members", ctx -> changer.change(ctx, "update", c -> {
            var m = Json.parse(ctx.body(), FailoverInputs.Member.class);
            var g = FailoverServers.addMember(c, ids.id(ctx), m.failoverServerId(), clusterHosts);
            return new Changes.Outcome(200, g, "failover-group", String.valueOf(g.id()), "sequence " + g.sequence());
        }));
        r.put("/api/failover-groups/{id}/members", ctx -> changer.change(ctx, "update", c -> {
            var s = Json.parse(ctx.body(), FailoverInputs.Sequence.class);
            var g = FailoverServers.setSequence(c, ids.id(ctx), s.failoverServerIds(), clusterHosts);
            return new Changes.Outcome(200, g, "failover-group", String.valueOf(g.id()), "sequence " + g.sequence());
        }));
    }
}
