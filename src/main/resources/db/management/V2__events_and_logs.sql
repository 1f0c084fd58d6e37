-- The event server's events and the log server's records (issue 13). Services that report (the
-- cluster nodes, recording servers) log in with the 'reporter' role: they may add events and log
-- records and read, but not change the configuration.
INSERT INTO roles (name, can_write) VALUES ('reporter', false);

-- event_id is chosen by the sender and unique: an event sent again (the sender did not see the
-- answer because the event server was failing over) is stored once.
CREATE TABLE events (
    id          bigserial PRIMARY KEY,
    event_id    text NOT NULL UNIQUE CHECK (length(event_id) BETWEEN 1 AND 128),
    at          timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    source      text NOT NULL,
    type        text NOT NULL,
    severity    text NOT NULL CHECK (severity IN ('info', 'warning', 'alarm')),
    message     text NOT NULL,
    data        text
);
CREATE INDEX events_type_id ON events (type, id);

CREATE TABLE logs (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL,
    source    text NOT NULL,
    level     text NOT NULL CHECK (level IN ('debug', 'info', 'warning', 'error')),
    user_name text,
    message   text NOT NULL
);
CREATE INDEX logs_at ON logs (at);
CREATE INDEX logs_user_at ON logs (user_name, at);
