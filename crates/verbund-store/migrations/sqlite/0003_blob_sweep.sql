-- The blob sweeper (issue 21): an index to ask whether a row references a blob, and
-- leases for node-wide periodic work.

-- The sweeper asks, per blob, whether a row references it.
CREATE INDEX einvoices_blob ON einvoices(authority_id, blob_key);

-- Leases: one holder at a time for node-wide periodic work (housekeeping), across processes.
CREATE TABLE leases (
    name     TEXT PRIMARY KEY,
    holder   TEXT NOT NULL,
    until_ms INTEGER NOT NULL
);
