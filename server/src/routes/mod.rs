//! Plain HTTP routes beside the Leptos pages.

pub mod apigateway;
pub mod assets;
pub mod cognito;
pub mod export;
pub mod health;
