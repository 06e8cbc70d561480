//! In-process cost of one gateway request, without HTTP: MOCK + Cognito authorizer (cached,
//! and uncached with a full RS256 check) + a claims response template, as in
//! `cargo bench -p server --bench gateway`. Prints ns per `Runtime::handle` call.
//!
//! `cargo run --release -p gateway --example pipeline_cost [iterations] [cached]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use apis::authorizer::{PoolKeys, PublicKey};
use apis::model::{
    AuthorizationType, Authorizer, AuthorizerType, DEFAULT_IDENTITY_SOURCE, DeploymentSnapshot,
    HttpMethod, Integration, IntegrationResponse, IntegrationType, Method, MethodResponse,
    PassthroughBehavior, Resource, RestApi,
};
use apis::{AuthorizerId, DeploymentId, ResourceId, RestApiId, StageName};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use gateway::{Gateway, KeySource, Runtime, StageInput};
use http::Request;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::RsaPrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::json;
use time::OffsetDateTime;

const API: &str = "a1b2c3d4e5";
const POOL: &str = "us-east-1_AbC123xyz";
const ISSUER: &str = "http://127.0.0.1:3000/cognito-idp/us-east-1_AbC123xyz";
const CLIENT: &str = "5gha7s6vka4qapfa8pe5i9resj";
const KID: &str = "pool-key-1";
const CLAIMS: &str = r#"{"sub": "$context.authorizer.claims.sub", "user": "$context.authorizer.claims['cognito:username']", "stage": "$context.stage"}"#;

struct Keys(std::sync::Arc<[PoolKeys]>);

impl KeySource for Keys {
    async fn pools_for(
        &self,
        _authorizer: &Authorizer,
        _token: &str,
    ) -> std::sync::Arc<[PoolKeys]> {
        self.0.clone()
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// An ID token about the size of a Cognito one (~1 KB).
fn id_token(key: &RsaPrivateKey, n: i64, i: usize) -> String {
    let claims = json!({
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "email_verified": true,
        "iss": ISSUER,
        "cognito:username": format!("alice{i}"),
        "origin_jti": "0e3b7a1c-6f4b-4c1e-9d0a-2b8f5e1c7a93",
        "aud": CLIENT,
        "event_id": "7d1c2a4e-3b5f-4a6d-8e9c-1f2a3b4c5d6e",
        "token_use": "id",
        "auth_time": n - 600,
        "iat": n - 600,
        "exp": n + 3600,
        "jti": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
        "email": "alice@example.com",
    });
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.to_owned());
    let der = key.to_pkcs1_der().unwrap();
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_rsa_der(der.as_bytes())).unwrap()
}

fn snapshot(ttl: i32, path: &str, id: &str) -> DeploymentSnapshot {
    let integration = Integration {
        kind: IntegrationType::Mock,
        http_method: None,
        uri: None,
        request_parameters: BTreeMap::new(),
        request_templates: [(
            "application/json".to_owned(),
            r#"{"statusCode": 200}"#.to_owned(),
        )]
        .into(),
        passthrough_behavior: PassthroughBehavior::WhenNoMatch,
        timeout_in_millis: 29_000,
        integration_responses: [(
            "200".to_owned(),
            IntegrationResponse {
                status_code: "200".to_owned(),
                selection_pattern: None,
                response_parameters: BTreeMap::new(),
                response_templates: [("application/json".to_owned(), CLAIMS.to_owned())].into(),
            },
        )]
        .into(),
        version: 1,
    };
    let method = Method {
        http_method: HttpMethod::Get,
        authorization_type: AuthorizationType::CognitoUserPools,
        authorizer_id: Some(AuthorizerId::new("auth01")),
        authorization_scopes: Vec::new(),
        api_key_required: false,
        request_parameters: BTreeMap::new(),
        method_responses: [(
            "200".to_owned(),
            MethodResponse {
                status_code: "200".to_owned(),
                response_parameters: BTreeMap::new(),
                response_models: BTreeMap::new(),
            },
        )]
        .into(),
        method_integration: Some(integration),
        version: 1,
    };
    DeploymentSnapshot {
        format_version: DeploymentSnapshot::FORMAT_VERSION,
        deployment_id: DeploymentId::new(format!("dep-{id}")),
        description: String::new(),
        created_date: OffsetDateTime::UNIX_EPOCH,
        api: RestApi {
            id: RestApiId::new(id),
            name: "bench".to_owned(),
            description: String::new(),
            created_date: OffsetDateTime::UNIX_EPOCH,
            root_resource_id: ResourceId::new("root01"),
        },
        resources: vec![
            Resource {
                id: ResourceId::new("root01"),
                parent_id: None,
                path_part: None,
                path: "/".to_owned(),
                resource_methods: BTreeMap::new(),
            },
            Resource {
                id: ResourceId::new("claim1"),
                parent_id: Some(ResourceId::new("root01")),
                path_part: Some(path.trim_start_matches('/').to_owned()),
                path: path.to_owned(),
                resource_methods: [(HttpMethod::Get, method)].into(),
            },
        ],
        authorizers: vec![Authorizer {
            id: AuthorizerId::new("auth01"),
            name: "cognito".to_owned(),
            kind: AuthorizerType::CognitoUserPools,
            provider_arns: vec![format!(
                "arn:aws:cognito-idp:us-east-1:000000000000:userpool/{POOL}"
            )],
            identity_source: DEFAULT_IDENTITY_SOURCE.to_owned(),
            identity_validation_expression: None,
            authorizer_result_ttl_in_seconds: ttl,
            version: 1,
        }],
    }
}

