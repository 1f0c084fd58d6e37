-- Failover recording servers (issue 14, SPEC §9). The database enforces what one row can say
-- (a failover server is in at most one group: one group column; a hot standby serves one
-- recording server: UNIQUE; a recording server is covered by one failover server and a failover
-- server covers one: PRIMARY KEY and UNIQUE); the rules across tables (never both grouped and a
-- hot standby; on a cluster node only a hot standby) are checked by the management server under
-- row locks, in the transaction of the change.

CREATE TABLE failover_groups (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    description text NOT NULL DEFAULT ''
);

CREATE TABLE failover_servers (
    id                        bigserial PRIMARY KEY,
    name                      text NOT NULL UNIQUE,
    description               text NOT NULL DEFAULT '',
    host_name                 text NOT NULL,
    local_web_address         text NOT NULL,
    public_web_address        text,
    udp_port                  integer NOT NULL DEFAULT 8844 CHECK (udp_port BETWEEN 1 AND 65535),
    database_location         text NOT NULL,
    -- A new database location sent while the server covers a recording server: applied at hand-back.
    pending_database_location text,
    enabled                   boolean NOT NULL DEFAULT true,
    multicast_nic_address     text,
    group_id                  bigint REFERENCES failover_groups (id),
    group_position            integer,
    CHECK ((group_id IS NULL) = (group_position IS NULL)),
    UNIQUE (group_id, group_position) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE recording_server_failover (
    recording_server_id bigint PRIMARY KEY REFERENCES recording_servers (id) ON DELETE CASCADE,
    primary_group_id    bigint REFERENCES failover_groups (id),
    secondary_group_id  bigint REFERENCES failover_groups (id),
    hot_standby_id      bigint UNIQUE REFERENCES failover_servers (id),
    CHECK ((hot_standby_id IS NULL) <> (primary_group_id IS NULL)),
    CHECK (secondary_group_id IS NULL OR (primary_group_id IS NOT NULL AND secondary_group_id <> primary_group_id))
);

-- Devices without a row have full failover support.
CREATE TABLE device_failover (
    device_id bigint PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    support   text NOT NULL CHECK (support IN ('full', 'live-only', 'none'))
);

-- Which recording server is covered by which failover server right now, as the coordinator set it.
CREATE TABLE failover_covers (
    recording_server_id bigint PRIMARY KEY REFERENCES recording_servers (id),
    failover_server_id  bigint NOT NULL UNIQUE REFERENCES failover_servers (id),
    since               timestamptz NOT NULL DEFAULT now()
);
