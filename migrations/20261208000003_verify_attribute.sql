-- GetUserAttributeVerificationCode / VerifyUserAttribute: a third kind of code.
ALTER TABLE user_pool_codes DROP CONSTRAINT user_pool_codes_purpose_check;
ALTER TABLE user_pool_codes ADD CONSTRAINT user_pool_codes_purpose_check
    CHECK (purpose IN ('SIGN_UP', 'FORGOT_PASSWORD', 'VERIFY_ATTRIBUTE'));
ALTER TABLE user_pool_code_limits DROP CONSTRAINT user_pool_code_limits_purpose_check;
ALTER TABLE user_pool_code_limits ADD CONSTRAINT user_pool_code_limits_purpose_check
    CHECK (purpose IN ('SIGN_UP', 'FORGOT_PASSWORD', 'VERIFY_ATTRIBUTE'));
ALTER TABLE user_pool_outbox DROP CONSTRAINT user_pool_outbox_purpose_check;
ALTER TABLE user_pool_outbox ADD CONSTRAINT user_pool_outbox_purpose_check
    CHECK (purpose IN ('SIGN_UP', 'RESEND', 'FORGOT_PASSWORD', 'ADMIN_CREATE_USER', 'VERIFY_ATTRIBUTE'));
