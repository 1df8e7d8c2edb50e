-- The audit log (issue 21): impossible sequence numbers rejected, the client's request id
-- kept apart.

-- The request id a client sent, kept apart from the server's own (which is what request_id
-- holds from now on).
ALTER TABLE audit_log ADD COLUMN client_request_id TEXT;

-- A chain starts at 1; an entry with seq 0 or below cannot be part of one.
ALTER TABLE audit_log ADD CONSTRAINT audit_log_seq_positive CHECK (seq >= 1);
