//! An app client, and the client with its secret opened.

use serde_json::Value;
use time::OffsetDateTime;

use super::{
    ClientId, ExplicitAuthFlow, PoolId, PreventUserExistenceErrors, TokenValidityUnit,
    is_verification_flag,
};

/// An app client as stored (its secret sealed with the master key).
#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub id: ClientId,
    pub pool_id: PoolId,
    pub name: String,
    pub secret_sealed: Option<Vec<u8>>,
    pub explicit_auth_flows: Vec<ExplicitAuthFlow>,
    pub read_attributes: Option<Vec<String>>,
    pub write_attributes: Option<Vec<String>>,
    pub access_token_validity: i32,
    pub access_token_unit: TokenValidityUnit,
    pub id_token_validity: i32,
    pub id_token_unit: TokenValidityUnit,
    pub refresh_token_validity: i32,
    pub refresh_token_unit: TokenValidityUnit,
    pub access_token_validity_secs: i32,
    pub id_token_validity_secs: i32,
    pub refresh_token_validity_secs: i32,
    pub prevent_user_existence_errors: PreventUserExistenceErrors,
    pub enable_token_revocation: bool,
    pub auth_session_validity_minutes: i32,
    /// Settings kept as given and echoed back (callback URLs, OAuth flows and scopes...).
    pub settings: Value,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

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
    pub stored: Client,
    pub secret: Option<ClientSecret>,
}

impl AppClient {
    pub(crate) fn id(&self) -> &ClientId {
        &self.stored.id
    }

    fn has_flow(&self, flow: ExplicitAuthFlow) -> bool {
        self.stored.explicit_auth_flows.contains(&flow)
    }

    pub(crate) fn allows_user_password(&self) -> bool {
        self.has_flow(ExplicitAuthFlow::AllowUserPassword)
            || self.has_flow(ExplicitAuthFlow::UserPassword)
    }

    /// `ALLOW_USER_SRP_AUTH`; legacy lists allow SRP unless they say custom auth only (as AWS).
    pub(crate) fn allows_user_srp(&self) -> bool {
        let flows = &self.stored.explicit_auth_flows;
        self.has_flow(ExplicitAuthFlow::AllowUserSrp)
            || (flows.iter().any(|f| f.is_legacy())
                && !self.has_flow(ExplicitAuthFlow::CustomAuthFlowOnly))
    }

    pub(crate) fn allows_admin_password(&self) -> bool {
        self.has_flow(ExplicitAuthFlow::AllowAdminUserPassword)
            || self.has_flow(ExplicitAuthFlow::AdminNoSrp)
    }

    /// Legacy flow lists always allow refresh; new-style lists need ALLOW_REFRESH_TOKEN_AUTH.
    pub(crate) fn allows_refresh(&self) -> bool {
        self.has_flow(ExplicitAuthFlow::AllowRefreshToken)
            || self
                .stored
                .explicit_auth_flows
                .iter()
                .any(|f| f.is_legacy())
    }

    pub(crate) fn prevents_user_existence_errors(&self) -> bool {
        self.stored.prevent_user_existence_errors == PreventUserExistenceErrors::Enabled
    }

    /// Whether tokens for this client may carry / GetUser may return attribute `name`.
    pub(crate) fn can_read(&self, name: &str) -> bool {
        name == "sub"
            || self
                .stored
                .read_attributes
                .as_ref()
                .is_none_or(|list| list.iter().any(|a| a == name))
    }

    /// Whether SignUp / UpdateUserAttributes through this client may write `name`. Without
    /// WriteAttributes every attribute except the `*_verified` flags is writable.
    pub(crate) fn can_write(&self, name: &str) -> bool {
        match &self.stored.write_attributes {
            Some(list) => list.iter().any(|a| a == name),
            None => !is_verification_flag(name),
        }
    }

    pub(crate) fn secret(&self) -> Option<&str> {
        self.secret.as_ref().map(|s| s.0.as_str())
    }
}
