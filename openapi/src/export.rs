//! A stored API ([`DeploymentSnapshot`]) → Swagger 2.0 / OpenAPI 3.0 text in the shape API
//! Gateway's GetExport gives: operations with parameters, responses and security; the
//! authorizers as apiKey security schemes; the extensions only when asked for; enum values
//! lower-case inside the extensions.

use std::collections::{BTreeMap, BTreeSet};

use apis::store::RequestValidators;
use apis::{AuthorizationType, DeploymentSnapshot, HttpMethod, Method, StageName};
use time::format_description::well_known::Rfc3339;

use crate::document::Out;
use crate::error::OpenApiError;
use crate::read::{ANY_METHOD, AUTHORIZER, AUTHTYPE, INTEGRATION, VALIDATOR, VALIDATORS};
use crate::{ExportOptions, Extensions, Format, Spec};

/// The order operations appear in within a path.
const VERB_ORDER: &[HttpMethod] = &[
    HttpMethod::Get,
    HttpMethod::Post,
    HttpMethod::Put,
    HttpMethod::Patch,
    HttpMethod::Delete,
    HttpMethod::Head,
    HttpMethod::Options,
    HttpMethod::Any,
];

fn verb_key(verb: HttpMethod) -> String {
    match verb {
        HttpMethod::Any => ANY_METHOD.to_owned(),
        other => other.as_str().to_ascii_lowercase(),
    }
}

fn string_obj(m: &BTreeMap<String, String>) -> Out {
    Out::Obj(m.iter().map(|(k, v)| (k.clone(), Out::str(v))).collect())
}

fn wants_integrations(e: Extensions) -> bool {
    matches!(e, Extensions::Integrations | Extensions::Both)
}

fn wants_authorizers(e: Extensions) -> bool {
    matches!(e, Extensions::Authorizers | Extensions::Both)
}

/// Exports a stored API. `stage` (for a deployed snapshot) becomes the base path.
pub fn export_snapshot(
    snapshot: &DeploymentSnapshot,
    validators: &RequestValidators,
    stage: Option<&StageName>,
    opts: &ExportOptions,
) -> Result<String, OpenApiError> {
    let doc = build(snapshot, validators, stage, opts);
    render(&doc, opts.format)
}

pub(crate) fn render(doc: &Out, format: Format) -> Result<String, OpenApiError> {
    let text = match format {
        Format::Json => serde_json::to_string_pretty(doc).map_err(|e| internal(e.to_string()))?,
        Format::Yaml => serde_yaml_ng::to_string(doc).map_err(|e| internal(e.to_string()))?,
    };
    Ok(text)
}

fn internal(message: String) -> OpenApiError {
    OpenApiError::Apis(apis::ApisError::Corrupt(format!(
        "export failed: {message}"
    )))
}

