-- Switchboard's PostgreSQL store, version 2: the event store (PostgreSqlEventStore).
-- {schema} stands for the store's schema (a quoted identifier); see 0001 for how scripts are applied.
-- The global order and why readers never skip an event: docs/postgresql.md, "Event store".

-- Every event of every stream.
CREATE TABLE {schema}.events (
    -- (the appending top-level transaction's id << 20) + the event's ordinal among that transaction's events
    -- (counted by the store): unique, sparse, increasing in "transaction id, then append order".
    position bigint PRIMARY KEY,
    stream_id text NOT NULL,
    -- 1 for the stream's first event.
    version bigint NOT NULL,
    event_id text NOT NULL,
    type text NOT NULL,
    -- The stream id's part before the first '-', for category filters.
    category text NOT NULL,
    -- The UTF-8 JSON exactly as appended: bytea is copied, never parsed or re-encoded (jsonb would parse every
    -- event on the write path and give back a normalized text, not the appended bytes).
    data bytea NOT NULL,
    -- {"correlationId", "causationId", "headers"}; null when the event has no metadata.
    metadata jsonb,
    -- The application's clock (TimeProvider), not the database's now().
    created timestamptz NOT NULL,
    CONSTRAINT events_event_id UNIQUE (event_id),
    CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);

-- Reads of all events filtered by category.
CREATE INDEX events_category ON {schema}.events (category, position);

-- Each stream's version: the row every append to the stream updates (or inserts), so its row lock settles concurrent
-- appends to one stream and the expected-version check runs on the latest committed version.
CREATE TABLE {schema}.event_streams (
    stream_id text PRIMARY KEY,
    version bigint NOT NULL
);

-- Subscriptions' and projections' positions.
CREATE TABLE {schema}.event_checkpoints (
    name text PRIMARY KEY,
    position bigint NOT NULL,
    updated timestamptz NOT NULL
);

-- One snapshot per stream, replaced only by one of a version at least as high.
CREATE TABLE {schema}.event_snapshots (
    stream_id text PRIMARY KEY,
    version bigint NOT NULL,
    type text NOT NULL,
    data bytea NOT NULL,
    updated timestamptz NOT NULL
);
