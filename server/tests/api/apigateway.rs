//! The API Gateway management API (`/apigateway`) over real HTTP with SigV4: authentication,
//! wire shapes botocore depends on, each operation's not-found and bad-request answers, and the
//! store it shares with the console.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::helpers::{TestApp, spawn_app};

pub struct Key {
    pub id: String,
    pub secret: String,
}

pub async fn access_key(app: &TestApp) -> Key {
    let created = accounts::create_access_key(&app.pool, &app.master_key, "tests", "tests")
        .await
        .expect("access key");
    Key {
        id: created.key.access_key_id,
        secret: created.secret_access_key,
    }
}

/// How to sign a request; tests vary one thing at a time.
pub struct Signing<'a> {
    pub key_id: &'a str,
    pub secret: &'a str,
    pub service: &'a str,
    pub at: OffsetDateTime,
    /// Sent instead of the signed body, when set.
    pub sent_body: Option<&'a str>,
    /// An `Origin` header (not signed), as a browser on another site would send.
    pub origin: Option<&'a str>,
    /// An `Accept` header (not signed).
    pub accept: Option<&'a str>,
}

impl<'a> Signing<'a> {
    pub fn with(key: &'a Key) -> Signing<'a> {
        Signing {
            key_id: &key.id,
            secret: &key.secret,
            service: "apigateway",
            at: OffsetDateTime::now_utc(),
            sent_body: None,
            origin: None,
            accept: None,
        }
    }
}

/// Sends `method path?query` under `/apigateway`, signed as botocore signs REST-JSON calls.
pub async fn send_signed(
    app: &TestApp,
    method: Method,
    path_and_query: &str,
    body: Option<&Value>,
    signing: &Signing<'_>,
) -> reqwest::Response {
    let full = format!("/apigateway{path_and_query}");
    let (path, query) = full.split_once('?').unwrap_or((&full, ""));
    let date = signing
        .at
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .expect("format");
    let body = body.map(Value::to_string).unwrap_or_default();
    let headers = vec![
        ("host".to_string(), app.addr.to_string()),
        ("x-amz-date".to_string(), date.clone()),
        ("content-type".to_string(), "application/json".to_string()),
    ];
    let request = sigv4::Request {
        method: method.as_str(),
        path,
        query,
        headers: &headers,
        body: body.as_bytes(),
    };
    let authorization = sigv4::sign(
        &request,
        signing.key_id,
        signing.secret,
        "us-east-1",
        signing.service,
        &["content-type", "host", "x-amz-date"],
    )
    .expect("sign");
    let mut builder = app.client.request(method, app.url(&full));
    if let Some(origin) = signing.origin {
        builder = builder.header("origin", origin);
    }
    if let Some(accept) = signing.accept {
        builder = builder.header("accept", accept);
    }
    builder
        .header("x-amz-date", date)
        .header("content-type", "application/json")
        .header("authorization", authorization)
        .body(signing.sent_body.map_or(body, str::to_owned))
        .send()
        .await
        .expect("request")
}

pub async fn call(
    app: &TestApp,
    key: &Key,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    send_signed(app, method, path, body.as_ref(), &Signing::with(key)).await
}

/// Status and JSON body (`null` when empty).
pub async fn json_of(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.expect("body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON body, got {text:?}"))
    };
    (status, body)
}

/// Status, `x-amzn-ErrorType` and `message` of an error response.
pub async fn error_of(res: reqwest::Response) -> (StatusCode, String, String) {
    let status = res.status();
    let code = res
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body: Value = res.json().await.expect("json error body");
    (
        status,
        code,
        body["message"].as_str().unwrap_or("").to_string(),
    )
}

async fn ok(app: &TestApp, key: &Key, method: Method, path: &str, body: Option<Value>) -> Value {
    let what = format!("{method} {path}");
    let (status, body) = json_of(call(app, key, method, path, body).await).await;
    assert!(status.is_success(), "{what}: {status} {body}");
    body
}

