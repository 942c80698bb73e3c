-- Switchboard's PostgreSQL store, version 1: inbox, outbox and saga instances.
-- {schema} stands for the store's schema (a quoted identifier); PostgreSqlMigrations applies this script once,
-- inside the migration transaction, and records it in {schema}.schema_migrations.
-- Times are the application's clock (TimeProvider), in UTC: see PostgreSqlMessageStore.

-- Which messages each endpoint has handled: a row commits with the unit of work that handled the message.
CREATE TABLE {schema}.inbox (
    endpoint text NOT NULL,
    message_id text NOT NULL,
    handled_at timestamptz NOT NULL,
    PRIMARY KEY (endpoint, message_id)
);

-- The relay's clean-up deletes by age.
CREATE INDEX inbox_handled_at ON {schema}.inbox (handled_at);

-- Messages committed by units of work and not yet dispatched. The envelope columns mirror the SQLite transport's.
CREATE TABLE {schema}.outbox (
    message_id text PRIMARY KEY,
    -- Commit order among rows with the same created_at (the messages of one unit of work).
    seq bigint GENERATED ALWAYS AS IDENTITY,
    -- 0 send, 1 publish (Switchboard.Messages.OutgoingKind).
    kind smallint NOT NULL,
    -- The queue (send) or topic (publish).
    destination text NOT NULL,
    message_type text NOT NULL,
    correlation_id text,
    causation_id text,
    traceparent text,
    sent_at timestamptz NOT NULL,
    content_type text NOT NULL,
    -- Free headers as a flat JSON object of strings; null when there are none.
    headers text,
    body bytea NOT NULL,
    -- Deliver no earlier than this (scheduled message); null for now.
    deliver_at timestamptz,
    -- When the unit of work stored it.
    created_at timestamptz NOT NULL,
    -- When the relay may take it next: now when stored, later while claimed or backing off after a failure.
    due_at timestamptz NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    quarantined boolean NOT NULL DEFAULT false
);

-- The relay's claim: due, not quarantined.
CREATE INDEX outbox_due ON {schema}.outbox (quarantined, due_at);

-- Saga instances; completed ones stay as tombstones.
CREATE TABLE {schema}.sagas (
    saga text NOT NULL,
    key text NOT NULL,
    version bigint NOT NULL,
    -- JSON, stored as the text the serializer wrote.
    state text NOT NULL,
    completed boolean NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (saga, key)
);
