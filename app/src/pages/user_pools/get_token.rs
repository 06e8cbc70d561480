//! The Get a token tab: sign in as one of the pool's users through an app client and show the
//! tokens with their decoded claims, ready to paste into an authorizer test.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::app_clients::{ClientRow, list_app_clients};
use super::shared::PoolDetails;
use crate::components::copy_button::CopyButton;
use crate::components::form::{BUTTON_CLASS, Field, FormError, INPUT_CLASS};
use crate::components::load_error::Loaded;
use crate::components::style::{CARD, CODE_BLOCK, EMPTY, MUTED};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    /// The API call that signed in, e.g. `InitiateAuth (USER_PASSWORD_AUTH)`.
    pub flow: String,
    pub id_token: String,
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: i64,
    /// The decoded payloads, pretty-printed JSON.
    pub id_claims: String,
    pub access_claims: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TokenOutcome {
    Tokens(Tokens),
    /// The user has a temporary password and must choose a new one first.
    NewPasswordRequired,
    /// The pool asks this user for an authenticator code (SOFTWARE_TOKEN_MFA).
    MfaCodeRequired,
}

/// The payload of a JWT as pretty JSON (not verified: for display only).
#[cfg(feature = "ssr")]
fn decode_claims(jwt: &str) -> String {
    use leptos::serde_json;
    jwt.split('.')
        .nth(1)
        .and_then(base64url_decode)
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| "(not a JWT)".to_string())
}

