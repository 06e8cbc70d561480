-- Console administrators, their sessions, and sign-in throttling.

CREATE TABLE admins (
    id            UUID PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- tower-sessions records (see server/src/session_store.rs). Data is the JSON of the record.
CREATE TABLE console_sessions (
    id          TEXT PRIMARY KEY,
    data        JSONB NOT NULL,
    expiry_date TIMESTAMPTZ NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expiry_date);

-- Failed sign-in counters, one row per (scope, key): scope 'account' keys by lower-cased
-- username (whether or not it exists, so throttling reveals nothing), scope 'address' by client IP.
CREATE TABLE signin_failures (
    scope        TEXT NOT NULL CHECK (scope IN ('account', 'address')),
    key          TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, key)
);
