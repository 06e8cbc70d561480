//! [`Document`] → the API it describes ([`ApiDefinition`]) and the warnings. Every error names
//! the JSON path of the problem (`paths./pets.get.x-amazon-apigateway-integration.type`).
//!
//! Mapping rules follow API Gateway's importer: root-level `security` is ignored; a required
//! parameter becomes `method.request.{path|querystring|header}.NAME: true`; response headers
//! become `method.response.header.NAME: false`; extension enum values are lower-case in files.

use std::collections::{BTreeMap, BTreeSet};

use apis::store::{
    ApiDefinition, IntegrationDefinition, MethodDefinition, RequestValidator, RequestValidators,
};
use apis::{
    AuthorizationType, AuthorizerSettings, HttpMethod, IntegrationResponseSettings,
    IntegrationSettings, IntegrationType, MethodResponseSettings, PassthroughBehavior,
};
use serde_json::{Map, Value};

use crate::document::Document;
use crate::error::OpenApiError;
use crate::{ImportContext, Spec};

pub(crate) const INTEGRATION: &str = "x-amazon-apigateway-integration";
pub(crate) const ANY_METHOD: &str = "x-amazon-apigateway-any-method";
pub(crate) const AUTHORIZER: &str = "x-amazon-apigateway-authorizer";
pub(crate) const AUTHTYPE: &str = "x-amazon-apigateway-authtype";
/// On an operation: `{"type": "AWS_IAM"}` (or `NONE`), IAM without a security scheme.
pub(crate) const AUTH: &str = "x-amazon-apigateway-auth";
pub(crate) const VALIDATORS: &str = "x-amazon-apigateway-request-validators";
pub(crate) const VALIDATOR: &str = "x-amazon-apigateway-request-validator";

/// Root extensions Gatehouse parses but does not use; each present one is a warning.
const API_KEY_SOURCE: &str = "x-amazon-apigateway-api-key-source";

const IGNORED_ROOT_EXTENSIONS: &[&str] = &[
    "x-amazon-apigateway-gateway-responses",
    "x-amazon-apigateway-binary-media-types",
    API_KEY_SOURCE,
    "x-amazon-apigateway-endpoint-configuration",
    "x-amazon-apigateway-policy",
    "x-amazon-apigateway-minimum-compression-size",
    "x-amazon-apigateway-documentation",
    "x-amazon-apigateway-tag-value",
];

/// A `providerARNs` entry of an imported authorizer, for matching to this Gatehouse's pools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PoolRef {
    pub authorizer: String,
    pub provider: String,
    /// The pool id, when the entry could name one of this Gatehouse's pools (whether it does
    /// is looked up in the database).
    pub local_pool_id: Option<String>,
}

/// What a document describes.
#[derive(Debug, Clone)]
pub struct Read {
    pub definition: ApiDefinition,
    pub warnings: Vec<String>,
    /// Every `providerARNs` entry, for matching to this Gatehouse's pools.
    pub(crate) pools: Vec<PoolRef>,
    /// Full paths and verbs the document names (merge replaces exactly these).
    pub named_methods: BTreeSet<(String, HttpMethod)>,
}

/// A dotted JSON path.
#[derive(Clone)]
struct P(String);

impl P {
    fn root() -> P {
        P(String::new())
    }

    fn k(&self, key: &str) -> P {
        if self.0.is_empty() {
            P(key.to_owned())
        } else {
            P(format!("{}.{key}", self.0))
        }
    }

    fn i(&self, index: usize) -> P {
        self.k(&index.to_string())
    }

    fn err(&self, message: impl Into<String>) -> OpenApiError {
        OpenApiError::at(if self.0.is_empty() { "$" } else { &self.0 }, message)
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn obj<'a>(v: &'a Value, p: &P) -> Result<&'a Map<String, Value>, OpenApiError> {
    v.as_object()
        .ok_or_else(|| p.err(format!("must be an object, not {}", type_name(v))))
}

fn opt_obj<'a>(
    parent: &'a Map<String, Value>,
    key: &str,
    p: &P,
) -> Result<Option<&'a Map<String, Value>>, OpenApiError> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => obj(v, &p.k(key)).map(Some),
    }
}

fn string(v: &Value, p: &P) -> Result<String, OpenApiError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(p.err(format!("must be a string, not {}", type_name(other)))),
    }
}

fn opt_string(
    parent: &Map<String, Value>,
    key: &str,
    p: &P,
) -> Result<Option<String>, OpenApiError> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => string(v, &p.k(key)).map(Some),
    }
}

