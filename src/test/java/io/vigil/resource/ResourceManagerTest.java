package io.vigil.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.vigil.checker.CheckerSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: sleep, sh and a small Java server, started and stopped by the manager. */
class ResourceManagerTest {

    private static final Duration SLOW = Duration.ofSeconds(30);

    private final List<String> appLog = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<ResourceManager> managers = new ArrayList<>();
    private final ResourceManager.Listener listener = new ResourceManager.Listener() {
        @Override
        public void resourceFailed(String name, String detail) {
            events.add("failed " + name + ": " + detail);
        }

        @Override
        public void resourceRecovered(String name) {
            events.add("recovered " + name);
        }
    };

    @TempDir
    Path tmp;

    @BeforeAll
    static void slowMachine() {
        // Two shared cores: a JVM or a shell can take seconds to appear under load.
        Awaitility.setDefaultTimeout(SLOW);
    }

    @AfterEach
    void closeManagers() {
        managers.forEach(ResourceManager::close);
    }

    private ResourceManager manager(ResourceSpec... specs) {
        ResourceManager manager = new ResourceManager(List.of(specs), (r, line) -> appLog.add(r + "| " + line), listener);
        managers.add(manager);
        return manager;
    }

    private static ResourceSpec sleeper(String name) {
        return ResourceSpec.of(name, "Sleeper " + name, List.of("sleep", "600"));
    }

    private static <T> T get(java.util.concurrent.CompletableFuture<T> future) throws Exception {
        return future.get(SLOW.toSeconds(), TimeUnit.SECONDS);
    }

    private ResourceStatus status(ResourceManager manager, String name) {
        return manager.status().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private List<String> linesStartingWith(String prefix) {
        return appLog.stream().map(l -> l.substring(l.indexOf("| ") + 2)).filter(l -> l.startsWith(prefix)).toList();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void starts_in_dependency_order_and_stops_in_reverse() throws Exception {
        ResourceManager manager = manager(sleeper("event").withDependsOn("mgmt"),
                sleeper("mgmt").withDependsOn("db"), sleeper("db"));

        assertThat(get(manager.startAll())).isEqualTo(StartResult.started());
        assertThat(manager.status()).extracting(ResourceStatus::phase).containsOnly(Phase.RUNNING);
        assertThat(manager.status()).allSatisfy(s -> assertThat(s.pid()).isPositive());
        get(manager.stopAll("test"));

        assertThat(linesStartingWith("starting ")).containsExactly("starting db", "starting mgmt", "starting event");
        assertThat(linesStartingWith("stopping ")).containsExactly(
                "stopping event (test)", "stopping mgmt (test)", "stopping db (test)");
        assertThat(manager.status()).extracting(ResourceStatus::phase).containsOnly(Phase.STOPPED);
        assertThat(manager.status()).extracting(ResourceStatus::pid).containsOnly(-1L);
        assertThat(events).as("a planned stop is not a failure").isEmpty();
    }

    @Test
    void stopping_one_resource_stops_its_dependents_first_leaves_the_rest_and_reports_no_failure() throws Exception {
        ResourceManager manager = manager(sleeper("event").withDependsOn("mgmt"),
                sleeper("mgmt").withDependsOn("db"), sleeper("db"), sleeper("recorder").withDependsOn("db"));
        get(manager.startAll());

        assertThat(get(manager.stopWithDependents("mgmt", "license"))).containsExactly("event", "mgmt");

        assertThat(linesStartingWith("stopping ")).containsExactly("stopping event (license)", "stopping mgmt (license)");
        assertThat(status(manager, "mgmt").phase()).isEqualTo(Phase.STOPPED);
        assertThat(status(manager, "event").phase()).isEqualTo(Phase.STOPPED);
        assertThat(status(manager, "db").phase()).isEqualTo(Phase.RUNNING);
        assertThat(status(manager, "recorder").phase()).isEqualTo(Phase.RUNNING);
        assertThat(events).as("a planned stop is not a failure").isEmpty();
        // The next start of the services brings them back.
        get(manager.startAll());
        assertThat(manager.status()).extracting(ResourceStatus::phase).containsOnly(Phase.RUNNING);
        assertThat(manager.stopWithDependents("nope", "x")).isCompletedExceptionally();
    }

    @Test
    void start_and_stop_are_idempotent() throws Exception {
        ResourceManager manager = manager(sleeper("db"));
        get(manager.stopAll("nothing running"));
        get(manager.startAll());
        long pid = status(manager, "db").pid();
        assertThat(get(manager.startAll()).ok()).isTrue();
        assertThat(status(manager, "db").pid()).isEqualTo(pid);
        assertThat(linesStartingWith("starting ")).hasSize(1);
        get(manager.stopAll("once"));
        get(manager.stopAll("twice"));
        assertThat(status(manager, "db").phase()).isEqualTo(Phase.STOPPED);
    }

    @Test
    void waits_for_a_tcp_checker_before_declaring_a_slow_service_ready() throws Exception {
        int port = freePort();
        ResourceSpec server = new ResourceSpec("mgmt", "Management server", DelayedTcpServer.command(port, 700),
                List.of(), List.of(), null, null, 20_000, 5_000,
                List.of(CheckerSpec.tcp("127.0.0.1", port).withTiming(100, 200)));
        ResourceManager manager = manager(server, sleeper("event").withDependsOn("mgmt"));

        assertThat(get(manager.startAll()).ok()).isTrue();

        // Ready means connectable, and the dependent was started only after that.
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        }
        assertThat(status(manager, "mgmt").phase()).isEqualTo(Phase.RUNNING);
        assertThat(linesStartingWith("starting ")).containsExactly("starting mgmt", "starting event");
    }

    @Test
    void a_process_that_exits_at_once_fails_the_start_naming_the_resource() throws Exception {
        ResourceManager manager = manager(sleeper("db"),
                ResourceSpec.of("mgmt", "Management server", List.of("false")).withDependsOn("db"),
                sleeper("event").withDependsOn("mgmt"));

        StartResult result = get(manager.startAll());

        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).contains("'mgmt'").contains("exited with code 1");
        assertThat(status(manager, "mgmt").phase()).isEqualTo(Phase.FAILED);
        assertThat(status(manager, "db").phase()).as("started by this call, so stopped again").isEqualTo(Phase.STOPPED);
        assertThat(linesStartingWith("starting ")).doesNotContain("starting event");
        assertThat(linesStartingWith("stopping db")).hasSize(1);
    }