fn build(
    snapshot: &DeploymentSnapshot,
    validators: &RequestValidators,
    stage: Option<&StageName>,
    opts: &ExportOptions,
) -> Out {
    let mut doc = Out::obj();
    match opts.spec {
        Spec::Swagger2 => doc.set("swagger", Out::str("2.0")),
        Spec::OpenApi3 => doc.set("openapi", Out::str("3.0.1")),
    }
    let mut info = Out::obj();
    if !snapshot.api.description.is_empty() {
        info.set("description", Out::str(&snapshot.api.description));
    }
    // AWS puts the export (deployment) time here.
    let version = snapshot
        .created_date
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1".to_owned());
    info.set("version", Out::Str(version));
    info.set("title", Out::str(&snapshot.api.name));
    doc.set("info", info);
    if let Some(stage) = stage {
        match opts.spec {
            Spec::Swagger2 => doc.set("basePath", Out::Str(format!("/{stage}"))),
            Spec::OpenApi3 => {
                let mut variable = Out::obj();
                variable.set("default", Out::str(stage));
                let mut variables = Out::obj();
                variables.set("basePath", variable);
                let mut server = Out::obj();
                server.set("url", Out::str("/{basePath}"));
                server.set("variables", variables);
                doc.set("servers", Out::List(vec![server]));
            }
        }
    }

    let authorizer_names: BTreeMap<&str, &str> = snapshot
        .authorizers
        .iter()
        .map(|a| (a.id.as_str(), a.name.as_str()))
        .collect();
    // AWS_IAM methods reference an awsSigv4 scheme (as AWS exports them), CUSTOM ones a scheme
    // marking a Lambda authorizer: both import back as they were, not as NONE.
    let taken: BTreeSet<&str> = snapshot
        .authorizers
        .iter()
        .map(|a| a.name.as_str())
        .chain(["api_key"])
        .collect();
    let unenforced = UnenforcedSchemes {
        iam: free_name("sigv4", &taken),
        custom: free_name("custom_authorizer", &taken),
    };
    let mut used = BTreeSet::new();
    let mut any_api_key = false;
    let mut paths = Out::obj();
    for resource in &snapshot.resources {
        let mut item = Out::obj();
        for verb in VERB_ORDER {
            let Some(method) = resource.resource_methods.get(verb) else {
                continue;
            };
            any_api_key |= method.api_key_required;
            used.insert(method.authorization_type);
            let key = format!("{verb} {}", resource.path);
            let op = operation(
                method,
                &authorizer_names,
                &unenforced,
                validators.methods.get(&key),
                opts,
            );
            item.set(&verb_key(*verb), op);
        }
        if !item.is_empty_obj() {
            paths.set(&resource.path, item);
        }
    }
    doc.set("paths", paths);

    let mut schemes = Out::obj();
    if any_api_key {
        let mut s = Out::obj();
        s.set("type", Out::str("apiKey"));
        s.set("name", Out::str("x-api-key"));
        s.set("in", Out::str("header"));
        schemes.set("api_key", s);
    }
    for a in &snapshot.authorizers {
        let mut s = Out::obj();
        s.set("type", Out::str("apiKey"));
        s.set(
            "name",
            Out::str(a.identity_header().unwrap_or("Authorization")),
        );
        s.set("in", Out::str("header"));
        if wants_authorizers(opts.extensions) {
            s.set(AUTHTYPE, Out::str("cognito_user_pools"));
            let mut ext = Out::obj();
            ext.set("type", Out::str("cognito_user_pools"));
            ext.set(
                "providerARNs",
                Out::List(a.provider_arns.iter().map(|p| Out::str(p)).collect()),
            );
            if a.identity_source != apis::DEFAULT_IDENTITY_SOURCE {
                ext.set("identitySource", Out::str(&a.identity_source));
            }
            if let Some(expr) = &a.identity_validation_expression {
                ext.set("identityValidationExpression", Out::str(expr));
            }
            if a.authorizer_result_ttl_in_seconds != apis::DEFAULT_AUTHORIZER_TTL {
                ext.set(
                    "authorizerResultTtlInSeconds",
                    Out::Int(i64::from(a.authorizer_result_ttl_in_seconds)),
                );
            }
            s.set(AUTHORIZER, ext);
        }
        schemes.set(&a.name, s);
    }
    if used.contains(&AuthorizationType::AwsIam) {
        let mut s = header_scheme("Authorization");
        if wants_authorizers(opts.extensions) {
            s.set(AUTHTYPE, Out::str("awsSigv4"));
        }
        schemes.set(&unenforced.iam, s);
    }
    if used.contains(&AuthorizationType::Custom) {
        // The Lambda authorizer itself was never imported (Gatehouse cannot run it): the
        // scheme only marks its methods, so that they import back as CUSTOM.
        let mut s = header_scheme("Authorization");
        if wants_authorizers(opts.extensions) {
            s.set(AUTHTYPE, Out::str("custom"));
            let mut ext = Out::obj();
            ext.set("type", Out::str("token"));
            s.set(AUTHORIZER, ext);
        }
        schemes.set(&unenforced.custom, s);
    }
    if !schemes.is_empty_obj() {
        match opts.spec {
            Spec::Swagger2 => doc.set("securityDefinitions", schemes),
            Spec::OpenApi3 => {
                let mut components = Out::obj();
                components.set("securitySchemes", schemes);
                doc.set("components", components);
            }
        }
    }
    if wants_integrations(opts.extensions) && !validators.validators.is_empty() {
        if let Some(default) = &validators.default {
            doc.set(VALIDATOR, Out::str(default));
        }
        let mut vs = Out::obj();
        for (name, v) in &validators.validators {
            let mut o = Out::obj();
            o.set("validateRequestBody", Out::Bool(v.validate_request_body));
            o.set(
                "validateRequestParameters",
                Out::Bool(v.validate_request_parameters),
            );
            vs.set(name, o);
        }
        doc.set(VALIDATORS, vs);
    }
    doc
}

/// The scheme names AWS_IAM and CUSTOM methods reference.
struct UnenforcedSchemes {
    iam: String,
    custom: String,
}

/// `base`, or `base_2`, `base_3` ... when an authorizer already has that name.
fn free_name(base: &str, taken: &BTreeSet<&str>) -> String {
    if !taken.contains(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|name| !taken.contains(name.as_str()))
        .unwrap_or_else(|| base.to_owned())
}

/// An apiKey security scheme on a header.
fn header_scheme(header: &str) -> Out {
    let mut s = Out::obj();
    s.set("type", Out::str("apiKey"));
    s.set("name", Out::str(header));
    s.set("in", Out::str("header"));
    s
}

