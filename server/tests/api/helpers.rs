use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use reqwest::StatusCode;
use server::config::Settings;
use server::startup::Application;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

pub const ADMIN_PASSWORD: &str = "integration-test-password";

pub struct TestApp {
    pub addr: SocketAddr,
    pub pool: PgPool,
    /// A client that keeps cookies and never follows redirects, so tests see what the server said.
    pub client: reqwest::Client,
    /// The master key the server seals secrets with (tests create access keys with it).
    pub master_key: master_key::MasterKey,
}

pub fn base_url() -> String {
    std::env::var("DATABASE_URL")
        .expect("DATABASE_URL must name a PostgreSQL server (scripts/dev test starts one)")
}

pub fn test_settings() -> Settings {
    Settings {
        listen: "127.0.0.1:0".parse().expect("address"),
        database_url: None,
        data_dir: PathBuf::from("unused"),
        pg_bin: None,
        admin_password: None,
        public_url: None,
        session_ttl: Duration::from_secs(3600),
        site_root: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site")),
        throttle: accounts::ThrottlePolicy::default(),
        master_key: None,
        bootstrap_access_key: None,
        gateway_listen: "127.0.0.1:4000".parse().expect("address"),
        gateway_public_url: None,
        account_id: "000000000000".into(),
        region: "us-east-1".into(),
        session_max_age: Duration::from_secs(24 * 3600),
        limits: server::listener::Limits::default(),
        // Suites make many calls from 127.0.0.1; tests of the limit set their own.
        cognito_rate: server::address_rate::AddressRate {
            per_second: 0.0,
            burst: 0,
        },
    }
}

