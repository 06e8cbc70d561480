//! User pools: the list, the create form and a pool's page with its tabs (overview, app
//! clients, users, groups, signing keys, outbox, get a token). Every server function here
//! starts with `require_admin()` and talks to the `identity` crate's typed methods.

pub mod app_clients;
pub mod create;
pub mod get_token;
pub mod groups;
pub mod list;
pub mod outbox;
pub mod overview;
pub mod pool;
pub mod shared;
pub mod signing_keys;
pub mod users;

pub use create::CreateUserPoolPage;
pub use list::UserPoolsPage;
pub use pool::UserPoolPage;
