//! App clients: creation (id, optional secret, auth flows, attribute permissions, token
//! lifetimes), lookup for the public operations, and the client operations.
//!
//! **Gatehouse default:** clients are created with `PreventUserExistenceErrors = ENABLED`
//! unless the request says `LEGACY` (the AWS API defaults to LEGACY; the AWS console picks
//! ENABLED). With ENABLED, sign-in with an unknown username fails exactly like a wrong
//! password ("Incorrect username or password."), password recovery for an unknown user
//! pretends a code was sent, and confirmation reports a code mismatch, so the API never
//! reveals whether a username exists.

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::attributes::{self, CUSTOM_PREFIX};
use crate::error::CognitoError;
use crate::pools::Pool;
use crate::store::clients::ClientRow;
use crate::wire::{
    CreateUserPoolClientRequest, CreateUserPoolClientResponse, DeleteUserPoolClientRequest,
    DescribeUserPoolClientRequest, DescribeUserPoolClientResponse, ListUserPoolClientsRequest,
    ListUserPoolClientsResponse, TokenValidityUnitsType, UserPoolClientDescription,
    UserPoolClientType,
};
use crate::{Identity, store, util};

/// Auth flows with no `ExplicitAuthFlows` (as AWS).
pub(crate) const DEFAULT_AUTH_FLOWS: &[&str] = &[
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_CUSTOM_AUTH",
];

const AUTH_FLOWS: &[&str] = &[
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
];

const LEGACY_FLOWS: &[&str] = &[
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
];

/// The client secret in clear (opened from its sealed form); never printed.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ClientSecret(pub String);

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientSecret(<redacted>)")
    }
}

/// An app client, with its secret opened.
#[derive(Debug, Clone)]
pub(crate) struct AppClient {
    pub row: ClientRow,
    pub secret: Option<ClientSecret>,
}

impl AppClient {
    pub(crate) fn id(&self) -> &str {
        &self.row.id
    }

    fn has_flow(&self, flow: &str) -> bool {
        self.row.explicit_auth_flows.iter().any(|f| f == flow)
    }

    pub(crate) fn allows_user_password(&self) -> bool {
        self.has_flow("ALLOW_USER_PASSWORD_AUTH") || self.has_flow("USER_PASSWORD_AUTH")
    }

    pub(crate) fn allows_admin_password(&self) -> bool {
        self.has_flow("ALLOW_ADMIN_USER_PASSWORD_AUTH") || self.has_flow("ADMIN_NO_SRP_AUTH")
    }

    /// Legacy flow lists always allow refresh; new-style lists need ALLOW_REFRESH_TOKEN_AUTH.
    pub(crate) fn allows_refresh(&self) -> bool {
        self.has_flow("ALLOW_REFRESH_TOKEN_AUTH")
            || self
                .row
                .explicit_auth_flows
                .iter()
                .any(|f| LEGACY_FLOWS.contains(&f.as_str()))
    }

    pub(crate) fn prevents_user_existence_errors(&self) -> bool {
        self.row.prevent_user_existence_errors == "ENABLED"
    }

    /// Whether tokens for this client may carry / GetUser may return attribute `name`.
    pub(crate) fn can_read(&self, name: &str) -> bool {
        name == "sub"
            || self
                .row
                .read_attributes
                .as_ref()
                .is_none_or(|list| list.iter().any(|a| a == name))
    }

    /// Whether SignUp / UpdateUserAttributes through this client may write `name`. Without
    /// WriteAttributes every attribute except the `*_verified` flags is writable.
    pub(crate) fn can_write(&self, name: &str) -> bool {
        match &self.row.write_attributes {
            Some(list) => list.iter().any(|a| a == name),
            None => !attributes::is_verification_flag(name),
        }
    }

    pub(crate) fn secret(&self) -> Option<&str> {
        self.secret.as_ref().map(|s| s.0.as_str())
    }

