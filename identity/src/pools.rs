//! User pool operations: creation (sign-in attribute, schema, password policy, token
//! lifetimes), description, listing, settings and deletion; custom attributes added later
//! (AddCustomAttributes); the pool's tags (TagResource, UntagResource, ListTagsForResource),
//! kept as its `UserPoolTags` setting so DescribeUserPool shows them.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::attributes;
use crate::error::{CognitoError, ErrorKind};
use crate::model::{
    AliasAttribute, CUSTOM_PREFIX, CustomAttribute, DEFAULT_REFRESH_VALIDITY_SECS,
    DEFAULT_TOKEN_VALIDITY_SECS, DeletionProtection, MfaConfiguration, PasswordPolicy, Pool,
    PoolId, VerifiableAttribute, is_standard,
};
use crate::service::Identity;
use crate::wire::{
    AddCustomAttributesRequest, AdminCreateUserConfigType, CreateUserPoolRequest,
    CreateUserPoolResponse, DeleteUserPoolRequest, DescribeUserPoolRequest,
    DescribeUserPoolResponse, ListTagsForResourceRequest, ListTagsForResourceResponse,
    ListUserPoolsRequest, ListUserPoolsResponse, TagResourceRequest, UntagResourceRequest,
    UpdateUserPoolRequest, UserPoolDescriptionType, UserPoolPolicyType, UserPoolType,
    UsernameConfigurationType,
};
use crate::{store, util};

/// The most custom attributes a pool can have (AWS's quota, not adjustable).
const MAX_CUSTOM_ATTRIBUTES: usize = 50;
/// The most tags a pool can have.
const MAX_TAGS: usize = 50;
/// Entries in one AddCustomAttributes request (botocore `CustomAttributesListType`).
const MAX_ADDED_ATTRIBUTES: usize = 25;

fn too_many_custom_attributes() -> CognitoError {
    CognitoError::invalid_parameter(format!(
        "A user pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes."
    ))
}

/// Tags as stored in the pool's settings (absent or malformed: none).
fn tags_of(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(|v| serde_json::from_value::<BTreeMap<String, String>>(v.clone()).ok())
        .unwrap_or_default()
}

/// `TagKeysType`: 1-128 characters.
fn valid_tag_key(key: &str) -> bool {
    (1..=128).contains(&key.chars().count())
}

impl Pool {
    fn to_wire(&self, identity: &Identity, estimated_users: i64) -> UserPoolType {
        let mut schema = attributes::standard_schema(&self.required_attributes);
        schema.extend(self.custom.iter().map(CustomAttribute::to_schema));
        let tags = tags_of(self.setting("UserPoolTags"));
        let admin_extra = self.setting("AdminCreateUserConfig");
        UserPoolType {
            id: self.id.to_string(),
            name: self.name.clone(),
            arn: identity.pool_arn(&self.id),
            policies: UserPoolPolicyType {
                password_policy: Some(self.password.to_wire()),
            },
            schema_attributes: schema,
            auto_verified_attributes: texts(&self.auto_verified_attributes, |a| a.as_str()),
            username_attributes: (!self.username_attributes.is_empty())
                .then(|| texts(&self.username_attributes, |a| a.as_str())),
            alias_attributes: (!self.alias_attributes.is_empty())
                .then(|| texts(&self.alias_attributes, |a| a.as_str())),
            mfa_configuration: self.mfa_configuration.as_str().to_owned(),
            estimated_number_of_users: estimated_users,
            deletion_protection: self.deletion_protection.as_str().to_owned(),
            admin_create_user_config: AdminCreateUserConfigType {
                allow_admin_create_user_only: Some(self.allow_admin_create_user_only),
                unused_account_validity_days: Some(self.password.temporary_password_validity_days),
                invite_message_template: admin_extra
                    .and_then(|v| v.get("InviteMessageTemplate"))
                    .cloned(),
            },
            username_configuration: UsernameConfigurationType {
                case_sensitive: Some(self.case_sensitive),
            },
            user_pool_tags: tags,
            verification_message_template: self
                .setting("VerificationMessageTemplate")
                .cloned()
                .unwrap_or_else(|| json!({"DefaultEmailOption": "CONFIRM_WITH_CODE"})),
            email_configuration: self
                .setting("EmailConfiguration")
                .cloned()
                .unwrap_or_else(|| json!({"EmailSendingAccount": "COGNITO_DEFAULT"})),
            account_recovery_setting: self.setting("AccountRecoverySetting").cloned(),
            lambda_config: self
                .setting("LambdaConfig")
                .cloned()
                .unwrap_or_else(|| json!({})),
            user_pool_tier: self
                .setting("UserPoolTier")
                .and_then(Value::as_str)
                .unwrap_or("ESSENTIALS")
                .to_owned(),
            creation_date: self.created_at,
            last_modified_date: self.updated_at,
        }
    }
}

