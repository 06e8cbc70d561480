//! What the caller provides to a render (`$input`, `$context`, `$stageVariables`) and the
//! overrides it reads back.

use std::rc::Rc;

use indexmap::IndexMap;

use crate::json;
use crate::uses::ContextKeys;
use crate::value::{MapRef, Value, display, parse_json_number};

/// Everything a template can see. Build it with `Context::default()` and fill in what the request
/// has; missing values are null to the template (and render empty).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// `$input`: body and request parameters.
    pub input: Input,
    /// `$context`.
    pub request: RequestContext,
    /// `$stageVariables`, in order.
    pub stage_variables: Vec<(String, String)>,
    /// The initial `$context.requestOverride` / `$context.responseOverride`. A response template
    /// sees what the request template assigned (API Gateway carries them over).
    pub overrides: Overrides,
}

/// `$input`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    /// The raw payload. `$input.body` renders it unchanged; an empty body reads as `{}`.
    pub body: String,
    /// Path parameters, e.g. `("id", "abc")` for `/things/{id}`.
    pub path: Vec<(String, String)>,
    /// Query-string parameters (decoded). For a repeated name the last value wins.
    pub querystring: Vec<(String, String)>,
    /// Request headers. For a repeated name the last value wins.
    pub header: Vec<(String, String)>,
}

/// `$context`: the request context. `None` fields are null to the template.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestContext {
    pub account_id: Option<String>,
    pub api_id: Option<String>,
    pub domain_name: Option<String>,
    pub domain_prefix: Option<String>,
    pub extended_request_id: Option<String>,
    pub http_method: Option<String>,
    /// `$context.path`, e.g. `/prod/things/abc`.
    pub path: Option<String>,
    pub protocol: Option<String>,
    pub request_id: Option<String>,
    /// CLF format, `dd/MMM/yyyy:HH:mm:ss +-hhmm`.
    pub request_time: Option<String>,
    /// Milliseconds since the epoch.
    pub request_time_epoch: Option<i64>,
    pub resource_id: Option<String>,
    /// The resource template, e.g. `/things/{id}`.
    pub resource_path: Option<String>,
    pub stage: Option<String>,
    pub identity: Identity,
    pub authorizer: Authorizer,
    /// Any other `$context` keys (`error`, `wafResponseCode`, …) as JSON; objects become maps.
    pub extra: Vec<(String, serde_json::Value)>,
}

/// `$context.identity`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub account_id: Option<String>,
    pub api_key: Option<String>,
    pub api_key_id: Option<String>,
    pub caller: Option<String>,
    pub cognito_authentication_provider: Option<String>,
    pub cognito_authentication_type: Option<String>,
    pub cognito_identity_id: Option<String>,
    pub cognito_identity_pool_id: Option<String>,
    pub principal_org_id: Option<String>,
    pub user: Option<String>,
    pub user_arn: Option<String>,
}

/// `$context.authorizer`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Authorizer {
    /// Cognito user-pool claims, stringified (`$context.authorizer.claims.sub`,
    /// `$context.authorizer.claims['custom:role']`).
    pub claims: Vec<(String, String)>,
    /// `$context.authorizer.principalId`.
    pub principal_id: Option<String>,
    /// A Lambda authorizer's context, stringified (`$context.authorizer.<key>`).
    pub context: Vec<(String, String)>,
}

/// Values assigned to `$context.requestOverride` and `$context.responseOverride`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub request: RequestOverride,
    pub response: ResponseOverride,
}

/// `$context.requestOverride`. Header and query-string values are lists: a single assignment is
/// one value, `[$a, $b]` is a multi-value override.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestOverride {
    pub header: Vec<(String, Vec<String>)>,
    pub querystring: Vec<(String, Vec<String>)>,
    pub path: Vec<(String, String)>,
    /// Any other keys assigned under `requestOverride`.
    pub extra: Vec<(String, serde_json::Value)>,
}

