-- Login protection that holds under concurrency (issue 21).

-- Login throttling: one row per guarded key (a login name, a name from a place it logged in
-- from before, a client address). An attempt is charged before its password is checked;
-- beyond the free attempts each charge sets next_at further out (progressive delay), and an
-- attempt before next_at is refused (counted in refused) without checking anything.
DROP TABLE rate_limits;
CREATE TABLE login_guards (
    key        TEXT PRIMARY KEY,
    charged    BIGINT NOT NULL,
    next_at    BIGINT NOT NULL,
    refused    BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX login_guards_updated ON login_guards(updated_at);

-- The places (client address, IPv6 by /64) a user logged in from successfully: an attacker
-- elsewhere cannot delay the account's logins from these.
CREATE TABLE login_places (
    user_id         TEXT NOT NULL REFERENCES users(id),
    place           TEXT NOT NULL,
    last_success_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, place)
);

-- The lock per account is replaced by the guards above.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;

-- Housekeeping removes expired sessions.
CREATE INDEX sessions_expires ON sessions(expires_at);