fn texts<T: Copy>(values: &[T], as_str: fn(T) -> &'static str) -> Vec<String> {
    values.iter().map(|v| as_str(*v).to_owned()).collect()
}

/// Every value of `values` in a closed set, or AWS's error for the first that is not.
fn parse_list<T>(
    member: &str,
    values: &[String],
    parse: fn(&str) -> Option<T>,
    allowed: &str,
) -> Result<Vec<T>, CognitoError> {
    values
        .iter()
        .map(|v| parse(v).ok_or_else(|| CognitoError::not_in_set(member, v, allowed)))
        .collect()
}

/// `MfaConfiguration` (default `OFF`). `ON` / `OPTIONAL` need an enabled second factor, and
/// the only one Gatehouse has is the software token (SetUserPoolMfaConfig turns it on).
pub(crate) fn parse_mfa(
    mfa: Option<&str>,
    software_token_mfa: bool,
) -> Result<MfaConfiguration, CognitoError> {
    let mfa = mfa.unwrap_or("OFF");
    match MfaConfiguration::parse(mfa) {
        Some(MfaConfiguration::Off) => Ok(MfaConfiguration::Off),
        Some(on) if software_token_mfa => Ok(on),
        Some(_) => Err(CognitoError::invalid_parameter(
            "Invalid MFA configuration given, can't turn on MFA without any enabled MFA type. \
             Gatehouse supports software token MFA: enable it with SetUserPoolMfaConfig.",
        )),
        None => Err(CognitoError::not_in_set(
            "mfaConfiguration",
            mfa,
            &MfaConfiguration::joined(),
        )),
    }
}

/// `DeletionProtection` (default `INACTIVE`).
fn parse_deletion_protection(value: Option<&str>) -> Result<DeletionProtection, CognitoError> {
    let value = value.unwrap_or("INACTIVE");
    DeletionProtection::parse(value).ok_or_else(|| {
        CognitoError::not_in_set("deletionProtection", value, &DeletionProtection::joined())
    })
}

/// `AutoVerifiedAttributes` (default none).
fn parse_auto_verified(
    values: Option<&[String]>,
) -> Result<Vec<VerifiableAttribute>, CognitoError> {
    parse_list(
        "autoVerifiedAttributes",
        values.unwrap_or_default(),
        VerifiableAttribute::parse,
        &VerifiableAttribute::joined(),
    )
}

fn put(settings: &mut serde_json::Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        settings.insert(key.to_owned(), v);
    }
}

