//! USER_SRP_AUTH behaviour: replay, races, old passwords, bad input, sealing at rest. The
//! client half below follows the protocol so that these cases can be driven at will;
//! compatibility with real clients is proven by pycognito and amazon-cognito-identity-js in
//! `tests/python/test_cognito_srp.py`.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use num_bigint_dig::BigUint;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::common::*;

const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879",
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B",
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836",
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804",
    "F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6",
    "955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64",
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D226",
    "1AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

fn n() -> BigUint {
    BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("N")
}

fn pad(x: &BigUint) -> Vec<u8> {
    let b = x.to_bytes_be();
    if b[0] & 0x80 != 0 {
        [vec![0], b].concat()
    } else {
        b
    }
}

fn h(parts: &[&[u8]]) -> Vec<u8> {
    let mut d = Sha256::new();
    for p in parts {
        d.update(p);
    }
    d.finalize().to_vec()
}

fn mac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("key");
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().to_vec()
}

/// The client of one exchange: its secret a and public A.
struct Client {
    a: BigUint,
    big_a: BigUint,
}

impl Client {
    fn new() -> Client {
        let a = BigUint::from_bytes_be(&rand::random::<[u8; 32]>());
        let big_a = BigUint::from(2u32).modpow(&a, &n());
        Client { a, big_a }
    }

    fn srp_a(&self) -> String {
        self.big_a.to_str_radix(16)
    }

    /// The PASSWORD_VERIFIER answer to `params` for `password`.
    fn answer(&self, pool_id: &str, params: &Value, password: &str) -> Value {
        let n = n();
        let g = BigUint::from(2u32);
        let k = BigUint::from_bytes_be(&h(&[&pad(&n), &pad(&g)]));
        let user_id = params["USER_ID_FOR_SRP"].as_str().expect("USER_ID_FOR_SRP");
        let salt = BigUint::parse_bytes(params["SALT"].as_str().expect("SALT").as_bytes(), 16)
            .expect("salt hex");
        let big_b = BigUint::parse_bytes(params["SRP_B"].as_str().expect("SRP_B").as_bytes(), 16)
            .expect("B hex");
        let block = params["SECRET_BLOCK"].as_str().expect("SECRET_BLOCK");
        let pool_name = pool_id.split_once('_').expect("pool id").1;
        let u = BigUint::from_bytes_be(&h(&[&pad(&self.big_a), &pad(&big_b)]));
        let inner = h(&[
            pool_name.as_bytes(),
            user_id.as_bytes(),
            b":",
            password.as_bytes(),
        ]);
        let x = BigUint::from_bytes_be(&h(&[&pad(&salt), &inner]));
        let kgx = (&k * g.modpow(&x, &n)) % &n;
        let s = ((&big_b + &n - kgx) % &n).modpow(&(&self.a + &u * &x), &n);
        let prk = mac(&pad(&u), &[&pad(&s)]);
        let key = &mac(&prk, &[b"Caldera Derived Key", &[1]])[..16];
        let timestamp = "Tue Dec 8 02:08:59 UTC 2026";
        let signature = mac(
            key,
            &[
                pool_name.as_bytes(),
                user_id.as_bytes(),
                &STANDARD.decode(block).expect("base64 block"),
                timestamp.as_bytes(),
            ],
        );
        json!({
            "USERNAME": params["USERNAME"],
            "PASSWORD_CLAIM_SECRET_BLOCK": block,
            "PASSWORD_CLAIM_SIGNATURE": STANDARD.encode(signature),
            "TIMESTAMP": timestamp,
        })
    }
}

async fn start(id: &Api, client_id: &str, username: &str, c: &Client) -> Value {
    let out = ok(
        id,
        "InitiateAuth",
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client_id,
               "AuthParameters": {"USERNAME": username, "SRP_A": c.srp_a()}}),
    )
    .await;
    assert_eq!(out["ChallengeName"], "PASSWORD_VERIFIER", "{out}");
    out["ChallengeParameters"].clone()
}

fn respond_body(client_id: &str, answer: &Value) -> Value {
    json!({"ChallengeName": "PASSWORD_VERIFIER", "ClientId": client_id, "ChallengeResponses": answer})
}

/// One whole SRP sign-in; the RespondToAuthChallenge result.
async fn srp_sign_in(
    id: &Api,
    pool_id: &str,
    client_id: &str,
    username: &str,
    password: &str,
) -> Result<Value, ApiError> {
    let c = Client::new();
    let params = start(id, client_id, username, &c).await;
    let answer = c.answer(pool_id, &params, password);
    call(
        id,
        "RespondToAuthChallenge",
        respond_body(client_id, &answer),
    )
    .await
}

