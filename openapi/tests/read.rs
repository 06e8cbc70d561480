//! Reading documents without a database: the test files under `tests/data/`, and every kind
//! of bad input with the message and position it must give.
#![allow(clippy::unwrap_used)]

use apis::{AuthorizationType, HttpMethod, IntegrationType, PassthroughBehavior};
use openapi::{Format, OpenApiError, Spec, parse, read_definition};

mod common;
use common::{ctx, data, seed_fixed};

fn read(text: &str) -> openapi::Read {
    read_definition(&parse(text).unwrap(), &ctx()).unwrap()
}

fn structure(text: &str) -> (String, String) {
    let err = parse(text).and_then(|d| read_definition(&d, &ctx()).map(|_| ()));
    match err {
        Err(OpenApiError::Structure { path, message }) => (path, message),
        other => panic!("expected a structural error, got {other:?}"),
    }
}

#[test]
fn the_seed_verbatim_points_at_its_trailing_comma() {
    let text = data("seed-cognito-user-pool.json");
    // Where the stray comma is: the line that closes responseTemplates with "},".
    let (line_index, line) = text
        .lines()
        .enumerate()
        .find(|(i, l)| {
            l.trim() == "},"
                && text.lines().nth(i + 1).is_some_and(|n| n.trim() == "}")
                && text
                    .lines()
                    .nth(i - 1)
                    .is_some_and(|p| p.contains("</html>"))
        })
        .unwrap();
    let comma_column = line.find(',').unwrap() + 1;
    match parse(&text) {
        Err(OpenApiError::Syntax {
            line: l,
            column,
            message,
        }) => {
            assert_eq!((l, column), (line_index + 1, comma_column));
            assert!(message.contains("trailing comma"), "{message}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    let shown = parse(&text).unwrap_err().to_string();
    assert_eq!(
        shown,
        format!(
            "Syntax error at line {}, column {comma_column}: trailing comma (a comma before a \
             closing bracket or brace is not allowed in JSON)",
            line_index + 1
        )
    );
}

#[test]
fn the_seed_fixed_gives_my_user_pool_on_get_root_with_a_mock() {
    let arn = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_AbC123xyz";
    let r = read(&seed_fixed(arn));
    let def = &r.definition;
    assert_eq!(def.name, "cognito-user-pool-auth-api");
    let a = &def.authorizers["MyUserPool"];
    assert_eq!(a.provider_arns, vec![arn.to_owned()]);
    assert_eq!(
        a.identity_source.as_deref(),
        Some("method.request.header.Authorization")
    );
    let get = &def.resources["/"][&HttpMethod::Get];
    assert_eq!(get.authorization_type, AuthorizationType::CognitoUserPools);
    assert_eq!(get.authorizer.as_deref(), Some("MyUserPool"));
    let i = get.integration.as_ref().unwrap();
    assert_eq!(i.settings.kind, IntegrationType::Mock);
    assert_eq!(
        i.responses["200"].response_parameters["method.response.header.Content-Type"],
        "'text/html'"
    );
    assert!(
        !get.method_responses["200"].response_parameters["method.response.header.Content-Type"]
    );
}

#[test]
fn an_aws_export_with_integrations() {
    let r = read(&data("aws-export-petstore.json"));
    let def = &r.definition;
    assert_eq!(def.name, "PetStore");
    assert!(def.description.starts_with("Your first API"));
    let paths: Vec<&str> = def.resources.keys().map(String::as_str).collect();
    assert_eq!(paths, ["/", "/calc", "/pets", "/pets/{petId}"]);

    let list = &def.resources["/pets"][&HttpMethod::Get];
    assert!(!list.request_parameters["method.request.querystring.type"]);
    let http = list.integration.as_ref().unwrap();
    assert_eq!(http.settings.kind, IntegrationType::Http);
    assert_eq!(http.settings.http_method, Some(HttpMethod::Get));
    assert_eq!(http.settings.timeout_in_millis, Some(10_000));
    assert_eq!(
        http.settings.request_parameters["integration.request.querystring.page"],
        "method.request.querystring.page"
    );

    let create = &def.resources["/pets"][&HttpMethod::Post];
    let i = create.integration.as_ref().unwrap();
    assert_eq!(
        i.settings.passthrough_behavior,
        Some(PassthroughBehavior::WhenNoTemplates)
    );
    assert_eq!(
        i.responses["400"].selection_pattern.as_deref(),
        Some(r"4\d{2}")
    );
    assert_eq!(i.responses["200"].selection_pattern, None);
    assert!(i.settings.request_templates["application/json"].contains("$input.path('$')"));

    let get = &def.resources["/pets/{petId}"][&HttpMethod::Get];
    assert!(get.request_parameters["method.request.path.petId"]);

    let calc = &def.resources["/calc"][&HttpMethod::Get];
    let aws = calc.integration.as_ref().unwrap();
    assert_eq!(aws.settings.kind, IntegrationType::Aws);
    assert_eq!(
        aws.responses["200"].response_parameters["method.response.header.operand_1"],
        "integration.response.body.a"
    );

    let v = &def.request_validators;
    assert!(v.validators["Validate body"].validate_request_body);
    assert!(!v.validators["Validate body"].validate_request_parameters);
    assert_eq!(v.methods["POST /pets"], "Validate body");
    assert_eq!(
        v.methods["GET /calc"],
        "Validate query string parameters and headers"
    );

    let warnings = r.warnings.join("\n");
    assert!(warnings.contains("AWS / AWS_PROXY"), "{warnings}");
    assert!(warnings.contains("GET /calc (AWS)"), "{warnings}");
    assert!(
        warnings.contains("credentials is not supported"),
        "{warnings}"
    );
    assert!(
        warnings.contains("Models (schemas) are not supported"),
        "{warnings}"
    );
    assert!(
        warnings.contains("Request validators are stored"),
        "{warnings}"
    );
}

#[test]
fn an_openapi_3_yaml_file_with_a_cognito_scheme() {
    let doc = parse(&data("oas30-cognito.yaml")).unwrap();
    assert_eq!((doc.spec, doc.format), (Spec::OpenApi3, Format::Yaml));
    let r = read_definition(&doc, &ctx()).unwrap();
    let def = &r.definition;
    let a = &def.authorizers["OrdersPool"];
    // ${AWS::Region} and ${AWS::AccountId} are this Gatehouse's.
    assert_eq!(
        a.provider_arns,
        ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Orders123"]
    );
    assert_eq!(
        a.identity_validation_expression.as_deref(),
        Some("^[a-z0-9]{26}$")
    );
    assert_eq!(a.authorizer_result_ttl_in_seconds, Some(60));

    let list = &def.resources["/orders"][&HttpMethod::Get];
    assert_eq!(list.authorizer.as_deref(), Some("OrdersPool"));
    assert!(list.authorization_scopes.is_empty(), "ID token");
    assert!(list.request_parameters["method.request.header.X-Request-Id"]);
    assert!(!list.request_parameters["method.request.querystring.status"]);
    let create = &def.resources["/orders"][&HttpMethod::Post];
    assert_eq!(
        create.authorization_scopes,
        ["orders/write", "orders/admin"]
    );
    // Path-level parameters through a $ref to components.parameters.
    let get = &def.resources["/orders/{orderId}"][&HttpMethod::Get];
    assert!(get.request_parameters["method.request.path.orderId"]);
    assert_eq!(
        get.integration.as_ref().unwrap().settings.kind,
        IntegrationType::HttpProxy
    );
    let health = &def.resources["/health"][&HttpMethod::Get];
    assert_eq!(health.authorization_type, AuthorizationType::None);
}

#[test]
fn a_proxy_api_with_greedy_path_and_any_method() {
    let r = read(&data("proxy-any.json"));
    let def = &r.definition;
    let any = &def.resources["/{proxy+}"][&HttpMethod::Any];
    let i = any.integration.as_ref().unwrap();
    assert_eq!(i.settings.kind, IntegrationType::HttpProxy);
    assert_eq!(i.settings.http_method, Some(HttpMethod::Any));
    assert_eq!(
        i.settings.uri.as_deref(),
        Some("http://legacy.internal.example.com:8080/{proxy}")
    );
    assert!(def.resources["/{proxy+}"].contains_key(&HttpMethod::Options));
    assert!(def.resources["/"].contains_key(&HttpMethod::Any));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

const MINIMAL: &str = r#"{"swagger": "2.0", "info": {"title": "t"}, "paths": {PATHS}, "securityDefinitions": {"Pool": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "cognito_user_pools", "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_AbC"]}}}}"#;

fn minimal(paths: &str) -> String {
    MINIMAL.replace("{PATHS}", paths)
}

#[test]
fn a_wrong_integration_type_names_its_json_path() {
    let (path, message) = structure(&minimal(
        r#"{"/pets": {"get": {"x-amazon-apigateway-integration": {"type": "lambda"}}}}"#,
    ));
    assert_eq!(path, "paths./pets.get.x-amazon-apigateway-integration.type");
    assert_eq!(
        message,
        "Unknown integration type 'lambda': use mock, http, http_proxy, aws or aws_proxy"
    );
    let (path, _) = structure(&minimal(
        r#"{"/pets": {"get": {"x-amazon-apigateway-integration": {"type": 7}}}}"#,
    ));
    assert_eq!(path, "paths./pets.get.x-amazon-apigateway-integration.type");
    let (path, message) = structure(&minimal(
        r#"{"/pets": {"get": {"x-amazon-apigateway-integration": {"type": "http", "httpMethod": "GET", "uri": "not a url"}}}}"#,
    ));
    assert_eq!(path, "paths./pets.get.x-amazon-apigateway-integration.uri");
    assert_eq!(message, "Invalid HTTP endpoint specified for URI");
}

#[test]
fn an_unknown_ref_is_named() {
    let (path, message) = structure(&minimal(
        r##"{"/pets": {"get": {"responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pett"}}}}}}"##,
    ));
    assert_eq!(path, "paths./pets.get.responses.200.schema.$ref");
    assert_eq!(
        message,
        "Unknown $ref '#/definitions/Pett': nothing in the document is at that location"
    );
    let (_, message) = structure(&minimal(
        r#"{"/pets": {"get": {"parameters": [{"$ref": "other.json#/p"}]}}}"#,
    ));
    assert!(message.contains("points outside the document"), "{message}");
}

#[test]
fn a_duplicate_operation_is_refused() {
    let (path, message) = structure(&minimal(r#"{"/pets": {"get": {}}, "/pets/": {"get": {}}}"#));
    assert_eq!(path, "paths./pets/.get");
    assert_eq!(
        message,
        "Duplicate operation GET /pets: paths./pets.get already defines it"
    );
    // The same key twice in one object is caught while parsing, with its position.
    let err = parse(&minimal(r#"{"/pets": {"get": {}, "get": {}}}"#)).unwrap_err();
    assert!(
        matches!(&err, OpenApiError::Syntax { line: 1, message, .. } if message.contains("duplicate key \"get\"")),
        "{err:?}"
    );
}

#[test]
fn an_undefined_security_scheme_is_named() {
    let (path, message) = structure(&minimal(
        r#"{"/pets": {"get": {"security": [{"MyUserPool": []}]}}}"#,
    ));
    assert_eq!(path, "paths./pets.get.security.0.MyUserPool");
    assert_eq!(
        message,
        "Security scheme 'MyUserPool' is not defined in securityDefinitions"
    );
}

#[test]
fn structural_errors_name_their_path() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"{"swagger": "2.0", "paths": {}}"#,
            "info",
            "is required (with a title, the API's name)",
        ),
        (
            r#"{"swagger": "2.0", "info": {"title": "t"}}"#,
            "paths",
            "is required (an object of paths)",
        ),
        (
            r#"{"swagger": "3.0", "info": {"title": "t"}, "paths": {}}"#,
            "swagger",
            "Unsupported Swagger version '3.0': only \"2.0\" is supported",
        ),
        (
            r#"{"openapi": "3.1.0", "info": {"title": "t"}, "paths": {}}"#,
            "openapi",
            "Unsupported OpenAPI version '3.1.0': API Gateway imports OpenAPI 3.0.x (and Swagger 2.0)",
        ),
        (
            r#"{"info": {"title": "t"}, "paths": {}}"#,
            "$",
            "Not a Swagger/OpenAPI document: it has neither `swagger: \"2.0\"` nor `openapi: 3.0.x`",
        ),
        (
            r#"{"swagger": "2.0", "info": {"title": "t"}, "paths": []}"#,
            "paths",
            "must be an object, not an array",
        ),
        (
            r#"{"swagger": "2.0", "info": {"title": "t"}, "paths": {"pets": {}}}"#,
            "paths.pets",
            "'pets' is not a path: paths start with / and have no empty segments",
        ),
        (
            r#"{"swagger": "2.0", "info": {"title": "t"}, "paths": {"/pets": {"fetch": {}}}}"#,
            "paths./pets.fetch",
            "'fetch' is not an operation: use get, put, post, delete, options, head, patch or x-amazon-apigateway-any-method",
        ),
        (
            r#"{"swagger": "2.0", "info": {"title": "t"}, "paths": {"/pets": {"get": {"x-amazon-apigateway-integration": {"type": "mock", "responses": {"default": {}}}}}}}"#,
            "paths./pets.get.x-amazon-apigateway-integration.responses.default.statusCode",
            "is required",
        ),
        (
            r#"{"swagger": "2.0", "info": {"title": "t"}, "paths": {"/pets": {"get": {"x-amazon-apigateway-integration": {"type": "mock", "timeoutInMillis": 60000}}}}}"#,
            "paths./pets.get.x-amazon-apigateway-integration.timeoutInMillis",
            "Timeout should be between 50 ms and 29000 ms",
        ),
        (
            r#"{"swagger": "2.0", "info": {"title": "t"}, "paths": {"/pets": {"get": {"x-amazon-apigateway-integration": {"type": "mock", "passthroughBehavior": "sometimes"}}}}}"#,
            "paths./pets.get.x-amazon-apigateway-integration.passthroughBehavior",
            "'sometimes' is not a passthrough behavior: use when_no_match, when_no_templates or never",
        ),
        (
            r#"{"swagger": "2.0", "info": {"title": "t"}, "paths": {"/pets": {"get": {"responses": {"2000": {}}}}}}"#,
            "paths./pets.get.responses.2000",
            "'2000' is not a status code: use a 3-digit code from 100 to 599",
        ),
        (
            r#"{"swagger": "2.0", "info": {"title": "t"}, "paths": {}, "securityDefinitions": {"P": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "cognito_user_pools", "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools"}}}}"#,
            "securityDefinitions.P.x-amazon-apigateway-authorizer.providerARNs",
            "is required: the user pools whose tokens this authorizer accepts",
        ),
    ];
    for (text, want_path, want_message) in cases {
        let (path, message) = structure(text);
        assert_eq!(
            (path.as_str(), message.as_str()),
            (*want_path, *want_message),
            "{text}"
        );
    }
}

#[test]
fn yaml_syntax_errors_name_line_and_column() {
    let text = "openapi: 3.0.1\ninfo:\n  title: t\n paths: {}\n";
    match parse(text) {
        Err(OpenApiError::Syntax { line, column, .. }) => {
            assert_eq!(line, 4);
            assert!(column >= 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn too_large_and_empty_documents_are_refused() {
    let big = format!(
        "{{\"swagger\": \"2.0\", \"info\": {{\"title\": \"{}\"}}, \"paths\": {{}}}}",
        "x".repeat(5 * 1024 * 1024)
    );
    let err = parse(&big).unwrap_err();
    assert!(matches!(err, OpenApiError::TooLarge { .. }));
    assert!(
        err.to_string()
            .contains("the limit is 5242880 bytes (5 MB)"),
        "{err}"
    );
    assert!(matches!(parse("  \n"), Err(OpenApiError::Empty)));
}

#[test]
fn a_lambda_authorizer_is_flagged_and_its_methods_refuse_all_requests() {
    let text = r#"{"swagger": "2.0", "info": {"title": "t"}, "paths": {"/": {"get": {"security": [{"Tok": []}], "x-amazon-apigateway-integration": {"type": "mock"}}}},
      "securityDefinitions": {"Tok": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "custom",
        "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations", "authorizerResultTtlInSeconds": 300}}}}"#;
    let r = read(text);
    assert!(r.definition.authorizers.is_empty());
    let get = &r.definition.resources["/"][&HttpMethod::Get];
    // Fail closed: CUSTOM (the gateway refuses every request), never NONE.
    assert_eq!(get.authorization_type, AuthorizationType::Custom);
    assert_eq!(get.authorizer, None);
    assert_eq!(
        r.warnings,
        [
            "Security scheme Tok (a Lambda token authorizer) is not supported by Gatehouse and \
             was not imported: methods that use it are imported as CUSTOM and will refuse all \
             requests (401) until their authorization is changed."
        ]
    );
}

#[test]
fn iam_methods_are_imported_as_aws_iam_and_refuse_all_requests() {
    let r = read(&data("iam-and-lambda.json"));
    let methods = &r.definition.resources;
    assert_eq!(
        methods["/signed"][&HttpMethod::Get].authorization_type,
        AuthorizationType::AwsIam
    );
    assert_eq!(
        methods["/operation-iam"][&HttpMethod::Get].authorization_type,
        AuthorizationType::AwsIam
    );
    assert_eq!(
        methods["/lambda"][&HttpMethod::Post].authorization_type,
        AuthorizationType::Custom
    );
    assert_eq!(
        methods["/open"][&HttpMethod::Get].authorization_type,
        AuthorizationType::None
    );
    assert!(r.definition.authorizers.is_empty());
    assert_eq!(
        r.warnings,
        [
            "Security scheme TokenAuth (a Lambda token authorizer) is not supported by Gatehouse \
             and was not imported: methods that use it are imported as CUSTOM and will refuse \
             all requests (401) until their authorization is changed.",
            "Security scheme sigv4 (AWS_IAM) is not supported by Gatehouse: methods that use it \
             are imported as AWS_IAM and will refuse all requests (403) until their \
             authorization is changed.",
            "GET /operation-iam: AWS_IAM authorization is not supported by Gatehouse: the method \
             is imported as AWS_IAM and will refuse all requests (403) until its authorization \
             is changed.",
        ]
    );
}

#[test]
fn x_amazon_apigateway_auth_takes_aws_iam_or_none() {
    let doc = |auth: &str| {
        format!(
            r#"{{"openapi": "3.0.1", "info": {{"title": "t"}}, "paths": {{"/": {{"get": {{"x-amazon-apigateway-auth": {auth}, "x-amazon-apigateway-integration": {{"type": "mock"}}}}}}}}}}"#
        )
    };
    for iam in [r#"{"type": "AWS_IAM"}"#, r#"{"type": "aws_iam"}"#] {
        let r = read(&doc(iam));
        assert_eq!(
            r.definition.resources["/"][&HttpMethod::Get].authorization_type,
            AuthorizationType::AwsIam,
            "{iam}"
        );
    }
    let r = read(&doc(r#"{"type": "NONE"}"#));
    assert_eq!(
        r.definition.resources["/"][&HttpMethod::Get].authorization_type,
        AuthorizationType::None
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(
        structure(&doc(r#"{"type": "custom"}"#)),
        (
            "paths./.get.x-amazon-apigateway-auth.type".to_owned(),
            "must be AWS_IAM or NONE, not 'custom'".to_owned()
        )
    );
}

#[test]
fn a_cognito_scheme_wins_over_iam_or_lambda_alternatives() {
    let text = r#"{"swagger": "2.0", "info": {"title": "t"}, "paths": {
        "/a": {"get": {"security": [{"sigv4": []}, {"Pool": ["pets/read"]}], "x-amazon-apigateway-integration": {"type": "mock"}}},
        "/b": {"get": {"security": [{"Pool": []}, {"sigv4": []}], "x-amazon-apigateway-integration": {"type": "mock"}}},
        "/c": {"get": {"security": [{"sigv4": []}, {"Tok": []}], "x-amazon-apigateway-integration": {"type": "mock"}}}},
      "securityDefinitions": {
        "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"},
        "Tok": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authorizer": {"type": "token"}},
        "Pool": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "cognito_user_pools",
          "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_AbC123xyz"]}}}}"#;
    let r = read(text);
    let m = |path: &str| &r.definition.resources[path][&HttpMethod::Get];
    assert_eq!(
        m("/a").authorization_type,
        AuthorizationType::CognitoUserPools
    );
    assert_eq!(m("/a").authorizer.as_deref(), Some("Pool"));
    assert_eq!(m("/a").authorization_scopes, ["pets/read"]);
    assert_eq!(
        m("/b").authorization_type,
        AuthorizationType::CognitoUserPools
    );
    assert_eq!(m("/c").authorization_type, AuthorizationType::AwsIam);
    assert!(
        r.warnings.contains(
            &"GET /a: more than one authorization scheme in security; Pool (Cognito) is used \
          instead of sigv4."
                .to_owned()
        )
    );
    assert!(
        r.warnings.contains(
            &"GET /b: more than one authorization scheme in security; the first (Pool) is used."
                .to_owned()
        )
    );
    assert!(
        r.warnings.contains(
            &"GET /c: more than one authorization scheme in security; the first (sigv4) is used."
                .to_owned()
        )
    );
}

#[test]
fn api_key_methods_are_imported_as_required_and_warned_about() {
    let doc = r#"{
      "openapi": "3.0.1",
      "info": {"title": "keys"},
      "x-amazon-apigateway-api-key-source": "HEADER",
      "components": {"securitySchemes": {"api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"}}},
      "paths": {
        "/keyed": {"get": {"security": [{"api_key": []}], "x-amazon-apigateway-integration": {"type": "mock"}}},
        "/open": {"get": {"x-amazon-apigateway-integration": {"type": "mock"}}}
      }
    }"#;
    let r = read(doc);
    let methods = &r.definition.resources;
    assert!(methods["/keyed"][&HttpMethod::Get].api_key_required);
    assert!(!methods["/open"][&HttpMethod::Get].api_key_required);
    assert_eq!(
        r.warnings,
        [
            "x-amazon-apigateway-api-key-source is not supported by Gatehouse and was ignored: \
             Gatehouse has no API keys yet, so methods that require one refuse all requests \
             (403).",
            "Security scheme api_key (API key) is not supported by Gatehouse yet: methods that \
             use it are imported with API key required and will refuse all requests (403) until \
             that is turned off.",
            "GET /keyed: API key required: the method will refuse all requests (403) until \
             Gatehouse has API keys or the requirement is turned off.",
        ]
    );
}
