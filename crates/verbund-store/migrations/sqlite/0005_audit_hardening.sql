-- The audit log (issue 21): impossible sequence numbers rejected, the client's request id
-- kept apart.

-- The request id a client sent, kept apart from the server's own (which is what request_id
-- holds from now on).
ALTER TABLE audit_log ADD COLUMN client_request_id TEXT;

-- A chain starts at 1; an entry with seq 0 or below cannot be part of one (SQLite cannot add
-- a CHECK constraint to an existing table, so triggers enforce it).
CREATE TRIGGER audit_log_seq_positive_insert BEFORE INSERT ON audit_log
WHEN NEW.seq < 1 BEGIN SELECT RAISE(ABORT, 'audit_log.seq must be at least 1'); END;
CREATE TRIGGER audit_log_seq_positive_update BEFORE UPDATE OF seq ON audit_log
WHEN NEW.seq < 1 BEGIN SELECT RAISE(ABORT, 'audit_log.seq must be at least 1'); END;