async fn srp_client(id: &Api, pool_id: &str) -> String {
    create_client(
        id,
        pool_id,
        json!({"ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await
    .0
}

fn incorrect() -> (String, String) {
    err("NotAuthorizedException", "Incorrect username or password.")
}

fn kind_and_message(e: ApiError) -> (String, String) {
    (e.type_name().to_owned(), e.message.clone())
}

#[sqlx::test(migrations = "../migrations")]
async fn srp_signs_in_with_the_password_and_refuses_another(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = srp_client(&id, &pool_id).await;
    confirmed_user(&id, &pool_id, "sam", json!([])).await;
    let out = srp_sign_in(&id, &pool_id, &client, "sam", PASSWORD)
        .await
        .expect("signed in");
    let tokens = &out["AuthenticationResult"];
    assert_eq!(
        claims(tokens["IdToken"].as_str().expect("id token"))["cognito:username"],
        "sam"
    );
    let wrong = srp_sign_in(&id, &pool_id, &client, "sam", "Wrong-Horse-9").await;
    assert_eq!(kind_and_message(wrong.expect_err("refused")), incorrect());
}

#[sqlx::test(migrations = "../migrations")]
async fn parallel_answers_to_one_challenge_sign_in_once(db: PgPool) {
    let id = Arc::new(api(db).await);
    let pool_id = create_pool(&id, json!({})).await;
    let client = srp_client(&id, &pool_id).await;
    confirmed_user(&id, &pool_id, "ria", json!([])).await;
    let c = Client::new();
    let params = start(&id, &client, "ria", &c).await;
    let body = respond_body(&client, &c.answer(&pool_id, &params, PASSWORD));
    let tries: Vec<_> = (0..8)
        .map(|_| {
            let (id, body) = (Arc::clone(&id), body.clone());
            tokio::spawn(async move { call(&id, "RespondToAuthChallenge", body).await })
        })
        .collect();
    let mut signed_in = 0;
    for t in tries {
        match t.await.expect("task") {
            Ok(out) => {
                assert!(out["AuthenticationResult"]["AccessToken"].is_string());
                signed_in += 1;
            }
            Err(e) => assert_eq!(
                kind_and_message(e),
                err("NotAuthorizedException", "Invalid session for the user.")
            ),
        }
    }
    assert_eq!(signed_in, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_password_set_before_srp_gets_its_verifier_at_the_next_password_sign_in(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = srp_client(&id, &pool_id).await;
    confirmed_user(&id, &pool_id, "old", json!([])).await;
    // As a row written before the SRP migration: a hash and no verifier.
    sqlx::query("UPDATE user_pool_users SET srp_verifier_sealed = NULL")
        .execute(&db)
        .await
        .expect("update");
    let before = srp_sign_in(&id, &pool_id, &client, "old", PASSWORD).await;
    assert_eq!(
        kind_and_message(before.expect_err("no verifier yet")),
        incorrect()
    );
    sign_in(&id, &client, "old", PASSWORD).await;
    srp_sign_in(&id, &pool_id, &client, "old", PASSWORD)
        .await
        .expect("signed in with the verifier made at the password sign-in");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_verifier_is_sealed_at_rest(db: PgPool) {
    let id = api(db.clone()).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = srp_client(&id, &pool_id).await;
    confirmed_user(&id, &pool_id, "sea", json!([])).await;
    let params = start(&id, &client, "sea", &Client::new()).await;
    let salt = BigUint::parse_bytes(params["SALT"].as_str().expect("salt").as_bytes(), 16)
        .expect("hex")
        .to_bytes_be();
    let (stored,): (Vec<u8>,) =
        sqlx::query_as("SELECT srp_verifier_sealed FROM user_pool_users WHERE username = 'sea'")
            .fetch_one(&db)
            .await
            .expect("row");
    assert!(stored.len() > 384, "a salt and a 3072-bit verifier");
    assert!(
        !stored.windows(salt.len()).any(|w| w == salt.as_slice()),
        "the salt (part of the verifier) must not be readable in the row"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_srp_input_is_refused_with_aws_errors(db: PgPool) {
    let id = api(db).await;
    let pool_id = create_pool(&id, json!({})).await;
    let client = srp_client(&id, &pool_id).await;
    let password_only = password_client(&id, &pool_id).await;
    confirmed_user(&id, &pool_id, "eve", json!([])).await;
    let initiate = |client: &str, a: &str| {
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client,
               "AuthParameters": {"USERNAME": "eve", "SRP_A": a}})
    };
    // A = 0 or a multiple of N would force the session key; never accepted.
    let huge = "f".repeat(5000);
    for a in ["0", N_HEX, "not-hex", huge.as_str()] {
        let (kind, _) = fail(&id, "InitiateAuth", initiate(&client, a)).await;
        assert_eq!(kind, "InvalidParameterException", "SRP_A {a:.20}");
    }
    let (kind, _) = fail(
        &id,
        "InitiateAuth",
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": {"USERNAME": "eve"}}),
    )
    .await;
    assert_eq!(kind, "InvalidParameterException");
    assert_eq!(
        fail(&id, "InitiateAuth", initiate(&password_only, "abc")).await,
        err(
            "InvalidParameterException",
            "USER_SRP_AUTH is not enabled for the client."
        )
    );
    // A guessed secret block, and a real one answered through another client.
    let c = Client::new();
    let params = start(&id, &client, "eve", &c).await;
    let mut answer = c.answer(&pool_id, &params, PASSWORD);
    let real_block = answer["PASSWORD_CLAIM_SECRET_BLOCK"].clone();
    answer["PASSWORD_CLAIM_SECRET_BLOCK"] = json!(STANDARD.encode([7u8; 64]));
    assert_eq!(
        fail(
            &id,
            "RespondToAuthChallenge",
            respond_body(&client, &answer)
        )
        .await,
        err("NotAuthorizedException", "Invalid session for the user.")
    );
    answer["PASSWORD_CLAIM_SECRET_BLOCK"] = real_block;
    assert_eq!(
        fail(
            &id,
            "RespondToAuthChallenge",
            respond_body(&password_only, &answer)
        )
        .await,
        err("NotAuthorizedException", "Invalid session for the user.")
    );
    // A forged signature counts as a wrong password.
    let c = Client::new();
    let params = start(&id, &client, "eve", &c).await;
    let mut answer = c.answer(&pool_id, &params, PASSWORD);
    answer["PASSWORD_CLAIM_SIGNATURE"] = json!(STANDARD.encode([0u8; 32]));
    assert_eq!(
        fail(
            &id,
            "RespondToAuthChallenge",
            respond_body(&client, &answer)
        )
        .await,
        incorrect()
    );
}
