//! Identifiers that are easy to mix up, as their own types, and random ones in API Gateway's
//! style (lowercase alphanumerics).
//!
//! Each reads as `&str` (`Deref`), and is a plain string on the wire (serde) and in the
//! database (sqlx), so wrapping changes no JSON nor SQL. The macro repeats `identity`'s
//! (`identity/src/model/ids.rs`) with serde and sqlx added: the two crates share no leaf crate
//! it could live in.

use std::fmt;
use std::ops::Deref;

use rand::Rng;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            serde::Serialize,
            serde::Deserialize,
            sqlx::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id as received (a URL path, a form, a row); lookups reject unknown ones.
            pub fn new(id: impl Into<String>) -> $name {
                $name(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == &other.0
            }
        }
    };
}

id_type! {
    /// A REST API id: 10 lowercase alphanumerics.
    RestApiId
}

id_type! {
    /// A resource id: 10 lowercase alphanumerics.
    ResourceId
}

id_type! {
    /// An authorizer id: 6 lowercase alphanumerics.
    AuthorizerId
}

id_type! {
    /// A deployment id: 6 lowercase alphanumerics.
    DeploymentId
}

id_type! {
    /// A stage name (`[A-Za-z0-9_-]+`), which names the stage within its API.
    StageName
}

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

fn random(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// A new REST API id.
pub fn rest_api_id() -> RestApiId {
    RestApiId(random(10))
}

/// A new resource id.
pub fn resource_id() -> ResourceId {
    ResourceId(random(10))
}

/// A new authorizer id.
pub fn authorizer_id() -> AuthorizerId {
    AuthorizerId(random(6))
}

/// A new deployment id.
pub fn deployment_id() -> DeploymentId {
    DeploymentId(random(6))
}

/// Whether `s` has the form of a REST API id.
pub fn is_rest_api_id(s: &str) -> bool {
    s.len() == 10
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}
