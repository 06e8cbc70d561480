//! Pure validation of everything a caller can send. Each error names its field (the AWS/serde
//! field name). The store calls these before touching the database; the console may call them
//! too, to check a form before sending it.
//!
//! Regexes (`selectionPattern`, `identityValidationExpression`) are AWS Java regexes; they are
//! checked with Rust's `regex`, so constructs it lacks (look-around, back-references) are
//! refused here because the gateway could not run them either.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::error::{ApisError, msg};
use crate::model::{
    AuthorizationType, AuthorizerSettings, IntegrationResponseSettings, IntegrationSettings,
    IntegrationType, MethodResponseSettings, MethodSettings,
};
use crate::provider;

/// The largest mapping template API Gateway takes (300 KB).
pub const MAX_TEMPLATE_BYTES: usize = 300 * 1024;
pub const MIN_TIMEOUT_MILLIS: i32 = 50;
pub const MAX_TIMEOUT_MILLIS: i32 = 29_000;
pub const MAX_AUTHORIZER_TTL: i32 = 3600;
pub const MAX_STAGE_VARIABLES: usize = 100;
pub const MAX_STAGE_VARIABLE_NAME: usize = 64;
pub const MAX_STAGE_VARIABLE_VALUE: usize = 512;
pub const MAX_NAME_LEN: usize = 1024;
/// Names are stored in unique indexes, whose entries PostgreSQL caps at about 2.7 kB: 1024
/// characters of four bytes each would not fit.
pub const MAX_NAME_BYTES: usize = 2048;
/// A resource's full path (`/a/{b}/c`), also a unique index entry.
pub const MAX_RESOURCE_PATH_LEN: usize = 2048;
pub const MAX_DESCRIPTION_LEN: usize = 4096;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex")
}

/// A literal path part.
static LITERAL_PART: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z0-9._:,-]+$"));
/// `{name}` or `{name+}`.
static VARIABLE_PART: LazyLock<Regex> = LazyLock::new(|| re(r"^\{([A-Za-z0-9._-]+)(\+?)\}$"));
/// A request/response parameter name.
static PARAM_NAME: &str = r"[a-zA-Z0-9._$-]+";
static METHOD_REQUEST_PARAM: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^method\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.{PARAM_NAME}$"
    ))
});
static INTEGRATION_REQUEST_PARAM: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^integration\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.{PARAM_NAME}$"
    ))
});
static METHOD_RESPONSE_HEADER: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"^method\.response\.header\.{PARAM_NAME}$")));
/// Sources both request and response mappings take.
static COMMON_SOURCE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^('[^']*'|stageVariables\.{PARAM_NAME}|context\.[a-zA-Z0-9._$:-]+)$"
    ))
});
static METHOD_BODY_SOURCE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^method\.request\.body(\..+)?$"));
static INTEGRATION_RESPONSE_SOURCE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^integration\.response\.((header|multivalueheader)\.{PARAM_NAME}|body(\..+)?)$"
    ))
});
static CONTENT_TYPE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^([A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+*-]+|\$default)$"));
static HEADER_NAME: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$"));
static STAGE_NAME: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z0-9_-]{1,128}$"));
static STAGE_VARIABLE_NAME: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z0-9_]+$"));
static STAGE_VARIABLE_VALUE: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z0-9\-._~:/?#&=,]+$"));
static STAGE_VARIABLE_REF: LazyLock<Regex> =
    LazyLock::new(|| re(r"\$\{stageVariables\.[A-Za-z0-9_]+\}"));
static URI_PATH_PARAM: LazyLock<Regex> = LazyLock::new(|| re(r"\{[A-Za-z0-9._$-]+\+?\}"));
static OAUTH_SCOPE: LazyLock<Regex> = LazyLock::new(|| re(r"^[\x21\x23-\x5B\x5D-\x7E]+$"));