/// A status code or integer that files write either as a number or as a string.
fn string_or_number(v: &Value, p: &P) -> Result<String, OpenApiError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(p.err(format!("must be a string, not {}", type_name(other)))),
    }
}

fn opt_bool(parent: &Map<String, Value>, key: &str, p: &P) -> Result<bool, OpenApiError> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s == "true" || s == "false" => Ok(s == "true"),
        Some(other) => Err(p
            .k(key)
            .err(format!("must be true or false, not {}", type_name(other)))),
    }
}

fn opt_int(parent: &Map<String, Value>, key: &str, p: &P) -> Result<Option<i32>, OpenApiError> {
    let p = p.k(key);
    let n = match parent.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        Some(other) => return Err(p.err(format!("must be an integer, not {}", type_name(other)))),
    };
    n.and_then(|n| i32::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| p.err("must be an integer"))
}

fn string_map(
    parent: &Map<String, Value>,
    key: &str,
    p: &P,
) -> Result<BTreeMap<String, String>, OpenApiError> {
    let Some(m) = opt_obj(parent, key, p)? else {
        return Ok(BTreeMap::new());
    };
    let p = p.k(key);
    m.iter()
        .map(|(k, v)| Ok((k.clone(), string(v, &p.k(k))?)))
        .collect()
}

/// An error from the store's validation, placed at `p`.
fn apis_at(p: &P, e: apis::ApisError) -> OpenApiError {
    match e {
        apis::ApisError::Invalid { message, .. } | apis::ApisError::Conflict { message, .. } => {
            p.err(message)
        }
        other => OpenApiError::Apis(other),
    }
}

/// Replaces `${AWS::Region}`, `${AWS::AccountId}` and `${AWS::Partition}` in every string, as
/// API Gateway does on import.
fn substitute_aws_variables(v: &mut Value, ctx: &ImportContext) {
    match v {
        Value::String(s) if s.contains("${AWS::") => {
            *s = s
                .replace("${AWS::Region}", &ctx.region)
                .replace("${AWS::AccountId}", &ctx.account_id)
                .replace("${AWS::Partition}", "aws");
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|i| substitute_aws_variables(i, ctx)),
        Value::Object(m) => m
            .values_mut()
            .for_each(|i| substitute_aws_variables(i, ctx)),
        _ => {}
    }
}

/// Every `$ref` must point inside the document (`#/...`) at something that exists.
fn check_refs(root: &Value, v: &Value, p: &P) -> Result<(), OpenApiError> {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref") {
                let rp = p.k("$ref");
                let target = string(r, &rp)?;
                let Some(pointer) = target.strip_prefix('#') else {
                    return Err(rp.err(format!(
                        "$ref '{target}' points outside the document; only local references \
                         (#/...) are supported"
                    )));
                };
                if root.pointer(pointer).is_none() {
                    return Err(rp.err(format!(
                        "Unknown $ref '{target}': nothing in the document is at that location"
                    )));
                }
            }
            for (k, child) in m {
                check_refs(root, child, &p.k(k))?;
            }
            Ok(())
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                check_refs(root, child, &p.i(i))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Follows a (checked) local `$ref`, at most a few hops.
fn resolve<'a>(root: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..8 {
        match v
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|ptr| root.pointer(ptr))
        {
            Some(target) => v = target,
            None => break,
        }
    }
    v
}

fn verb_of(key: &str) -> Option<HttpMethod> {
    Some(match key {
        "get" => HttpMethod::Get,
        "post" => HttpMethod::Post,
        "put" => HttpMethod::Put,
        "patch" => HttpMethod::Patch,
        "delete" => HttpMethod::Delete,
        "head" => HttpMethod::Head,
        "options" => HttpMethod::Options,
        ANY_METHOD => HttpMethod::Any,
        _ => return None,
    })
}

/// A security scheme as far as API Gateway understands it.
enum Scheme {
    Cognito,
    ApiKey,
    /// `x-amazon-apigateway-authtype: awsSigv4` (or any `aws...`): methods become AWS_IAM.
    Iam,
    /// A Lambda authorizer (of this type: token, request): methods become CUSTOM.
    Lambda(String),
    /// Anything else (OAuth2, other apiKey headers ...): named for the warning.
    Unsupported(String),
}