/// Unpadded base64url (RFC 4648 §5), as in JWTs.
#[cfg(feature = "ssr")]
fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut buf = 0u32;
    let mut bits = 0u32;
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buf >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[server(endpoint = "get_pool_token")]
pub async fn get_pool_token(
    pool_id: String,
    client_id: String,
    username: String,
    password: String,
    new_password: Option<String>,
    mfa_code: Option<String>,
) -> Result<TokenOutcome, AppError> {
    use std::collections::BTreeMap;

    use super::shared::ssr::{identity, invalid, on_field};
    use crate::auth::ssr::require_admin;
    use identity::ErrorKind;
    use identity::wire::{
        AdminInitiateAuthRequest, DescribeUserPoolClientRequest, InitiateAuthRequest,
        RespondToAuthChallengeRequest,
    };
    let me = require_admin().await?;
    if client_id.is_empty() {
        return Err(invalid("client_id", "Choose an app client."));
    }
    let username = username.trim().to_string();
    if username.is_empty() {
        return Err(invalid("username", "Enter the user's username."));
    }
    if password.is_empty() {
        return Err(invalid("password", "Enter the user's password."));
    }
    let identity = identity();
    let client = identity
        .describe_user_pool_client(DescribeUserPoolClientRequest {
            user_pool_id: pool_id.clone(),
            client_id: client_id.clone(),
        })
        .await
        .map_err(|e| on_field(e, "client_id"))?
        .user_pool_client;
    let allows = |flow: &str| client.explicit_auth_flows.iter().any(|f| f == flow);
    let secret_hash = client
        .client_secret
        .as_deref()
        .map(|secret| identity::compute_secret_hash(secret, &username, &client_id));
    let mut params = BTreeMap::from([
        ("USERNAME".to_string(), username.clone()),
        ("PASSWORD".to_string(), password),
    ]);
    if let Some(hash) = &secret_hash {
        params.insert("SECRET_HASH".to_string(), hash.clone());
    }
    let explain = |e: identity::CognitoError| -> AppError {
        match e.kind {
            ErrorKind::UserNotConfirmed => AppError::form(
                "User is not confirmed. Confirm them on the Users tab (or with the code in the Outbox), then try again.",
            )
            .with_status(),
            ErrorKind::UserNotFound => on_field(e, "username"),
            _ => e.into(),
        }
    };
    let (flow, response) = if allows("ALLOW_USER_PASSWORD_AUTH") {
        let r = identity
            .initiate_auth(InitiateAuthRequest {
                auth_flow: "USER_PASSWORD_AUTH".into(),
                client_id: client_id.clone(),
                auth_parameters: Some(params),
                client_metadata: None,
            })
            .await
            .map_err(explain)?;
        ("InitiateAuth (USER_PASSWORD_AUTH)", r)
    } else if allows("ALLOW_ADMIN_USER_PASSWORD_AUTH") {
        let r = identity
            .admin_initiate_auth(AdminInitiateAuthRequest {
                user_pool_id: pool_id.clone(),
                client_id: client_id.clone(),
                auth_flow: "ADMIN_USER_PASSWORD_AUTH".into(),
                auth_parameters: Some(params),
                client_metadata: None,
            })
            .await
            .map_err(explain)?;
        ("AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH)", r)
    } else {
        return Err(invalid(
            "client_id",
            "This app client allows neither ALLOW_USER_PASSWORD_AUTH nor ALLOW_ADMIN_USER_PASSWORD_AUTH, so it cannot sign in with a password. Pick another client or create one with a password flow.",
        ));
    };

    let mfa_secret_hash = secret_hash.clone();
    let mut flow = flow.to_string();
    let mut response = response;
    if response.challenge_name.as_deref() == Some("NEW_PASSWORD_REQUIRED") {
        let Some(new_password) = new_password.filter(|p| !p.is_empty()) else {
            return Ok(TokenOutcome::NewPasswordRequired);
        };
        let mut answers = BTreeMap::from([
            ("USERNAME".to_string(), username.clone()),
            ("NEW_PASSWORD".to_string(), new_password),
        ]);
        if let Some(hash) = secret_hash {
            answers.insert("SECRET_HASH".to_string(), hash);
        }
        response = identity
            .respond_to_auth_challenge(RespondToAuthChallengeRequest {
                client_id: client_id.clone(),
                challenge_name: "NEW_PASSWORD_REQUIRED".into(),
                session: response.session.clone(),
                challenge_responses: Some(answers),
                client_metadata: None,
            })
            .await
            .map_err(|e| match e.kind {
                ErrorKind::InvalidPassword => on_field(e, "new_password"),
                _ => e.into(),
            })?;
        flow.push_str(" + RespondToAuthChallenge (NEW_PASSWORD_REQUIRED)");
    }
    if response.challenge_name.as_deref() == Some("SOFTWARE_TOKEN_MFA") {
        let Some(code) = mfa_code
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
        else {
            return Ok(TokenOutcome::MfaCodeRequired);
        };
        let mut answers = BTreeMap::from([
            ("USERNAME".to_string(), username.clone()),
            ("SOFTWARE_TOKEN_MFA_CODE".to_string(), code),
        ]);
        if let Some(hash) = mfa_secret_hash.clone() {
            answers.insert("SECRET_HASH".to_string(), hash);
        }
        response = identity
            .respond_to_auth_challenge(RespondToAuthChallengeRequest {
                client_id: client_id.clone(),
                challenge_name: "SOFTWARE_TOKEN_MFA".into(),
                session: response.session.clone(),
                challenge_responses: Some(answers),
                client_metadata: None,
            })
            .await
            .map_err(|e| match e.kind {
                ErrorKind::CodeMismatch => on_field(e, "mfa_code"),
                _ => e.into(),
            })?;
        flow.push_str(" + RespondToAuthChallenge (SOFTWARE_TOKEN_MFA)");
    }
    if let Some(challenge) = response.challenge_name {
        let why = if challenge == "MFA_SETUP" {
            "The pool requires MFA and this user has no authenticator yet: they set one up at their first sign-in in your app (MFA_SETUP).".to_string()
        } else {
            format!(
                "The sign-in asked for a {challenge} challenge, which the console cannot answer."
            )
        };
        return Err(AppError::form(why).with_status());
    }
    let Some(result) = response.authentication_result else {
        return Err(AppError::internal(
            "sign-in returned neither tokens nor a challenge",
            &flow,
        ));
    };
    tracing::info!(pool.id = %pool_id, client.id = %client_id, by = %me.username, "token issued from the console");
    Ok(TokenOutcome::Tokens(Tokens {
        flow,
        id_claims: decode_claims(&result.id_token),
        access_claims: decode_claims(&result.access_token),
        id_token: result.id_token,
        access_token: result.access_token,
        refresh_token: result.refresh_token,
        expires_in: result.expires_in,
    }))
}

