//! Groups: their members appear in `cognito:groups` (ID and access tokens), ordered by
//! precedence (lowest first, unset last), then name. Tokens read the groups when they are
//! issued, so a group deleted (or a member removed) is absent from every later token.

use crate::error::{CognitoError, ErrorKind};
use crate::model::Pool;
use crate::service::Identity;
use crate::store::groups::{GROUP_KEY, GroupRow};
use crate::users::user_type;
use crate::wire::{
    AdminGroupMembershipRequest, AdminListGroupsForUserRequest, CreateGroupRequest,
    CreateGroupResponse, GetGroupRequest, GetGroupResponse, GroupRequest, GroupType,
    ListGroupsRequest, ListGroupsResponse, ListUsersInGroupRequest, ListUsersInGroupResponse,
    UpdateGroupRequest, UpdateGroupResponse,
};
use crate::{store, util};

fn group_not_found() -> CognitoError {
    CognitoError::new(ErrorKind::ResourceNotFound, "Group not found.")
}

/// The optional members of CreateGroup and UpdateGroup, checked as AWS's model does.
fn check_group_fields(
    description: Option<&str>,
    role_arn: Option<&str>,
    precedence: Option<i32>,
) -> Result<(), CognitoError> {
    if description.is_some_and(|d| d.chars().count() > 2048) {
        return Err(CognitoError::invalid_parameter(
            "1 validation error detected: Value at 'description' failed to satisfy \
             constraint: Member must have length less than or equal to 2048",
        ));
    }
    if let Some(arn) = role_arn {
        util::validate_arn("RoleArn", arn)?;
    }
    if precedence.is_some_and(|p| p < 0) {
        return Err(CognitoError::invalid_parameter(
            "1 validation error detected: Value at 'precedence' failed to satisfy \
             constraint: Member must have value greater than or equal to 0",
        ));
    }
    Ok(())
}

fn group_type(g: GroupRow) -> GroupType {
    GroupType {
        group_name: g.name,
        user_pool_id: g.pool_id,
        description: g.description,
        role_arn: g.role_arn,
        precedence: g.precedence,
        last_modified_date: g.updated_at,
        creation_date: g.created_at,
    }
}

fn page(mut rows: Vec<GroupRow>, limit: i64) -> ListGroupsResponse {
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(60));
    let next_token = if more {
        rows.last().map(|g| util::encode_page_token(&g.name))
    } else {
        None
    };
    ListGroupsResponse {
        groups: rows.into_iter().map(group_type).collect(),
        next_token,
    }
}