    @Test
    void a_service_that_never_becomes_ready_fails_after_its_start_timeout() throws Exception {
        int port = freePort();
        ResourceSpec deaf = sleeper("db").withTimeouts(600, 2000)
                .withCheckers(CheckerSpec.tcp("127.0.0.1", port).withTiming(100, 100));
        ResourceManager manager = manager(deaf);

        StartResult result = get(manager.startAll());

        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).contains("'db'").contains("not ready after 600 ms");
        assertThat(status(manager, "db").pid()).isEqualTo(-1);
    }

    @Test
    void a_crash_is_reported_as_a_resource_failure() throws Exception {
        ResourceManager manager = manager(sleeper("db"));
        get(manager.startAll());
        long pid = status(manager, "db").pid();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        // (the crash is simulated from outside, as an OOM kill would be)

        await().until(() -> !events.isEmpty());
        assertThat(events).containsExactly("failed db: process exited with code 137");
        assertThat(status(manager, "db").phase()).isEqualTo(Phase.FAILED);
        assertThat(linesStartingWith("db exited with code 137")).hasSize(1);
    }

    @Test
    void a_failing_http_checker_reports_failure_then_recovery() throws Exception {
        AtomicInteger health = new AtomicInteger(200);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            exchange.sendResponseHeaders(health.get(), -1);
            exchange.close();
        });
        http.start();
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/";
            ResourceManager manager = manager(sleeper("mgmt")
                    .withCheckers(CheckerSpec.http(url).withTiming(50, 2000).withPolicy(2, 2, 0)));
            assertThat(get(manager.startAll()).ok()).isTrue();

            health.set(503);
            await().until(() -> events.size() == 1);
            assertThat(events.get(0)).startsWith("failed mgmt: HTTP " + url).contains("503");
            assertThat(status(manager, "mgmt").phase()).isEqualTo(Phase.FAILED);

            health.set(200);
            await().until(() -> events.size() == 2);
            assertThat(events.get(1)).isEqualTo("recovered mgmt");
            assertThat(status(manager, "mgmt").phase()).isEqualTo(Phase.RUNNING);

            manager.setCheckersRunning(false);
            health.set(500);
            await().during(Duration.ofMillis(500)).atMost(SLOW).until(() -> events.size() == 2);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void stop_escalates_to_sigkill_for_a_tree_that_ignores_sigterm() throws Exception {
        // SIG_IGN is inherited: the child sleep ignores SIGTERM as well, so only SIGKILL ends it.
        ResourceSpec stubborn = ResourceSpec.of("stubborn", "Ignores TERM",
                List.of("sh", "-c", "trap '' TERM; while true; do sleep 600; done")).withTimeouts(5000, 500);
        ResourceManager manager = manager(stubborn);
        get(manager.startAll());
        ProcessHandle shell = ProcessHandle.of(status(manager, "stubborn").pid()).orElseThrow();
        await().until(() -> shell.children().findAny().isPresent());
        List<ProcessHandle> children = shell.children().toList();

        get(manager.stopAll("test"));

        assertThat(shell.isAlive()).isFalse();
        assertThat(children).allMatch(ProcessTree::gone);
        assertThat(linesStartingWith("stubborn did not stop within 500 ms, sending SIGKILL")).hasSize(1);
        assertThat(events).isEmpty();
    }

    @Test
    void a_stop_command_is_used_when_configured() throws Exception {
        Path pidFile = tmp.resolve("db.pid");
        ResourceSpec db = ResourceSpec.of("db", "Database",
                        List.of("sh", "-c", "echo $$ > " + pidFile + "; echo up; exec sleep 600"))
                .withStop(List.of("sh", "-c", "echo stopping via command; kill $(cat " + pidFile + ")"));
        ResourceManager manager = manager(db);
        get(manager.startAll());
        await().until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());

        get(manager.stopAll("test"));

        assertThat(status(manager, "db").phase()).isEqualTo(Phase.STOPPED);
        assertThat(appLog).contains("db| up", "db| stopping via command", "db| stop command of db exited with code 0");
        assertThat(linesStartingWith("db did not stop")).isEmpty();
    }

    @Test
    void kill_all_kills_every_process_tree_at_once() throws Exception {
        ResourceSpec forking = ResourceSpec.of("forking", "Forks workers",
                List.of("sh", "-c", "sleep 600 & sleep 600 & wait"));
        ResourceManager manager = manager(sleeper("db"), forking.withDependsOn("db"));
        get(manager.startAll());
        ProcessHandle shell = ProcessHandle.of(status(manager, "forking").pid()).orElseThrow();
        ProcessHandle db = ProcessHandle.of(status(manager, "db").pid()).orElseThrow();
        await().until(() -> shell.children().count() == 2);
        List<ProcessHandle> workers = shell.children().toList();

        manager.killAll();

        assertThat(shell.isAlive()).isFalse();
        assertThat(db.isAlive()).isFalse();
        // Orphaned workers may linger as zombies until init reaps them; they hold nothing.
        assertThat(workers).allMatch(ProcessTree::gone);
        assertThat(manager.status()).extracting(ResourceStatus::phase).containsOnly(Phase.STOPPED);
        assertThat(events).as("fencing is not a failure").isEmpty();
    }

    @Test
    void restart_replaces_one_resource_and_leaves_its_dependents_alone() throws Exception {
        ResourceManager manager = manager(sleeper("db"), sleeper("mgmt").withDependsOn("db"));
        get(manager.startAll());
        long dbPid = status(manager, "db").pid();
        long mgmtPid = status(manager, "mgmt").pid();

        assertThat(get(manager.restart("db"))).isTrue();

        ResourceStatus db = status(manager, "db");
        assertThat(db.pid()).isPositive().isNotEqualTo(dbPid);
        assertThat(db.restarts()).isEqualTo(1);
        assertThat(db.phase()).isEqualTo(Phase.RUNNING);
        assertThat(status(manager, "mgmt").pid()).isEqualTo(mgmtPid);
        assertThat(events).isEmpty();
    }
}
