-- TOTP (software token) MFA.

-- SetUserPoolMfaConfig's SoftwareTokenMfaConfiguration.Enabled.
ALTER TABLE user_pools ADD COLUMN software_token_mfa BOOLEAN NOT NULL DEFAULT false;

-- A user's authenticator: the verified secret and one being set up (AssociateSoftwareToken,
-- until VerifySoftwareToken), both sealed with the master key (context `totp:{sub}`); whether
-- it is enabled and preferred (SetUserMFAPreference); the last time step a code was accepted
-- for, so that each code signs in once.
ALTER TABLE user_pool_users
    ADD COLUMN totp_secret_sealed  BYTEA,
    ADD COLUMN totp_pending_sealed BYTEA,
    ADD COLUMN totp_enabled        BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN totp_preferred      BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN totp_last_step      BIGINT;

-- An MFA_SETUP session whose authenticator has been verified (VerifySoftwareToken with the
-- session): RespondToAuthChallenge(MFA_SETUP) with it signs in.
ALTER TABLE user_pool_auth_sessions ADD COLUMN mfa_verified BOOLEAN NOT NULL DEFAULT false;
