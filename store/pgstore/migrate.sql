-- Schema of github.com/zoomevents/zoomevents/store/pgstore, applied by
-- pgstore.Migrate. Every statement is idempotent. {{dedup}}, {{dedup_index}}
-- and {{lease}} stand for the quoted table and index names (defaults:
-- zoomevents_dedup, zoomevents_dedup_expires_idx, zoomevents_lease).

-- One row per dedup key: 'claimed' (in progress: token holds it until
-- expires_at, the claim's lease) or 'done' (handled; remembered until
-- expires_at, the dedup TTL). A row whose expires_at has passed is free:
-- the next claim overwrites it, and Sweep deletes it.
CREATE TABLE IF NOT EXISTS {{dedup}} (
    key        text        PRIMARY KEY,
    token      text,
    state      text        NOT NULL CHECK (state IN ('claimed', 'done')),
    expires_at timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS {{dedup_index}} ON {{dedup}} (expires_at);

-- One row per lease name: held by token until expires_at; fence counts the
-- acquisitions and only grows (a released lease keeps its row, expired).
CREATE TABLE IF NOT EXISTS {{lease}} (
    name       text        PRIMARY KEY,
    token      text,
    fence      bigint      NOT NULL,
    expires_at timestamptz NOT NULL
);