/// `$context.responseOverride`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseOverride {
    /// The status, when the template assigned an integer (or integer string) in 100–599; other
    /// values are ignored, as API Gateway does.
    pub status: Option<u16>,
    pub header: Vec<(String, Vec<String>)>,
    /// Any other keys assigned under `responseOverride` (API Gateway keeps them for the response
    /// template).
    pub extra: Vec<(String, serde_json::Value)>,
}

fn key(s: &str) -> Rc<str> {
    Rc::from(s)
}

fn string_map<'a>(pairs: impl IntoIterator<Item = (&'a String, &'a String)>) -> Value {
    let mut m = IndexMap::new();
    for (k, v) in pairs {
        m.insert(key(k), Value::str(v.as_str()));
    }
    Value::new_map(m)
}

fn multi_map(pairs: &[(String, Vec<String>)]) -> Value {
    let mut m = IndexMap::new();
    for (k, vs) in pairs {
        let v = if vs.len() == 1 {
            Value::str(vs[0].as_str())
        } else {
            Value::new_list(vs.iter().map(|s| Value::str(s.as_str())).collect(), false)
        };
        m.insert(key(k), v);
    }
    Value::new_map(m)
}

fn put_opt(m: &mut IndexMap<Rc<str>, Value>, k: &str, v: &Option<String>) {
    if let Some(v) = v {
        m.insert(key(k), Value::str(v.as_str()));
    }
}

fn put_extra(m: &mut IndexMap<Rc<str>, Value>, extra: &[(String, serde_json::Value)]) {
    for (k, v) in extra {
        m.insert(key(k), json::from_serde(v, 0));
    }
}

impl Input {
    /// `$input.params()`: `{path={…}, querystring={…}, header={…}}`.
    pub(crate) fn params_value(&self) -> Value {
        let mut m = IndexMap::new();
        m.insert(
            key("path"),
            string_map(self.path.iter().map(|(k, v)| (k, v))),
        );
        m.insert(
            key("querystring"),
            string_map(self.querystring.iter().map(|(k, v)| (k, v))),
        );
        m.insert(
            key("header"),
            string_map(self.header.iter().map(|(k, v)| (k, v))),
        );
        Value::new_map(m)
    }

    /// `$input.params(name)`: path, then query string, then header; `""` when absent.
    pub(crate) fn param(&self, name: &str) -> String {
        let last = |pairs: &[(String, String)]| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        last(&self.path)
            .or_else(|| last(&self.querystring))
            .or_else(|| last(&self.header))
            .or_else(|| {
                self.header
                    .iter()
                    .rev()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            })
            .unwrap_or_default()
    }
}

