-- Counters that outlive a single code: wrong codes and issued codes per user (or, for names
-- that match no user, per typed name, so the answers do not tell the two apart) and purpose,
-- each in a fixed window that starts at the first event.
CREATE TABLE user_pool_code_limits (
    pool_id            TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    key                TEXT NOT NULL,
    purpose            TEXT NOT NULL CHECK (purpose IN ('SIGN_UP', 'FORGOT_PASSWORD')),
    wrong_codes        INTEGER NOT NULL DEFAULT 0,
    wrong_window_start TIMESTAMPTZ NOT NULL,
    issued             INTEGER NOT NULL DEFAULT 0,
    issue_window_start TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (pool_id, key, purpose)
);

-- Outbox rows (codes, temporary passwords) are deleted 24 hours after they were written.
CREATE INDEX user_pool_outbox_created_at ON user_pool_outbox (created_at);
