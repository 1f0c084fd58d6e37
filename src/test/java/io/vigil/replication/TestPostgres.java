package io.vigil.replication;

import java.io.IOException;

/**
 * One real PostgreSQL 15 for tests outside this package (the reference VMS's): started, with the
 * services' least-privilege account (vigil_app owning database vms), stopped and deleted at close.
 */
public final class TestPostgres implements AutoCloseable {
    public static final AppAccount APP = new AppAccount("vigil_app", "app-secret-Vm5", "vms");
    private final PgFixture fixture;
    private final PgInstance pg;

    private TestPostgres(PgFixture fixture, PgInstance pg) {
        this.fixture = fixture;
        this.pg = pg;
    }

    public static TestPostgres start(String name) throws IOException {
        PgFixture fx = new PgFixture();
        PgInstance pg = fx.instance(name);
        pg.prepareHome();
        pg.initdb();
        pg.start();
        pg.ensureApplicationAccount(APP);
        return new TestPostgres(fx, pg);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pg.config().port() + "/" + APP.database();
    }

    public void stop() {
        pg.stop(PgInstance.StopMode.FAST);
    }

    public void restart() {
        pg.start();
    }

    @Override
    public void close() throws IOException {
        fixture.close();
    }
}
