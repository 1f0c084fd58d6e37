package io.vigil.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Warm standbys (issue 13) with real processes: a shell that, started with VIGIL_STANDBY=1, says
 * so and waits for its activation line on stdin before it "serves" (execs a sleep, same pid).
 */
class WarmStandbyResourceTest {

    private static final Duration SLOW = Duration.ofSeconds(30);
    private static final String SCRIPT = "if [ \"$" + ResourceSpec.STANDBY_ENV + "\" = 1 ]; then echo standby-waiting;"
            + " read line; [ \"$line\" = " + ResourceSpec.ACTIVATE_LINE + " ] || exit 3; echo activated; fi;"
            + " echo serving; exec sleep 600";

    private final List<String> appLog = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private ResourceManager manager;

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    private ResourceManager manager(ResourceSpec... specs) {
        manager = new ResourceManager(List.of(specs), (r, line) -> appLog.add(r + "| " + line),
                new ResourceManager.Listener() {
                    @Override
                    public void resourceFailed(String name, String detail) {
                        failures.add(name + ": " + detail);
                    }

                    @Override
                    public void resourceRecovered(String name) {
                    }
                });
        return manager;
    }

    private static ResourceSpec shell(String name, String script, boolean warm) {
        return ResourceSpec.of(name, name, List.of("sh", "-c", script)).withWarmStandby(warm);
    }

    private ResourceStatus status(String name) {
        return manager.status().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** The standby's pid, from the status detail ("stopped; warm standby waiting, pid N"). */
    private long standbyPid(String name) {
        await().atMost(SLOW).until(() -> status(name).detail().contains("warm standby waiting, pid "));
        String d = status(name).detail();
        return Long.parseLong(d.substring(d.lastIndexOf(' ') + 1));
    }

    private boolean logged(String line) {
        return appLog.contains(line);
    }

    @Test
    void aStartActivatesTheWaitingStandbyInsteadOfSpawningAProcess() throws Exception {
        manager(shell("mgmt", SCRIPT, true));
        manager.prepareStandby().get(30, TimeUnit.SECONDS);
        long pid = standbyPid("mgmt");
        await().atMost(SLOW).until(() -> logged("mgmt| standby-waiting"));
        assertThat(status("mgmt").phase()).as("a standby is not the resource running").isEqualTo(Phase.STOPPED);
        assertThat(logged("mgmt| serving")).as("it waits for its activation").isFalse();

        assertThat(manager.startAll().get(30, TimeUnit.SECONDS).ok()).isTrue();

        assertThat(status("mgmt").phase()).isEqualTo(Phase.RUNNING);
        assertThat(status("mgmt").pid()).as("the standby itself serves").isEqualTo(pid);
        await().atMost(SLOW).until(() -> logged("mgmt| serving"));
        assertThat(appLog).contains("mgmt| activated").doesNotContain("mgmt| starting mgmt");
        manager.prepareStandby().get(30, TimeUnit.SECONDS);
        assertThat(status("mgmt").pid()).as("no second copy while it runs").isEqualTo(pid);
        assertThat(appLog.stream().filter(l -> l.contains("standby-waiting")).count()).isEqualTo(1);
        assertThat(failures).isEmpty();
    }

    @Test
    void withoutTheOptionOrWithoutAStandbyTheProcessStartsColdWithoutTheStandbyVariable() throws Exception {
        manager(shell("cold", SCRIPT, false), shell("warm", SCRIPT, true));
        manager.prepareStandby().get(30, TimeUnit.SECONDS);
        standbyPid("warm");
        assertThat(status("cold").detail()).doesNotContain("standby");

        assertThat(manager.startAll().get(30, TimeUnit.SECONDS).ok()).isTrue();
        await().atMost(SLOW).until(() -> logged("cold| serving"));
        assertThat(appLog).contains("cold| starting cold").doesNotContain("cold| standby-waiting");
        assertThat(status("cold").phase()).isEqualTo(Phase.RUNNING);
    }

    @Test
    void killAllKillsTheStandbyToo() throws Exception {
        manager(shell("mgmt", SCRIPT, true));
        manager.prepareStandby().get(30, TimeUnit.SECONDS);
        long pid = standbyPid("mgmt");

        manager.killAll();

        await().atMost(SLOW).until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        assertThat(failures).isEmpty();
        // The next start has no standby: it spawns the process, cold.
        assertThat(manager.startAll().get(30, TimeUnit.SECONDS).ok()).isTrue();
        assertThat(status("mgmt").pid()).isNotEqualTo(pid);
        await().atMost(SLOW).until(() -> logged("mgmt| serving"));
        assertThat(appLog).contains("mgmt| starting mgmt");
    }

    @Test
    void aStandbyThatDiedIsReplacedByAColdStart() throws Exception {
        manager(shell("mgmt", "if [ \"$" + ResourceSpec.STANDBY_ENV + "\" = 1 ]; then exit 7; fi; exec sleep 600", true));
        manager.prepareStandby().get(30, TimeUnit.SECONDS);
        await().atMost(SLOW).until(() -> status("mgmt").detail().contains("the warm standby exited with code 7"));

        assertThat(manager.startAll().get(30, TimeUnit.SECONDS).ok()).isTrue();

        assertThat(status("mgmt").phase()).isEqualTo(Phase.RUNNING);
        assertThat(appLog).contains("mgmt| starting mgmt");
        assertThat(failures).as("a standby's exit is not the resource's failure").isEmpty();
    }
}