impl Identity {
    /// CreateUserPool. Signing keys are generated lazily, on first use.
    pub async fn create_user_pool(
        &self,
        req: CreateUserPoolRequest,
    ) -> Result<CreateUserPoolResponse, CognitoError> {
        let name = req.pool_name.trim();
        util::require_non_empty("PoolName", name)?;
        if name.chars().count() > 128
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_+=,.@-".contains(c))
        {
            return Err(CognitoError::invalid_parameter(
                "1 validation error detected: Value at 'poolName' failed to satisfy constraint: \
                 Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+",
            ));
        }
        let username_attributes = parse_list(
            "usernameAttributes",
            req.username_attributes.as_deref().unwrap_or_default(),
            VerifiableAttribute::parse,
            &VerifiableAttribute::joined(),
        )?;
        if username_attributes.contains(&VerifiableAttribute::PhoneNumber) {
            return Err(CognitoError::invalid_parameter(
                "Gatehouse supports only email as a username attribute.",
            ));
        }
        let alias_attributes = parse_list(
            "aliasAttributes",
            req.alias_attributes.as_deref().unwrap_or_default(),
            AliasAttribute::parse,
            &AliasAttribute::joined(),
        )?;
        if !username_attributes.is_empty() && !alias_attributes.is_empty() {
            return Err(CognitoError::invalid_parameter(
                "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.",
            ));
        }
        let auto_verified = parse_auto_verified(req.auto_verified_attributes.as_deref())?;
        let password = PasswordPolicy::from_wire(
            req.policies
                .as_ref()
                .and_then(|p| p.password_policy.as_ref()),
        )?;
        let mfa = parse_mfa(req.mfa_configuration.as_deref(), false)?;
        let deletion_protection = parse_deletion_protection(req.deletion_protection.as_deref())?;

        let mut custom: Vec<CustomAttribute> = Vec::new();
        let mut required = Vec::new();
        for entry in req.schema.iter().flatten() {
            let entry_name = entry.name.as_deref().unwrap_or_default();
            if is_standard(entry_name) {
                if entry.required == Some(true) && !required.iter().any(|r| r == entry_name) {
                    required.push(entry_name.to_owned());
                }
                continue;
            }
            let def = CustomAttribute::from_schema(entry)?;
            if custom.iter().any(|c| c.name == def.name) {
                return Err(CognitoError::invalid_parameter(format!(
                    "Existing attribute already has name {}.",
                    def.name
                )));
            }
            custom.push(def);
        }
        if custom.len() > MAX_CUSTOM_ATTRIBUTES {
            return Err(too_many_custom_attributes());
        }

        let mut settings = serde_json::Map::new();
        put(
            &mut settings,
            "UserPoolTags",
            req.user_pool_tags.map(|t| json!(t)),
        );
        put(
            &mut settings,
            "VerificationMessageTemplate",
            req.verification_message_template,
        );
        put(&mut settings, "EmailConfiguration", req.email_configuration);
        put(
            &mut settings,
            "AccountRecoverySetting",
            req.account_recovery_setting,
        );
        put(&mut settings, "LambdaConfig", req.lambda_config);
        put(
            &mut settings,
            "UserPoolTier",
            req.user_pool_tier.map(Value::String),
        );
        put(
            &mut settings,
            "AdminCreateUserConfig",
            req.admin_create_user_config
                .as_ref()
                .and_then(|c| c.invite_message_template.clone())
                .map(|t| json!({"InviteMessageTemplate": t})),
        );

        let now = util::now();
        let pool = Pool {
            id: PoolId::new(util::new_pool_id(self.region())),
            name: name.to_owned(),
            region: self.region().to_owned(),
            username_attributes,
            alias_attributes,
            auto_verified_attributes: auto_verified,
            required_attributes: required,
            password,
            allow_admin_create_user_only: req
                .admin_create_user_config
                .as_ref()
                .and_then(|c| c.allow_admin_create_user_only)
                .unwrap_or(false),
            case_sensitive: req
                .username_configuration
                .as_ref()
                .and_then(|c| c.case_sensitive)
                .unwrap_or(false),
            mfa_configuration: mfa,
            software_token_mfa: false,
            deletion_protection,
            id_token_validity_secs: DEFAULT_TOKEN_VALIDITY_SECS,
            access_token_validity_secs: DEFAULT_TOKEN_VALIDITY_SECS,
            refresh_token_validity_secs: DEFAULT_REFRESH_VALIDITY_SECS,
            settings: Value::Object(settings),
            custom,
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db().begin().await?;
        store::pools::insert_pool(&mut tx, &pool).await?;
        tx.commit().await?;
        tracing::info!(pool.id = %pool.id, pool.name = %pool.name, "user pool created");
        Ok(CreateUserPoolResponse {
            user_pool: pool.to_wire(self, 0),
        })
    }

    /// DescribeUserPool.
    pub async fn describe_user_pool(
        &self,
        req: DescribeUserPoolRequest,
    ) -> Result<DescribeUserPoolResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let users = store::pools::count_users(self.db(), &pool.id).await?;
        Ok(DescribeUserPoolResponse {
            user_pool: pool.to_wire(self, users),
        })
    }

