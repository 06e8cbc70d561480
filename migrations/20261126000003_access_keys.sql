-- Access keys for Gatehouse's AWS-compatible admin APIs (SigV4). The secret half is needed in
-- clear to check signatures (HMAC), so it is stored sealed with the server's master key
-- (AES-256-GCM, context 'access-key:' || access_key_id), never in clear.

CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY,
    secret_sealed BYTEA NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at  TIMESTAMPTZ
);
