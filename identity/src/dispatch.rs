//! Dispatch of wire actions (`X-Amz-Target: AWSCognitoIdentityProviderService.<Action>`) to
//! the typed methods.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{CognitoError, ErrorKind, lower_camel};
use crate::service::Identity;

/// Every supported action and whether it must be SigV4-signed. The unsigned ones are those
/// AWS marks `noAuth` (identified by ClientId or an access token).
const ACTIONS: &[(&str, bool)] = &[
    // Public.
    ("SignUp", false),
    ("ConfirmSignUp", false),
    ("ResendConfirmationCode", false),
    ("InitiateAuth", false),
    ("RespondToAuthChallenge", false),
    ("GetUser", false),
    ("UpdateUserAttributes", false),
    ("ChangePassword", false),
    ("GlobalSignOut", false),
    ("RevokeToken", false),
    ("ForgotPassword", false),
    ("ConfirmForgotPassword", false),
    ("AssociateSoftwareToken", false),
    ("VerifySoftwareToken", false),
    ("SetUserMFAPreference", false),
    ("DeleteUser", false),
    ("DeleteUserAttributes", false),
    ("GetTokensFromRefreshToken", false),
    ("GetUserAttributeVerificationCode", false),
    ("VerifyUserAttribute", false),
    // Administrative (SigV4).
    ("CreateUserPool", true),
    ("DescribeUserPool", true),
    ("ListUserPools", true),
    ("UpdateUserPool", true),
    ("DeleteUserPool", true),
    ("CreateUserPoolClient", true),
    ("DescribeUserPoolClient", true),
    ("ListUserPoolClients", true),
    ("UpdateUserPoolClient", true),
    ("DeleteUserPoolClient", true),
    ("AdminCreateUser", true),
    ("AdminGetUser", true),
    ("AdminConfirmSignUp", true),
    ("AdminSetUserPassword", true),
    ("AdminDisableUser", true),
    ("AdminEnableUser", true),
    ("AdminDeleteUser", true),
    ("AdminInitiateAuth", true),
    ("AdminAddUserToGroup", true),
    ("AdminRemoveUserFromGroup", true),
    ("AdminListGroupsForUser", true),
    ("CreateGroup", true),
    ("GetGroup", true),
    ("UpdateGroup", true),
    ("DeleteGroup", true),
    ("ListGroups", true),
    ("ListUsersInGroup", true),
    ("ListUsers", true),
    ("AddCustomAttributes", true),
    ("GetSigningCertificate", true),
    ("TagResource", true),
    ("UntagResource", true),
    ("ListTagsForResource", true),
    ("AdminSetUserMFAPreference", true),
    ("SetUserPoolMfaConfig", true),
    ("GetUserPoolMfaConfig", true),
    ("AdminUpdateUserAttributes", true),
    ("AdminDeleteUserAttributes", true),
    ("AdminResetUserPassword", true),
    ("AdminUserGlobalSignOut", true),
    ("AdminRespondToAuthChallenge", true),
];

/// The longest value AWS accepts for the members Gatehouse stores, indexes or hashes
/// (botocore's `cognito-idp` model: `UsernameType`, `ClientIdType`, `PasswordType`...).
const MAX_LENGTHS: &[(&str, usize)] = &[
    ("Username", 128),
    ("ClientId", 128),
    ("UserPoolId", 55),
    ("SecretHash", 128),
    ("Password", 256),
    ("PreviousPassword", 256),
    ("ProposedPassword", 256),
    ("TemporaryPassword", 256),
    ("ConfirmationCode", 2048),
    ("Code", 2048),
    ("Session", 2048),
    ("GroupName", 128),
    ("PoolName", 128),
    ("ClientName", 128),
    ("Description", 2048),
    ("Name", 32),
    ("Value", 2048),
    // AuthParameters and ChallengeResponses carry the same values under these keys.
    ("USERNAME", 128),
    ("PASSWORD", 256),
    ("NEW_PASSWORD", 256),
    ("SECRET_HASH", 128),
    ("UserCode", 6),
    ("SOFTWARE_TOKEN_MFA_CODE", 6),
];

/// Members that are maps with keys of the caller's choosing: their keys are not member names,
/// so their values get only the general limit (a tag named `Name` is not a `Name` member).
const FREE_FORM_MAPS: &[&str] = &["Tags", "UserPoolTags", "ClientMetadata"];

/// Any other string in a request (tokens, filters, pagination tokens, map values): far above
/// every legitimate value, far below what would strain memory or an index.
const MAX_STRING: usize = 64 * 1024;

