-- REST APIs (the API Gateway v1 model, crate `apis`).
-- Everything hangs off rest_apis with ON DELETE CASCADE, so deleting an API removes it all.
-- Child rows are keyed by (api_id, id) so that no row can point into another API.

CREATE TABLE rest_apis (
    id          TEXT PRIMARY KEY CHECK (id ~ '^[a-z0-9]{10}$'),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The resource tree. The root ('/') has no parent and an empty path_part. `path` is the full
-- path, computed when the resource is created (resources are never moved).
CREATE TABLE api_resources (
    api_id     TEXT NOT NULL REFERENCES rest_apis (id) ON DELETE CASCADE,
    id         TEXT NOT NULL CHECK (id ~ '^[a-z0-9]{10}$'),
    parent_id  TEXT,
    path_part  TEXT NOT NULL,
    path       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (api_id, id),
    FOREIGN KEY (api_id, parent_id) REFERENCES api_resources (api_id, id) ON DELETE CASCADE,
    CHECK ((parent_id IS NULL) = (path_part = '')),
    CONSTRAINT api_resources_path_key UNIQUE (api_id, path)
);
-- One root per API.
CREATE UNIQUE INDEX api_resources_one_root ON api_resources (api_id) WHERE parent_id IS NULL;
-- One variable child ({x} or {x+}) per parent.
CREATE UNIQUE INDEX api_resources_one_variable_child ON api_resources (api_id, parent_id)
    WHERE path_part LIKE '{%';
CREATE INDEX api_resources_parent ON api_resources (api_id, parent_id);

-- COGNITO_USER_POOLS authorizers.
CREATE TABLE api_authorizers (
    api_id                          TEXT NOT NULL REFERENCES rest_apis (id) ON DELETE CASCADE,
    id                              TEXT NOT NULL CHECK (id ~ '^[a-z0-9]{6}$'),
    name                            TEXT NOT NULL,
    type                            TEXT NOT NULL CHECK (type IN ('COGNITO_USER_POOLS')),
    -- Pool ARNs (arn:aws:cognito-idp:{region}:{account}:userpool/{id}) or issuer URLs.
    provider_arns                   TEXT[] NOT NULL CHECK (cardinality(provider_arns) > 0),
    identity_source                 TEXT NOT NULL,
    identity_validation_expression  TEXT,
    authorizer_result_ttl_in_seconds INTEGER NOT NULL DEFAULT 300
                                    CHECK (authorizer_result_ttl_in_seconds BETWEEN 0 AND 3600),
    version                         INTEGER NOT NULL DEFAULT 1,
    created_at                      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (api_id, id),
    CONSTRAINT api_authorizers_name_key UNIQUE (api_id, name)
);

CREATE TABLE api_methods (
    api_id               TEXT NOT NULL,
    resource_id          TEXT NOT NULL,
    http_method          TEXT NOT NULL
                         CHECK (http_method IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD',
                                                'OPTIONS', 'ANY')),
    authorization_type   TEXT NOT NULL CHECK (authorization_type IN ('NONE', 'COGNITO_USER_POOLS')),
    -- Deleting an authorizer that methods use is refused (the store names them first).
    authorizer_id        TEXT,
    authorization_scopes TEXT[] NOT NULL DEFAULT '{}',
    api_key_required     BOOLEAN NOT NULL DEFAULT false,
    -- {"method.request.querystring.q": true, ...} (true: required)
    request_parameters   JSONB NOT NULL DEFAULT '{}'::jsonb,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (api_id, resource_id, http_method),
    FOREIGN KEY (api_id, resource_id) REFERENCES api_resources (api_id, id) ON DELETE CASCADE,
    FOREIGN KEY (api_id, authorizer_id) REFERENCES api_authorizers (api_id, id),
    CHECK ((authorization_type = 'COGNITO_USER_POOLS') = (authorizer_id IS NOT NULL))
);
CREATE INDEX api_methods_authorizer ON api_methods (api_id, authorizer_id)
    WHERE authorizer_id IS NOT NULL;

