-- Request validators of a REST API (Swagger `x-amazon-apigateway-request-validators`, the API's
-- default `x-amazon-apigateway-request-validator` and each method's override), stored as one
-- document (serde `apis::store::RequestValidators`) so that import/export round-trips them.
-- The gateway does not validate requests yet.
ALTER TABLE rest_apis ADD COLUMN request_validators JSONB NOT NULL DEFAULT '{}'::jsonb;
