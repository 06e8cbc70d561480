-- USER_SRP_AUTH (SRP-6a as Cognito does it).

-- The user's SRP verifier (salt and v = g^x), sealed with the master key (context
-- `srp-verifier:{sub}`). Written whenever a password is set; NULL for a password set before
-- SRP existed, until the user's next password sign-in.
ALTER TABLE user_pool_users ADD COLUMN srp_verifier_sealed BYTEA;

-- An SRP exchange between InitiateAuth (PASSWORD_VERIFIER challenge) and its answer: keyed by
-- the SHA-256 of the SECRET_BLOCK handed to the client, single use. `user_sub` is NULL for a
-- name that matches no user (a decoy exchange that can only fail). The server's secret b is
-- sealed (context `srp-b:{hex of secret_block_hash}`).
CREATE TABLE user_pool_srp_challenges (
    secret_block_hash BYTEA PRIMARY KEY,
    pool_id           TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    client_id         TEXT NOT NULL REFERENCES user_pool_clients (id) ON DELETE CASCADE,
    user_sub          UUID REFERENCES user_pool_users (sub) ON DELETE CASCADE,
    typed_name        TEXT NOT NULL,
    user_id_for_srp   TEXT NOT NULL,
    throttle_key      TEXT NOT NULL,
    srp_a             BYTEA NOT NULL,
    srp_b             BYTEA NOT NULL,
    b_sealed          BYTEA NOT NULL,
    expires_at        TIMESTAMPTZ NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX user_pool_srp_challenges_expiry ON user_pool_srp_challenges (pool_id, expires_at);
