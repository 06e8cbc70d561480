//! The management API's TestInvokeMethod, ImportRestApi, PutRestApi and GetExport over real
//! HTTP with SigV4: what they return, and their not-found and bad-request answers.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::apigateway::{Key, Signing, access_key, call, error_of, json_of};
use crate::helpers::{TestApp, spawn_app};

async fn ok(app: &TestApp, key: &Key, method: Method, path: &str, body: Option<Value>) -> Value {
    let what = format!("{method} {path}");
    let (status, body) = json_of(call(app, key, method, path, body).await).await;
    assert!(status.is_success(), "{what}: {status} {body}");
    body
}

/// Sends a raw (non-JSON) body, signed.
async fn raw(
    app: &TestApp,
    key: &Key,
    method: Method,
    path_and_query: &str,
    body: &str,
) -> reqwest::Response {
    // Signed like botocore signs blob payloads (ImportRestApi, PutRestApi): the exact bytes.
    let full = format!("/apigateway{path_and_query}");
    let (path, query) = full.split_once('?').unwrap_or((&full, ""));
    let date = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .expect("format");
    let headers = vec![
        ("host".to_string(), app.addr.to_string()),
        ("x-amz-date".to_string(), date.clone()),
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
        &key.id,
        &key.secret,
        "us-east-1",
        "apigateway",
        &["host", "x-amz-date"],
    )
    .expect("sign");
    app.client
        .request(method, app.url(&full))
        .header("x-amz-date", date)
        .header("authorization", authorization)
        .body(body.to_owned())
        .send()
        .await
        .expect("request")
}

const POOL_ARN: &str = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Elsewhere1";

fn seed(trailing_comma: bool) -> String {
    let comma = if trailing_comma { "," } else { "" };
    format!(
        r#"{{
  "swagger": "2.0",
  "info": {{"title": "SeedApi", "version": "1"}},
  "paths": {{
    "/": {{
      "get": {{
        "responses": {{"200": {{"description": "ok"}}}},
        "security": [{{"MyUserPool": []}}],
        "x-amazon-apigateway-integration": {{
          "type": "mock",
          "requestTemplates": {{"application/json": "{{\"statusCode\": 200}}"}},
          "responses": {{"default": {{"statusCode": "200"}}}}
        }}
      }}
    }}
  }},
  "securityDefinitions": {{
    "MyUserPool": {{
      "type": "apiKey", "name": "Authorization", "in": "header",
      "x-amazon-apigateway-authtype": "cognito_user_pools",
      "x-amazon-apigateway-authorizer": {{
        "type": "cognito_user_pools",
        "providerARNs": ["{POOL_ARN}"]{comma}
      }}
    }}
  }}
}}"#
    )
}