fn operation(
    method: &Method,
    authorizer_names: &BTreeMap<&str, &str>,
    unenforced: &UnenforcedSchemes,
    validator: Option<&String>,
    opts: &ExportOptions,
) -> Out {
    let mut op = Out::obj();
    if opts.spec == Spec::Swagger2 {
        // As AWS derives them: request templates' content types, and those of the responses.
        let consumes: BTreeSet<&String> = method
            .method_integration
            .iter()
            .flat_map(|i| i.request_templates.keys())
            .collect();
        let produces: BTreeSet<&String> = method
            .method_integration
            .iter()
            .flat_map(|i| i.integration_responses.values())
            .flat_map(|r| r.response_templates.keys())
            .chain(
                method
                    .method_responses
                    .values()
                    .flat_map(|r| r.response_models.keys()),
            )
            .collect();
        if !consumes.is_empty() {
            op.set(
                "consumes",
                Out::List(consumes.into_iter().map(|c| Out::str(c)).collect()),
            );
        }
        if !produces.is_empty() {
            op.set(
                "produces",
                Out::List(produces.into_iter().map(|c| Out::str(c)).collect()),
            );
        }
    }
    let mut params = Vec::new();
    for (location, prefix) in [
        ("path", "method.request.path."),
        ("query", "method.request.querystring."),
        ("header", "method.request.header."),
    ] {
        for (key, required) in &method.request_parameters {
            let Some(name) = key.strip_prefix(prefix) else {
                continue;
            };
            let mut p = Out::obj();
            p.set("name", Out::str(name));
            p.set("in", Out::str(location));
            p.set("required", Out::Bool(*required || location == "path"));
            match opts.spec {
                Spec::Swagger2 => p.set("type", Out::str("string")),
                Spec::OpenApi3 => {
                    let mut schema = Out::obj();
                    schema.set("type", Out::str("string"));
                    p.set("schema", schema);
                }
            }
            params.push(p);
        }
    }
    if !params.is_empty() {
        op.set("parameters", Out::List(params));
    }
    let mut responses = Out::obj();
    for (code, r) in &method.method_responses {
        let mut resp = Out::obj();
        resp.set("description", Out::Str(format!("{code} response")));
        let mut headers = Out::obj();
        for key in r.response_parameters.keys() {
            if let Some(name) = key.strip_prefix("method.response.header.") {
                let mut h = Out::obj();
                match opts.spec {
                    Spec::Swagger2 => h.set("type", Out::str("string")),
                    Spec::OpenApi3 => {
                        let mut schema = Out::obj();
                        schema.set("type", Out::str("string"));
                        h.set("schema", schema);
                    }
                }
                headers.set(name, h);
            }
        }
        if !headers.is_empty_obj() {
            resp.set("headers", headers);
        }
        responses.set(code, resp);
    }
    op.set("responses", responses);
    let mut security = Vec::new();
    let unenforced_scheme = match method.authorization_type {
        AuthorizationType::AwsIam => Some(&unenforced.iam),
        AuthorizationType::Custom => Some(&unenforced.custom),
        AuthorizationType::None | AuthorizationType::CognitoUserPools => None,
    };
    if let Some(name) = unenforced_scheme {
        let mut req = Out::obj();
        req.set(name, Out::List(Vec::new()));
        security.push(req);
    }
    if method.authorization_type == AuthorizationType::CognitoUserPools
        && let Some(name) = method
            .authorizer_id
            .as_deref()
            .and_then(|id| authorizer_names.get(id))
    {
        let mut req = Out::obj();
        req.set(
            name,
            Out::List(
                method
                    .authorization_scopes
                    .iter()
                    .map(|s| Out::str(s))
                    .collect(),
            ),
        );
        security.push(req);
    }
    if method.api_key_required {
        let mut req = Out::obj();
        req.set("api_key", Out::List(Vec::new()));
        security.push(req);
    }
    if !security.is_empty() {
        op.set("security", Out::List(security));
    }
    if wants_integrations(opts.extensions) {
        if let Some(v) = validator {
            op.set(VALIDATOR, Out::str(v));
        }
        if let Some(i) = &method.method_integration {
            let mut ext = Out::obj();
            ext.set("type", Out::Str(i.kind.as_str().to_ascii_lowercase()));
            if let Some(m) = i.http_method {
                ext.set("httpMethod", Out::str(m.as_str()));
            }
            if let Some(uri) = &i.uri {
                ext.set("uri", Out::str(uri));
            }
            if !i.request_parameters.is_empty() {
                ext.set("requestParameters", string_obj(&i.request_parameters));
            }
            if !i.request_templates.is_empty() {
                ext.set("requestTemplates", string_obj(&i.request_templates));
            }
            ext.set(
                "passthroughBehavior",
                Out::Str(i.passthrough_behavior.as_str().to_ascii_lowercase()),
            );
            ext.set("timeoutInMillis", Out::Int(i64::from(i.timeout_in_millis)));
            let mut rs = Out::obj();
            let mut seen = BTreeSet::new();
            for (code, r) in &i.integration_responses {
                let pattern = r.selection_pattern.as_deref().unwrap_or("default");
                // Responses are keyed by pattern in files: a second one with the same pattern
                // could never be selected anyway.
                if !seen.insert(pattern) {
                    continue;
                }
                let mut o = Out::obj();
                o.set("statusCode", Out::str(code));
                if !r.response_parameters.is_empty() {
                    o.set("responseParameters", string_obj(&r.response_parameters));
                }
                if !r.response_templates.is_empty() {
                    o.set("responseTemplates", string_obj(&r.response_templates));
                }
                rs.set(pattern, o);
            }
            if !rs.is_empty_obj() {
                ext.set("responses", rs);
            }
            op.set(INTEGRATION, ext);
        }
    }
    op
}