    /// ListUserPools (ordered by id).
    pub async fn list_user_pools(
        &self,
        req: ListUserPoolsRequest,
    ) -> Result<ListUserPoolsResponse, CognitoError> {
        let limit = util::page_limit(Some(req.max_results), "MaxResults")?;
        let after = req
            .next_token
            .as_deref()
            .map(|t| util::decode_page_token(t, "NextToken"))
            .transpose()?;
        let mut rows = store::pools::list_pools(self.db(), after.as_deref(), limit + 1).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(60));
        let next_token = if more {
            rows.last().map(|r| util::encode_page_token(&r.0))
        } else {
            None
        };
        Ok(ListUserPoolsResponse {
            user_pools: rows
                .into_iter()
                .map(
                    |(id, name, settings, created, updated)| UserPoolDescriptionType {
                        id,
                        name,
                        lambda_config: settings
                            .get("LambdaConfig")
                            .cloned()
                            .unwrap_or_else(|| json!({})),
                        creation_date: created,
                        last_modified_date: updated,
                    },
                )
                .collect(),
            next_token,
        })
    }

    /// UpdateUserPool. As in AWS, updatable settings left out of the request return to their
    /// defaults (tags excepted). Name, schema and sign-in attributes are fixed at creation.
    pub async fn update_user_pool(&self, req: UpdateUserPoolRequest) -> Result<(), CognitoError> {
        let mut pool = self.load_pool(&req.user_pool_id).await?;
        let auto_verified = parse_auto_verified(req.auto_verified_attributes.as_deref())?;
        let password = PasswordPolicy::from_wire(
            req.policies
                .as_ref()
                .and_then(|p| p.password_policy.as_ref()),
        )?;
        let mfa = parse_mfa(req.mfa_configuration.as_deref(), pool.software_token_mfa)?;
        let deletion_protection = parse_deletion_protection(req.deletion_protection.as_deref())?;
        let mut settings = serde_json::Map::new();
        put(
            &mut settings,
            "UserPoolTags",
            req.user_pool_tags
                .map(|t| json!(t))
                .or_else(|| pool.setting("UserPoolTags").cloned()),
        );
        put(
            &mut settings,
            "VerificationMessageTemplate",
            req.verification_message_template,
        );
        put(&mut settings, "EmailConfiguration", req.email_configuration);
        put(
            &mut settings,
            "AccountRecoverySetting",
            req.account_recovery_setting,
        );
        put(&mut settings, "LambdaConfig", req.lambda_config);
        put(
            &mut settings,
            "UserPoolTier",
            req.user_pool_tier
                .map(Value::String)
                .or_else(|| pool.setting("UserPoolTier").cloned()),
        );
        put(
            &mut settings,
            "AdminCreateUserConfig",
            req.admin_create_user_config
                .as_ref()
                .and_then(|c| c.invite_message_template.clone())
                .map(|t| json!({"InviteMessageTemplate": t})),
        );
        pool.auto_verified_attributes = auto_verified;
        pool.password = password;
        pool.mfa_configuration = mfa;
        pool.deletion_protection = deletion_protection;
        pool.allow_admin_create_user_only = req
            .admin_create_user_config
            .as_ref()
            .and_then(|c| c.allow_admin_create_user_only)
            .unwrap_or(false);
        pool.settings = Value::Object(settings);
        pool.updated_at = util::now();
        if !store::pools::update_pool(self.db(), &pool).await? {
            return Err(CognitoError::pool_not_found(&pool.id));
        }
        tracing::info!(pool.id = %pool.id, "user pool updated");
        Ok(())
    }

    /// DeleteUserPool: removes the pool and everything in it (clients, users, groups, keys,
    /// tokens, outbox).
    pub async fn delete_user_pool(&self, req: DeleteUserPoolRequest) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        if pool.deletion_protection == DeletionProtection::Active {
            return Err(CognitoError::invalid_parameter(
                "The user pool cannot be deleted because deletion protection is activated.",
            ));
        }
        if !store::pools::delete_pool(self.db(), &pool.id).await? {
            return Err(CognitoError::pool_not_found(&pool.id));
        }
        self.forget_pool_keys(&pool.id);
        tracing::info!(pool.id = %pool.id, "user pool deleted");
        Ok(())
    }

    /// AddCustomAttributes: appends custom attributes to the pool's schema. Names come without
    /// the `custom:` prefix and are checked as CreateUserPool checks its schema; a name the
    /// pool (or the request) already has is refused, and nothing is added unless all are.
    pub async fn add_custom_attributes(
        &self,
        req: AddCustomAttributesRequest,
    ) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let count = req.custom_attributes.len();
        if !(1..=MAX_ADDED_ATTRIBUTES).contains(&count) {
            let bound = if count == 0 {
                "greater than or equal to 1".to_owned()
            } else {
                format!("less than or equal to {MAX_ADDED_ATTRIBUTES}")
            };
            return Err(CognitoError::invalid_parameter(format!(
                "1 validation error detected: Value at 'customAttributes' failed to satisfy \
                 constraint: Member must have length {bound}"
            )));
        }
        let added = req
            .custom_attributes
            .iter()
            .map(CustomAttribute::from_schema)
            .collect::<Result<Vec<_>, _>>()?;
        let mut tx = self.db().begin().await?;
        // The pool row is locked: concurrent additions are counted one after the other.
        let existing = store::pools::lock_custom_attributes(&mut tx, &pool.id)
            .await?
            .ok_or_else(|| CognitoError::pool_not_found(&pool.id))?;
        for (i, def) in added.iter().enumerate() {
            let taken = existing.iter().any(|(name, _)| *name == def.name)
                || added[..i].iter().any(|earlier| earlier.name == def.name);
            if taken {
                let full = def.to_schema().name.unwrap_or_default();
                return Err(CognitoError::invalid_parameter(format!(
                    "{CUSTOM_PREFIX}{}: Existing attribute already has name {full}.",
                    def.name
                )));
            }
        }
        if existing.len() + added.len() > MAX_CUSTOM_ATTRIBUTES {
            return Err(too_many_custom_attributes());
        }
        let first = existing
            .iter()
            .map(|(_, position)| position.saturating_add(1))
            .max()
            .unwrap_or(0);
        store::pools::insert_custom_attributes(&mut tx, &pool.id, first, &added).await?;
        store::pools::touch_pool(&mut *tx, &pool.id, util::now()).await?;
        tx.commit().await?;
        tracing::info!(
            pool.id = %pool.id,
            attributes = ?added.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            "custom attributes added"
        );
        Ok(())
    }

    /// The pool a `ResourceArn` names: `arn:aws:cognito-idp:{region}:{account}:userpool/{id}`
    /// as DescribeUserPool returns it. A value that is not an ARN, or not a user pool's, is an
    /// `InvalidParameterException`; a user pool ARN that names no pool of this service
    /// (unknown id, other account or region) is a `ResourceNotFoundException`.
    async fn pool_id_from_arn(&self, arn: &str) -> Result<PoolId, CognitoError> {
        let fields = util::validate_arn("ResourceArn", arn)?;
        let pool_id = match fields[..] {
            [_, _, "cognito-idp", _, _, resource] => resource.strip_prefix("userpool/"),
            _ => None,
        }
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            CognitoError::invalid_parameter(format!(
                "Invalid ResourceArn {arn}: not a user pool ARN \
                 (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/USER_POOL_ID)."
            ))
        })?;
        let not_found = || {
            CognitoError::new(
                ErrorKind::ResourceNotFound,
                format!("User pool {pool_id} does not exist."),
            )
        };
        if util::validate_pool_id(pool_id).is_err() || self.pool_arn(pool_id) != arn {
            return Err(not_found());
        }
        let pool = store::pools::find_pool(self.db(), pool_id)
            .await?
            .ok_or_else(not_found)?;
        Ok(pool.id)
    }

    /// Reads and rewrites the pool's tags under its row lock; `change` may refuse.
    async fn change_tags(
        &self,
        pool_id: &str,
        change: impl FnOnce(&mut BTreeMap<String, String>) -> Result<(), CognitoError>,
    ) -> Result<(), CognitoError> {
        let mut tx = self.db().begin().await?;
        let stored = store::pools::lock_tags(&mut tx, pool_id)
            .await?
            .ok_or_else(|| CognitoError::pool_not_found(pool_id))?;
        let mut tags = tags_of(Some(&stored));
        change(&mut tags)?;
        store::pools::set_tags(&mut tx, pool_id, &json!(tags)).await?;
        tx.commit().await?;
        tracing::info!(pool.id = %pool_id, tags = tags.len(), "user pool tags changed");
        Ok(())
    }

    /// TagResource: adds the tags to the user pool, replacing the values of keys it has.
    pub async fn tag_resource(&self, req: TagResourceRequest) -> Result<(), CognitoError> {
        let constraint = if req.tags.keys().any(|k| !valid_tag_key(k)) {
            Some(
                "Map keys must satisfy constraint: [Member must have length less than or \
                 equal to 128, Member must have length greater than or equal to 1]",
            )
        } else if req.tags.values().any(|v| v.chars().count() > 256) {
            Some(
                "Map value must satisfy constraint: [Member must have length less than or \
                 equal to 256, Member must have length greater than or equal to 0]",
            )
        } else {
            None
        };
        if let Some(constraint) = constraint {
            return Err(CognitoError::invalid_parameter(format!(
                "1 validation error detected: Value at 'tags' failed to satisfy constraint: \
                 {constraint}"
            )));
        }
        let pool_id = self.pool_id_from_arn(&req.resource_arn).await?;
        self.change_tags(&pool_id, |tags| {
            tags.extend(req.tags);
            if tags.len() > MAX_TAGS {
                return Err(CognitoError::invalid_parameter(format!(
                    "A user pool can have at most {MAX_TAGS} tags."
                )));
            }
            Ok(())
        })
        .await
    }

    /// UntagResource: removes the keys from the user pool's tags (absent keys are ignored).
    pub async fn untag_resource(&self, req: UntagResourceRequest) -> Result<(), CognitoError> {
        if req.tag_keys.iter().any(|k| !valid_tag_key(k)) {
            return Err(CognitoError::invalid_parameter(
                "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: \
                 Member must satisfy constraint: [Member must have length less than or equal \
                 to 128, Member must have length greater than or equal to 1]",
            ));
        }
        let pool_id = self.pool_id_from_arn(&req.resource_arn).await?;
        self.change_tags(&pool_id, |tags| {
            for key in &req.tag_keys {
                tags.remove(key);
            }
            Ok(())
        })
        .await
    }

    /// ListTagsForResource: the user pool's tags (`{}` when it has none).
    pub async fn list_tags_for_resource(
        &self,
        req: ListTagsForResourceRequest,
    ) -> Result<ListTagsForResourceResponse, CognitoError> {
        let pool_id = self.pool_id_from_arn(&req.resource_arn).await?;
        let pool = self.load_pool(&pool_id).await?;
        Ok(ListTagsForResourceResponse {
            tags: tags_of(pool.setting("UserPoolTags")),
        })
    }
}
