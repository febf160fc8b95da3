-- The consent receipts the module sends, one row each, append-only: the service inserts and
-- reads; only `receipts prune` deletes. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Times are milliseconds since the Unix epoch (UTC): decided_at from the receipt's timestamp,
-- received_at when it was stored. body is the receipt as received, compact JSON.
CREATE TABLE consent_receipts (
    receipt_id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    decided_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    policy_version TEXT NOT NULL,
    body TEXT NOT NULL
);

-- A subject's receipts in the order they were decided: the office's reads.
CREATE INDEX consent_receipts_by_subject ON consent_receipts (subject, decided_at);

-- Retention: the receipts older than a time.
CREATE INDEX consent_receipts_by_decided_at ON consent_receipts (decided_at);