    fn to_wire(&self) -> UserPoolClientType {
        let r = &self.row;
        let setting = |k: &str| r.settings.get(k).filter(|v| !v.is_null()).cloned();
        let list = |k: &str| setting(k).and_then(|v| serde_json::from_value::<Vec<String>>(v).ok());
        UserPoolClientType {
            user_pool_id: r.pool_id.clone(),
            client_name: r.name.clone(),
            client_id: r.id.clone(),
            client_secret: self.secret.as_ref().map(|s| s.0.clone()),
            last_modified_date: r.updated_at,
            creation_date: r.created_at,
            refresh_token_validity: i64::from(r.refresh_token_validity),
            access_token_validity: i64::from(r.access_token_validity),
            id_token_validity: i64::from(r.id_token_validity),
            token_validity_units: TokenValidityUnitsType {
                access_token: Some(r.access_token_unit.clone()),
                id_token: Some(r.id_token_unit.clone()),
                refresh_token: Some(r.refresh_token_unit.clone()),
            },
            read_attributes: r.read_attributes.clone(),
            write_attributes: r.write_attributes.clone(),
            explicit_auth_flows: r.explicit_auth_flows.clone(),
            supported_identity_providers: list("SupportedIdentityProviders"),
            callback_urls: list("CallbackURLs"),
            logout_urls: list("LogoutURLs"),
            default_redirect_uri: setting("DefaultRedirectURI")
                .and_then(|v| v.as_str().map(str::to_owned)),
            allowed_o_auth_flows: list("AllowedOAuthFlows"),
            allowed_o_auth_scopes: list("AllowedOAuthScopes"),
            allowed_o_auth_flows_user_pool_client: setting("AllowedOAuthFlowsUserPoolClient")
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
            prevent_user_existence_errors: r.prevent_user_existence_errors.clone(),
            enable_token_revocation: r.enable_token_revocation,
            enable_propagate_additional_user_context_data: false,
            auth_session_validity: r.auth_session_validity_minutes,
        }
    }
}

fn unit_secs(unit: &str, member: &str) -> Result<i64, CognitoError> {
    match unit {
        "seconds" => Ok(1),
        "minutes" => Ok(60),
        "hours" => Ok(3600),
        "days" => Ok(86400),
        other => Err(CognitoError::invalid_parameter(format!(
            "1 validation error detected: Value '{other}' at 'tokenValidityUnits.{member}' failed \
             to satisfy constraint: Member must satisfy enum value set: [seconds, minutes, hours, days]"
        ))),
    }
}

/// Resolves one validity setting: `(value, unit, seconds)`.
///
/// - Neither value nor unit: the default (`default_value` `default_unit`).
/// - A value without a unit: `implied_unit` (hours for ID/access, days for refresh).
/// - A unit without a value: the default lifetime expressed in that unit.
fn resolve_validity(
    value: Option<i64>,
    unit: Option<&str>,
    member: &str,
    (default_value, default_unit, implied_unit): (i64, &str, &str),
    range_secs: (i64, i64),
) -> Result<(i32, String, i32), CognitoError> {
    let default_secs = default_value * unit_secs(default_unit, member)?;
    let (value, unit) = match (value, unit) {
        (None, None) | (Some(0), None) => (default_value, default_unit.to_owned()),
        (Some(v), None) => (v, implied_unit.to_owned()),
        (None, Some(u)) | (Some(0), Some(u)) => {
            let per = unit_secs(u, member)?;
            if default_secs % per == 0 {
                (default_secs / per, u.to_owned())
            } else {
                (default_value, default_unit.to_owned())
            }
        }
        (Some(v), Some(u)) => (v, u.to_owned()),
    };
    let secs = value
        .checked_mul(unit_secs(&unit, member)?)
        .filter(|s| (range_secs.0..=range_secs.1).contains(s))
        .ok_or_else(|| CognitoError::invalid_parameter("Invalid range for token validity."))?;
    let to_i32 = |n: i64| {
        i32::try_from(n)
            .map_err(|_| CognitoError::invalid_parameter("Invalid range for token validity."))
    };
    Ok((to_i32(value)?, unit, to_i32(secs)?))
}

fn check_attribute_list(
    pool: &Pool,
    list: &Option<Vec<String>>,
    which: &str,
) -> Result<(), CognitoError> {
    for name in list.iter().flatten() {
        let known = attributes::is_standard(name)
            || name
                .strip_prefix(CUSTOM_PREFIX)
                .is_some_and(|short| pool.custom.iter().any(|c| c.name == short));
        if !known || (which == "write" && name == "sub") {
            return Err(CognitoError::invalid_parameter(format!(
                "Invalid {which} attributes specified while creating a client"
            )));
        }
    }
    Ok(())
}

impl Identity {
    /// Loads a client and its pool for a public (ClientId-identified) operation.
    pub(crate) async fn load_client(
        &self,
        client_id: &str,
    ) -> Result<(Pool, AppClient), CognitoError> {
        util::require_non_empty("ClientId", client_id)?;
        let row = store::clients::find_client(self.db(), client_id)
            .await?
            .ok_or_else(|| CognitoError::client_not_found(client_id))?;
        let pool = store::pools::find_pool(self.db(), &row.pool_id)
            .await?
            .ok_or_else(|| CognitoError::client_not_found(client_id))?;
        Ok((pool, self.open_client(row)?))
    }