/// What a path part is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPart<'a> {
    Literal(&'a str),
    /// `{name}`: one segment.
    Variable(&'a str),
    /// `{name+}`: one or more segments.
    Greedy(&'a str),
}

impl PathPart<'_> {
    pub fn is_variable(self) -> bool {
        !matches!(self, PathPart::Literal(_))
    }

    pub fn variable_name(self) -> Option<String> {
        match self {
            PathPart::Literal(_) => None,
            PathPart::Variable(n) | PathPart::Greedy(n) => Some(n.to_owned()),
        }
    }
}

/// Parses a resource's `pathPart`, with AWS's message when it has the wrong form.
pub fn parse_path_part(path_part: &str) -> Result<PathPart<'_>, ApisError> {
    if let Some(c) = VARIABLE_PART.captures(path_part) {
        let name = c.get(1).map(|m| m.as_str()).unwrap_or_default();
        return Ok(if c.get(2).is_some_and(|m| !m.as_str().is_empty()) {
            PathPart::Greedy(name)
        } else {
            PathPart::Variable(name)
        });
    }
    if LITERAL_PART.is_match(path_part) {
        return Ok(PathPart::Literal(path_part));
    }
    Err(ApisError::invalid("pathPart", msg::PATH_PART))
}

pub fn validate_path_part(path_part: &str) -> Result<(), ApisError> {
    parse_path_part(path_part).map(|_| ())
}

/// The path variables of a full path (`/pets/{id}/{rest+}` → `id`, `rest`).
pub fn path_variables(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|seg| parse_path_part(seg).ok().and_then(PathPart::variable_name))
        .collect()
}

fn check_name(field: &'static str, what: &str, name: &str) -> Result<(), ApisError> {
    if name.trim().is_empty() {
        return Err(ApisError::invalid(
            field,
            format!("Enter a name for the {what}."),
        ));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(ApisError::invalid(
            field,
            format!("The name is too long (at most {MAX_NAME_LEN} characters)."),
        ));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(ApisError::invalid(
            field,
            format!("The name is too long (at most {MAX_NAME_BYTES} bytes of UTF-8)."),
        ));
    }
    Ok(())
}

/// A resource path within [`MAX_RESOURCE_PATH_LEN`] (its parts are ASCII: bytes are
/// characters).
pub fn validate_resource_path(path: &str) -> Result<(), ApisError> {
    if path.len() > MAX_RESOURCE_PATH_LEN {
        return Err(ApisError::invalid(
            "pathPart",
            format!("The resource path is too long (at most {MAX_RESOURCE_PATH_LEN} characters)."),
        ));
    }
    Ok(())
}

pub fn validate_api_name(name: &str) -> Result<(), ApisError> {
    check_name("name", "API", name)
}

pub fn validate_description(description: &str) -> Result<(), ApisError> {
    if description.chars().count() > MAX_DESCRIPTION_LEN {
        return Err(ApisError::invalid(
            "description",
            format!("The description is too long (at most {MAX_DESCRIPTION_LEN} characters)."),
        ));
    }
    Ok(())
}

/// `Invalid mapping expression specified: Validation Result: warnings : [], errors : [...]`.
fn mapping_error(field: &'static str, inner: String) -> ApisError {
    ApisError::invalid(
        field,
        format!(
            "Invalid mapping expression specified: Validation Result: warnings : [], errors : \
             [{inner}]"
        ),
    )
}

fn invalid_expression(field: &'static str, expr: &str) -> ApisError {
    mapping_error(
        field,
        format!("Invalid mapping expression specified: {expr}"),
    )
}

fn invalid_parameter(field: &'static str, param: &str) -> ApisError {
    mapping_error(
        field,
        format!("Invalid mapping expression parameter specified: {param}"),
    )
}

/// Method settings, before the store checks that the authorizer exists.
pub fn validate_method_settings(settings: &MethodSettings) -> Result<(), ApisError> {
    match settings.authorization_type {
        AuthorizationType::None => {
            if settings.authorizer_id.is_some() {
                return Err(ApisError::invalid(
                    "authorizerId",
                    "An authorizer applies only to COGNITO_USER_POOLS authorization.",
                ));
            }
            if !settings.authorization_scopes.is_empty() {
                return Err(ApisError::invalid(
                    "authorizationScopes",
                    "OAuth scopes apply only to COGNITO_USER_POOLS authorization.",
                ));
            }
        }
        // Kept as imported; the gateway refuses every request to such a method.
        AuthorizationType::AwsIam | AuthorizationType::Custom => {
            if settings.authorizer_id.is_some() {
                return Err(ApisError::invalid(
                    "authorizerId",
                    if settings.authorization_type == AuthorizationType::Custom {
                        "Gatehouse has no Lambda authorizers: a CUSTOM method is stored without \
                         one (and refuses every request)."
                    } else {
                        "An authorizer applies only to COGNITO_USER_POOLS authorization."
                    },
                ));
            }
            if !settings.authorization_scopes.is_empty() {
                return Err(ApisError::invalid(
                    "authorizationScopes",
                    "OAuth scopes apply only to COGNITO_USER_POOLS authorization.",
                ));
            }
        }
        AuthorizationType::CognitoUserPools => {
            if settings
                .authorizer_id
                .as_deref()
                .is_none_or(|id| id.trim().is_empty())
            {
                return Err(ApisError::invalid(
                    "authorizerId",
                    "Choose the authorizer for COGNITO_USER_POOLS authorization.",
                ));
            }
        }
    }
    for scope in &settings.authorization_scopes {
        if !OAUTH_SCOPE.is_match(scope) {
            return Err(ApisError::invalid(
                "authorizationScopes",
                format!(
                    "Invalid OAuth scope '{scope}': scopes are non-empty and have no spaces or quotes."
                ),
            ));
        }
    }
    for name in settings.request_parameters.keys() {
        if !METHOD_REQUEST_PARAM.is_match(name) {
            return Err(invalid_expression("requestParameters", name));
        }
    }
    Ok(())
}