impl Identity {
    /// CreateGroup.
    pub async fn create_group(
        &self,
        req: CreateGroupRequest,
    ) -> Result<CreateGroupResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        util::validate_name("GroupName", &req.group_name)?;
        check_group_fields(
            req.description.as_deref(),
            req.role_arn.as_deref(),
            req.precedence,
        )?;
        let now = util::now();
        let row = GroupRow {
            pool_id: pool.id.to_string(),
            name: req.group_name.clone(),
            description: req.description,
            role_arn: req.role_arn,
            precedence: req.precedence,
            created_at: now,
            updated_at: now,
        };
        store::groups::insert_group(self.db(), &row)
            .await
            .map_err(|e| {
                if store::is_unique_violation(&e, GROUP_KEY) {
                    CognitoError::new(
                        ErrorKind::GroupExists,
                        format!("A group with the name {} already exists.", req.group_name),
                    )
                } else {
                    e.into()
                }
            })?;
        tracing::info!(pool.id = %pool.id, group = %row.name, "group created");
        Ok(CreateGroupResponse {
            group: group_type(row),
        })
    }

    /// The pool and the group an operation names (`ResourceNotFoundException` "Group not
    /// found." for a group the pool does not have).
    async fn load_group(
        &self,
        pool_id: &str,
        group_name: &str,
    ) -> Result<(Pool, GroupRow), CognitoError> {
        let pool = self.load_pool(pool_id).await?;
        util::validate_name("GroupName", group_name)?;
        let group = store::groups::find_group(self.db(), &pool.id, group_name)
            .await?
            .ok_or_else(group_not_found)?;
        Ok((pool, group))
    }

    /// GetGroup.
    pub async fn get_group(&self, req: GetGroupRequest) -> Result<GetGroupResponse, CognitoError> {
        let (_, group) = self.load_group(&req.user_pool_id, &req.group_name).await?;
        Ok(GetGroupResponse {
            group: group_type(group),
        })
    }

    /// UpdateGroup: sets the members given (`Description`, `RoleArn`, `Precedence`); those
    /// left out keep their value.
    pub async fn update_group(
        &self,
        req: UpdateGroupRequest,
    ) -> Result<UpdateGroupResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        util::validate_name("GroupName", &req.group_name)?;
        check_group_fields(
            req.description.as_deref(),
            req.role_arn.as_deref(),
            req.precedence,
        )?;
        let row = store::groups::update_group(
            self.db(),
            &pool.id,
            &req.group_name,
            req.description.as_deref(),
            req.role_arn.as_deref(),
            req.precedence,
            util::now(),
        )
        .await?
        .ok_or_else(group_not_found)?;
        tracing::info!(pool.id = %pool.id, group = %row.name, "group updated");
        Ok(UpdateGroupResponse {
            group: group_type(row),
        })
    }

    /// DeleteGroup: the group and its memberships (the users stay).
    pub async fn delete_group(&self, req: GroupRequest) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        util::validate_name("GroupName", &req.group_name)?;
        if !store::groups::delete_group(self.db(), &pool.id, &req.group_name).await? {
            return Err(group_not_found());
        }
        tracing::info!(pool.id = %pool.id, group = %req.group_name, "group deleted");
        Ok(())
    }

    /// ListUsersInGroup (ordered by username), users as ListUsers shows them.
    pub async fn list_users_in_group(
        &self,
        req: ListUsersInGroupRequest,
    ) -> Result<ListUsersInGroupResponse, CognitoError> {
        let (pool, group) = self.load_group(&req.user_pool_id, &req.group_name).await?;
        let limit = util::page_limit(req.limit, "Limit")?;
        let after = req
            .next_token
            .as_deref()
            .map(|t| util::decode_page_token(t, "NextToken"))
            .transpose()?;
        let mut rows = store::users::list_group_users(
            self.db(),
            &pool.id,
            &group.name,
            after.as_deref(),
            limit + 1,
        )
        .await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(60));
        let next_token = if more {
            rows.last()
                .map(|u| util::encode_page_token(&u.username_key))
        } else {
            None
        };
        Ok(ListUsersInGroupResponse {
            users: rows.iter().map(|u| user_type(u, |_| true)).collect(),
            next_token,
        })
    }

    /// ListGroups (ordered by name).
    pub async fn list_groups(
        &self,
        req: ListGroupsRequest,
    ) -> Result<ListGroupsResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let limit = util::page_limit(req.limit, "Limit")?;
        let after = req
            .next_token
            .as_deref()
            .map(|t| util::decode_page_token(t, "NextToken"))
            .transpose()?;
        let rows =
            store::groups::list_groups(self.db(), &pool.id, after.as_deref(), limit + 1).await?;
        Ok(page(rows, limit))
    }

    async fn membership(
        &self,
        req: &AdminGroupMembershipRequest,
    ) -> Result<(String, uuid::Uuid), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        util::validate_name("GroupName", &req.group_name)?;
        let user = self.require_user(&pool, &req.username).await?;
        if !store::groups::group_exists(self.db(), &pool.id, &req.group_name).await? {
            return Err(group_not_found());
        }
        Ok((pool.id.into(), user.sub))
    }

    /// AdminAddUserToGroup (idempotent).
    pub async fn admin_add_user_to_group(
        &self,
        req: AdminGroupMembershipRequest,
    ) -> Result<(), CognitoError> {
        let (pool_id, sub) = self.membership(&req).await?;
        store::groups::add_member(self.db(), &pool_id, &req.group_name, sub).await?;
        tracing::info!(pool.id = %pool_id, user.sub = %sub, group = %req.group_name, "user added to group");
        Ok(())
    }

    /// AdminRemoveUserFromGroup (idempotent).
    pub async fn admin_remove_user_from_group(
        &self,
        req: AdminGroupMembershipRequest,
    ) -> Result<(), CognitoError> {
        let (pool_id, sub) = self.membership(&req).await?;
        store::groups::remove_member(self.db(), &pool_id, &req.group_name, sub).await?;
        tracing::info!(pool.id = %pool_id, user.sub = %sub, group = %req.group_name, "user removed from group");
        Ok(())
    }

    /// AdminListGroupsForUser (ordered by name).
    pub async fn admin_list_groups_for_user(
        &self,
        req: AdminListGroupsForUserRequest,
    ) -> Result<ListGroupsResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let user = self.require_user(&pool, &req.username).await?;
        let limit = util::page_limit(req.limit, "Limit")?;
        let after = req
            .next_token
            .as_deref()
            .map(|t| util::decode_page_token(t, "NextToken"))
            .transpose()?;
        let rows =
            store::groups::list_user_groups(self.db(), user.sub, after.as_deref(), limit + 1)
                .await?;
        Ok(page(rows, limit))
    }
}
