//! One module per console page (named for its URL segment).

pub mod apis;
pub mod dashboard;
pub mod login;
pub mod not_found;
pub mod placeholder;
pub mod settings;
pub mod user_pools;