fn validate_templates(
    field: &'static str,
    templates: &BTreeMap<String, String>,
) -> Result<(), ApisError> {
    for (content_type, template) in templates {
        if !CONTENT_TYPE.is_match(content_type) {
            return Err(ApisError::invalid(
                field,
                format!("Invalid content type '{content_type}' for a mapping template."),
            ));
        }
        if template.len() > MAX_TEMPLATE_BYTES {
            return Err(ApisError::invalid(
                field,
                format!(
                    "The mapping template for {content_type} is {} KB; templates are limited to \
                     300 KB.",
                    template.len().div_ceil(1024)
                ),
            ));
        }
    }
    Ok(())
}

/// An HTTP integration URI: an absolute, encoded http(s) URL. `${stageVariables.x}` may
/// appear anywhere and `{name}` path placeholders in the path.
pub fn validate_http_uri(uri: &str) -> Result<(), ApisError> {
    let invalid = || ApisError::invalid("uri", msg::HTTP_ENDPOINT);
    if uri.is_empty() || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid());
    }
    let concrete = STAGE_VARIABLE_REF.replace_all(uri, "1");
    let concrete = URI_PATH_PARAM.replace_all(&concrete, "param");
    let url = url::Url::parse(&concrete).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(invalid());
    }
    Ok(())
}

/// An AWS integration URI: `arn:aws:apigateway:{region}:{service}:{path|action}/...`.
pub fn validate_aws_uri(uri: &str) -> Result<(), ApisError> {
    let parts: Vec<&str> = uri.splitn(6, ':').collect();
    let [arn, partition, service, region, _subdomain_service, target] = parts[..] else {
        return Err(ApisError::invalid("uri", msg::INVALID_ARN));
    };
    if arn != "arn" || !partition.starts_with("aws") || service != "apigateway" || region.is_empty()
    {
        return Err(ApisError::invalid("uri", msg::INVALID_ARN));
    }
    if !(target.starts_with("path/") || target.starts_with("action/")) {
        return Err(ApisError::invalid("uri", msg::ARN_PATH_OR_ACTION));
    }
    Ok(())
}

/// Integration settings. `method_parameters` are the method's declared `requestParameters`:
/// a `method.request.*` source must be declared there first.
pub fn validate_integration(
    settings: &IntegrationSettings,
    method_parameters: &BTreeMap<String, bool>,
) -> Result<(), ApisError> {
    if settings.kind != IntegrationType::Mock && settings.http_method.is_none() {
        return Err(ApisError::invalid("httpMethod", msg::EMPTY_HTTP_METHOD));
    }
    match settings.kind {
        IntegrationType::Mock => {}
        IntegrationType::Http | IntegrationType::HttpProxy => match settings.uri.as_deref() {
            Some(uri) => validate_http_uri(uri)?,
            None => return Err(ApisError::invalid("uri", msg::HTTP_ENDPOINT)),
        },
        IntegrationType::Aws | IntegrationType::AwsProxy => match settings.uri.as_deref() {
            Some(uri) => validate_aws_uri(uri)?,
            None => return Err(ApisError::invalid("uri", msg::INVALID_ARN)),
        },
    }
    if let Some(timeout) = settings.timeout_in_millis
        && !(MIN_TIMEOUT_MILLIS..=MAX_TIMEOUT_MILLIS).contains(&timeout)
    {
        return Err(ApisError::invalid("timeoutInMillis", msg::TIMEOUT));
    }
    for (target, source) in &settings.request_parameters {
        if !INTEGRATION_REQUEST_PARAM.is_match(target) {
            return Err(invalid_parameter("requestParameters", target));
        }
        if COMMON_SOURCE.is_match(source) || METHOD_BODY_SOURCE.is_match(source) {
            continue;
        }
        if METHOD_REQUEST_PARAM.is_match(source) {
            // multivalue sources refer to the single-value declaration.
            let declared = source
                .replacen(".multivaluequerystring.", ".querystring.", 1)
                .replacen(".multivalueheader.", ".header.", 1);
            if method_parameters.contains_key(source) || method_parameters.contains_key(&declared) {
                continue;
            }
            return Err(invalid_parameter("requestParameters", source));
        }
        return Err(invalid_expression("requestParameters", source));
    }
    validate_templates("requestTemplates", &settings.request_templates)
}