#[tokio::test]
async fn test_invoke_method_runs_the_working_copy_with_a_log() {
    let app = spawn_app().await;
    let key = access_key(&app).await;
    let (app, k) = (&app, &key);

    let api = ok(
        app,
        k,
        Method::POST,
        "/restapis",
        Some(json!({"name": "t"})),
    )
    .await;
    let api_id = api["id"].as_str().expect("id").to_owned();
    let root = api["rootResourceId"].as_str().expect("root").to_owned();
    let b = format!("/restapis/{api_id}");
    let pets = ok(
        app,
        k,
        Method::POST,
        &format!("{b}/resources/{root}"),
        Some(json!({"pathPart": "pets"})),
    )
    .await;
    let pets = pets["id"].as_str().expect("id").to_owned();
    let item = ok(
        app,
        k,
        Method::POST,
        &format!("{b}/resources/{pets}"),
        Some(json!({"pathPart": "{id}"})),
    )
    .await;
    let item = item["id"].as_str().expect("id").to_owned();
    let m = format!("{b}/resources/{item}/methods/GET");
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
        Some(json!({"type": "MOCK", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}})),
    )
    .await;
    ok(
        app,
        k,
        Method::PUT,
        &format!("{m}/responses/200"),
        Some(json!({})),
    )
    .await;
    ok(
        app,
        k,
        Method::PUT,
        &format!("{m}/integration/responses/200"),
        Some(json!({"responseTemplates": {"application/json": "{\"id\": \"$input.params('id')\", \"q\": \"$input.params('q')\"}"}})),
    )
    .await;

    // Not deployed: the test runs the working copy.
    let run = ok(
        app,
        k,
        Method::POST,
        &m,
        Some(json!({"pathWithQueryString": "/pets/7?q=x", "headers": {"Accept": "application/json"}})),
    )
    .await;
    assert_eq!(run["status"], 200, "{run}");
    let body: Value = serde_json::from_str(run["body"].as_str().expect("body")).expect("json body");
    assert_eq!(body, json!({"id": "7", "q": "x"}));
    let log = run["log"].as_str().expect("log");
    assert!(log.contains("Starting execution for request"), "{log}");
    assert!(log.contains("Method completed with status: 200"), "{log}");
    assert!(run["latency"].is_u64());
    assert!(run["headers"].is_object() && run["multiValueHeaders"].is_object());

    // Without a path, the resource's own path is used (its parameter unfilled).
    let run = ok(app, k, Method::POST, &m, Some(json!({}))).await;
    assert_eq!(run["status"], 200, "{run}");

    for (method, path, body, status, code, needle) in [
        (
            Method::POST,
            format!("{b}/resources/{item}/methods/PUT"),
            json!({}),
            StatusCode::NOT_FOUND,
            "NotFoundException",
            "Invalid Method identifier",
        ),
        (
            Method::POST,
            format!("{b}/resources/nosuchres0/methods/GET"),
            json!({}),
            StatusCode::NOT_FOUND,
            "NotFoundException",
            "Invalid Resource identifier",
        ),
        (
            Method::POST,
            format!("/restapis/nosuchapi0/resources/{item}/methods/GET"),
            json!({}),
            StatusCode::NOT_FOUND,
            "NotFoundException",
            "Invalid API identifier",
        ),
        (
            Method::POST,
            m.clone(),
            json!({"pathWithQueryString": "pets/7"}),
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "must start with /",
        ),
        (
            Method::POST,
            m.clone(),
            json!({"headers": "nope"}),
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "Invalid request body",
        ),
    ] {
        let (got, got_code, message) =
            error_of(call(app, k, method, &path, Some(body)).await).await;
        assert_eq!(
            (got, got_code.as_str()),
            (status, code),
            "{path}: {message}"
        );
        assert!(message.contains(needle), "{path}: {message}");
    }
}

