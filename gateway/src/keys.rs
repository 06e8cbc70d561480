//! Where the authorizers' public keys come from: the one thing the gateway asks of its host.
//! The trait lives beside `apis::authorizer::authorize`, so the console, the management API and
//! the gateway share one implementation (`apis::AuthorizerKeys`).

pub use apis::KeySource;