#[component]
pub fn GetTokenTab(pool: PoolDetails) -> AnyView {
    let pool_id = pool.id.clone();
    let clients = Resource::new(move || pool_id.clone(), list_app_clients);
    let pool_id = StoredValue::new(pool.id.clone());
    view! {
        <div class="space-y-6">
            <div class="rounded-xl border border-indigo-200 bg-indigo-50 p-4 text-sm text-indigo-900 dark:border-indigo-900 dark:bg-indigo-950 dark:text-indigo-100" role="note">
                <p class="font-medium">"Get a token to test an authorizer"</p>
                <p class="mt-1">
                    "This is how an API owner gets a token to paste into an authorizer test: sign in here as one of this pool's users through an app client, then copy the ID token (or the access token) into the "
                    <code>"Authorization"</code> " header of a test request. The console signs in exactly as an app would; nothing here is stored."
                </p>
            </div>
            <Loaded loading="Loading app clients…">
                {move || Suspend::new(async move {
                    Ok::<_, AppError>(match clients.await? {
                        rows if rows.is_empty() => view! {
                            <div class=EMPTY data-testid="token-no-clients">
                                <p class="font-medium text-slate-700 dark:text-slate-200">"No app clients yet"</p>
                                <p class="mt-1">"Tokens are issued to an app client: create one on the App clients tab first."</p>
                                <a class="mt-3 inline-block text-indigo-600 hover:underline dark:text-indigo-400" href=format!("/user-pools/{}?tab=clients", pool_id.get_value())>"Go to App clients"</a>
                            </div>
                        }.into_any(),
                        rows => view! { <TokenForm pool_id=pool_id.get_value() clients=rows /> }.into_any(),
                    })
                })}
            </Loaded>
        </div>
    }
    .into_any()
}