#[tokio::test]
async fn import_put_and_export_documents() {
    let app = spawn_app().await;
    let key = access_key(&app).await;
    let (app, k) = (&app, &key);

    // The seed verbatim: its trailing comma is named; nothing is created.
    let (status, code, message) =
        error_of(raw(app, k, Method::POST, "/restapis?mode=import", &seed(true)).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "BadRequestException")
    );
    assert!(message.contains("Syntax error at line 23"), "{message}");
    let (status, code, message) =
        error_of(raw(app, k, Method::POST, "/restapis?mode=import", "").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "BadRequestException"),
        "{message}"
    );
    // The pool is not one of this Gatehouse's: a warning, which failonwarnings turns into a refusal.
    let (status, _, message) = error_of(
        raw(
            app,
            k,
            Method::POST,
            "/restapis?mode=import&failonwarnings=true",
            &seed(false),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        message.starts_with("Warnings found during import:"),
        "{message}"
    );
    assert!(
        message.contains("not one of this Gatehouse's user pools"),
        "{message}"
    );
    let list = ok(app, k, Method::GET, "/restapis", None).await;
    assert_eq!(
        list["item"],
        json!([]),
        "nothing stored by the refused imports"
    );

    let (status, api) =
        json_of(raw(app, k, Method::POST, "/restapis?mode=import", &seed(false)).await).await;
    assert_eq!(status, StatusCode::CREATED, "{api}");
    assert_eq!(api["name"], "SeedApi");
    assert_eq!(api["warnings"].as_array().map(Vec::len), Some(1), "{api}");
    let api_id = api["id"].as_str().expect("id").to_owned();
    let b = format!("/restapis/{api_id}");
    let authorizers = ok(app, k, Method::GET, &format!("{b}/authorizers"), None).await;
    assert_eq!(authorizers["item"][0]["name"], "MyUserPool");
    assert_eq!(authorizers["item"][0]["providerARNs"], json!([POOL_ARN]));

    // PutRestApi: merge adds /pets, overwrite goes back to the document.
    let mut merged: Value = serde_json::from_str(&seed(false)).expect("seed parses");
    merged["paths"]["/pets"] = json!({"get": {"responses": {"200": {"description": "ok"}},
        "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}}}});
    let (status, body) = json_of(
        raw(
            app,
            k,
            Method::PUT,
            &format!("{b}?mode=merge"),
            &merged.to_string(),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let paths = |v: &Value| -> Vec<String> {
        v["item"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|r| r["path"].as_str().map(str::to_owned))
            .collect()
    };
    let mut got = paths(&ok(app, k, Method::GET, &format!("{b}/resources"), None).await);
    got.sort();
    assert_eq!(got, ["/", "/pets"]);
    let (status, _) = json_of(
        raw(
            app,
            k,
            Method::PUT,
            &format!("{b}?mode=overwrite"),
            &seed(false),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        paths(&ok(app, k, Method::GET, &format!("{b}/resources"), None).await),
        ["/"]
    );

    // GetExport reflects the stage's deployment.
    ok(
        app,
        k,
        Method::POST,
        &format!("{b}/deployments"),
        Some(json!({"stageName": "prod"})),
    )
    .await;
    let res = call(
        app,
        k,
        Method::GET,
        &format!("{b}/stages/prod/exports/swagger?extensions=integrations,authorizers"),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/json");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    let doc: Value = res.json().await.expect("json export");
    assert_eq!(doc["swagger"], "2.0");
    assert_eq!(
        doc["securityDefinitions"]["MyUserPool"]["x-amazon-apigateway-authorizer"]["providerARNs"],
        json!([POOL_ARN])
    );
    assert_eq!(
        doc["paths"]["/"]["get"]["x-amazon-apigateway-integration"]["type"],
        "mock"
    );

    let res = app
        .client
        .get(app.url(&format!("/apigateway{b}/stages/prod/exports/oas30")))
        .send()
        .await
        .expect("request");
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "exports need a signature too"
    );

    for (method, path, body, status, needle) in [
        (
            Method::GET,
            format!("{b}/stages/nosuch/exports/swagger"),
            "",
            StatusCode::NOT_FOUND,
            "Invalid Stage identifier",
        ),
        (
            Method::GET,
            "/restapis/nosuchapi0/stages/prod/exports/swagger".to_owned(),
            "",
            StatusCode::NOT_FOUND,
            "Invalid API identifier",
        ),
        (
            Method::GET,
            format!("{b}/stages/prod/exports/raml"),
            "",
            StatusCode::BAD_REQUEST,
            "Invalid export type 'raml'",
        ),
        (
            Method::PUT,
            "/restapis/nosuchapi0?mode=merge".to_owned(),
            "{}",
            StatusCode::NOT_FOUND,
            "Invalid API identifier",
        ),
        (
            Method::PUT,
            format!("{b}?mode=replace"),
            "{}",
            StatusCode::BAD_REQUEST,
            "Invalid mode 'replace'",
        ),
        (
            Method::PUT,
            format!("{b}?mode=overwrite"),
            "swagger: [",
            StatusCode::BAD_REQUEST,
            "Syntax error at line",
        ),
    ] {
        let (got, _, message) = error_of(raw(app, k, method, &path, body).await).await;
        assert_eq!(got, status, "{path}: {message}");
        assert!(message.contains(needle), "{path}: {message}");
    }
}

#[tokio::test]
async fn exports_follow_the_accept_header() {
    let app = spawn_app().await;
    let key = access_key(&app).await;
    let (app, k) = (&app, &key);
    let (_, api) =
        json_of(raw(app, k, Method::POST, "/restapis?mode=import", &seed(false)).await).await;
    let b = format!("/restapis/{}", api["id"].as_str().expect("id"));
    ok(
        app,
        k,
        Method::POST,
        &format!("{b}/deployments"),
        Some(json!({"stageName": "prod"})),
    )
    .await;
    let res = crate::apigateway::send_signed(
        app,
        Method::GET,
        &format!("{b}/stages/prod/exports/oas30"),
        None,
        &Signing {
            accept: Some("application/yaml"),
            ..Signing::with(k)
        },
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/yaml");
    let text = res.text().await.expect("text");
    assert!(text.starts_with("openapi: 3.0"), "{text}");
}