/// A status code: three digits, 100–599.
pub fn validate_status_code(status_code: &str) -> Result<(), ApisError> {
    let ok = status_code.len() == 3
        && status_code.bytes().all(|b| b.is_ascii_digit())
        && ("100"..="599").contains(&status_code);
    if ok {
        Ok(())
    } else {
        Err(ApisError::invalid(
            "statusCode",
            format!("Invalid status code '{status_code}': use a 3-digit code from 100 to 599."),
        ))
    }
}

/// A regex the gateway will run (`field` names it in the error).
pub fn validate_regex(field: &'static str, pattern: &str) -> Result<(), ApisError> {
    Regex::new(&format!("^(?:{pattern})$"))
        .map(|_| ())
        .map_err(|e| {
            let reason = match e {
                regex::Error::Syntax(s) => s.lines().last().unwrap_or_default().to_owned(),
                regex::Error::CompiledTooBig(_) => "the pattern is too large".to_owned(),
                _ => e.to_string(),
            };
            ApisError::invalid(
                field,
                format!("Invalid regular expression '{pattern}': {}", reason.trim()),
            )
        })
}

/// An integration response. `declared_headers` are the `responseParameters` of the method
/// response with the same status code: a mapped header must be declared there.
pub fn validate_integration_response(
    status_code: &str,
    settings: &IntegrationResponseSettings,
    declared_headers: &BTreeMap<String, bool>,
) -> Result<(), ApisError> {
    validate_status_code(status_code)?;
    if let Some(pattern) = settings.selection_pattern.as_deref() {
        validate_regex("selectionPattern", pattern)?;
    }
    for (target, source) in &settings.response_parameters {
        if !METHOD_RESPONSE_HEADER.is_match(target) || !declared_headers.contains_key(target) {
            return Err(invalid_parameter("responseParameters", target));
        }
        if !COMMON_SOURCE.is_match(source) && !INTEGRATION_RESPONSE_SOURCE.is_match(source) {
            return Err(invalid_expression("responseParameters", source));
        }
    }
    validate_templates("responseTemplates", &settings.response_templates)
}

pub fn validate_method_response(
    status_code: &str,
    settings: &MethodResponseSettings,
) -> Result<(), ApisError> {
    validate_status_code(status_code)?;
    for name in settings.response_parameters.keys() {
        if !METHOD_RESPONSE_HEADER.is_match(name) {
            return Err(invalid_expression("responseParameters", name));
        }
    }
    for content_type in settings.response_models.keys() {
        if !CONTENT_TYPE.is_match(content_type) {
            return Err(ApisError::invalid(
                "responseModels",
                format!("Invalid content type '{content_type}'."),
            ));
        }
    }
    Ok(())
}

/// `method.request.header.NAME`, the only identity source COGNITO_USER_POOLS takes.
pub fn validate_identity_source(identity_source: &str) -> Result<(), ApisError> {
    match identity_source.strip_prefix("method.request.header.") {
        Some(name) if HEADER_NAME.is_match(name) => Ok(()),
        _ => Err(ApisError::invalid(
            "identitySource",
            format!(
                "Invalid identity source '{identity_source}': use method.request.header.NAME, \
                 e.g. method.request.header.Authorization."
            ),
        )),
    }
}

pub fn validate_authorizer_ttl(ttl: i32) -> Result<(), ApisError> {
    if (0..=MAX_AUTHORIZER_TTL).contains(&ttl) {
        Ok(())
    } else {
        Err(ApisError::invalid(
            "authorizerResultTtlInSeconds",
            format!(
                "Invalid authorizer result TTL {ttl}: use 0 (no caching) to {MAX_AUTHORIZER_TTL} \
                 seconds."
            ),
        ))
    }
}

