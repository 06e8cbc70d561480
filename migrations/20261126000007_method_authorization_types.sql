-- AWS_IAM and CUSTOM (Lambda authorizer) methods are stored, as imported, so they can be
-- exported again; the gateway refuses every request to them (it can enforce neither). They
-- keep no authorizer id: only COGNITO_USER_POOLS authorizers exist here.
ALTER TABLE api_methods DROP CONSTRAINT api_methods_authorization_type_check;
ALTER TABLE api_methods ADD CONSTRAINT api_methods_authorization_type_check
    CHECK (authorization_type IN ('NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS'));