impl Context {
    /// The `$context` map, with the entries `wanted` (and the overrides always: the render
    /// reads them back).
    pub(crate) fn context_map(&self, wanted: &ContextKeys) -> MapRef {
        let r = &self.request;
        let mut m = IndexMap::new();
        let put = |m: &mut IndexMap<Rc<str>, Value>, k: &str, v: &Option<String>| {
            if wanted.wants(k) {
                put_opt(m, k, v);
            }
        };
        put(&mut m, "accountId", &r.account_id);
        put(&mut m, "apiId", &r.api_id);

        if wanted.wants("authorizer") {
            let mut auth = IndexMap::new();
            auth.insert(
                key("claims"),
                string_map(
                    r.authorizer
                        .claims
                        .iter()
                        .filter(|(k, _)| wanted.wants_claim(k))
                        .map(|(k, v)| (k, v)),
                ),
            );
            put_opt(&mut auth, "principalId", &r.authorizer.principal_id);
            for (k, v) in &r.authorizer.context {
                auth.insert(key(k), Value::str(v.as_str()));
            }
            m.insert(key("authorizer"), Value::new_map(auth));
        }

        put(&mut m, "domainName", &r.domain_name);
        put(&mut m, "domainPrefix", &r.domain_prefix);
        put(&mut m, "extendedRequestId", &r.extended_request_id);
        put(&mut m, "httpMethod", &r.http_method);

        if wanted.wants("identity") {
            let i = &r.identity;
            let mut id = IndexMap::new();
            put_opt(&mut id, "accountId", &i.account_id);
            put_opt(&mut id, "apiKey", &i.api_key);
            put_opt(&mut id, "apiKeyId", &i.api_key_id);
            put_opt(&mut id, "caller", &i.caller);
            put_opt(
                &mut id,
                "cognitoAuthenticationProvider",
                &i.cognito_authentication_provider,
            );
            put_opt(
                &mut id,
                "cognitoAuthenticationType",
                &i.cognito_authentication_type,
            );
            put_opt(&mut id, "cognitoIdentityId", &i.cognito_identity_id);
            put_opt(
                &mut id,
                "cognitoIdentityPoolId",
                &i.cognito_identity_pool_id,
            );
            put_opt(&mut id, "principalOrgId", &i.principal_org_id);
            put_opt(&mut id, "sourceIp", &i.source_ip);
            put_opt(&mut id, "user", &i.user);
            put_opt(&mut id, "userAgent", &i.user_agent);
            put_opt(&mut id, "userArn", &i.user_arn);
            m.insert(key("identity"), Value::new_map(id));
        }

        put(&mut m, "path", &r.path);
        put(&mut m, "protocol", &r.protocol);
        put(&mut m, "requestId", &r.request_id);
        put(&mut m, "requestTime", &r.request_time);
        if let Some(epoch) = r.request_time_epoch
            && wanted.wants("requestTimeEpoch")
        {
            m.insert(key("requestTimeEpoch"), Value::Int(epoch));
        }
        put(&mut m, "resourceId", &r.resource_id);
        put(&mut m, "resourcePath", &r.resource_path);
        put(&mut m, "stage", &r.stage);

        let o = &self.overrides;
        let mut req = IndexMap::new();
        req.insert(key("header"), multi_map(&o.request.header));
        req.insert(
            key("path"),
            string_map(o.request.path.iter().map(|(k, v)| (k, v))),
        );
        req.insert(key("querystring"), multi_map(&o.request.querystring));
        put_extra(&mut req, &o.request.extra);
        m.insert(key("requestOverride"), Value::new_map(req));

        let mut resp = IndexMap::new();
        resp.insert(key("header"), multi_map(&o.response.header));
        if let Some(status) = o.response.status {
            resp.insert(key("status"), Value::Int(i64::from(status)));
        }
        put_extra(&mut resp, &o.response.extra);
        m.insert(key("responseOverride"), Value::new_map(resp));

        for (k, v) in &r.extra {
            // An extra entry replaces an override map as before, wanted or not.
            if wanted.wants(k) || k == "requestOverride" || k == "responseOverride" {
                m.insert(key(k), json::from_serde(v, 0));
            }
        }
        Rc::new(std::cell::RefCell::new(crate::value::MapData {
            entries: m,
        }))
    }