/// Reads a parsed document. `ctx` supplies the `${AWS::*}` values.
pub fn read_definition(doc: &Document, ctx: &ImportContext) -> Result<Read, OpenApiError> {
    let mut root_value = doc.root.clone();
    substitute_aws_variables(&mut root_value, ctx);
    let root_value = &root_value;
    let p = P::root();
    let root = obj(root_value, &p)?;
    check_refs(root_value, root_value, &p)?;
    let mut warnings = Vec::new();

    let info = match root.get("info") {
        Some(v) => obj(v, &p.k("info"))?,
        None => {
            return Err(p
                .k("info")
                .err("is required (with a title, the API's name)"));
        }
    };
    let name = match info.get("title") {
        Some(v) => string(v, &p.k("info").k("title"))?,
        None => return Err(p.k("info").k("title").err("is required: it names the API")),
    };
    if name.trim().is_empty() {
        return Err(p
            .k("info")
            .k("title")
            .err("must not be empty: it names the API"));
    }
    let description = opt_string(info, "description", &p.k("info"))?.unwrap_or_default();
    let mut definition = ApiDefinition::new(name.trim());
    definition.description = description;

    if root.contains_key("security") {
        warnings.push(
            "Root-level security is ignored (as API Gateway does): set security on each \
             operation."
                .to_owned(),
        );
    }
    for ext in IGNORED_ROOT_EXTENSIONS {
        if root.contains_key(*ext) {
            warnings.push(if *ext == API_KEY_SOURCE {
                format!(
                    "{ext} is not supported by Gatehouse and was ignored: Gatehouse has no API \
                     keys yet, so methods that require one refuse all requests (403)."
                )
            } else {
                format!("{ext} is not supported by Gatehouse and was ignored.")
            });
        }
    }
    let models = match doc.spec {
        Spec::Swagger2 => root.get("definitions"),
        Spec::OpenApi3 => root.get("components").and_then(|c| c.get("schemas")),
    };
    if models
        .and_then(Value::as_object)
        .is_some_and(|m| m.keys().any(|k| k != "Empty"))
    {
        warnings.push(
            "Models (schemas) are not supported by Gatehouse: they were not imported and methods \
             do not validate bodies."
                .to_owned(),
        );
    }

    // Security schemes → authorizers.
    let (schemes_path, schemes) = match doc.spec {
        Spec::Swagger2 => (
            p.k("securityDefinitions"),
            opt_obj(root, "securityDefinitions", &p)?,
        ),
        Spec::OpenApi3 => {
            let components = opt_obj(root, "components", &p)?;
            let cp = p.k("components");
            (
                cp.k("securitySchemes"),
                match components {
                    Some(c) => opt_obj(c, "securitySchemes", &cp)?,
                    None => None,
                },
            )
        }
    };
    let mut scheme_kinds: BTreeMap<String, Scheme> = BTreeMap::new();
    let mut pools = Vec::new();
    if let Some(schemes) = schemes {
        for (scheme_name, raw) in schemes {
            let sp = schemes_path.k(scheme_name);
            let scheme = obj(resolve(root_value, raw), &sp)?;
            let kind = read_scheme(scheme_name, scheme, &sp, &mut definition, &mut pools)?;
            match &kind {
                Scheme::Iam => warnings.push(format!(
                    "Security scheme {scheme_name} (AWS_IAM) is not supported by Gatehouse: \
                     methods that use it are imported as AWS_IAM and will refuse all requests \
                     (403) until their authorization is changed."
                )),
                Scheme::Lambda(t) => warnings.push(format!(
                    "Security scheme {scheme_name} (a Lambda {t} authorizer) is not supported \
                     by Gatehouse and was not imported: methods that use it are imported as \
                     CUSTOM and will refuse all requests (401) until their authorization is \
                     changed."
                )),
                Scheme::Unsupported(what) => warnings.push(format!(
                    "Security scheme {scheme_name} ({what}) is not supported by Gatehouse: \
                     methods that use it are imported WITHOUT authorization (open to anyone \
                     once deployed): give them a Cognito authorizer before deploying."
                )),
                Scheme::ApiKey => warnings.push(format!(
                    "Security scheme {scheme_name} (API key) is not supported by Gatehouse yet: \
                     methods that use it are imported with API key required and will refuse all \
                     requests (403) until that is turned off."
                )),
                Scheme::Cognito => {}
            }
            scheme_kinds.insert(scheme_name.clone(), kind);
        }
    }

    // Request validators.
    let mut validators = RequestValidators::default();
    if let Some(m) = opt_obj(root, VALIDATORS, &p)? {
        let vp = p.k(VALIDATORS);
        for (name, raw) in m {
            let v = obj(raw, &vp.k(name))?;
            validators.validators.insert(
                name.clone(),
                RequestValidator {
                    validate_request_body: opt_bool(v, "validateRequestBody", &vp.k(name))?,
                    validate_request_parameters: opt_bool(
                        v,
                        "validateRequestParameters",
                        &vp.k(name),
                    )?,
                },
            );
        }
    }
    if let Some(name) = opt_string(root, VALIDATOR, &p)? {
        if !validators.validators.contains_key(&name) {
            return Err(p.k(VALIDATOR).err(format!(
                "Request validator '{name}' is not defined in {VALIDATORS}"
            )));
        }
        validators.default = Some(name);
    }
    if !validators.is_empty() {
        warnings.push(
            "Request validators are stored and exported, but Gatehouse does not validate \
             requests yet."
                .to_owned(),
        );
    }

    // Paths → resources and methods.
    let mut named_methods = BTreeSet::new();
    let mut origin: BTreeMap<(String, HttpMethod), String> = BTreeMap::new();
    let mut operation_ids: BTreeMap<String, String> = BTreeMap::new();
    let paths = match root.get("paths") {
        Some(v) => obj(v, &p.k("paths"))?,
        None => return Err(p.k("paths").err("is required (an object of paths)")),
    };
    let mut unrunnable = Vec::new();
    for (raw_path, item) in paths {
        let pp = p.k("paths").k(raw_path);
        if raw_path.starts_with("x-") {
            continue;
        }
        let path = normalize_path(raw_path).ok_or_else(|| {
            pp.err(format!(
                "'{raw_path}' is not a path: paths start with / and have no empty segments"
            ))
        })?;
        let item = obj(resolve(root_value, item), &pp)?;
        let shared_params = match item.get("parameters") {
            Some(v) => read_parameters(root_value, v, &pp.k("parameters"))?,
            None => BTreeMap::new(),
        };
        definition.resources.entry(path.clone()).or_default();
        for (key, op) in item {
            let op_path = pp.k(key);
            let Some(verb) = verb_of(key) else {
                match key.as_str() {
                    "parameters" | "summary" | "description" | "servers" | "$ref" => {}
                    "trace" => warnings.push(format!(
                        "{}: TRACE is not supported by API Gateway and was ignored.",
                        op_path.0
                    )),
                    k if k.starts_with("x-") => {}
                    _ => {
                        return Err(op_path.err(format!(
                            "'{key}' is not an operation: use get, put, post, delete, options, \
                             head, patch or {ANY_METHOD}"
                        )));
                    }
                }
                continue;
            };
            let label = format!("{verb} {path}");
            if let Some(first) = origin.insert((path.clone(), verb), op_path.0.clone()) {
                return Err(op_path.err(format!(
                    "Duplicate operation {label}: {first} already defines it"
                )));
            }
            named_methods.insert((path.clone(), verb));
            let op = obj(op, &op_path)?;
            if let Some(id) = opt_string(op, "operationId", &op_path)?
                && let Some(other) = operation_ids.insert(id.clone(), label.clone())
            {
                warnings.push(format!(
                    "operationId '{id}' is used by both {other} and {label}."
                ));
            }
            let method = read_operation(
                root_value,
                doc.spec,
                op,
                &op_path,
                &label,
                &shared_params,
                &scheme_kinds,
                &mut warnings,
            )?;
            if let Some(name) = opt_string(op, VALIDATOR, &op_path)? {
                if !validators.validators.contains_key(&name) {
                    return Err(op_path.k(VALIDATOR).err(format!(
                        "Request validator '{name}' is not defined in {VALIDATORS}"
                    )));
                }
                validators.methods.insert(label.clone(), name);
            }
            if let Some(i) = &method.integration
                && !i.settings.kind.is_runnable()
            {
                unrunnable.push(format!("{label} ({})", i.settings.kind));
            }
            if method.integration.is_none() {
                warnings.push(format!(
                    "{label} has no {INTEGRATION}: it cannot be deployed until it gets an \
                     integration."
                ));
            }
            if let Some(methods) = definition.resources.get_mut(&path) {
                methods.insert(verb, method);
            }
        }
    }
    if !unrunnable.is_empty() {
        warnings.push(format!(
            "Integrations of type AWS / AWS_PROXY need AWS services, which Gatehouse cannot \
             call: they are stored as configuration and answer 500 when invoked: {}.",
            unrunnable.join(", ")
        ));
    }
    definition.request_validators = validators;
    if let Err(e) = apis::store::validate_definition(&definition) {
        return Err(apis_at(&p.k("paths"), e));
    }
    Ok(Read {
        definition,
        warnings,
        pools,
        named_methods,
    })
}