CREATE TABLE api_method_responses (
    api_id              TEXT NOT NULL,
    resource_id         TEXT NOT NULL,
    http_method         TEXT NOT NULL,
    status_code         TEXT NOT NULL CHECK (status_code ~ '^[1-5][0-9][0-9]$'),
    -- {"method.response.header.X": bool}
    response_parameters JSONB NOT NULL DEFAULT '{}'::jsonb,
    -- {contentType: modelName}
    response_models     JSONB NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (api_id, resource_id, http_method, status_code),
    FOREIGN KEY (api_id, resource_id, http_method)
        REFERENCES api_methods (api_id, resource_id, http_method) ON DELETE CASCADE
);

-- At most one integration per method.
CREATE TABLE api_integrations (
    api_id               TEXT NOT NULL,
    resource_id          TEXT NOT NULL,
    http_method          TEXT NOT NULL,
    type                 TEXT NOT NULL CHECK (type IN ('MOCK', 'HTTP', 'HTTP_PROXY', 'AWS', 'AWS_PROXY')),
    integration_http_method TEXT,
    uri                  TEXT,
    -- {"integration.request.header.X": "method.request.header.Y", ...}
    request_parameters   JSONB NOT NULL DEFAULT '{}'::jsonb,
    -- {contentType: template}
    request_templates    JSONB NOT NULL DEFAULT '{}'::jsonb,
    passthrough_behavior TEXT NOT NULL DEFAULT 'WHEN_NO_MATCH'
                         CHECK (passthrough_behavior IN ('WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER')),
    timeout_in_millis    INTEGER NOT NULL DEFAULT 29000 CHECK (timeout_in_millis BETWEEN 50 AND 29000),
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (api_id, resource_id, http_method),
    FOREIGN KEY (api_id, resource_id, http_method)
        REFERENCES api_methods (api_id, resource_id, http_method) ON DELETE CASCADE
);

CREATE TABLE api_integration_responses (
    api_id              TEXT NOT NULL,
    resource_id         TEXT NOT NULL,
    http_method         TEXT NOT NULL,
    status_code         TEXT NOT NULL CHECK (status_code ~ '^[1-5][0-9][0-9]$'),
    selection_pattern   TEXT,
    -- {"method.response.header.X": "integration.response.header.Y", ...}
    response_parameters JSONB NOT NULL DEFAULT '{}'::jsonb,
    response_templates  JSONB NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (api_id, resource_id, http_method, status_code),
    FOREIGN KEY (api_id, resource_id, http_method)
        REFERENCES api_integrations (api_id, resource_id, http_method) ON DELETE CASCADE
);

-- Deployments: an immutable snapshot of the whole API (serde `apis::DeploymentSnapshot`).
CREATE TABLE api_deployments (
    api_id      TEXT NOT NULL REFERENCES rest_apis (id) ON DELETE CASCADE,
    id          TEXT NOT NULL CHECK (id ~ '^[a-z0-9]{6}$'),
    description TEXT NOT NULL DEFAULT '',
    snapshot    JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (api_id, id)
);
CREATE INDEX api_deployments_created ON api_deployments (api_id, created_at DESC);

CREATE FUNCTION api_deployments_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.snapshot IS DISTINCT FROM OLD.snapshot OR NEW.api_id IS DISTINCT FROM OLD.api_id
       OR NEW.id IS DISTINCT FROM OLD.id OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
        RAISE EXCEPTION 'a deployment snapshot is immutable';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER api_deployments_immutable BEFORE UPDATE ON api_deployments
    FOR EACH ROW EXECUTE FUNCTION api_deployments_immutable();

-- Stages point at one deployment; a deployment that a stage uses cannot be deleted.
CREATE TABLE api_stages (
    api_id        TEXT NOT NULL REFERENCES rest_apis (id) ON DELETE CASCADE,
    stage_name    TEXT NOT NULL CHECK (stage_name ~ '^[A-Za-z0-9_-]{1,128}$'),
    deployment_id TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    -- {"name": "value"}
    variables     JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (api_id, stage_name),
    FOREIGN KEY (api_id, deployment_id) REFERENCES api_deployments (api_id, id)
);
CREATE INDEX api_stages_deployment ON api_stages (api_id, deployment_id);
