-- User pools (the Cognito-compatible identity provider, crate `identity`).
-- Everything hangs off user_pools with ON DELETE CASCADE, so DeleteUserPool removes it all.

CREATE TABLE user_pools (
    id                               TEXT PRIMARY KEY,          -- {region}_{9 alphanumerics}
    name                             TEXT NOT NULL,
    region                           TEXT NOT NULL,
    -- ['email'] when the email is the sign-in name (Username is then the sub).
    username_attributes              TEXT[] NOT NULL DEFAULT '{}',
    alias_attributes                 TEXT[] NOT NULL DEFAULT '{}',
    auto_verified_attributes         TEXT[] NOT NULL DEFAULT '{}',
    -- Standard attributes marked Required in the schema.
    required_attributes              TEXT[] NOT NULL DEFAULT '{}',
    password_min_length              INTEGER NOT NULL DEFAULT 8,
    password_require_uppercase       BOOLEAN NOT NULL DEFAULT true,
    password_require_lowercase       BOOLEAN NOT NULL DEFAULT true,
    password_require_numbers         BOOLEAN NOT NULL DEFAULT true,
    password_require_symbols         BOOLEAN NOT NULL DEFAULT true,
    temporary_password_validity_days INTEGER NOT NULL DEFAULT 7,
    allow_admin_create_user_only     BOOLEAN NOT NULL DEFAULT false,
    case_sensitive_usernames         BOOLEAN NOT NULL DEFAULT false,
    mfa_configuration                TEXT NOT NULL DEFAULT 'OFF',
    deletion_protection              TEXT NOT NULL DEFAULT 'INACTIVE',
    -- Pool-wide token lifetimes (app clients may override them).
    id_token_validity_secs           INTEGER NOT NULL DEFAULT 3600,
    access_token_validity_secs       INTEGER NOT NULL DEFAULT 3600,
    refresh_token_validity_secs      INTEGER NOT NULL DEFAULT 2592000,
    -- Settings stored only to be echoed back (tags, message templates, email configuration, ...).
    settings                         JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at                       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Custom attributes (custom:NAME), in schema order.
CREATE TABLE user_pool_custom_attributes (
    pool_id        TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,                  -- without the "custom:" prefix
    position       INTEGER NOT NULL,
    data_type      TEXT NOT NULL CHECK (data_type IN ('String', 'Number', 'DateTime', 'Boolean')),
    mutable        BOOLEAN NOT NULL DEFAULT true,
    developer_only BOOLEAN NOT NULL DEFAULT false,
    min_length     INTEGER,
    max_length     INTEGER,
    min_value      TEXT,
    max_value      TEXT,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE user_pool_clients (
    id                             TEXT PRIMARY KEY,        -- 26 lowercase alphanumerics
    pool_id                        TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name                           TEXT NOT NULL,
    -- Client secret sealed with the master key (context "client-secret:{id}"); NULL: no secret.
    secret_sealed                  BYTEA,
    explicit_auth_flows            TEXT[] NOT NULL,
    read_attributes                TEXT[],                  -- NULL: all
    write_attributes               TEXT[],                  -- NULL: all
    access_token_validity          INTEGER NOT NULL,
    access_token_unit              TEXT NOT NULL,
    id_token_validity              INTEGER NOT NULL,
    id_token_unit                  TEXT NOT NULL,
    refresh_token_validity         INTEGER NOT NULL,
    refresh_token_unit             TEXT NOT NULL,
    access_token_validity_secs     INTEGER NOT NULL,
    id_token_validity_secs         INTEGER NOT NULL,
    refresh_token_validity_secs    INTEGER NOT NULL,
    prevent_user_existence_errors  TEXT NOT NULL DEFAULT 'ENABLED'
                                   CHECK (prevent_user_existence_errors IN ('ENABLED', 'LEGACY')),
    enable_token_revocation        BOOLEAN NOT NULL DEFAULT true,
    auth_session_validity_minutes  INTEGER NOT NULL DEFAULT 3,
    settings                       JSONB NOT NULL DEFAULT '{}'::jsonb,  -- OAuth settings, echoed back
    created_at                     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX user_pool_clients_pool ON user_pool_clients (pool_id, id);

CREATE TABLE user_pool_users (
    sub               UUID PRIMARY KEY,
    pool_id           TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    username          TEXT NOT NULL,
    -- Lookup form of the username (lower-cased unless the pool is case sensitive).
    username_key      TEXT NOT NULL,
    -- Lower-cased email while it is a sign-in name (email-as-username pools, or a verified
    -- email alias); unique per pool.
    email_key         TEXT,
    status            TEXT NOT NULL
                      CHECK (status IN ('UNCONFIRMED', 'CONFIRMED', 'FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED')),
    enabled           BOOLEAN NOT NULL DEFAULT true,
    attributes        JSONB NOT NULL DEFAULT '{}'::jsonb,   -- name -> string value (sub excluded)
    password_hash     TEXT,                                 -- argon2id PHC string
    -- Set while the password is a temporary one (FORCE_CHANGE_PASSWORD).
    password_expires_at TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT user_pool_users_username UNIQUE (pool_id, username_key)
);
CREATE UNIQUE INDEX user_pool_users_email ON user_pool_users (pool_id, email_key)
    WHERE email_key IS NOT NULL;

-- Consecutive failed sign-ins, keyed by user sub (or by the name tried, for unknown users).
CREATE TABLE user_pool_signin_failures (
    pool_id      TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (pool_id, key)
);

CREATE TABLE user_pool_groups (
    pool_id     TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT,
    role_arn    TEXT,
    precedence  INTEGER,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE user_pool_group_members (
    pool_id    TEXT NOT NULL,
    group_name TEXT NOT NULL,
    user_sub   UUID NOT NULL REFERENCES user_pool_users (sub) ON DELETE CASCADE,
    added_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (pool_id, group_name, user_sub),
    FOREIGN KEY (pool_id, group_name) REFERENCES user_pool_groups (pool_id, name) ON DELETE CASCADE
);
CREATE INDEX user_pool_group_members_user ON user_pool_group_members (user_sub);

-- Outstanding confirmation / password-reset codes: SHA-256 only, one per user and purpose.
CREATE TABLE user_pool_codes (
    user_sub           UUID NOT NULL REFERENCES user_pool_users (sub) ON DELETE CASCADE,
    purpose            TEXT NOT NULL CHECK (purpose IN ('SIGN_UP', 'FORGOT_PASSWORD')),
    code_hash          BYTEA NOT NULL,
    -- Attribute the code was sent to (it becomes verified on confirmation), if any.
    delivery_attribute TEXT,
    attempts           INTEGER NOT NULL DEFAULT 0,
    expires_at         TIMESTAMPTZ NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_sub, purpose)
);

-- Messages Gatehouse "sent" (it has no mail or SMS gateway): shown in the console.
CREATE TABLE user_pool_outbox (
    id              BIGSERIAL PRIMARY KEY,
    pool_id         TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    username        TEXT NOT NULL,
    destination     TEXT,            -- email address or phone number, unmasked
    delivery_medium TEXT,            -- EMAIL or SMS
    purpose         TEXT NOT NULL
                    CHECK (purpose IN ('SIGN_UP', 'RESEND', 'FORGOT_PASSWORD', 'ADMIN_CREATE_USER')),
    -- The confirmation code, or the temporary password of an ADMIN_CREATE_USER invitation.
    code            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX user_pool_outbox_pool ON user_pool_outbox (pool_id, id DESC);

-- Refresh tokens (SHA-256 of the opaque token). origin_jti links the ID/access tokens minted
-- from it, so revoking the row revokes them too.
CREATE TABLE user_pool_refresh_tokens (
    token_hash BYTEA PRIMARY KEY,
    origin_jti UUID NOT NULL UNIQUE,
    pool_id    TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    client_id  TEXT NOT NULL REFERENCES user_pool_clients (id) ON DELETE CASCADE,
    user_sub   UUID NOT NULL REFERENCES user_pool_users (sub) ON DELETE CASCADE,
    auth_time  TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX user_pool_refresh_tokens_user ON user_pool_refresh_tokens (user_sub);

-- Challenge sessions (NEW_PASSWORD_REQUIRED): SHA-256 of the opaque Session, single use.
CREATE TABLE user_pool_auth_sessions (
    session_hash   BYTEA PRIMARY KEY,
    pool_id        TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    client_id      TEXT NOT NULL REFERENCES user_pool_clients (id) ON DELETE CASCADE,
    user_sub       UUID NOT NULL REFERENCES user_pool_users (sub) ON DELETE CASCADE,
    challenge_name TEXT NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- RS256 signing keys: one active key per pool and token use ('id', 'access'). Rotation sets
-- rotated_at/retire_after and drops the private key; the public key stays in the JWKS until
-- retire_after (rotated_at + the pool's longest ID/access token lifetime).
CREATE TABLE user_pool_signing_keys (
    kid                TEXT PRIMARY KEY,
    pool_id            TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    token_use          TEXT NOT NULL CHECK (token_use IN ('id', 'access')),
    -- PKCS#1 DER sealed with the master key (context "signing-key:{kid}"); NULL once rotated.
    private_key_sealed BYTEA,
    n                  TEXT NOT NULL,   -- base64url modulus
    e                  TEXT NOT NULL,   -- base64url exponent
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    rotated_at         TIMESTAMPTZ,
    retire_after       TIMESTAMPTZ,
    CHECK ((rotated_at IS NULL) = (retire_after IS NULL)),
    CHECK (rotated_at IS NOT NULL OR private_key_sealed IS NOT NULL)
);
CREATE UNIQUE INDEX user_pool_signing_keys_active ON user_pool_signing_keys (pool_id, token_use)
    WHERE rotated_at IS NULL;
CREATE INDEX user_pool_signing_keys_pool ON user_pool_signing_keys (pool_id, created_at);
