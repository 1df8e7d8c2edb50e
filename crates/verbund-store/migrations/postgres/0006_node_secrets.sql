-- Secrets the node's processes share and that only the node itself uses (the key that signs
-- the login form's CSRF value): made once, at random, by whichever process needs one first.
CREATE TABLE node_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
