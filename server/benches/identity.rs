//! Throughput of the user-pool hot paths, each against a baseline measured in the same run:
//! - InitiateAuth (USER_PASSWORD_AUTH through the wire dispatcher: lookup, argon2id verify,
//!   token minting, refresh-token storage) vs. the bare argon2id verify it is built around;
//! - ID-token verification against the pool's JWKS (RS256, kid lookup, iss/aud/exp) vs. the
//!   bare RSA signature check.
//!
//! `cargo bench -p server --bench identity` (uses DATABASE_URL, or an embedded PostgreSQL in a
//! temp dir). Not a test: it prints numbers and ratios, it asserts nothing about speed.

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

const AUTH_ROUNDS: usize = 24;
const VERIFY_ROUNDS: usize = 2000;

fn per_sec(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

#[tokio::main]
async fn main() {
    let dir = tempfile::Builder::new()
        .prefix("gatehouse-bench-")
        .tempdir_in("/tmp")
        .expect("tempdir");
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o711),
    )
    .expect("chmod");
    let (pool, embedded) = match std::env::var("DATABASE_URL") {
        Ok(url) => (
            sqlx::PgPool::connect(&url)
                .await
                .expect("DATABASE_URL connects"),
            None,
        ),
        Err(_) => {
            let mut options = embedded_pg::Options::new(dir.path().join("data"));
            options.fast_init = true;
            let pg = embedded_pg::EmbeddedPg::start(options)
                .await
                .expect("embedded PostgreSQL starts");
            let pool = sqlx::PgPool::connect_with(pg.connect_options())
                .await
                .expect("connects");
            (pool, Some(pg))
        }
    };
    server::MIGRATOR.run(&pool).await.expect("migrations");
    let idp = identity::Identity::new(
        pool.clone(),
        master_key::MasterKey::generate(),
        identity::IdentityConfig::default(),
    );

    let call = |action: &'static str, body: Value| {
        let idp = idp.clone();
        async move {
            idp.dispatch(action, body.to_string().as_bytes(), true)
                .await
                .expect(action)
        }
    };
    let created = call("CreateUserPool", json!({"PoolName": "bench"})).await;
    let pool_id = created["UserPool"]["Id"]
        .as_str()
        .expect("pool id")
        .to_string();
    let client = call(
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "bench", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await;
    let client_id = client["UserPoolClient"]["ClientId"]
        .as_str()
        .expect("client id")
        .to_string();
    let password = "Bench-Passw0rd!";
    call(
        "SignUp",
        json!({"ClientId": client_id, "Username": "bench", "Password": password}),
    )
    .await;
    call(
        "AdminConfirmSignUp",
        json!({"UserPoolId": pool_id, "Username": "bench"}),
    )
    .await;
    let auth_body = json!({"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "bench", "PASSWORD": password}});

    // Baseline: the argon2id verify alone, with the same parameters and hashing pool.
    let hash = accounts::password::hash(password).await.expect("hash");
    let start = Instant::now();
    for _ in 0..AUTH_ROUNDS {
        assert!(accounts::password::verify(password, &hash).await);
    }
    let argon = start.elapsed();

    let mut id_token = String::new();
    let start = Instant::now();
    for _ in 0..AUTH_ROUNDS {
        let res = call("InitiateAuth", auth_body.clone()).await;
        id_token = res["AuthenticationResult"]["IdToken"]
            .as_str()
            .expect("id token")
            .to_string();
    }
    let auth = start.elapsed();

    // Concurrency: 8 callers at once, bounded by the hashing semaphore.
    let start = Instant::now();
    let tasks: Vec<_> = (0..AUTH_ROUNDS)
        .map(|_| tokio::spawn(call("InitiateAuth", auth_body.clone())))
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    let auth_parallel = start.elapsed();

    let jwks = idp.public_jwks(&pool_id).await.expect("jwks");
    let kid = jsonwebtoken::decode_header(&id_token)
        .expect("header")
        .kid
        .expect("kid");
    let jwk = jwks.iter().find(|k| k.kid == kid).expect("kid in JWKS");
    let key = DecodingKey::from_rsa_components(&jwk.n, &jwk.e).expect("key");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[idp.issuer(&pool_id)]);
    validation.set_audience(&[&client_id]);

    let start = Instant::now();
    for _ in 0..VERIFY_ROUNDS {
        let header = jsonwebtoken::decode_header(&id_token).expect("header");
        let jwk = jwks
            .iter()
            .find(|k| Some(&k.kid) == header.kid.as_ref())
            .expect("kid");
        let key = DecodingKey::from_rsa_components(&jwk.n, &jwk.e).expect("key");
        jsonwebtoken::decode::<Value>(&id_token, &key, &validation).expect("verifies");
    }
    let verify_full = start.elapsed();

    // Baseline: the RS256 signature check alone, key already parsed.
    let (message, signature) = id_token.rsplit_once('.').expect("jws");
    let start = Instant::now();
    for _ in 0..VERIFY_ROUNDS {
        assert!(
            jsonwebtoken::crypto::verify(signature, message.as_bytes(), &key, Algorithm::RS256)
                .expect("verify")
        );
    }
    let verify_sig = start.elapsed();

    let params = argon2::Params::default();
    println!(
        "argon2id parameters: m={} KiB, t={}, p={} (argon2 crate defaults, as used by accounts::password)",
        params.m_cost(),
        params.t_cost(),
        params.p_cost()
    );
    println!(
        "InitiateAuth (sequential): {:>8.1}/s   baseline argon2id verify: {:>8.1}/s   ratio {:.2}",
        per_sec(AUTH_ROUNDS, auth),
        per_sec(AUTH_ROUNDS, argon),
        auth.as_secs_f64() / argon.as_secs_f64()
    );
    println!(
        "InitiateAuth (24 concurrent): {:>6.1}/s",
        per_sec(AUTH_ROUNDS, auth_parallel)
    );
    println!(
        "ID token verification:     {:>8.0}/s   baseline RS256 signature check: {:>8.0}/s   ratio {:.2}",
        per_sec(VERIFY_ROUNDS, verify_full),
        per_sec(VERIFY_ROUNDS, verify_sig),
        verify_full.as_secs_f64() / verify_sig.as_secs_f64()
    );

    pool.close().await;
    if let Some(pg) = embedded {
        pg.stop().await.expect("stop");
    }
}