/// `/pets/` → `/pets`; `None` if not a path.
fn normalize_path(raw: &str) -> Option<String> {
    if !raw.starts_with('/') {
        return None;
    }
    let trimmed = raw.trim_end_matches('/');
    if trimmed.is_empty() {
        return Some("/".to_owned());
    }
    if trimmed.contains("//") {
        return None;
    }
    if let Err(e) = trimmed
        .split('/')
        .skip(1)
        .try_for_each(apis::validate::validate_path_part)
    {
        let _ = e;
        return None;
    }
    Some(trimmed.to_owned())
}

fn read_scheme(
    scheme_name: &str,
    scheme: &Map<String, Value>,
    sp: &P,
    definition: &mut ApiDefinition,
    pools: &mut Vec<PoolRef>,
) -> Result<Scheme, OpenApiError> {
    let kind = opt_string(scheme, "type", sp)?.unwrap_or_default();
    let authtype = opt_string(scheme, AUTHTYPE, sp)?.unwrap_or_default();
    let authorizer = opt_obj(scheme, AUTHORIZER, sp)?;
    let authorizer_type = match authorizer {
        Some(a) => opt_string(a, "type", &sp.k(AUTHORIZER))?.unwrap_or_default(),
        None => String::new(),
    };
    let is_cognito = authtype.eq_ignore_ascii_case("cognito_user_pools")
        || authorizer_type.eq_ignore_ascii_case("cognito_user_pools");
    if !is_cognito {
        if authorizer.is_some() {
            let t = if authorizer_type.is_empty() {
                "token"
            } else {
                authorizer_type.as_str()
            };
            return Ok(Scheme::Lambda(t.to_ascii_lowercase()));
        }
        if authtype.to_ascii_lowercase().starts_with("aws") {
            return Ok(Scheme::Iam);
        }
        let header = opt_string(scheme, "name", sp)?.unwrap_or_default();
        if kind == "apiKey" && header.eq_ignore_ascii_case("x-api-key") {
            return Ok(Scheme::ApiKey);
        }
        return Ok(Scheme::Unsupported(if kind.is_empty() {
            "no type".to_owned()
        } else {
            format!("type {kind}")
        }));
    }
    if kind != "apiKey" {
        return Err(sp.k("type").err(format!(
            "A cognito_user_pools scheme must be `type: apiKey` (with `in: header` and the token \
             header as `name`), not '{kind}'"
        )));
    }
    let ap = sp.k(AUTHORIZER);
    let Some(authorizer) = authorizer else {
        return Err(ap.err("is required for a cognito_user_pools scheme (it lists providerARNs)"));
    };
    let providers: Vec<String> = match authorizer.get("providerARNs") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| string(v, &ap.k("providerARNs").i(i)))
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(ap.k("providerARNs").err(format!(
                "must be an array of user pool ARNs, not {}",
                type_name(other)
            )));
        }
        None => {
            return Err(ap
                .k("providerARNs")
                .err("is required: the user pools whose tokens this authorizer accepts"));
        }
    };
    let header = opt_string(scheme, "name", sp)?;
    let identity_source = match opt_string(authorizer, "identitySource", &ap)? {
        Some(s) => Some(s),
        None => header
            .filter(|h| !h.is_empty())
            .map(|h| format!("method.request.header.{h}")),
    };
    let settings = AuthorizerSettings {
        name: scheme_name.to_owned(),
        provider_arns: providers.clone(),
        identity_source,
        identity_validation_expression: opt_string(
            authorizer,
            "identityValidationExpression",
            &ap,
        )?,
        authorizer_result_ttl_in_seconds: opt_int(authorizer, "authorizerResultTtlInSeconds", &ap)?,
    };
    apis::validate::validate_authorizer(&settings).map_err(|e| {
        let field = e.field().unwrap_or_default();
        let at = match field {
            "providerARNs" => ap.k("providerARNs"),
            "identitySource" => ap.k("identitySource"),
            "identityValidationExpression" => ap.k("identityValidationExpression"),
            "authorizerResultTtlInSeconds" => ap.k("authorizerResultTtlInSeconds"),
            _ => sp.clone(),
        };
        apis_at(&at, e)
    })?;
    // As stored (defaults filled in, blank expression dropped).
    let settings = AuthorizerSettings {
        provider_arns: settings
            .provider_arns
            .iter()
            .map(|p| p.trim().to_owned())
            .collect(),
        identity_source: Some(
            settings
                .identity_source
                .clone()
                .unwrap_or_else(|| apis::DEFAULT_IDENTITY_SOURCE.to_owned()),
        ),
        identity_validation_expression: settings
            .identity_validation_expression
            .clone()
            .filter(|e| !e.is_empty()),
        authorizer_result_ttl_in_seconds: Some(
            settings
                .authorizer_result_ttl_in_seconds
                .unwrap_or(apis::DEFAULT_AUTHORIZER_TTL),
        ),
        ..settings
    };
    for provider in providers {
        // As the gateway decides: an ARN names this Gatehouse's pool when a pool with that
        // id exists here; an issuer URL when it has this Gatehouse's form
        // (`{console}/cognito-idp/{poolId}`) and the pool exists.
        let local_pool_id = apis::provider_to_pool(&provider, "")
            .ok()
            .filter(|r| match r.kind {
                apis::ProviderKind::Arn { .. } => true,
                _ => provider
                    .trim()
                    .trim_end_matches('/')
                    .ends_with(&format!("/cognito-idp/{}", r.pool_id)),
            })
            .map(|r| r.pool_id);
        pools.push(PoolRef {
            authorizer: scheme_name.to_owned(),
            provider: provider.trim().to_owned(),
            local_pool_id,
        });
    }
    definition
        .authorizers
        .insert(scheme_name.to_owned(), settings);
    Ok(Scheme::Cognito)
}