#[tokio::test]
async fn requests_must_carry_a_valid_signature() {
    let app = spawn_app().await;
    let key = access_key(&app).await;

    let res = call(&app, &key, Method::GET, "/restapis", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("x-amzn-requestid"));
    assert_eq!(
        res.json::<Value>().await.expect("json"),
        json!({"item": []})
    );

    let create = json!({"name": "signed"});
    let expect = async |signing: Signing<'_>, code: &str, needle: &str| {
        let res = send_signed(&app, Method::POST, "/restapis", Some(&create), &signing).await;
        let (status, got, message) = error_of(res).await;
        assert_eq!(
            (status, got.as_str()),
            (StatusCode::FORBIDDEN, code),
            "{message}"
        );
        assert!(message.contains(needle), "{message}");
    };
    expect(
        Signing {
            secret: "not-the-secret-0123456789",
            ..Signing::with(&key)
        },
        "InvalidSignatureException",
        "signature we calculated does not match",
    )
    .await;
    expect(
        Signing {
            key_id: "AKIAUNKNOWN000000000",
            ..Signing::with(&key)
        },
        "UnrecognizedClientException",
        "security token included in the request is invalid",
    )
    .await;
    expect(
        Signing {
            at: OffsetDateTime::now_utc() - time::Duration::minutes(20),
            ..Signing::with(&key)
        },
        "InvalidSignatureException",
        "Signature expired",
    )
    .await;
    expect(
        Signing {
            sent_body: Some(r#"{"name":"tampered"}"#),
            ..Signing::with(&key)
        },
        "InvalidSignatureException",
        "signature we calculated does not match",
    )
    .await;
    expect(
        Signing {
            service: "cognito-idp",
            ..Signing::with(&key)
        },
        "InvalidSignatureException",
        "Credential should be scoped to correct service: 'apigateway'",
    )
    .await;

    // No signature at all, even with a console session: refused.
    app.sign_in_as_admin().await;
    let res = app
        .client
        .post(app.url("/apigateway/restapis"))
        .header("content-type", "application/json")
        .body(create.to_string())
        .send()
        .await
        .expect("request");
    let (status, code, _) = error_of(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "MissingAuthenticationTokenException")
    );

    // A signed call from another origin is fine: it is not cookie-authenticated, so the
    // console's same-origin rule does not apply.
    let signing = Signing {
        origin: Some("http://elsewhere.example"),
        ..Signing::with(&key)
    };
    let res = send_signed(&app, Method::GET, "/restapis?limit=5", None, &signing).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = send_signed(
        &app,
        Method::POST,
        "/restapis",
        Some(&json!({"name": "x"})),
        &signing,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // Only the last, properly signed request created anything.
    let list = ok(&app, &key, Method::GET, "/restapis", None).await;
    assert_eq!(list["item"].as_array().map(Vec::len), Some(1));
}

