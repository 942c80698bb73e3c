-- Switchboard's PostgreSQL store, version 3: the audit log (Switchboard.Auditing), one row per delivery of a message
-- to an audited endpoint, written in batches after the message is settled and pruned by age and count.
CREATE TABLE {schema}.audit (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id text NOT NULL,
    message_type text NOT NULL,
    correlation_id text,
    causation_id text,
    traceparent text,
    endpoint text NOT NULL,
    service text NOT NULL,
    instance text NOT NULL,
    sent_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    attempts integer NOT NULL,
    -- 0 handled, 1 retrying, 2 dead-lettered (Switchboard.Auditing.AuditOutcome).
    outcome smallint NOT NULL,
    reason text,
    exception_type text,
    exception_message text,
    -- Free headers as a flat JSON object of strings; null when there are none.
    headers text,
    content_type text NOT NULL,
    -- The body's first bytes, as configured; null when none are kept.
    body bytea,
    body_length integer NOT NULL
);

CREATE INDEX audit_by_correlation ON {schema}.audit (correlation_id, seq) WHERE correlation_id IS NOT NULL;
CREATE INDEX audit_by_message ON {schema}.audit (message_id);
CREATE INDEX audit_by_age ON {schema}.audit (finished_at);