/// `parameters` → `method.request.{path|querystring|header}.NAME` → required.
fn read_parameters(
    root: &Value,
    v: &Value,
    pp: &P,
) -> Result<BTreeMap<String, bool>, OpenApiError> {
    let Value::Array(items) = v else {
        return Err(pp.err(format!("must be an array, not {}", type_name(v))));
    };
    let mut out = BTreeMap::new();
    for (i, raw) in items.iter().enumerate() {
        let ip = pp.i(i);
        let param = obj(resolve(root, raw), &ip)?;
        let name = match param.get("name") {
            Some(v) => string(v, &ip.k("name"))?,
            None => return Err(ip.k("name").err("is required")),
        };
        let location = match param.get("in") {
            Some(v) => string(v, &ip.k("in"))?,
            None => return Err(ip.k("in").err("is required (path, query or header)")),
        };
        let required = opt_bool(param, "required", &ip)?;
        let key = match location.as_str() {
            "path" => format!("method.request.path.{name}"),
            "query" => format!("method.request.querystring.{name}"),
            "header" => format!("method.request.header.{name}"),
            // Bodies are described by models, which are not imported.
            "body" | "formData" | "cookie" => continue,
            other => {
                return Err(ip.k("in").err(format!(
                    "'{other}' is not a parameter location: use path, query, header or body"
                )));
            }
        };
        out.insert(key, required || location == "path");
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn read_operation(
    root: &Value,
    spec: Spec,
    op: &Map<String, Value>,
    op_path: &P,
    label: &str,
    shared_params: &BTreeMap<String, bool>,
    schemes: &BTreeMap<String, Scheme>,
    warnings: &mut Vec<String>,
) -> Result<MethodDefinition, OpenApiError> {
    let mut request_parameters = shared_params.clone();
    if let Some(v) = op.get("parameters") {
        request_parameters.extend(read_parameters(root, v, &op_path.k("parameters"))?);
    }
    let mut method = MethodDefinition {
        authorization_type: AuthorizationType::None,
        authorizer: None,
        authorization_scopes: Vec::new(),
        api_key_required: false,
        request_parameters,
        method_responses: BTreeMap::new(),
        integration: None,
    };

    // security: [{scheme: [scopes]}, ...]. A method has one authorization: the first scheme
    // that sets one wins (named here for the warning about the others), except that a Cognito
    // scheme, which Gatehouse enforces, replaces an earlier AWS_IAM or Lambda one.
    let mut auth_scheme: Option<String> = None;
    if let Some(sec) = op.get("security") {
        let sp = op_path.k("security");
        let Value::Array(reqs) = sec else {
            return Err(sp.err(format!("must be an array, not {}", type_name(sec))));
        };
        for (i, req) in reqs.iter().enumerate() {
            let rp = sp.i(i);
            for (scheme, scopes) in obj(req, &rp)? {
                let scope_path = rp.k(scheme);
                let Some(kind) = schemes.get(scheme) else {
                    let section = match spec {
                        Spec::Swagger2 => "securityDefinitions",
                        Spec::OpenApi3 => "components.securitySchemes",
                    };
                    return Err(scope_path.err(format!(
                        "Security scheme '{scheme}' is not defined in {section}"
                    )));
                };
                let scopes: Vec<String> = match scopes {
                    Value::Array(s) => s
                        .iter()
                        .enumerate()
                        .map(|(j, v)| string(v, &scope_path.i(j)))
                        .collect::<Result<_, _>>()?,
                    Value::Null => Vec::new(),
                    other => {
                        return Err(scope_path.err(format!(
                            "must be an array of scopes, not {}",
                            type_name(other)
                        )));
                    }
                };
                let authorization_type = match kind {
                    Scheme::Cognito => AuthorizationType::CognitoUserPools,
                    Scheme::Iam => AuthorizationType::AwsIam,
                    Scheme::Lambda(_) => AuthorizationType::Custom,
                    Scheme::ApiKey => {
                        if !method.api_key_required {
                            warnings.push(format!(
                                "{label}: API key required: the method will refuse all \
                                 requests (403) until Gatehouse has API keys or the requirement \
                                 is turned off."
                            ));
                        }
                        method.api_key_required = true;
                        continue;
                    }
                    Scheme::Unsupported(_) => continue,
                };
                if let Some(first) = &auth_scheme {
                    if method.authorization_type.is_enforceable()
                        || !authorization_type.is_enforceable()
                    {
                        warnings.push(format!(
                            "{label}: more than one authorization scheme in security; the \
                             first ({first}) is used."
                        ));
                        continue;
                    }
                    warnings.push(format!(
                        "{label}: more than one authorization scheme in security; {scheme} \
                         (Cognito) is used instead of {first}."
                    ));
                }
                auth_scheme = Some(scheme.clone());
                method.authorization_type = authorization_type;
                if authorization_type == AuthorizationType::CognitoUserPools {
                    method.authorizer = Some(scheme.clone());
                    method.authorization_scopes = scopes;
                }
            }
        }
    }

    // x-amazon-apigateway-auth: IAM set on the operation itself.
    if let Some(auth) = opt_obj(op, AUTH, op_path)? {
        let ap = op_path.k(AUTH);
        let kind = opt_string(auth, "type", &ap)?.unwrap_or_default();
        if kind.eq_ignore_ascii_case("aws_iam") {
            match &auth_scheme {
                Some(first) => warnings.push(format!(
                    "{label}: {AUTH} (AWS_IAM) is ignored: security already sets the \
                     authorization ({first})."
                )),
                None => {
                    method.authorization_type = AuthorizationType::AwsIam;
                    warnings.push(format!(
                        "{label}: AWS_IAM authorization is not supported by Gatehouse: the method \
                         is imported as AWS_IAM and will refuse all requests (403) until its \
                         authorization is changed."
                    ));
                }
            }
        } else if !kind.eq_ignore_ascii_case("none") {
            return Err(ap
                .k("type")
                .err(format!("must be AWS_IAM or NONE, not '{kind}'")));
        }
    }

    // responses → method responses
    let mut produces = BTreeSet::new();
    if let Some(responses) = opt_obj(op, "responses", op_path)? {
        let rp = op_path.k("responses");
        for (code, raw) in responses {
            if code == "default" || code.starts_with("x-") {
                continue;
            }
            let cp = rp.k(code);
            if apis::validate::validate_status_code(code).is_err() {
                return Err(cp.err(format!(
                    "'{code}' is not a status code: use a 3-digit code from 100 to 599"
                )));
            }
            let response = obj(resolve(root, raw), &cp)?;
            let mut settings = MethodResponseSettings::default();
            if let Some(headers) = opt_obj(response, "headers", &cp)? {
                for name in headers.keys() {
                    settings
                        .response_parameters
                        .insert(format!("method.response.header.{name}"), false);
                }
            }
            if let Some(content) = opt_obj(response, "content", &cp)? {
                produces.extend(content.keys().cloned());
            }
            apis::validate::validate_method_response(code, &settings)
                .map_err(|e| apis_at(&cp, e))?;
            method.method_responses.insert(code.clone(), settings);
        }
    }
    let _ = produces;

    if let Some(raw) = op.get(INTEGRATION) {
        let ip = op_path.k(INTEGRATION);
        let integration = read_integration(obj(raw, &ip)?, &ip, label, &mut method, warnings)?;
        method.integration = Some(integration);
    }
    Ok(method)
}

fn read_integration(
    i: &Map<String, Value>,
    ip: &P,
    label: &str,
    method: &mut MethodDefinition,
    warnings: &mut Vec<String>,
) -> Result<IntegrationDefinition, OpenApiError> {
    let kind_text = match i.get("type") {
        Some(v) => string(v, &ip.k("type"))?,
        None => {
            return Err(ip
                .k("type")
                .err("is required: mock, http, http_proxy, aws or aws_proxy"));
        }
    };
    let kind = IntegrationType::parse(&kind_text.to_ascii_uppercase()).map_err(|_| {
        ip.k("type").err(format!(
            "Unknown integration type '{kind_text}': use mock, http, http_proxy, aws or aws_proxy"
        ))
    })?;
    let http_method = match opt_string(i, "httpMethod", ip)? {
        Some(m) => Some(HttpMethod::parse(&m.to_ascii_uppercase()).map_err(|_| {
            ip.k("httpMethod").err(format!(
                "'{m}' is not an HTTP method: use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY"
            ))
        })?),
        None => None,
    };
    let passthrough_behavior = match opt_string(i, "passthroughBehavior", ip)? {
        Some(b) => Some(
            PassthroughBehavior::parse(&b.to_ascii_uppercase()).map_err(|_| {
                ip.k("passthroughBehavior").err(format!(
                "'{b}' is not a passthrough behavior: use when_no_match, when_no_templates or never"
            ))
            })?,
        ),
        None => None,
    };
    for ignored in [
        "credentials",
        "contentHandling",
        "connectionType",
        "connectionId",
        "tlsConfig",
    ] {
        if i.contains_key(ignored) {
            warnings.push(format!(
                "{label}: {INTEGRATION}.{ignored} is not supported by Gatehouse and was ignored."
            ));
        }
    }
    let mut settings = IntegrationSettings {
        kind,
        http_method,
        uri: opt_string(i, "uri", ip)?,
        request_parameters: string_map(i, "requestParameters", ip)?,
        request_templates: string_map(i, "requestTemplates", ip)?,
        passthrough_behavior,
        timeout_in_millis: opt_int(i, "timeoutInMillis", ip)?,
    };
    apis::validate::validate_integration(&settings, &method.request_parameters).map_err(|e| {
        let at = match e.field() {
            Some(
                f @ ("uri" | "httpMethod" | "timeoutInMillis" | "requestParameters"
                | "requestTemplates"),
            ) => ip.k(f),
            _ => ip.clone(),
        };
        apis_at(&at, e)
    })?;
    // As stored, so that comparing with the stored API shows only real differences.
    settings.passthrough_behavior = Some(settings.passthrough_behavior.unwrap_or_default());
    settings.timeout_in_millis = Some(
        settings
            .timeout_in_millis
            .unwrap_or(apis::DEFAULT_TIMEOUT_MILLIS),
    );

    let mut responses: BTreeMap<String, IntegrationResponseSettings> = BTreeMap::new();
    let mut patterns: BTreeMap<String, String> = BTreeMap::new();
    if let Some(rs) = opt_obj(i, "responses", ip)? {
        let rsp = ip.k("responses");
        for (pattern, raw) in rs {
            let rp = rsp.k(pattern);
            let r = obj(raw, &rp)?;
            let code = match r.get("statusCode") {
                Some(v) => string_or_number(v, &rp.k("statusCode"))?,
                None => return Err(rp.k("statusCode").err("is required")),
            };
            apis::validate::validate_status_code(&code)
                .map_err(|e| apis_at(&rp.k("statusCode"), e))?;
            let settings = IntegrationResponseSettings {
                selection_pattern: if pattern == "default" {
                    None
                } else {
                    Some(pattern.clone())
                },
                response_parameters: string_map(r, "responseParameters", &rp)?,
                response_templates: string_map(r, "responseTemplates", &rp)?,
            };
            if let Some(other) = patterns.insert(code.clone(), pattern.clone()) {
                warnings.push(format!(
                    "{label}: the integration responses '{other}' and '{pattern}' both give \
                     status {code}; Gatehouse keeps one integration response per status code, \
                     the last ('{pattern}')."
                ));
            }
            // A status or mapped header the method does not declare is declared for it.
            let declared = method.method_responses.entry(code.clone()).or_default();
            for target in settings.response_parameters.keys() {
                if target.starts_with("method.response.header.")
                    && !declared.response_parameters.contains_key(target)
                {
                    declared.response_parameters.insert(target.clone(), false);
                }
            }
            apis::validate::validate_integration_response(
                &code,
                &settings,
                &declared.response_parameters,
            )
            .map_err(|e| {
                let at = match e.field() {
                    Some(f @ ("selectionPattern" | "responseParameters" | "responseTemplates")) => {
                        rp.k(f)
                    }
                    _ => rp.clone(),
                };
                apis_at(&at, e)
            })?;
            responses.insert(code, settings);
        }
    }
    Ok(IntegrationDefinition {
        settings,
        responses,
    })
}