pub fn validate_authorizer(settings: &AuthorizerSettings) -> Result<(), ApisError> {
    check_name("name", "authorizer", &settings.name)?;
    if settings.provider_arns.is_empty() {
        return Err(ApisError::invalid(
            "providerARNs",
            "Add at least one user pool (its ARN or issuer URL).",
        ));
    }
    for (i, p) in settings.provider_arns.iter().enumerate() {
        provider::validate_provider(p)?;
        if settings.provider_arns[..i]
            .iter()
            .any(|q| q.trim() == p.trim())
        {
            return Err(ApisError::invalid(
                "providerARNs",
                format!("The user pool {} is listed twice.", p.trim()),
            ));
        }
    }
    if let Some(source) = settings.identity_source.as_deref() {
        validate_identity_source(source)?;
    }
    if let Some(expr) = settings.identity_validation_expression.as_deref()
        && !expr.is_empty()
    {
        validate_regex("identityValidationExpression", expr)?;
    }
    if let Some(ttl) = settings.authorizer_result_ttl_in_seconds {
        validate_authorizer_ttl(ttl)?;
    }
    Ok(())
}

pub fn validate_stage_name(stage_name: &str) -> Result<(), ApisError> {
    if STAGE_NAME.is_match(stage_name) {
        Ok(())
    } else {
        Err(ApisError::invalid("stageName", msg::STAGE_NAME))
    }
}

