-- Platform foundation: authorities (tenants), users, memberships, API tokens, sessions,
-- rate limits and the per-authority audit hash chain. Times are Unix milliseconds (UTC).

CREATE TABLE authorities (
    id              TEXT PRIMARY KEY,
    government_key  TEXT NOT NULL,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    street          TEXT NOT NULL,
    postal_code     TEXT NOT NULL,
    city            TEXT NOT NULL,
    email           TEXT,
    leitweg_id      TEXT,
    ags             TEXT,
    created_at      INTEGER NOT NULL
);

CREATE TABLE users (
    id                TEXT PRIMARY KEY,
    home_authority_id TEXT NOT NULL REFERENCES authorities(id),
    username          TEXT NOT NULL UNIQUE,
    display_name      TEXT NOT NULL,
    email             TEXT,
    password_hash     TEXT,
    is_operator       INTEGER NOT NULL DEFAULT 0,
    failed_logins     INTEGER NOT NULL DEFAULT 0,
    locked_until      INTEGER,
    disabled          INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
);
CREATE INDEX users_home_authority ON users(home_authority_id);

CREATE TABLE memberships (
    authority_id TEXT NOT NULL REFERENCES authorities(id),
    user_id      TEXT NOT NULL REFERENCES users(id),
    role         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (authority_id, user_id, role)
);
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authorities(id),
    role         TEXT NOT NULL,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_authority ON api_tokens(authority_id);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    authority_id TEXT NOT NULL REFERENCES authorities(id),
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE rate_limits (
    bucket       TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL
);

CREATE TABLE audit_heads (
    authority_id TEXT PRIMARY KEY REFERENCES authorities(id),
    seq          INTEGER NOT NULL,
    hash         TEXT NOT NULL
);

CREATE TABLE audit_log (
    authority_id TEXT NOT NULL REFERENCES authorities(id),
    seq          INTEGER NOT NULL,
    occurred_at  INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    detail       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    PRIMARY KEY (authority_id, seq)
);