/// The seed flow's control-plane half, checking the shapes botocore reads.
#[tokio::test]
async fn builds_an_api_with_aws_wire_shapes() {
    let app = spawn_app().await;
    let key = access_key(&app).await;
    let k = &key;
    let app = &app;

    let (status, api) = json_of(
        call(
            app,
            k,
            Method::POST,
            "/restapis",
            Some(json!({"name": "pets", "description": "Pet store", "endpointConfiguration": {"types": ["REGIONAL"]}})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{api}");
    let api_id = api["id"].as_str().expect("id").to_owned();
    assert_eq!(api["name"], "pets");
    assert_eq!(api["description"], "Pet store");
    assert!(api["createdDate"].is_i64(), "epoch seconds: {api}");
    let root = api["rootResourceId"].as_str().expect("root").to_owned();
    let base = format!("/restapis/{api_id}");

    let got = ok(app, k, Method::GET, &base, None).await;
    assert_eq!(got, api);

    let renamed = ok(
        app,
        k,
        Method::PATCH,
        &base,
        Some(json!({"patchOperations": [
            {"op": "replace", "path": "/name", "value": "pets-v2"},
            {"op": "remove", "path": "/description"}
        ]})),
    )
    .await;
    assert_eq!(renamed["name"], "pets-v2");
    assert!(renamed.get("description").is_none(), "{renamed}");

    let (status, pets) = json_of(
        call(
            app,
            k,
            Method::POST,
            &format!("{base}/resources/{root}"),
            Some(json!({"pathPart": "pets"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (pets["path"].as_str(), pets["parentId"].as_str()),
        (Some("/pets"), Some(root.as_str()))
    );
    let pets_id = pets["id"].as_str().expect("id").to_owned();
    let method_path = format!("{base}/resources/{pets_id}/methods/GET");

    // Authorizer with a validation regex, method guarded by it.
    let arn = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_AbCdEfGhI";
    let (status, authorizer) = json_of(
        call(
            app,
            k,
            Method::POST,
            &format!("{base}/authorizers"),
            Some(json!({
                "name": "pool", "type": "COGNITO_USER_POOLS", "providerARNs": [arn],
                "identitySource": "method.request.header.Authorization",
                "identityValidationExpression": "^[a-z0-9]{26}$"
            })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{authorizer}");
    assert_eq!(authorizer["providerARNs"], json!([arn]));
    assert_eq!(authorizer["authorizerResultTtlInSeconds"], 300);
    assert!(authorizer.get("version").is_none());
    let authorizer_id = authorizer["id"].as_str().expect("id").to_owned();

    let (status, method) = json_of(
        call(
            app,
            k,
            Method::PUT,
            &method_path,
            Some(json!({"authorizationType": "COGNITO_USER_POOLS", "authorizerId": authorizer_id})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{method}");
    assert_eq!(method["httpMethod"], "GET");
    assert!(method.get("version").is_none());

    let template = "{\"sub\": \"$context.authorizer.claims.sub\"}";
    let (status, integration) = json_of(
        call(
            app,
            k,
            Method::PUT,
            &format!("{method_path}/integration"),
            Some(json!({"type": "MOCK", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{integration}");
    assert_eq!(integration["type"], "MOCK");
    assert_eq!(integration["passthroughBehavior"], "WHEN_NO_MATCH");
    assert_eq!(integration["timeoutInMillis"], 29000);
    assert_eq!(integration["cacheNamespace"], pets_id.as_str());
    assert_eq!(integration["cacheKeyParameters"], json!([]));

    let (status, _) = json_of(
        call(
            app,
            k,
            Method::PUT,
            &format!("{method_path}/responses/200"),
            Some(json!({"responseModels": {"application/json": "Empty"}})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, ir) = json_of(
        call(
            app,
            k,
            Method::PUT,
            &format!("{method_path}/integration/responses/200"),
            Some(json!({"selectionPattern": "", "responseTemplates": {"application/json": template}})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{ir}");
    assert_eq!(ir["statusCode"], "200");
    assert_eq!(ir["responseTemplates"]["application/json"], template);

    // UpdateMethodResponse (201, as botocore's model has it) and UpdateIntegrationResponse.
    let (status, mr) = json_of(
        call(
            app,
            k,
            Method::PATCH,
            &format!("{method_path}/responses/200"),
            Some(json!({"patchOperations": [
                {"op": "add", "path": "/responseParameters/method.response.header.X-Pet", "value": "false"}
            ]})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{mr}");
    assert_eq!(
        mr["responseParameters"],
        json!({"method.response.header.X-Pet": false})
    );
    let ir = ok(
        app,
        k,
        Method::PATCH,
        &format!("{method_path}/integration/responses/200"),
        Some(json!({"patchOperations": [
            {"op": "add", "path": "/responseParameters/method.response.header.X-Pet", "value": "'cat'"},
            {"op": "replace", "path": "/selectionPattern", "value": "2\\d{2}"}
        ]})),
    )
    .await;
    assert_eq!(
        ir["responseParameters"]["method.response.header.X-Pet"],
        "'cat'"
    );
    assert_eq!(ir["selectionPattern"], "2\\d{2}");
    assert_eq!(ir["responseTemplates"]["application/json"], template);

    // Update: a request template via a JSON-Pointer-escaped path, a request parameter.
    let integration = ok(
        app,
        k,
        Method::PATCH,
        &format!("{method_path}/integration"),
        Some(json!({"patchOperations": [
            {"op": "add", "path": "/requestTemplates/text~1plain", "value": "{\"statusCode\": 200}"}
        ]})),
    )
    .await;
    assert_eq!(
        integration["requestTemplates"]["text/plain"],
        "{\"statusCode\": 200}"
    );
    let method = ok(
        app,
        k,
        Method::PATCH,
        &method_path,
        Some(json!({"patchOperations": [
            {"op": "add", "path": "/requestParameters/method.request.querystring.q", "value": "false"}
        ]})),
    )
    .await;
    assert_eq!(
        method["requestParameters"],
        json!({"method.request.querystring.q": false})
    );

    // GetMethod nests the integration and its responses; GetResources lists methods as {}
    // unless asked to embed them.
    let method = ok(app, k, Method::GET, &method_path, None).await;
    assert_eq!(method["authorizationType"], "COGNITO_USER_POOLS");
    assert_eq!(
        method["methodIntegration"]["integrationResponses"]["200"]["responseTemplates"]["application/json"],
        template
    );
    assert_eq!(
        method["methodResponses"]["200"]["responseModels"]["application/json"],
        "Empty"
    );
    let listed = ok(app, k, Method::GET, &format!("{base}/resources"), None).await;
    let item = listed["item"]
        .as_array()
        .and_then(|items| items.iter().find(|r| r["path"] == "/pets"))
        .expect("pets listed")
        .clone();
    assert_eq!(item["resourceMethods"], json!({"GET": {}}));
    let embedded = ok(
        app,
        k,
        Method::GET,
        &format!("{base}/resources?embed=methods"),
        None,
    )
    .await;
    let item = embedded["item"]
        .as_array()
        .and_then(|items| items.iter().find(|r| r["path"] == "/pets"))
        .expect("pets listed")
        .clone();
    assert_eq!(
        item["resourceMethods"]["GET"]["authorizerId"],
        authorizer_id.as_str()
    );
    let one = ok(
        app,
        k,
        Method::GET,
        &format!("{base}/resources/{pets_id}?embed=methods"),
        None,
    )
    .await;
    assert_eq!(one["resourceMethods"]["GET"]["httpMethod"], "GET");

    // TestInvokeAuthorizer: a malformed token is denied, with the checks in the log.
    let test = ok(
        app,
        k,
        Method::POST,
        &format!("{base}/authorizers/{authorizer_id}"),
        Some(json!({"headers": {"Authorization": "Bearer not-a-jwt"}})),
    )
    .await;
    assert_eq!(test["clientStatus"], 401, "{test}");
    let log = test["log"].as_str().expect("log");
    assert!(
        log.starts_with("Execution log for request test-request"),
        "{log}"
    );
    assert!(
        log.contains(&format!("Starting authorizer: {authorizer_id}")),
        "{log}"
    );
    assert!(log.contains("JWT format FAILED"), "{log}");
    assert!(
        log.contains("Authorizer result: Deny (401 Unauthorized)"),
        "{log}"
    );
    assert!(!log.contains("not-a-jwt"), "the identity is masked: {log}");
    assert!(test["latency"].is_u64());
    assert!(test.get("claims").is_none());

    // Deploy to a stage; list deployments and stages.
    let (status, deployment) = json_of(
        call(
            app,
            k,
            Method::POST,
            &format!("{base}/deployments"),
            Some(json!({"stageName": "dev", "description": "first", "variables": {"v": "1"}})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{deployment}");
    let deployment_id = deployment["id"].as_str().expect("id").to_owned();
    assert!(deployment["createdDate"].is_i64());
    let deployments = ok(app, k, Method::GET, &format!("{base}/deployments"), None).await;
    assert_eq!(deployments["item"][0]["id"], deployment_id.as_str());
    let summary = ok(
        app,
        k,
        Method::GET,
        &format!("{base}/deployments/{deployment_id}?embed=apisummary"),
        None,
    )
    .await;
    assert_eq!(
        summary["apiSummary"]["/pets"]["GET"]["authorizationType"],
        "COGNITO_USER_POOLS"
    );
    let stage = ok(app, k, Method::GET, &format!("{base}/stages/dev"), None).await;
    assert_eq!(stage["deploymentId"], deployment_id.as_str());
    assert_eq!(stage["variables"], json!({"v": "1"}));
    let stage = ok(
        app,
        k,
        Method::PATCH,
        &format!("{base}/stages/dev"),
        Some(json!({"patchOperations": [
            {"op": "replace", "path": "/variables/backend", "value": "https://example.com"},
            {"op": "remove", "path": "/variables/v"},
            {"op": "replace", "path": "/description", "value": "development"}
        ]})),
    )
    .await;
    assert_eq!(
        stage["variables"],
        json!({"backend": "https://example.com"})
    );
    assert_eq!(stage["description"], "development");

    let (status, prod) = json_of(
        call(
            app,
            k,
            Method::POST,
            &format!("{base}/stages"),
            Some(json!({"stageName": "prod", "deploymentId": deployment_id})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{prod}");
    let stages = ok(app, k, Method::GET, &format!("{base}/stages"), None).await;
    let names: Vec<&str> = stages["item"]
        .as_array()
        .expect("item")
        .iter()
        .filter_map(|s| s["stageName"].as_str())
        .collect();
    assert_eq!(names, ["dev", "prod"]);

    // Deletes answer as AWS does: 202 for stages, resources, APIs; 204 for methods.
    let res = call(app, k, Method::DELETE, &format!("{base}/stages/prod"), None).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = call(
        app,
        k,
        Method::DELETE,
        &format!("{method_path}/integration/responses/200"),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = call(
        app,
        k,
        Method::DELETE,
        &format!("{method_path}/responses/200"),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = call(
        app,
        k,
        Method::DELETE,
        &format!("{method_path}/integration"),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // Switching a Cognito method to a type Gatehouse stores but cannot enforce drops its
    // authorizer and scopes instead of refusing the patch.
    let method = ok(
        app,
        k,
        Method::PATCH,
        &method_path,
        Some(json!({"patchOperations": [
            {"op": "replace", "path": "/authorizationType", "value": "AWS_IAM"}
        ]})),
    )
    .await;
    assert_eq!(method["authorizationType"], "AWS_IAM");
    assert!(method.get("authorizerId").is_none(), "{method}");
    let res = call(app, k, Method::DELETE, &method_path, None).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = call(
        app,
        k,
        Method::DELETE,
        &format!("{base}/authorizers/{authorizer_id}"),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = call(
        app,
        k,
        Method::DELETE,
        &format!("{base}/resources/{pets_id}"),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = call(app, k, Method::DELETE, &base, None).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let (status, code, message) = error_of(call(app, k, Method::GET, &base, None).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "NotFoundException")
    );
    assert!(
        message.contains("Invalid API identifier specified"),
        "{message}"
    );
}

/// One request and the error it must get.
struct Case {
    method: Method,
    path: String,
    body: Option<Value>,
    status: StatusCode,
    code: &'static str,
    message: &'static str,
}

fn case(
    method: Method,
    path: impl Into<String>,
    body: Option<Value>,
    status: StatusCode,
    code: &'static str,
    message: &'static str,
) -> Case {
    Case {
        method,
        path: path.into(),
        body,
        status,
        code,
        message,
    }
}

#[tokio::test]
async fn every_operation_answers_not_found_and_bad_request() {
    let app = spawn_app().await;
    let key = access_key(&app).await;
    let (app, k) = (&app, &key);

    let api = ok(
        app,
        k,
        Method::POST,
        "/restapis",
        Some(json!({"name": "errors"})),
    )
    .await;
    let api_id = api["id"].as_str().expect("id").to_owned();
    let root = api["rootResourceId"].as_str().expect("root").to_owned();
    let b = format!("/restapis/{api_id}");
    let m = format!("{b}/resources/{root}/methods/GET");
    ok(
        app,
        k,
        Method::PUT,
        &m,
        Some(json!({"authorizationType": "NONE"})),
    )
    .await;
    ok(
        app,
        k,
        Method::PUT,
        &format!("{m}/integration"),
        Some(json!({"type": "MOCK"})),
    )
    .await;
    let deployment = ok(
        app,
        k,
        Method::POST,
        &format!("{b}/deployments"),
        Some(json!({})),
    )
    .await;
    let deployment_id = deployment["id"].as_str().expect("id").to_owned();
    let authorizer = ok(
        app,
        k,
        Method::POST,
        &format!("{b}/authorizers"),
        Some(json!({"name": "pool", "type": "COGNITO_USER_POOLS",
            "providerARNs": ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_AbCdEfGhI"]})),
    )
    .await;
    let authorizer_id = authorizer["id"].as_str().expect("id").to_owned();
    let a = format!("{b}/authorizers/{authorizer_id}");

    let nf = StatusCode::NOT_FOUND;
    let br = StatusCode::BAD_REQUEST;
    let (nfe, bre) = ("NotFoundException", "BadRequestException");
    let missing_api = "/restapis/nosuchapi0";
    let missing_method = format!("{b}/resources/{root}/methods/PATCH");
    let patch =
        |path: &str| json!({"patchOperations": [{"op": "replace", "path": path, "value": "x"}]});
    let cases = vec![
        // REST APIs
        case(
            Method::POST,
            "/restapis",
            Some(json!({})),
            br,
            bre,
            "'name' is required",
        ),
        case(
            Method::POST,
            "/restapis",
            Some(json!({"name": ""})),
            br,
            bre,
            "",
        ),
        case(
            Method::POST,
            "/restapis",
            Some(json!({"name": "x", "cloneFrom": "abc"})),
            br,
            bre,
            "cloneFrom",
        ),
        case(
            Method::GET,
            missing_api,
            None,
            nf,
            nfe,
            "Invalid API identifier specified",
        ),
        case(
            Method::GET,
            "/restapis?limit=0",
            None,
            br,
            bre,
            "Invalid limit",
        ),
        case(
            Method::PATCH,
            missing_api,
            Some(patch("/name")),
            nf,
            nfe,
            "Invalid API identifier",
        ),
        case(
            Method::PATCH,
            b.clone(),
            Some(patch("/version")),
            br,
            bre,
            "Invalid patch path '/version'",
        ),
        case(
            Method::PATCH,
            b.clone(),
            Some(json!({"patchOperations": [{"op": "remove", "path": "/name"}]})),
            br,
            bre,
            "Must be one of: [replace]",
        ),
        case(
            Method::PATCH,
            b.clone(),
            Some(json!({"patchOperations": "nope"})),
            br,
            bre,
            "Invalid request body",
        ),
        case(
            Method::DELETE,
            missing_api,
            None,
            nf,
            nfe,
            "Invalid API identifier",
        ),
        // Resources
        case(
            Method::GET,
            format!("{missing_api}/resources"),
            None,
            nf,
            nfe,
            "Invalid API identifier",
        ),
        case(
            Method::GET,
            format!("{b}/resources/nosuchres0"),
            None,
            nf,
            nfe,
            "Invalid Resource identifier specified",
        ),
        case(
            Method::POST,
            format!("{b}/resources/nosuchres0"),
            Some(json!({"pathPart": "a"})),
            nf,
            nfe,
            "Invalid Resource identifier",
        ),
        case(
            Method::POST,
            format!("{b}/resources/{root}"),
            Some(json!({})),
            br,
            bre,
            "'pathPart' is required",
        ),
        case(
            Method::POST,
            format!("{b}/resources/{root}"),
            Some(json!({"pathPart": "a b"})),
            br,
            bre,
            "path part only allow",
        ),
        case(
            Method::DELETE,
            format!("{b}/resources/nosuchres0"),
            None,
            nf,
            nfe,
            "Invalid Resource identifier",
        ),
        case(
            Method::DELETE,
            format!("{b}/resources/{root}"),
            None,
            br,
            bre,
            "Cannot delete the root resource",
        ),
        // Methods
        case(
            Method::GET,
            missing_method.clone(),
            None,
            nf,
            nfe,
            "Invalid Method identifier specified",
        ),
        case(
            Method::GET,
            format!("{b}/resources/{root}/methods/FETCH"),
            None,
            br,
            bre,
            "Invalid HTTP method 'FETCH'",
        ),
        case(
            Method::PUT,
            format!("{b}/resources/{root}/methods/POST"),
            Some(json!({})),
            br,
            bre,
            "'authorizationType' is required",
        ),
        case(
            Method::PUT,
            format!("{b}/resources/{root}/methods/POST"),
            Some(json!({"authorizationType": "BASIC"})),
            br,
            bre,
            "Invalid value 'BASIC' for authorizationType",
        ),
        case(
            Method::PUT,
            m.clone(),
            Some(json!({"authorizationType": "NONE"})),
            StatusCode::CONFLICT,
            "ConflictException",
            "Method already exists",
        ),
        case(
            Method::PATCH,
            missing_method.clone(),
            Some(patch("/authorizationType")),
            nf,
            nfe,
            "Invalid Method identifier",
        ),
        case(
            Method::PATCH,
            m.clone(),
            Some(patch("/operationName")),
            br,
            bre,
            "Invalid patch path '/operationName'",
        ),
        case(
            Method::PATCH,
            m.clone(),
            Some(patch("/apiKeyRequired")),
            br,
            bre,
            "must be true or false",
        ),
        case(
            Method::DELETE,
            missing_method.clone(),
            None,
            nf,
            nfe,
            "Invalid Method identifier",
        ),
        // Method responses
        case(
            Method::GET,
            format!("{m}/responses/418"),
            None,
            nf,
            nfe,
            "Invalid Response status code specified",
        ),
        case(
            Method::PUT,
            format!("{missing_method}/responses/200"),
            Some(json!({})),
            nf,
            nfe,
            "Invalid Method identifier",
        ),
        case(
            Method::PUT,
            format!("{m}/responses/2000"),
            Some(json!({})),
            br,
            bre,
            "",
        ),
        case(
            Method::DELETE,
            format!("{m}/responses/418"),
            None,
            nf,
            nfe,
            "Invalid Response status code",
        ),
        // Integrations
        case(
            Method::GET,
            format!("{missing_method}/integration"),
            None,
            nf,
            nfe,
            "Invalid Method identifier",
        ),
        case(
            Method::PUT,
            format!("{m}/integration"),
            Some(json!({})),
            br,
            bre,
            "'type' is required",
        ),
        case(
            Method::PUT,
            format!("{m}/integration"),
            Some(json!({"type": "LAMBDA"})),
            br,
            bre,
            "Invalid value 'LAMBDA' for type",
        ),
        case(
            Method::PUT,
            format!("{m}/integration"),
            Some(json!({"type": "HTTP", "httpMethod": "GET", "uri": "ftp://x"})),
            br,
            bre,
            "Invalid HTTP endpoint",
        ),
        case(
            Method::PUT,
            format!("{m}/integration"),
            Some(json!({"type": "MOCK", "timeoutInMillis": 10})),
            br,
            bre,
            "Timeout should be between",
        ),
        case(
            Method::PATCH,
            format!("{m}/integration"),
            Some(patch("/connectionType")),
            br,
            bre,
            "Invalid patch path '/connectionType'",
        ),
        case(
            Method::PATCH,
            format!("{missing_method}/integration"),
            Some(patch("/uri")),
            nf,
            nfe,
            "Invalid Method identifier",
        ),
        case(
            Method::DELETE,
            format!("{missing_method}/integration"),
            None,
            nf,
            nfe,
            "Invalid Method identifier",
        ),
        // Integration responses
        case(
            Method::GET,
            format!("{m}/integration/responses/418"),
            None,
            nf,
            nfe,
            "Invalid Response status code",
        ),
        case(
            Method::PUT,
            format!("{missing_method}/integration/responses/200"),
            Some(json!({})),
            nf,
            nfe,
            "Invalid Method identifier",
        ),
        case(
            Method::PUT,
            format!("{m}/integration/responses/abc"),
            Some(json!({})),
            br,
            bre,
            "",
        ),
        case(
            Method::DELETE,
            format!("{m}/integration/responses/418"),
            None,
            nf,
            nfe,
            "Invalid Response status code",
        ),
        // Authorizers
        case(
            Method::GET,
            format!("{b}/authorizers/nosuch"),
            None,
            nf,
            nfe,
            "Invalid Authorizer identifier specified",
        ),
        case(
            Method::GET,
            format!("{missing_api}/authorizers"),
            None,
            nf,
            nfe,
            "Invalid API identifier",
        ),
        case(
            Method::POST,
            format!("{b}/authorizers"),
            Some(json!({"name": "a"})),
            br,
            bre,
            "'name' and 'type' are required",
        ),
        case(
            Method::POST,
            format!("{b}/authorizers"),
            Some(json!({"name": "a", "type": "TOKEN"})),
            br,
            bre,
            "only COGNITO_USER_POOLS",
        ),
        case(
            Method::POST,
            format!("{b}/authorizers"),
            Some(json!({"name": "a", "type": "COGNITO_USER_POOLS", "providerARNs": ["nonsense"]})),
            br,
            bre,
            "",
        ),
        case(
            Method::PATCH,
            format!("{b}/authorizers/nosuch"),
            Some(patch("/name")),
            nf,
            nfe,
            "Invalid Authorizer identifier",
        ),
        case(
            Method::DELETE,
            format!("{b}/authorizers/nosuch"),
            None,
            nf,
            nfe,
            "Invalid Authorizer identifier",
        ),
        case(
            Method::POST,
            format!("{b}/authorizers/nosuch"),
            Some(json!({"headers": {}})),
            nf,
            nfe,
            "Invalid Authorizer identifier",
        ),
        // Deployments
        case(
            Method::GET,
            format!("{b}/deployments/nosuch"),
            None,
            nf,
            nfe,
            "Invalid Deployment identifier specified",
        ),
        case(
            Method::GET,
            format!("{missing_api}/deployments"),
            None,
            nf,
            nfe,
            "Invalid API identifier",
        ),
        case(
            Method::POST,
            format!("{missing_api}/deployments"),
            Some(json!({})),
            nf,
            nfe,
            "Invalid API identifier",
        ),
        case(
            Method::POST,
            format!("{b}/deployments"),
            Some(json!({"stageName": "bad name"})),
            br,
            bre,
            "Stage name only allows",
        ),
        case(
            Method::DELETE,
            format!("{b}/deployments/nosuch"),
            None,
            nf,
            nfe,
            "Invalid Deployment identifier",
        ),
        case(
            Method::PATCH,
            a.clone(),
            Some(patch("/type")),
            br,
            bre,
            "Invalid patch path '/type'",
        ),
        case(
            Method::PATCH,
            a.clone(),
            Some(patch("/authorizerResultTtlInSeconds")),
            br,
            bre,
            "must be an integer",
        ),
        case(
            Method::POST,
            a.clone(),
            Some(json!({"headers": "x"})),
            br,
            bre,
            "Invalid request body",
        ),
        case(
            Method::GET,
            format!("{b}/authorizers?position=99"),
            None,
            br,
            bre,
            "Invalid position",
        ),
        // Response updates
        case(
            Method::PATCH,
            format!("{m}/responses/418"),
            Some(patch("/responseModels/a~1b")),
            nf,
            nfe,
            "Invalid Response status code",
        ),
        case(
            Method::PATCH,
            format!("{m}/integration/responses/418"),
            Some(patch("/selectionPattern")),
            nf,
            nfe,
            "Invalid Response status code",
        ),
        case(
            Method::GET,
            format!("{b}/deployments?limit=9999"),
            None,
            br,
            bre,
            "Invalid limit",
        ),
        // Stages
        case(
            Method::GET,
            format!("{b}/stages/nosuch"),
            None,
            nf,
            nfe,
            "Invalid Stage identifier specified",
        ),
        case(
            Method::GET,
            format!("{missing_api}/stages"),
            None,
            nf,
            nfe,
            "Invalid API identifier",
        ),
        case(
            Method::POST,
            format!("{b}/stages"),
            Some(json!({"stageName": "x"})),
            br,
            bre,
            "'stageName' and 'deploymentId' are required",
        ),
        case(
            Method::POST,
            format!("{b}/stages"),
            Some(json!({"stageName": "x", "deploymentId": "nosuch"})),
            nf,
            nfe,
            "Invalid Deployment identifier",
        ),
        case(
            Method::POST,
            format!("{b}/stages"),
            Some(json!({"stageName": "bad name", "deploymentId": deployment_id})),
            br,
            bre,
            "Stage name only allows",
        ),
        case(
            Method::PATCH,
            format!("{b}/stages/nosuch"),
            Some(patch("/description")),
            nf,
            nfe,
            "Invalid Stage identifier",
        ),
        case(
            Method::DELETE,
            format!("{b}/stages/nosuch"),
            None,
            nf,
            nfe,
            "Invalid Stage identifier",
        ),
    ];
    let total = cases.len();
    for c in cases {
        let what = format!("{} {}", c.method, c.path);
        let res = call(app, k, c.method, &c.path, c.body).await;
        let (status, code, message) = error_of(res).await;
        assert_eq!(
            (status, code.as_str()),
            (c.status, c.code),
            "{what}: {message}"
        );
        assert!(
            message.contains(c.message),
            "{what}: {message:?} lacks {:?}",
            c.message
        );
        assert!(!message.is_empty(), "{what}: empty message");
    }
    assert!(total > 50);

    // A stage on the deployment makes its deletion a 400 with AWS's message.
    ok(
        app,
        k,
        Method::POST,
        &format!("{b}/stages"),
        Some(json!({"stageName": "live", "deploymentId": deployment_id})),
    )
    .await;
    let (status, code, message) = error_of(
        call(
            app,
            k,
            Method::DELETE,
            &format!("{b}/deployments/{deployment_id}"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (br, bre));
    assert!(
        message.contains("Active stages pointing to this deployment"),
        "{message}"
    );
    let (status, code, _) = error_of(
        call(
            app,
            k,
            Method::PATCH,
            &format!("{b}/stages/live"),
            Some(patch("/deploymentId")),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (nf, nfe));
    let (status, code, message) = error_of(
        call(
            app,
            k,
            Method::PATCH,
            &format!("{b}/stages/live"),
            Some(patch("/cacheClusterEnabled")),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (br, bre));
    assert!(
        message.contains("Invalid patch path '/cacheClusterEnabled'"),
        "{message}"
    );

    // An authorizer a method uses cannot be deleted (409, naming the method).
    ok(
        app,
        k,
        Method::PUT,
        &format!("{b}/resources/{root}/methods/POST"),
        Some(json!({"authorizationType": "COGNITO_USER_POOLS", "authorizerId": authorizer_id})),
    )
    .await;
    let (status, code, message) = error_of(call(app, k, Method::DELETE, &a, None).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "ConflictException")
    );
    assert!(message.contains("POST /"), "{message}");
}

#[tokio::test]
async fn unsupported_operations_are_named_never_500() {
    let app = spawn_app().await;
    let key = access_key(&app).await;

    for (method, path, operation) in [
        (Method::GET, "/apikeys", "GetApiKeys"),
        (Method::POST, "/usageplans", "CreateUsagePlan"),
        (Method::GET, "/restapis/abc/models", "GetModels"),
        (
            Method::PATCH,
            "/restapis/abc/resources/def",
            "UpdateResource",
        ),
        (Method::GET, "/domainnames", "GetDomainNames"),
    ] {
        let res = call(&app, &key, method.clone(), path, Some(json!({}))).await;
        let (status, code, message) = error_of(res).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::NOT_IMPLEMENTED, "NotImplementedException"),
            "{method} {path}"
        );
        assert!(message.contains(operation), "{message}");
    }
    let (status, code, message) =
        error_of(call(&app, &key, Method::GET, "/no/such/thing", None).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "UnknownOperationException")
    );
    assert!(message.contains("GET /no/such/thing"), "{message}");
}

/// The console's server functions and the management API read and write the same store.
#[tokio::test]
async fn the_console_and_the_api_share_one_store() {
    let app = spawn_app().await;
    let key = access_key(&app).await;
    app.sign_in_as_admin().await;

    // Built in the console...
    let res = app
        .call(
            "create_rest_api",
            &[("name", "from-console"), ("description", "made by hand")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let console_api: String = res.json().await.expect("id");
    let api = ok(
        &app,
        &key,
        Method::GET,
        &format!("/restapis/{console_api}"),
        None,
    )
    .await;
    let root = api["rootResourceId"].as_str().expect("root").to_owned();
    let res = app
        .call(
            "create_api_resource",
            &[
                ("api_id", &console_api),
                ("parent_id", &root),
                ("path_part", "orders"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let resource: String = res.json().await.expect("id");
    let res = app
        .call(
            "create_api_method",
            &[
                ("api_id", &console_api),
                ("resource_id", &resource),
                ("http_method", "POST"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // ...shows up through the API, with the console's MOCK defaults.
    let listed = ok(&app, &key, Method::GET, "/restapis", None).await;
    assert_eq!(listed["item"][0]["name"], "from-console");
    assert_eq!(listed["item"][0]["description"], "made by hand");
    let method = ok(
        &app,
        &key,
        Method::GET,
        &format!("/restapis/{console_api}/resources/{resource}/methods/POST"),
        None,
    )
    .await;
    assert_eq!(method["methodIntegration"]["type"], "MOCK");
    assert_eq!(
        method["methodIntegration"]["requestTemplates"]["application/json"],
        "{\"statusCode\": 200}"
    );

    // Built through the API...
    let api = ok(
        &app,
        &key,
        Method::POST,
        "/restapis",
        Some(json!({"name": "from-sdk"})),
    )
    .await;
    let sdk_api = api["id"].as_str().expect("id").to_owned();
    ok(
        &app,
        &key,
        Method::POST,
        &format!(
            "/restapis/{sdk_api}/resources/{}",
            api["rootResourceId"].as_str().expect("root")
        ),
        Some(json!({"pathPart": "{id}"})),
    )
    .await;

    // ...shows up in the console.
    let res = app.call("list_rest_apis", &[]).await;
    let rows: Value = res.json().await.expect("rows");
    let names: Vec<&str> = rows
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names, ["from-console", "from-sdk"]);
    let res = app
        .call("list_api_resources", &[("api_id", &sdk_api)])
        .await;
    let tree = res.text().await.expect("tree");
    assert!(tree.contains("/{id}"), "{tree}");

    // Deleted through the API: gone from the console.
    let res = call(
        &app,
        &key,
        Method::DELETE,
        &format!("/restapis/{console_api}"),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = app.call("get_rest_api", &[("api_id", &console_api)]).await;
    assert!(!res.status().is_success());
}
