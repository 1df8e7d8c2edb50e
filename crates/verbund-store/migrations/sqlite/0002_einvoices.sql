-- E-Rechnung intake: received invoices per authority (the inbox), their validation report,
-- routing by Leitweg-ID and processing status. The original file is a blob; its SHA-256 is
-- kept here. The history of who did what is the audit chain (object_type 'einvoice').

-- A Leitweg-ID routes to exactly one authority.
CREATE UNIQUE INDEX authorities_leitweg_id ON authorities(leitweg_id);

CREATE TABLE einvoices (
    id             TEXT PRIMARY KEY,
    authority_id   TEXT NOT NULL REFERENCES authorities(id),
    received_by    TEXT NOT NULL REFERENCES authorities(id),
    received_at    INTEGER NOT NULL,
    channel        TEXT NOT NULL,
    file_name      TEXT,
    media_type     TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    blob_key       TEXT NOT NULL,
    verdict        TEXT NOT NULL,
    scenario       TEXT,
    syntax         TEXT,
    report         TEXT NOT NULL,
    status         TEXT NOT NULL,
    leitweg_id     TEXT,
    clarification  TEXT,
    invoice_number TEXT,
    issue_date     TEXT,
    type_code      TEXT,
    currency       TEXT,
    seller_name    TEXT,
    seller_key     TEXT,
    buyer_name     TEXT,
    total_amount   TEXT,
    amount_due     TEXT,
    duplicate_of   TEXT,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX einvoices_inbox ON einvoices(authority_id, id);
CREATE INDEX einvoices_duplicates ON einvoices(authority_id, seller_key, invoice_number, issue_date);
CREATE INDEX audit_log_object ON audit_log(authority_id, object_type, object_id);