    /// Loads a client that must belong to `pool`.
    pub(crate) async fn load_pool_client(
        &self,
        pool: &Pool,
        client_id: &str,
    ) -> Result<AppClient, CognitoError> {
        util::require_non_empty("ClientId", client_id)?;
        let row = store::clients::find_client(self.db(), client_id)
            .await?
            .filter(|r| r.pool_id == pool.id)
            .ok_or_else(|| CognitoError::client_not_found(client_id))?;
        self.open_client(row)
    }

    fn open_client(&self, row: ClientRow) -> Result<AppClient, CognitoError> {
        let secret = match &row.secret_sealed {
            Some(sealed) => {
                let plain = self
                    .master_key()
                    .open(sealed, format!("client-secret:{}", row.id).as_bytes())?;
                Some(ClientSecret(String::from_utf8(plain).map_err(|_| {
                    CognitoError::internal("client secret is not UTF-8")
                })?))
            }
            None => None,
        };
        Ok(AppClient { row, secret })
    }

    /// CreateUserPoolClient.
    pub async fn create_user_pool_client(
        &self,
        req: CreateUserPoolClientRequest,
    ) -> Result<CreateUserPoolClientResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let name = req.client_name.trim();
        util::require_non_empty("ClientName", name)?;
        if name.chars().count() > 128
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_+=,.@-".contains(c))
        {
            return Err(CognitoError::invalid_parameter(
                "1 validation error detected: Value at 'clientName' failed to satisfy \
                 constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+",
            ));
        }
        let flows = match &req.explicit_auth_flows {
            Some(flows) => {
                for f in flows {
                    if !AUTH_FLOWS.contains(&f.as_str()) {
                        return Err(CognitoError::invalid_parameter(format!(
                            "1 validation error detected: Value '[{f}]' at 'explicitAuthFlows' \
                             failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                            AUTH_FLOWS.join(", ")
                        )));
                    }
                }
                let mut flows = flows.clone();
                flows.dedup();
                flows
            }
            None => DEFAULT_AUTH_FLOWS.iter().map(|s| (*s).to_owned()).collect(),
        };
        check_attribute_list(&pool, &req.read_attributes, "read")?;
        check_attribute_list(&pool, &req.write_attributes, "write")?;
        let prevent = req
            .prevent_user_existence_errors
            .clone()
            .unwrap_or_else(|| "ENABLED".to_owned());
        if !matches!(prevent.as_str(), "ENABLED" | "LEGACY") {
            return Err(CognitoError::invalid_parameter(format!(
                "1 validation error detected: Value '{prevent}' at 'preventUserExistenceErrors' \
                 failed to satisfy constraint: Member must satisfy enum value set: [LEGACY, ENABLED]"
            )));
        }
        let session_minutes = req.auth_session_validity.unwrap_or(3);
        if !(3..=15).contains(&session_minutes) {
            return Err(CognitoError::invalid_parameter(
                "1 validation error detected: Value at 'authSessionValidity' failed to satisfy \
                 constraint: Member must have value between 3 and 15",
            ));
        }
        let units = req.token_validity_units.clone().unwrap_or_default();
        let (access_v, access_u, access_s) = resolve_validity(
            req.access_token_validity,
            units.access_token.as_deref(),
            "accessToken",
            (60, "minutes", "hours"),
            (1, 86400),
        )?;
        let (id_v, id_u, id_s) = resolve_validity(
            req.id_token_validity,
            units.id_token.as_deref(),
            "idToken",
            (60, "minutes", "hours"),
            (1, 86400),
        )?;
        let (refresh_v, refresh_u, refresh_s) = resolve_validity(
            req.refresh_token_validity,
            units.refresh_token.as_deref(),
            "refreshToken",
            (30, "days", "days"),
            (3600, 315_360_000),
        )?;

