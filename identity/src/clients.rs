//! App client operations: creation (id, optional secret, auth flows, attribute permissions,
//! token lifetimes), description, listing and deletion.
//!
//! **Gatehouse default:** clients are created with `PreventUserExistenceErrors = ENABLED`
//! unless the request says `LEGACY` (the AWS API defaults to LEGACY; the AWS console picks
//! ENABLED). With ENABLED, sign-in with an unknown username fails exactly like a wrong
//! password ("Incorrect username or password."), password recovery for an unknown user
//! pretends a code was sent, and confirmation reports a code mismatch, so the API never
//! reveals whether a username exists.

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::error::CognitoError;
use crate::model::{
    AppClient, CUSTOM_PREFIX, Client, ClientId, ClientSecret, ExplicitAuthFlow, Pool,
    PreventUserExistenceErrors, TokenValidityUnit, is_standard,
};
use crate::service::Identity;
use crate::wire::{
    CreateUserPoolClientRequest, CreateUserPoolClientResponse, DeleteUserPoolClientRequest,
    DescribeUserPoolClientRequest, DescribeUserPoolClientResponse, ListUserPoolClientsRequest,
    ListUserPoolClientsResponse, TokenValidityUnitsType, UpdateUserPoolClientRequest,
    UpdateUserPoolClientResponse, UserPoolClientDescription, UserPoolClientSettings,
    UserPoolClientType,
};
use crate::{store, util};

impl AppClient {
    fn to_wire(&self) -> UserPoolClientType {
        let r = &self.stored;
        let setting = |k: &str| r.settings.get(k).filter(|v| !v.is_null()).cloned();
        let list = |k: &str| setting(k).and_then(|v| serde_json::from_value::<Vec<String>>(v).ok());
        UserPoolClientType {
            user_pool_id: r.pool_id.to_string(),
            client_name: r.name.clone(),
            client_id: r.id.to_string(),
            client_secret: self.secret.as_ref().map(|s| s.0.clone()),
            last_modified_date: r.updated_at,
            creation_date: r.created_at,
            refresh_token_validity: i64::from(r.refresh_token_validity),
            access_token_validity: i64::from(r.access_token_validity),
            id_token_validity: i64::from(r.id_token_validity),
            token_validity_units: TokenValidityUnitsType {
                access_token: Some(r.access_token_unit.as_str().to_owned()),
                id_token: Some(r.id_token_unit.as_str().to_owned()),
                refresh_token: Some(r.refresh_token_unit.as_str().to_owned()),
            },
            read_attributes: r.read_attributes.clone(),
            write_attributes: r.write_attributes.clone(),
            explicit_auth_flows: r
                .explicit_auth_flows
                .iter()
                .map(|f| f.as_str().to_owned())
                .collect(),
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
            prevent_user_existence_errors: r.prevent_user_existence_errors.as_str().to_owned(),
            enable_token_revocation: r.enable_token_revocation,
            enable_propagate_additional_user_context_data: false,
            auth_session_validity: r.auth_session_validity_minutes,
        }
    }
}