fn request(path: &str, token: &str) -> Request<Bytes> {
    Request::builder()
        .method("GET")
        .uri(path)
        .header("host", "127.0.0.1:8080")
        .header("user-agent", "bench/1.0")
        .header("accept", "*/*")
        .header("authorization", token)
        .body(Bytes::new())
        .unwrap()
}

fn main() {
    let iterations: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    // A fixed key, so that runs differ only in the requests (for `perf stat` comparisons).
    let key = RsaPrivateKey::new(
        &mut <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(7),
        2048,
    )
    .unwrap();
    let public = key.to_public_key();
    let keys = Keys(std::sync::Arc::from([PoolKeys {
        provider: format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{POOL}"),
        pool_id: POOL.to_owned(),
        issuer: ISSUER.to_owned(),
        keys: vec![PublicKey {
            kid: KID.to_owned(),
            n: URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            e: URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        }],
    }]));
    let stage = |ttl, id: &str| StageInput {
        rest_api_id: RestApiId::new(id),
        stage_name: StageName::new("bench"),
        variables: BTreeMap::new().into_iter().collect(),
        snapshot: snapshot(ttl, "/claims", id),
    };
    let runtime = Runtime::new(Gateway::compile([stage(300, API), stage(0, "uncached01")]));
    let n = now();
    let token = id_token(&key, n, 0);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();

    let cached = format!("/{API}/bench/claims");
    println!(
        "SIZE serve future {}",
        std::mem::size_of_val(&runtime.serve(request(&cached, &token), &keys))
    );
    let first = rt.block_on(runtime.handle(request(&cached, &token), &keys));
    assert_eq!(first.status(), 200, "{:?}", first.body());
    println!(
        "token {} bytes; response: {}",
        token.len(),
        String::from_utf8_lossy(first.body())
    );
    let run = |label: &str, path: &str, tokens: &[String], count: usize| {
        // Requests are built outside the timed part (a server receives them ready-made), in
        // small batches so that the benchmark's own memory does not dominate.
        let mut timed = std::time::Duration::ZERO;
        let mut done = 0;
        while done < count {
            let batch: Vec<Request<Bytes>> = (done..count.min(done + 256))
                .map(|i| request(path, &tokens[i % tokens.len()]))
                .collect();
            done += batch.len();
            let start = Instant::now();
            rt.block_on(async {
                for req in batch {
                    let resp = runtime.handle(req, &keys).await;
                    debug_assert_eq!(resp.status(), 200);
                    std::hint::black_box(resp);
                }
            });
            timed += start.elapsed();
        }
        let ns = timed.as_nanos() as f64 / count as f64;
        println!("{label}: {ns:.0} ns/request ({count} requests)");
    };
    let mode = std::env::args().nth(2).unwrap_or_default();
    run(
        "warm-up cached",
        &cached,
        std::slice::from_ref(&token),
        iterations / 4,
    );
    run("cached", &cached, std::slice::from_ref(&token), iterations);
    if mode == "cached" {
        return;
    }
    let uncached = "/uncached01/bench/claims";
    let tokens: Vec<String> = (0..64).map(|i| id_token(&key, n, i)).collect();
    run(
        "uncached (RS256)",
        uncached,
        &tokens,
        (iterations / 50).max(1000),
    );
}
