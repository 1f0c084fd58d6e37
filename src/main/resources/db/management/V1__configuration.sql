-- The reference VMS's configuration (issue 13): what the management server stores in the cluster's
-- PostgreSQL. Every change goes through one transaction that also writes its audit row and, when the
-- client sent an Idempotency-Key, the answer it got: a client that retries after a failover gets that
-- answer again instead of applying the change twice.

CREATE TABLE roles (
    name      text PRIMARY KEY,
    can_write boolean NOT NULL
);
INSERT INTO roles (name, can_write) VALUES ('administrator', true), ('viewer', false);

CREATE TABLE users (
    name          text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_.-]{1,64}$'),
    password_hash text NOT NULL,
    role          text NOT NULL REFERENCES roles (name),
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Login sessions live in the database so that a token stays valid through a failover.
-- Only a hash of the token is stored: a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    user_name  text NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL
);

CREATE TABLE recording_servers (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    host         text NOT NULL,
    web_port     integer NOT NULL CHECK (web_port BETWEEN 1 AND 65535),
    storage_path text NOT NULL,
    enabled      boolean NOT NULL DEFAULT true
);

CREATE TABLE devices (
    id                  bigserial PRIMARY KEY,
    recording_server_id bigint NOT NULL REFERENCES recording_servers (id),
    name                text NOT NULL,
    kind                text NOT NULL CHECK (kind IN ('simulated', 'mjpeg', 'rtsp')),
    url                 text,
    fps                 integer NOT NULL CHECK (fps BETWEEN 1 AND 120),
    bitrate_kbps        integer NOT NULL CHECK (bitrate_kbps BETWEEN 16 AND 100000),
    retention_hours     integer NOT NULL CHECK (retention_hours BETWEEN 1 AND 87600),
    enabled             boolean NOT NULL DEFAULT true,
    UNIQUE (recording_server_id, name)
);

-- Services registered with the management server; clients reach them through the cluster address.
CREATE TABLE services (
    name    text PRIMARY KEY,
    address text NOT NULL,
    port    integer NOT NULL CHECK (port BETWEEN 1 AND 65535)
);

CREATE TABLE audit (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    user_name text NOT NULL,
    action    text NOT NULL,
    entity    text NOT NULL,
    entity_id text,
    detail    text
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_user_at ON audit (user_name, at);

CREATE TABLE applied_requests (
    idempotency_key text PRIMARY KEY,
    user_name       text NOT NULL,
    status          integer NOT NULL,
    body            text NOT NULL,
    at              timestamptz NOT NULL DEFAULT now()
);