fn parse_unit(unit: &str, member: &str) -> Result<TokenValidityUnit, CognitoError> {
    TokenValidityUnit::parse(unit).ok_or_else(|| {
        CognitoError::not_in_set(
            &format!("tokenValidityUnits.{member}"),
            unit,
            &TokenValidityUnit::joined(),
        )
    })
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
    (default_value, default_unit, implied_unit): (i64, TokenValidityUnit, TokenValidityUnit),
    range_secs: (i64, i64),
) -> Result<(i32, TokenValidityUnit, i32), CognitoError> {
    let default_secs = default_value * default_unit.secs();
    let (value, unit) = match (value, unit) {
        (None, None) | (Some(0), None) => (default_value, default_unit),
        (Some(v), None) => (v, implied_unit),
        (None, Some(u)) | (Some(0), Some(u)) => {
            let u = parse_unit(u, member)?;
            if default_secs % u.secs() == 0 {
                (default_secs / u.secs(), u)
            } else {
                (default_value, default_unit)
            }
        }
        (Some(v), Some(u)) => (v, parse_unit(u, member)?),
    };
    let secs = value
        .checked_mul(unit.secs())
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
        let known = is_standard(name)
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

/// A client's stored settings from a creation request (also an update's, as a full
/// replacement): the name, flows, attribute permissions, validities and OAuth settings.
fn client_record(
    pool: &Pool,
    name: &str,
    req: UserPoolClientSettings,
    id: ClientId,
    secret_sealed: Option<Vec<u8>>,
    (created_at, updated_at): (OffsetDateTime, OffsetDateTime),
) -> Result<Client, CognitoError> {
    let name = name.trim();
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
            let mut flows = flows
                .iter()
                .map(|f| {
                    ExplicitAuthFlow::parse(f).ok_or_else(|| {
                        CognitoError::not_in_set(
                            "explicitAuthFlows",
                            &format!("[{f}]"),
                            &ExplicitAuthFlow::joined(),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            flows.dedup();
            flows
        }
        None => ExplicitAuthFlow::DEFAULT.to_vec(),
    };
    check_attribute_list(pool, &req.read_attributes, "read")?;
    check_attribute_list(pool, &req.write_attributes, "write")?;
    // Gatehouse default: ENABLED (see the module documentation).
    let prevent = match req.prevent_user_existence_errors.as_deref() {
        None => PreventUserExistenceErrors::Enabled,
        Some(given) => PreventUserExistenceErrors::parse(given).ok_or_else(|| {
            CognitoError::not_in_set(
                "preventUserExistenceErrors",
                given,
                &PreventUserExistenceErrors::joined(),
            )
        })?,
    };
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
        (60, TokenValidityUnit::Minutes, TokenValidityUnit::Hours),
        (1, 86400),
    )?;
    let (id_v, id_u, id_s) = resolve_validity(
        req.id_token_validity,
        units.id_token.as_deref(),
        "idToken",
        (60, TokenValidityUnit::Minutes, TokenValidityUnit::Hours),
        (1, 86400),
    )?;
    let (refresh_v, refresh_u, refresh_s) = resolve_validity(
        req.refresh_token_validity,
        units.refresh_token.as_deref(),
        "refreshToken",
        (30, TokenValidityUnit::Days, TokenValidityUnit::Days),
        (3600, 315_360_000),
    )?;

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
    let stored = Client {
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
        created_at,
        updated_at,
    };
    Ok(stored)
}

impl Identity {
    /// CreateUserPoolClient.
    pub async fn create_user_pool_client(
        &self,
        req: CreateUserPoolClientRequest,
    ) -> Result<CreateUserPoolClientResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let generate_secret = req.generate_secret.unwrap_or(false);
        let id = ClientId::new(util::new_client_id());
        let secret = generate_secret.then(util::new_client_secret);
        let secret_sealed = secret.as_ref().map(|s| {
            self.master_key()
                .seal(s.as_bytes(), format!("client-secret:{id}").as_bytes())
        });
        let now = util::now();
        let stored = client_record(
            &pool,
            &req.client_name,
            req.settings,
            id,
            secret_sealed,
            (now, now),
        )?;
        store::clients::insert_client(self.db(), &stored).await?;
        tracing::info!(pool.id = %pool.id, client.id = %stored.id, "app client created");
        let client = AppClient {
            stored,
            secret: secret.map(ClientSecret),
        };
        Ok(CreateUserPoolClientResponse {
            user_pool_client: client.to_wire(),
        })
    }

    /// UpdateUserPoolClient: a full replacement (see the request type); id, secret and
    /// creation date stay.
    pub async fn update_user_pool_client(
        &self,
        req: UpdateUserPoolClientRequest,
    ) -> Result<UpdateUserPoolClientResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let existing = self.load_pool_client(&pool, &req.client_id).await?;
        let name = req
            .client_name
            .clone()
            .unwrap_or_else(|| existing.stored.name.clone());
        let stored = client_record(
            &pool,
            &name,
            req.settings,
            existing.stored.id.clone(),
            existing.stored.secret_sealed.clone(),
            (existing.stored.created_at, util::now()),
        )?;
        if !store::clients::update_client(self.db(), &stored).await? {
            return Err(CognitoError::client_not_found(&stored.id));
        }
        tracing::info!(pool.id = %pool.id, client.id = %stored.id, "app client updated");
        let client = AppClient {
            stored,
            secret: existing.secret,
        };
        Ok(UpdateUserPoolClientResponse {
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
                    user_pool_id: pool.id.to_string(),
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
        use TokenValidityUnit::{Days, Hours, Minutes, Seconds};
        let id = (60, Minutes, Hours);
        let r = |v, u| resolve_validity(v, u, "idToken", id, (1, 86400));
        assert_eq!(r(None, None).expect("ok"), (60, Minutes, 3600));
        assert_eq!(r(Some(2), None).expect("ok"), (2, Hours, 7200));
        assert_eq!(r(Some(30), Some("seconds")).expect("ok"), (30, Seconds, 30));
        assert_eq!(r(None, Some("hours")).expect("ok"), (1, Hours, 3600));
        assert!(r(Some(2), Some("days")).is_err());
        assert!(r(Some(5), Some("weeks")).is_err());
        let refresh =
            |v, u| resolve_validity(v, u, "refreshToken", (30, Days, Days), (3600, 315_360_000));
        assert_eq!(refresh(None, None).expect("ok"), (30, Days, 2_592_000));
        assert_eq!(refresh(Some(0), None).expect("ok"), (30, Days, 2_592_000));
        assert!(refresh(Some(10), Some("minutes")).is_err());
    }
}
