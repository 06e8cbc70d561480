//! Groups: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups, ListUsersInGroup,
//! AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminListGroupsForUser.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::users::UserType;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGroupRequest {
    pub group_name: String,
    pub user_pool_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// Lower values come first in `cognito:groups`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precedence: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupType {
    pub group_name: String,
    pub user_pool_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precedence: Option<i32>,
    #[serde(with = "super::epoch")]
    pub last_modified_date: OffsetDateTime,
    #[serde(with = "super::epoch")]
    pub creation_date: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGroupResponse {
    pub group: GroupType,
}

/// `{"Group": GroupType}`: the answer of CreateGroup, GetGroup and UpdateGroup.
pub type GetGroupResponse = CreateGroupResponse;
pub type UpdateGroupResponse = CreateGroupResponse;

/// GetGroup and DeleteGroup.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupRequest {
    pub group_name: String,
    pub user_pool_id: String,
}
pub type GetGroupRequest = GroupRequest;
pub type DeleteGroupRequest = GroupRequest;

/// UpdateGroup: members left out keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateGroupRequest {
    pub group_name: String,
    pub user_pool_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precedence: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersInGroupRequest {
    pub user_pool_id: String,
    pub group_name: String,
    /// 1-60, default 60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersInGroupResponse {
    pub users: Vec<UserType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsRequest {
    pub user_pool_id: String,
    /// 1-60, default 60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsResponse {
    pub groups: Vec<GroupType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// AdminAddUserToGroup and AdminRemoveUserFromGroup.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminGroupMembershipRequest {
    pub user_pool_id: String,
    pub username: String,
    pub group_name: String,
}
pub type AdminAddUserToGroupRequest = AdminGroupMembershipRequest;
pub type AdminRemoveUserFromGroupRequest = AdminGroupMembershipRequest;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminListGroupsForUserRequest {
    pub username: String,
    pub user_pool_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub type AdminListGroupsForUserResponse = ListGroupsResponse;