/// Refuses, as AWS's validation does, strings that cannot be stored or are longer than the
/// model allows: U+0000 anywhere (PostgreSQL text cannot hold it), in keys or values at any
/// depth, and over-long values. The message names the member, never the value.
fn refuse_hostile_strings(body: &serde_json::Map<String, Value>) -> Result<(), CognitoError> {
    fn check(member: &str, path: &str, value: &Value) -> Result<(), CognitoError> {
        match value {
            Value::String(s) => {
                if s.contains('\0') {
                    return Err(refused(path, "must not contain the NUL character (U+0000)"));
                }
                let max = MAX_LENGTHS
                    .iter()
                    .find(|(name, _)| *name == member)
                    .map_or(MAX_STRING, |(_, max)| *max);
                // AWS's lengths count characters (bytes are an upper bound: skip the count).
                if s.len() > max && s.chars().count() > max {
                    return Err(refused(
                        path,
                        &format!("must have length less than or equal to {max}"),
                    ));
                }
                Ok(())
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, item)| check(member, &format!("{path}.{}.member", i + 1), item)),
            Value::Object(fields) => fields.iter().try_for_each(|(key, item)| {
                if key.contains('\0') || key.len() > MAX_STRING {
                    return Err(refused(
                        path,
                        "must have keys of at most 65536 characters without NUL (U+0000)",
                    ));
                }
                let key_member = if FREE_FORM_MAPS.contains(&member) {
                    ""
                } else {
                    key
                };
                check(key_member, &format!("{path}.{}", lower_camel(key)), item)
            }),
            _ => Ok(()),
        }
    }
    fn refused(path: &str, constraint: &str) -> CognitoError {
        CognitoError::new(
            ErrorKind::InvalidParameter,
            format!(
                "1 validation error detected: Value at '{path}' failed to satisfy constraint: \
                 Member {constraint}"
            ),
        )
    }
    body.iter().try_for_each(|(key, value)| {
        if key.contains('\0') || key.len() > MAX_STRING {
            return Err(CognitoError::new(
                ErrorKind::Serialization,
                "Start of structure or map found where not expected.",
            ));
        }
        check(key, &lower_camel(key), value)
    })
}

/// Parses the body: empty means `{}`; anything but a JSON object is a SerializationException.
/// Top-level `null` members are dropped (treated as absent). Strings that cannot be stored
/// are refused here, once for every action ([`refuse_hostile_strings`]).
fn parse_body(body: &[u8]) -> Result<serde_json::Map<String, Value>, CognitoError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut map)) => {
            map.retain(|_, v| !v.is_null());
            refuse_hostile_strings(&map)?;
            Ok(map)
        }
        Ok(_) => Err(CognitoError::new(
            ErrorKind::Serialization,
            "Start of structure or map found where not expected.",
        )),
        Err(e) => Err(CognitoError::new(
            ErrorKind::Serialization,
            format!("Could not parse the request body as JSON: {e}"),
        )),
    }
}

/// Deserialises a request; a missing required member is an InvalidParameterException, a
/// member of the wrong type a SerializationException.
fn request<T: DeserializeOwned>(body: serde_json::Map<String, Value>) -> Result<T, CognitoError> {
    serde_json::from_value(Value::Object(body)).map_err(|e| {
        let text = e.to_string();
        match text
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            Some(member) => CognitoError::missing_member(member),
            None => CognitoError::new(ErrorKind::Serialization, text),
        }
    })
}

fn response<T: Serialize>(value: T) -> Result<Value, CognitoError> {
    serde_json::to_value(value)
        .map_err(|e| CognitoError::internal(format_args!("serialising a response: {e}")))
}

fn empty(_: ()) -> Result<Value, CognitoError> {
    Ok(Value::Object(serde_json::Map::new()))
}

impl Identity {
    /// Whether `action` needs a SigV4-signed request; `None` for an unknown action.
    pub fn requires_signature(action: &str) -> Option<bool> {
        ACTIONS
            .iter()
            .find(|(name, _)| *name == action)
            .map(|(_, signed)| *signed)
    }