pub fn validate_stage_variables(variables: &BTreeMap<String, String>) -> Result<(), ApisError> {
    if variables.len() > MAX_STAGE_VARIABLES {
        return Err(ApisError::invalid(
            "variables",
            format!("A stage has at most {MAX_STAGE_VARIABLES} variables."),
        ));
    }
    for (name, value) in variables {
        if !STAGE_VARIABLE_NAME.is_match(name) || name.len() > MAX_STAGE_VARIABLE_NAME {
            return Err(ApisError::invalid(
                "variables",
                format!(
                    "Invalid stage variable name '{name}': stage variable names may only contain \
                     alphanumeric characters and underscores (at most 64)."
                ),
            ));
        }
        if !STAGE_VARIABLE_VALUE.is_match(value) || value.len() > MAX_STAGE_VARIABLE_VALUE {
            return Err(ApisError::invalid(
                "variables",
                format!(
                    "Invalid value for stage variable '{name}': stage variable values must match \
                     the regular expression [A-Za-z0-9-._~:/?#&=,]+ (at most 512 characters)."
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HttpMethod;

    #[test]
    fn path_parts() {
        assert_eq!(
            parse_path_part("pets").ok(),
            Some(PathPart::Literal("pets"))
        );
        assert_eq!(parse_path_part("{id}").ok(), Some(PathPart::Variable("id")));
        assert_eq!(
            parse_path_part("{proxy+}").ok(),
            Some(PathPart::Greedy("proxy"))
        );
        for bad in [
            "",
            "a/b",
            "{id",
            "id}",
            "{}",
            "{+}",
            "a b",
            "pe{t}s",
            "{a}{b}",
            "$metadata",
        ] {
            let err = parse_path_part(bad).expect_err(bad);
            assert_eq!(err.field(), Some("pathPart"));
            assert_eq!(err.to_string(), msg::PATH_PART);
        }
        assert_eq!(
            path_variables("/pets/{id}/files/{rest+}"),
            vec!["id".to_owned(), "rest".to_owned()]
        );
    }

    #[test]
    fn http_uris() {
        for ok in [
            "https://example.com",
            "http://example.com:8080/pets/{id}?q=1",
            "http://${stageVariables.host}/pets",
            "https://${stageVariables.host}:${stageVariables.port}/x",
        ] {
            validate_http_uri(ok).expect(ok);
        }
        for bad in [
            "",
            "example.com/pets",
            "ftp://example.com",
            "http://",
            "https://exa mple.com",
            "/pets",
        ] {
            let err = validate_http_uri(bad).expect_err(bad);
            assert_eq!(err.to_string(), msg::HTTP_ENDPOINT);
            assert_eq!(err.field(), Some("uri"));
        }
    }

    #[test]
    fn integrations() {
        let none = BTreeMap::new();
        let mut s =
            IntegrationSettings::http(IntegrationType::Http, HttpMethod::Get, "https://x.io");
        validate_integration(&s, &none).expect("valid");
        s.timeout_in_millis = Some(49);
        assert_eq!(
            validate_integration(&s, &none)
                .expect_err("timeout")
                .field(),
            Some("timeoutInMillis")
        );
        s.timeout_in_millis = Some(29_000);
        s.http_method = None;
        assert_eq!(
            validate_integration(&s, &none)
                .expect_err("verb")
                .to_string(),
            msg::EMPTY_HTTP_METHOD
        );
        s.http_method = Some(HttpMethod::Get);
        s.request_parameters.insert(
            "integration.request.path.id".into(),
            "method.request.path.id".into(),
        );
        let err = validate_integration(&s, &none).expect_err("undeclared");
        assert_eq!(
            err.to_string(),
            "Invalid mapping expression specified: Validation Result: warnings : [], errors : \
             [Invalid mapping expression parameter specified: method.request.path.id]"
        );
        let declared = BTreeMap::from([("method.request.path.id".to_owned(), true)]);
        validate_integration(&s, &declared).expect("declared");
        s.request_parameters.insert(
            "integration.request.header.x-user".into(),
            "context.authorizer.claims.sub".into(),
        );
        s.request_parameters
            .insert("integration.request.header.x-static".into(), "'v'".into());
        validate_integration(&s, &declared).expect("context and static sources");
        s.request_parameters
            .insert("integration.request.header.x".into(), "bogus".into());
        assert_eq!(
            validate_integration(&s, &declared)
                .expect_err("bogus")
                .field(),
            Some("requestParameters")
        );
        let aws = IntegrationSettings::http(
            IntegrationType::AwsProxy,
            HttpMethod::Post,
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations",
        );
        validate_integration(&aws, &none).expect("lambda arn");
        let bad = IntegrationSettings::http(
            IntegrationType::Aws,
            HttpMethod::Post,
            "arn:aws:apigateway:us-east-1:s3:bucket",
        );
        assert_eq!(
            validate_integration(&bad, &none)
                .expect_err("arn")
                .to_string(),
            msg::ARN_PATH_OR_ACTION
        );
    }

    #[test]
    fn status_codes() {
        for ok in ["100", "200", "404", "599"] {
            validate_status_code(ok).expect(ok);
        }
        for bad in ["99", "600", "20", "2000", "abc", "", "0200", " 200"] {
            assert_eq!(
                validate_status_code(bad).expect_err(bad).field(),
                Some("statusCode")
            );
        }
    }

    #[test]
    fn stage_rules() {
        validate_stage_name("prod_v2-beta").expect("valid");
        for bad in ["", "a b", "prod/1", &"x".repeat(129)] {
            assert_eq!(
                validate_stage_name(bad).expect_err(bad).to_string(),
                msg::STAGE_NAME
            );
        }
        let vars = BTreeMap::from([("host".to_owned(), "api.example.com:8080".to_owned())]);
        validate_stage_variables(&vars).expect("valid");
        let bad_name = BTreeMap::from([("my-var".to_owned(), "x".to_owned())]);
        assert!(validate_stage_variables(&bad_name).is_err());
        let bad_value = BTreeMap::from([("v".to_owned(), "a b".to_owned())]);
        assert!(validate_stage_variables(&bad_value).is_err());
    }

    #[test]
    fn authorizer_settings() {
        let mut s = AuthorizerSettings::new(
            "cognito",
            &["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Abc"],
        );
        validate_authorizer(&s).expect("valid");
        s.identity_source = Some("method.request.querystring.token".into());
        assert_eq!(
            validate_authorizer(&s).expect_err("source").field(),
            Some("identitySource")
        );
        s.identity_source = None;
        s.identity_validation_expression = Some("(".into());
        assert_eq!(
            validate_authorizer(&s).expect_err("regex").field(),
            Some("identityValidationExpression")
        );
        s.identity_validation_expression = None;
        s.authorizer_result_ttl_in_seconds = Some(3601);
        assert_eq!(
            validate_authorizer(&s).expect_err("ttl").field(),
            Some("authorizerResultTtlInSeconds")
        );
        s.authorizer_result_ttl_in_seconds = Some(0);
        s.provider_arns.clear();
        assert_eq!(
            validate_authorizer(&s).expect_err("pools").field(),
            Some("providerARNs")
        );
    }
}