#[component]
fn TokenForm(pool_id: String, clients: Vec<ClientRow>) -> AnyView {
    let action = ServerAction::<GetPoolToken>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let pending = action.pending();
    // Once a NEW_PASSWORD_REQUIRED answer came back, the new-password field stays.
    let needs_new_password = RwSignal::new(false);
    let needs_mfa_code = RwSignal::new(false);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(TokenOutcome::NewPasswordRequired)) => needs_new_password.set(true),
        Some(Ok(TokenOutcome::MfaCodeRequired)) => needs_mfa_code.set(true),
        _ => {}
    });
    let client_error = move || error.get().and_then(|e| e.for_field("client_id"));
    let client_invalid = client_error;
    view! {
        <div class="grid items-start gap-6 xl:grid-cols-[22rem_1fr]">
            <section class=format!("{CARD} xl:sticky xl:top-20") aria-labelledby="sign-in-heading">
                <h2 id="sign-in-heading" class="font-semibold">"Sign in as a pool user"</h2>
                <ActionForm action attr:class="mt-4 space-y-4" attr:novalidate=true>
                    <FormError error />
                    <input type="hidden" name="pool_id" value=pool_id />
                    <div class="space-y-1">
                        <label for="token-client" class="block text-sm font-medium">"App client"</label>
                        <select id="token-client" name="client_id" class=INPUT_CLASS
                            aria-invalid=move || client_invalid().is_some().to_string()
                            aria-describedby="token-client-error token-client-help">
                            {clients.into_iter().map(|c| {
                                let password = c.allows("ALLOW_USER_PASSWORD_AUTH") || c.allows("ALLOW_ADMIN_USER_PASSWORD_AUTH");
                                let label = format!(
                                    "{} ({}){}{}",
                                    c.name,
                                    c.id,
                                    if c.has_secret { " · secret" } else { "" },
                                    if password { "" } else { " · no password sign-in" },
                                );
                                view! { <option value=c.id>{label}</option> }
                            }).collect_view()}
                        </select>
                        <p id="token-client-help" class="text-xs text-slate-500 dark:text-slate-400">
                            "USER_PASSWORD_AUTH when the client allows it, otherwise ADMIN_USER_PASSWORD_AUTH. The SecretHash is computed for clients with a secret."
                        </p>
                        <p id="token-client-error" class="text-sm text-red-600 dark:text-red-400" data-testid="error-client_id">{client_error}</p>
                    </div>
                    <Field label="Username" name="username" autocomplete="off" required=true help="Or the email address, in pools that sign in with email." error />
                    <Field label="Password" name="password" kind="password" autocomplete="off" required=true error />
                    <Show when=move || needs_new_password.get()>
                        <div role="alert" data-testid="new-password-required" class="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
                            <p class="font-medium">"New password required"</p>
                            <p class="mt-1">"This user signed in with a temporary password (status FORCE_CHANGE_PASSWORD), so Cognito answered with the NEW_PASSWORD_REQUIRED challenge instead of tokens. Choose their new password below and sign in again, or set a permanent password on the Users tab."</p>
                        </div>
                        <Field label="New password" name="new_password" kind="password" autocomplete="new-password" help="Answers the NEW_PASSWORD_REQUIRED challenge; it must meet the pool's password policy." error />
                    </Show>
                    <Show when=move || needs_mfa_code.get()>
                        <div role="alert" data-testid="mfa-code-required" class="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
                            <p class="font-medium">"Authenticator code required"</p>
                            <p class="mt-1">"The pool has MFA and this user set up an authenticator app, so the sign-in answered with the SOFTWARE_TOKEN_MFA challenge. Enter the app's current code and sign in again."</p>
                        </div>
                        <Field label="Authenticator code" name="mfa_code" autocomplete="one-time-code" help="Six digits from the user's authenticator app; each code works once." error />
                    </Show>
                    <button type="submit" class=BUTTON_CLASS disabled=move || pending.get()>
                        {move || if pending.get() { "Signing in…" } else { "Get tokens" }}
                    </button>
                </ActionForm>
            </section>
            <div>
                {move || match action.value().get() {
                    Some(Ok(TokenOutcome::Tokens(t))) => view! { <TokenResult tokens=t /> }.into_any(),
                    _ => view! {
                        <div class="rounded-xl border border-dashed border-slate-300 p-10 text-center text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400" data-testid="tokens-placeholder">
                            "The ID, access and refresh tokens and their decoded claims appear here."
                        </div>
                    }.into_any(),
                }}
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn TokenResult(tokens: Tokens) -> AnyView {
    let minutes = tokens.expires_in / 60;
    view! {
        <section class="space-y-4" aria-labelledby="tokens-heading" data-testid="tokens">
            <div role="status" class="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
                <h2 id="tokens-heading" class="font-medium">"Signed in"</h2>
                <p>{format!("Through {}. The ID and access tokens expire in {} minutes.", tokens.flow, minutes)}</p>
            </div>
            <TokenBlock label="ID token" testid="id-token" value=tokens.id_token.clone()
                help="Paste into an authorizer test (Authorization header). Carries the user's attributes, e.g. email and custom:*." />
            <TokenBlock label="Access token" testid="access-token" value=tokens.access_token.clone()
                help="For calls that need scopes and for the token-authorized Cognito APIs (GetUser, GlobalSignOut)." />
            {tokens.refresh_token.clone().map(|r| view! {
                <TokenBlock label="Refresh token" testid="refresh-token" value=r
                    help="Opaque. Exchange it for new ID and access tokens (REFRESH_TOKEN_AUTH)." />
            })}
            <div class="grid gap-4 2xl:grid-cols-2">
                <ClaimsBlock label="ID token claims" testid="id-token-claims" claims=tokens.id_claims.clone() />
                <ClaimsBlock label="Access token claims" testid="access-token-claims" claims=tokens.access_claims.clone() />
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn TokenBlock(
    label: &'static str,
    testid: &'static str,
    value: String,
    help: &'static str,
) -> impl IntoView {
    view! {
        <div class=CARD>
            <div class="flex items-center justify-between gap-2">
                <h3 class="text-sm font-semibold">{label}</h3>
                <CopyButton text=value.clone() what=label.to_lowercase() />
            </div>
            <p class=format!("mt-1 text-xs {MUTED}")>{help}</p>
            <code class=format!("{CODE_BLOCK} mt-2 max-h-28 overflow-y-auto") data-testid=testid>{value}</code>
        </div>
    }
}

#[component]
fn ClaimsBlock(label: &'static str, testid: &'static str, claims: String) -> impl IntoView {
    view! {
        <div class=CARD>
            <div class="flex items-center justify-between gap-2">
                <h3 class="text-sm font-semibold">{label}</h3>
                <CopyButton text=claims.clone() what=label.to_lowercase() />
            </div>
            <p class="mt-1 text-xs text-slate-500 dark:text-slate-400">"Decoded for reading, not verified."</p>
            <pre class="mt-2 max-h-96 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 dark:bg-slate-950" data-testid=testid>{claims}</pre>
        </div>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn base64url_without_padding() {
        assert_eq!(
            base64url_decode("eyJhIjoxfQ").as_deref(),
            Some(&b"{\"a\":1}"[..])
        );
        assert_eq!(base64url_decode("_-8").as_deref(), Some(&[0xff, 0xef][..]));
        assert_eq!(base64url_decode("a b"), None);
    }

    #[test]
    fn claims_are_pretty_json() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4IiwiY3VzdG9tOnJvbGUiOiJhZG1pbiJ9.c2ln";
        assert_eq!(
            decode_claims(jwt),
            "{\n  \"custom:role\": \"admin\",\n  \"sub\": \"x\"\n}"
        );
        assert_eq!(decode_claims("not-a-jwt"), "(not a JWT)");
    }
}