    /// The names of all supported actions.
    pub fn actions() -> impl Iterator<Item = &'static str> {
        ACTIONS.iter().map(|(name, _)| *name)
    }

    /// Runs one action: `body` is the raw JSON request, the result the JSON response body
    /// (`{}` for actions without output). `signed` says whether the HTTP layer verified a
    /// SigV4 signature; administrative actions refuse unsigned calls with
    /// `MissingAuthenticationTokenException`.
    pub async fn dispatch(
        &self,
        action: &str,
        body: &[u8],
        signed: bool,
    ) -> Result<Value, CognitoError> {
        let needs_signature = Identity::requires_signature(action).ok_or_else(|| {
            CognitoError::new(
                ErrorKind::UnknownOperation,
                format!("Unknown operation {action}"),
            )
        })?;
        if needs_signature && !signed {
            return Err(CognitoError::new(
                ErrorKind::MissingAuthenticationToken,
                "Missing Authentication Token",
            ));
        }
        let b = parse_body(body)?;
        match action {
            "SignUp" => response(self.sign_up(request(b)?).await?),
            "ConfirmSignUp" => empty(self.confirm_sign_up(request(b)?).await?),
            "ResendConfirmationCode" => response(self.resend_confirmation_code(request(b)?).await?),
            "InitiateAuth" => response(self.initiate_auth(request(b)?).await?),
            "RespondToAuthChallenge" => {
                response(self.respond_to_auth_challenge(request(b)?).await?)
            }
            "GetUser" => response(self.get_user(request(b)?).await?),
            "UpdateUserAttributes" => response(self.update_user_attributes(request(b)?).await?),
            "ChangePassword" => empty(self.change_password(request(b)?).await?),
            "GlobalSignOut" => empty(self.global_sign_out(request(b)?).await?),
            "RevokeToken" => empty(self.revoke_token(request(b)?).await?),
            "ForgotPassword" => response(self.forgot_password(request(b)?).await?),
            "ConfirmForgotPassword" => empty(self.confirm_forgot_password(request(b)?).await?),
            "CreateUserPool" => response(self.create_user_pool(request(b)?).await?),
            "DescribeUserPool" => response(self.describe_user_pool(request(b)?).await?),
            "ListUserPools" => response(self.list_user_pools(request(b)?).await?),
            "UpdateUserPool" => empty(self.update_user_pool(request(b)?).await?),
            "DeleteUserPool" => empty(self.delete_user_pool(request(b)?).await?),
            "CreateUserPoolClient" => response(self.create_user_pool_client(request(b)?).await?),
            "DescribeUserPoolClient" => {
                response(self.describe_user_pool_client(request(b)?).await?)
            }
            "ListUserPoolClients" => response(self.list_user_pool_clients(request(b)?).await?),
            "UpdateUserPoolClient" => response(self.update_user_pool_client(request(b)?).await?),
            "DeleteUserPoolClient" => empty(self.delete_user_pool_client(request(b)?).await?),
            "AdminCreateUser" => response(self.admin_create_user(request(b)?).await?),
            "AdminGetUser" => response(self.admin_get_user(request(b)?).await?),
            "AdminConfirmSignUp" => empty(self.admin_confirm_sign_up(request(b)?).await?),
            "AdminSetUserPassword" => empty(self.admin_set_user_password(request(b)?).await?),
            "AdminDisableUser" => empty(self.admin_disable_user(request(b)?).await?),
            "AdminEnableUser" => empty(self.admin_enable_user(request(b)?).await?),
            "AdminDeleteUser" => empty(self.admin_delete_user(request(b)?).await?),
            "AdminInitiateAuth" => response(self.admin_initiate_auth(request(b)?).await?),
            "AdminAddUserToGroup" => empty(self.admin_add_user_to_group(request(b)?).await?),
            "AdminRemoveUserFromGroup" => {
                empty(self.admin_remove_user_from_group(request(b)?).await?)
            }
            "AdminListGroupsForUser" => {
                response(self.admin_list_groups_for_user(request(b)?).await?)
            }
            "CreateGroup" => response(self.create_group(request(b)?).await?),
            "GetGroup" => response(self.get_group(request(b)?).await?),
            "UpdateGroup" => response(self.update_group(request(b)?).await?),
            "DeleteGroup" => empty(self.delete_group(request(b)?).await?),
            "ListGroups" => response(self.list_groups(request(b)?).await?),
            "ListUsersInGroup" => response(self.list_users_in_group(request(b)?).await?),
            "ListUsers" => response(self.list_users(request(b)?).await?),
            "AddCustomAttributes" => empty(self.add_custom_attributes(request(b)?).await?),
            "GetSigningCertificate" => response(self.get_signing_certificate(request(b)?).await?),
            "TagResource" => empty(self.tag_resource(request(b)?).await?),
            "UntagResource" => empty(self.untag_resource(request(b)?).await?),
            "ListTagsForResource" => response(self.list_tags_for_resource(request(b)?).await?),
            "AssociateSoftwareToken" => response(self.associate_software_token(request(b)?).await?),
            "VerifySoftwareToken" => response(self.verify_software_token(request(b)?).await?),
            "SetUserMFAPreference" => empty(self.set_user_mfa_preference(request(b)?).await?),
            "AdminSetUserMFAPreference" => {
                empty(self.admin_set_user_mfa_preference(request(b)?).await?)
            }
            "SetUserPoolMfaConfig" => response(self.set_user_pool_mfa_config(request(b)?).await?),
            "GetUserPoolMfaConfig" => response(self.get_user_pool_mfa_config(request(b)?).await?),
            "DeleteUser" => empty(self.delete_user(request(b)?).await?),
            "DeleteUserAttributes" => empty(self.delete_user_attributes(request(b)?).await?),
            "GetUserAttributeVerificationCode" => response(
                self.get_user_attribute_verification_code(request(b)?)
                    .await?,
            ),
            "VerifyUserAttribute" => empty(self.verify_user_attribute(request(b)?).await?),
            "GetTokensFromRefreshToken" => {
                response(self.get_tokens_from_refresh_token(request(b)?).await?)
            }
            "AdminUpdateUserAttributes" => {
                empty(self.admin_update_user_attributes(request(b)?).await?)
            }
            "AdminDeleteUserAttributes" => {
                empty(self.admin_delete_user_attributes(request(b)?).await?)
            }
            "AdminResetUserPassword" => empty(self.admin_reset_user_password(request(b)?).await?),
            "AdminUserGlobalSignOut" => empty(self.admin_user_global_sign_out(request(b)?).await?),
            "AdminRespondToAuthChallenge" => {
                response(self.admin_respond_to_auth_challenge(request(b)?).await?)
            }
            other => Err(CognitoError::internal(format_args!(
                "action {other} is listed but not dispatched"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::DescribeUserPoolRequest;

    #[test]
    fn signature_table() {
        assert_eq!(Identity::requires_signature("SignUp"), Some(false));
        assert_eq!(Identity::requires_signature("GetUser"), Some(false));
        assert_eq!(
            Identity::requires_signature("AdminInitiateAuth"),
            Some(true)
        );
        assert_eq!(Identity::requires_signature("CreateUserPool"), Some(true));
        assert_eq!(Identity::requires_signature("Nope"), None);
        assert_eq!(Identity::actions().count(), ACTIONS.len());
    }

    #[test]
    fn nul_and_over_long_strings_are_invalid_parameters() {
        let refused = |body: &str| parse_body(body.as_bytes()).expect_err(body);
        let e = refused(r#"{"Username": "a\u0000"}"#);
        assert_eq!(e.kind, ErrorKind::InvalidParameter);
        assert_eq!(
            e.message,
            "1 validation error detected: Value at 'username' failed to satisfy constraint: \
             Member must not contain the NUL character (U+0000)"
        );
        let e = refused(r#"{"UserAttributes": [{"Name": "email", "Value": "\u0000"}]}"#);
        assert!(
            e.message.contains("'userAttributes.1.member.value'"),
            "{}",
            e.message
        );
        let e = refused(r#"{"ClientMetadata": {"k\u0000": "v"}}"#);
        assert_eq!(e.kind, ErrorKind::InvalidParameter);
        let long = format!(r#"{{"ClientId": "{}"}}"#, "c".repeat(129));
        assert!(
            refused(&long)
                .message
                .ends_with("less than or equal to 128")
        );
        // 128 characters of four bytes each are 128 characters.
        let wide = format!(r#"{{"Username": "{}"}}"#, "\u{1D11E}".repeat(128));
        assert!(parse_body(wide.as_bytes()).is_ok());
        // Tag and metadata keys are not member names: a tag `Name` may be longer than 32.
        let tag = format!(r#"{{"Tags": {{"Name": "{}"}}}}"#, "n".repeat(256));
        assert!(parse_body(tag.as_bytes()).is_ok());
        let name = format!(
            r#"{{"UserAttributes": [{{"Name": "{}"}}]}}"#,
            "n".repeat(33)
        );
        assert!(refused(&name).message.ends_with("less than or equal to 32"));
        let token = format!(r#"{{"AccessToken": "{}"}}"#, "t".repeat(MAX_STRING + 1));
        assert_eq!(refused(&token).kind, ErrorKind::InvalidParameter);
        // A lone surrogate is not JSON text.
        assert_eq!(
            refused(r#"{"Username": "\ud800"}"#).kind,
            ErrorKind::Serialization
        );
    }

    #[test]
    fn body_errors() {
        assert!(parse_body(b"").expect("empty ok").is_empty());
        assert_eq!(
            parse_body(b"[1]").expect_err("array").kind,
            ErrorKind::Serialization
        );
        assert_eq!(
            parse_body(b"{bad").expect_err("bad json").kind,
            ErrorKind::Serialization
        );
        let missing =
            request::<DescribeUserPoolRequest>(parse_body(b"{\"UserPoolId\": null}").expect("ok"))
                .expect_err("missing");
        assert_eq!(missing.kind, ErrorKind::InvalidParameter);
        assert_eq!(
            missing.message,
            "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"
        );
        let wrong =
            request::<DescribeUserPoolRequest>(parse_body(b"{\"UserPoolId\": 5}").expect("ok"))
                .expect_err("wrong type");
        assert_eq!(wrong.kind, ErrorKind::Serialization);
    }
}