/// A fresh, migrated database of its own for one test.
pub async fn fresh_database() -> (PgPool, String) {
    let base = PgConnectOptions::from_str(&base_url()).expect("DATABASE_URL parses");
    let name = format!("gatehouse_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect_with(&base)
        .await
        .expect("connect to the test server");
    // The name is ours (a UUID), not user input.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create database");
    conn.close().await.ok();
    let pool = PgPoolOptions::new()
        .max_connections(5)
        .connect_with(base.database(&name))
        .await
        .expect("connect to the new database");
    server::MIGRATOR.run(&pool).await.expect("migrations apply");
    (pool, name)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(test_settings()).await
}

pub async fn spawn_app_with(settings: Settings) -> TestApp {
    let (pool, _) = fresh_database().await;
    accounts::ensure_initial_admin(&pool, Some(ADMIN_PASSWORD))
        .await
        .expect("first admin");
    spawn_app_on(settings, pool).await
}

pub async fn spawn_app_on(settings: Settings, pool: PgPool) -> TestApp {
    let master_key = master_key::MasterKey::generate();
    let app = Application::build(
        &settings,
        pool.clone(),
        "test database".into(),
        master_key.clone(),
    )
    .await
    .expect("app builds");
    let addr = app.local_addr();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        addr,
        pool,
        client: client(),
        master_key,
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client builds")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Calls a server function the way the hydrated console does (form-encoded POST).
    pub async fn call(&self, function: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.call_with(&self.client, function, form).await
    }

    pub async fn call_with(
        &self,
        client: &reqwest::Client,
        function: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{function}")))
            .header("Accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("request completes")
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> reqwest::Response {
        self.call("login", &[("username", username), ("password", password)])
            .await
    }

    pub async fn sign_in_as_admin(&self) {
        let res = self.sign_in("admin", ADMIN_PASSWORD).await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "sign-in failed: {}",
            res.text().await.unwrap_or_default()
        );
    }
}

/// The value of the session cookie a response sets, if any.
pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gatehouse_session="))
        .map(str::to_string)
}

/// The app's identity provider as an in-process handle, issuing tokens under its console URL.
pub fn identity_of(app: &TestApp) -> identity::Identity {
    identity::Identity::new(
        app.pool.clone(),
        app.master_key.clone(),
        identity::IdentityConfig {
            issuer_base: format!("http://{}", app.addr),
            account_id: "000000000000".into(),
        },
    )
}

/// One Cognito action through the in-process identity provider; panics on an error answer.
pub async fn idp_call(
    idp: &identity::Identity,
    action: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    idp.dispatch(action, body.to_string().as_bytes(), true)
        .await
        .unwrap_or_else(|e| panic!("{action}: {e:?}"))
}

/// A pool, a web client (password and refresh flows) and one confirmed, signed-in user.
pub struct PoolUser {
    pub arn: String,
    pub client_id: String,
    pub id_token: String,
    pub access_token: String,
}

/// Creates the pool from `create_pool` (a CreateUserPool request), signs `username` up with
/// `attributes` (a UserAttributes array), confirms and signs them in.
pub async fn pool_user(
    idp: &identity::Identity,
    create_pool: serde_json::Value,
    username: &str,
    password: &str,
    attributes: serde_json::Value,
) -> PoolUser {
    let text = |v: &serde_json::Value| v.as_str().expect("a string field").to_string();
    let pool = idp_call(idp, "CreateUserPool", create_pool).await;
    let pool_id = text(&pool["UserPool"]["Id"]);
    let arn = text(&pool["UserPool"]["Arn"]);
    let client = idp_call(
        idp,
        "CreateUserPoolClient",
        serde_json::json!({"UserPoolId": pool_id, "ClientName": "web", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await;
    let client_id = text(&client["UserPoolClient"]["ClientId"]);
    idp_call(
        idp,
        "SignUp",
        serde_json::json!({"ClientId": client_id, "Username": username, "Password": password, "UserAttributes": attributes}),
    )
    .await;
    idp_call(
        idp,
        "AdminConfirmSignUp",
        serde_json::json!({"UserPoolId": pool_id, "Username": username}),
    )
    .await;
    let auth = idp_call(
        idp,
        "InitiateAuth",
        serde_json::json!({"ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": username, "PASSWORD": password}}),
    )
    .await;
    PoolUser {
        arn,
        client_id,
        id_token: text(&auth["AuthenticationResult"]["IdToken"]),
        access_token: text(&auth["AuthenticationResult"]["AccessToken"]),
    }
}

/// A gateway listener on a free port over `pool`, serving until the test ends; its address.
/// `issuer_base` is the console URL the pools' `iss` claims start with.
pub async fn start_gateway(
    pool: &PgPool,
    idp: identity::Identity,
    issuer_base: &str,
) -> SocketAddr {
    let gateway = server::gateway_server::GatewayServer::build(
        "127.0.0.1:0".parse().expect("addr"),
        pool.clone(),
        idp,
        issuer_base,
    )
    .await
    .expect("gateway");
    let addr = gateway.local_addr();
    tokio::spawn(gateway.run_until(std::future::pending()));
    addr
}

/// `GET /` on the API's root, guarded by `authorizer_id` (a Cognito authorizer) or open, with a
/// MOCK integration answering 200 and a 200 method response; the integration response is the
/// caller's (it is what each gateway test varies).
pub async fn mock_get_on_root(
    pool: &PgPool,
    api_id: &apis::RestApiId,
    root: &apis::ResourceId,
    authorizer_id: Option<&apis::AuthorizerId>,
) {
    use apis::model::{
        AuthorizationType, HttpMethod, IntegrationSettings, MethodResponseSettings, MethodSettings,
    };
    let method = MethodSettings {
        authorization_type: match authorizer_id {
            Some(_) => AuthorizationType::CognitoUserPools,
            None => AuthorizationType::None,
        },
        authorizer_id: authorizer_id.cloned(),
        ..Default::default()
    };
    apis::store::put_method(pool, api_id, root, HttpMethod::Get, &method)
        .await
        .expect("method");
    let mut mock = IntegrationSettings::mock();
    mock.request_templates
        .insert("application/json".into(), r#"{"statusCode": 200}"#.into());
    apis::store::put_integration(pool, api_id, root, HttpMethod::Get, &mock)
        .await
        .expect("integration");
    apis::store::put_method_response(
        pool,
        api_id,
        root,
        HttpMethod::Get,
        "200",
        &MethodResponseSettings::default(),
    )
    .await
    .expect("method response");
}

/// Creates `/a/b/...` under the root (reusing existing parents); returns the leaf's id.
pub async fn resource(
    pool: &sqlx::PgPool,
    api_id: &apis::RestApiId,
    root: &apis::ResourceId,
    path: &str,
) -> apis::ResourceId {
    let mut parent = root.clone();
    for part in path.trim_matches('/').split('/') {
        let existing = apis::store::list_resources(pool, api_id)
            .await
            .expect("resources")
            .into_iter()
            .find(|r| {
                r.parent_id.as_ref() == Some(&parent) && r.path_part.as_deref() == Some(part)
            });
        parent = match existing {
            Some(r) => r.id,
            None => {
                apis::store::create_resource(pool, api_id, &parent, part)
                    .await
                    .expect("resource")
                    .id
            }
        };
    }
    parent
}