    /// What a straight-line template's `source` reads from this context (see
    /// [`crate::Template::straight`]): the reference the substitution tests compare the full
    /// render against. Callers resolve sources from their own request data.
    #[cfg(test)]
    pub(crate) fn value_of(
        &self,
        source: &crate::straight::Source,
    ) -> Option<std::borrow::Cow<'_, str>> {
        use crate::straight::Source;
        use std::borrow::Cow;
        let r = &self.request;
        fn borrowed(v: &Option<String>) -> Option<Cow<'_, str>> {
            v.as_deref().map(Cow::Borrowed)
        }
        fn last<'a>(pairs: &'a [(String, String)], name: &str) -> Option<Cow<'a, str>> {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| Cow::Borrowed(v.as_str()))
        }
        match source {
            Source::Context(key) => match &**key {
                "accountId" => borrowed(&r.account_id),
                "apiId" => borrowed(&r.api_id),
                "domainName" => borrowed(&r.domain_name),
                "domainPrefix" => borrowed(&r.domain_prefix),
                "extendedRequestId" => borrowed(&r.extended_request_id),
                "httpMethod" => borrowed(&r.http_method),
                "path" => borrowed(&r.path),
                "protocol" => borrowed(&r.protocol),
                "requestId" => borrowed(&r.request_id),
                "requestTime" => borrowed(&r.request_time),
                "requestTimeEpoch" => r.request_time_epoch.map(|e| Cow::Owned(e.to_string())),
                "resourceId" => borrowed(&r.resource_id),
                "resourcePath" => borrowed(&r.resource_path),
                "stage" => borrowed(&r.stage),
                _ => None,
            },
            Source::Identity(key) => {
                let i = &r.identity;
                match &**key {
                    "accountId" => borrowed(&i.account_id),
                    "apiKey" => borrowed(&i.api_key),
                    "apiKeyId" => borrowed(&i.api_key_id),
                    "caller" => borrowed(&i.caller),
                    "cognitoAuthenticationProvider" => borrowed(&i.cognito_authentication_provider),
                    "cognitoAuthenticationType" => borrowed(&i.cognito_authentication_type),
                    "cognitoIdentityId" => borrowed(&i.cognito_identity_id),
                    "cognitoIdentityPoolId" => borrowed(&i.cognito_identity_pool_id),
                    "principalOrgId" => borrowed(&i.principal_org_id),
                    "sourceIp" => borrowed(&i.source_ip),
                    "user" => borrowed(&i.user),
                    "userAgent" => borrowed(&i.user_agent),
                    "userArn" => borrowed(&i.user_arn),
                    _ => None,
                }
            }
            // A Lambda authorizer's context entry of the same name is read instead.
            Source::PrincipalId => last(&r.authorizer.context, "principalId")
                .or_else(|| borrowed(&r.authorizer.principal_id)),
            Source::Claim(name) => last(&r.authorizer.claims, name),
            Source::StageVariable(name) => last(&self.stage_variables, name),
        }
    }

    pub(crate) fn stage_variables_value(&self) -> Value {
        string_map(self.stage_variables.iter().map(|(k, v)| (k, v)))
    }
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        other => display(other).ok(),
    }
}

fn values_of(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l.borrow().items.iter().filter_map(text_of).collect(),
        other => text_of(other).into_iter().collect(),
    }
}

fn entries(v: Option<&Value>) -> Vec<(Rc<str>, Value)> {
    match v {
        Some(Value::Map(m)) => m
            .borrow()
            .entries
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        _ => Vec::new(),
    }
}

fn multi_values(v: Option<&Value>) -> Vec<(String, Vec<String>)> {
    entries(v)
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.to_string(), values_of(&v)))
        .collect()
}

fn status_of(v: &Value) -> Option<u16> {
    let n = match v {
        Value::Int(i) => *i,
        Value::Num(t) => match parse_json_number(t) {
            crate::value::Num::I(i) => i,
            crate::value::Num::F(_) => return None,
        },
        Value::Str(s) => s.trim().parse::<i64>().ok()?,
        _ => return None,
    };
    u16::try_from(n).ok().filter(|s| (100..=599).contains(s))
}

/// Reads the override maps back out of the `$context` map after rendering.
pub(crate) fn read_overrides(context: &MapRef) -> Overrides {
    let ctx = context.borrow();
    let mut out = Overrides::default();
    if let Some(Value::Map(req)) = ctx.entries.get("requestOverride") {
        let req = req.borrow();
        out.request.header = multi_values(req.entries.get("header"));
        out.request.querystring = multi_values(req.entries.get("querystring"));
        out.request.path = multi_values(req.entries.get("path"))
            .into_iter()
            .map(|(k, vs)| (k, vs.join(",")))
            .collect();
        for (k, v) in req.entries.iter() {
            if !matches!(&**k, "header" | "querystring" | "path") && !v.is_null() {
                out.request
                    .extra
                    .push((k.to_string(), json::to_serde(v, 0, &mut 100_000)));
            }
        }
    }
    if let Some(Value::Map(resp)) = ctx.entries.get("responseOverride") {
        let resp = resp.borrow();
        out.response.header = multi_values(resp.entries.get("header"));
        out.response.status = resp.entries.get("status").and_then(status_of);
        for (k, v) in resp.entries.iter() {
            if !matches!(&**k, "header" | "status") && !v.is_null() {
                out.response
                    .extra
                    .push((k.to_string(), json::to_serde(v, 0, &mut 100_000)));
            }
        }
    }
    out
}
