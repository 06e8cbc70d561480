//! Route paths and test ids shared by pages and the browser tests (one home for both).

pub const LOGIN_PATH: &str = "/login";
pub const DASHBOARD_PATH: &str = "/";
pub const APIS_PATH: &str = "/apis";
pub const USER_POOLS_PATH: &str = "/user-pools";
pub const SETTINGS_PATH: &str = "/settings";

/// The session key holding the signed-in administrator's id.
pub const SESSION_ADMIN_KEY: &str = "admin_id";