        let id = util::new_client_id();
        let secret = req
            .generate_secret
            .unwrap_or(false)
            .then(util::new_client_secret);
        let secret_sealed = secret.as_ref().map(|s| {
            self.master_key()
                .seal(s.as_bytes(), format!("client-secret:{id}").as_bytes())
        });
        let mut settings = serde_json::Map::new();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                settings.insert(k.to_owned(), v);
            }
        };
        put(
            "SupportedIdentityProviders",
            req.supported_identity_providers.map(|v| json!(v)),
        );
        put("CallbackURLs", req.callback_urls.map(|v| json!(v)));
        put("LogoutURLs", req.logout_urls.map(|v| json!(v)));
        put(
            "DefaultRedirectURI",
            req.default_redirect_uri.map(Value::String),
        );
        put(
            "AllowedOAuthFlows",
            req.allowed_o_auth_flows.map(|v| json!(v)),
        );
        put(
            "AllowedOAuthScopes",
            req.allowed_o_auth_scopes.map(|v| json!(v)),
        );
        put(
            "AllowedOAuthFlowsUserPoolClient",
            req.allowed_o_auth_flows_user_pool_client.map(Value::Bool),
        );
        let now: OffsetDateTime = util::now();
        let row = ClientRow {
            id,
            pool_id: pool.id.clone(),
            name: name.to_owned(),
            secret_sealed,
            explicit_auth_flows: flows,
            read_attributes: req.read_attributes,
            write_attributes: req.write_attributes,
            access_token_validity: access_v,
            access_token_unit: access_u,
            id_token_validity: id_v,
            id_token_unit: id_u,
            refresh_token_validity: refresh_v,
            refresh_token_unit: refresh_u,
            access_token_validity_secs: access_s,
            id_token_validity_secs: id_s,
            refresh_token_validity_secs: refresh_s,
            prevent_user_existence_errors: prevent,
            enable_token_revocation: req.enable_token_revocation.unwrap_or(true),
            auth_session_validity_minutes: session_minutes,
            settings: Value::Object(settings),
            created_at: now,
            updated_at: now,
        };
        store::clients::insert_client(self.db(), &row).await?;
        tracing::info!(pool.id = %pool.id, client.id = %row.id, "app client created");
        let client = AppClient {
            row,
            secret: secret.map(ClientSecret),
        };
        Ok(CreateUserPoolClientResponse {
            user_pool_client: client.to_wire(),
        })
    }

    /// DescribeUserPoolClient (includes the secret, as AWS does).
    pub async fn describe_user_pool_client(
        &self,
        req: DescribeUserPoolClientRequest,
    ) -> Result<DescribeUserPoolClientResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let client = self.load_pool_client(&pool, &req.client_id).await?;
        Ok(DescribeUserPoolClientResponse {
            user_pool_client: client.to_wire(),
        })
    }

    /// ListUserPoolClients (ordered by client id).
    pub async fn list_user_pool_clients(
        &self,
        req: ListUserPoolClientsRequest,
    ) -> Result<ListUserPoolClientsResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let limit = util::page_limit(req.max_results, "MaxResults")?;
        let after = req
            .next_token
            .as_deref()
            .map(|t| util::decode_page_token(t, "NextToken"))
            .transpose()?;
        let mut rows =
            store::clients::list_clients(self.db(), &pool.id, after.as_deref(), limit + 1).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(60));
        let next_token = if more {
            rows.last().map(|r| util::encode_page_token(&r.0))
        } else {
            None
        };
        Ok(ListUserPoolClientsResponse {
            user_pool_clients: rows
                .into_iter()
                .map(|(client_id, client_name)| UserPoolClientDescription {
                    client_id,
                    user_pool_id: pool.id.clone(),
                    client_name,
                })
                .collect(),
            next_token,
        })
    }

    /// DeleteUserPoolClient: also drops the client's refresh tokens and sessions.
    pub async fn delete_user_pool_client(
        &self,
        req: DeleteUserPoolClientRequest,
    ) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        util::require_non_empty("ClientId", &req.client_id)?;
        if !store::clients::delete_client(self.db(), &pool.id, &req.client_id).await? {
            return Err(CognitoError::client_not_found(&req.client_id));
        }
        tracing::info!(pool.id = %pool.id, client.id = %req.client_id, "app client deleted");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_defaults_and_units() {
        let id = (60, "minutes", "hours");
        let r = |v, u| resolve_validity(v, u, "idToken", id, (1, 86400));
        assert_eq!(r(None, None).expect("ok"), (60, "minutes".into(), 3600));
        assert_eq!(r(Some(2), None).expect("ok"), (2, "hours".into(), 7200));
        assert_eq!(
            r(Some(30), Some("seconds")).expect("ok"),
            (30, "seconds".into(), 30)
        );
        assert_eq!(
            r(None, Some("hours")).expect("ok"),
            (1, "hours".into(), 3600)
        );
        assert!(r(Some(2), Some("days")).is_err());
        assert!(r(Some(5), Some("weeks")).is_err());
        let refresh = |v, u| {
            resolve_validity(
                v,
                u,
                "refreshToken",
                (30, "days", "days"),
                (3600, 315_360_000),
            )
        };
        assert_eq!(
            refresh(None, None).expect("ok"),
            (30, "days".into(), 2_592_000)
        );
        assert_eq!(
            refresh(Some(0), None).expect("ok"),
            (30, "days".into(), 2_592_000)
        );
        assert!(refresh(Some(10), Some("minutes")).is_err());
    }
}
