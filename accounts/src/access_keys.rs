//! Access keys for Gatehouse's AWS-compatible admin APIs (table `access_keys`).
//!
//! AWS SDKs sign requests with Signature Version 4, an HMAC keyed with the secret access key,
//! so the server needs the secret in clear to check a signature: it is stored sealed with the
//! server's [`MasterKey`] (context `access-key:{id}`, so a sealed secret copied to another row
//! does not open) and never in clear. Secrets are never logged; [`NewAccessKey`]'s `Debug`
//! redacts the secret.
//!
//! Keys are created in the console (the secret is shown once) or, at start, from the
//! environment pair with [`ensure_access_key`].

use master_key::MasterKey;
use rand::Rng;
use rand::rngs::OsRng;
use sqlx::PgPool;
use time::OffsetDateTime;

/// What can go wrong with access keys. Kept apart from [`crate::AccountsError`] (whose
/// variants other crates match exhaustively). Every `Display` message is safe to show; the
/// detail of internal failures stays in `Debug` / [`std::error::Error::source`] for logs.
#[derive(Debug, thiserror::Error)]
pub enum AccessKeyError {
    /// No access key with that id.
    #[error("No access key with that id exists.")]
    NotFound,

    /// An access key id, secret or description is malformed; the string says what is expected
    /// (it never contains the secret).
    #[error("{0}")]
    Invalid(String),

    /// A sealed secret could not be opened (another master key, or damaged data).
    #[error("secret sealing error")]
    Sealing(String),

    /// A database failure. The message deliberately does not include the SQL error.
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl AccessKeyError {
    /// Whether the error is caused by the user's input, as opposed to an internal failure
    /// ([`AccessKeyError::Sealing`], [`AccessKeyError::Database`]).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, Self::Database(_) | Self::Sealing(_))
    }
}

/// Prefix of generated access key ids, as AWS's long-term keys.
pub const GENERATED_ID_PREFIX: &str = "AKIA";
/// Random characters after [`GENERATED_ID_PREFIX`] in a generated id (`[A-Z0-9]`).
pub const GENERATED_ID_RANDOM_CHARS: usize = 16;
/// Length of a generated secret access key (`[A-Za-z0-9+/]`, as AWS's).
pub const GENERATED_SECRET_CHARS: usize = 40;
/// Shortest and longest access key id accepted (`[A-Z0-9]` only).
pub const ACCESS_KEY_ID_CHARS: std::ops::RangeInclusive<usize> = 16..=128;
/// Shortest and longest secret access key accepted (printable ASCII, no spaces).
pub const SECRET_ACCESS_KEY_CHARS: std::ops::RangeInclusive<usize> = 16..=128;
/// Longest description accepted.
pub const MAX_DESCRIPTION_CHARS: usize = 256;
/// Description given to a key created by [`ensure_access_key`].
pub const ENSURED_KEY_DESCRIPTION: &str = "Configured in the environment";

const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// An access key, without its secret.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct AccessKey {
    /// The public half, e.g. `AKIA` followed by 16 characters of `[A-Z0-9]`.
    pub access_key_id: String,
    /// Free text given at creation (may be empty).
    pub description: String,
    /// Who created it (an administrator's username, or what the caller of
    /// [`ensure_access_key`] passed).
    pub created_by: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When a secret lookup for it last happened (to within a minute); `None` if never.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
}

/// A freshly created access key with its secret, which is shown once and not retrievable
/// later through the console.
#[derive(Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct NewAccessKey {
    /// The stored key.
    pub key: AccessKey,
    /// The secret access key, in clear.
    pub secret_access_key: String,
}

impl std::fmt::Debug for NewAccessKey {
    /// Redacts the secret so it cannot end up in logs by accident.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccessKey")
            .field("key", &self.key)
            .field("secret_access_key", &"<redacted>")
            .finish()
    }
}

/// Outcome of [`ensure_access_key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnsuredAccessKey {
    /// The key did not exist and was created.
    Created,
    /// The key existed with the same secret; nothing was done.
    Unchanged,
    /// The key existed with another secret (or one the master key could not open); its sealed
    /// secret was replaced.
    SecretReplaced,
}

type AccessKeyRow = (
    String,
    String,
    String,
    OffsetDateTime,
    Option<OffsetDateTime>,
);

fn key_from_row(
    (access_key_id, description, created_by, created_at, last_used_at): AccessKeyRow,
) -> AccessKey {
    AccessKey {
        access_key_id,
        description,
        created_by,
        created_at,
        last_used_at,
    }
}

/// The sealing context of a key's secret: `access-key:{id}`.
fn sealing_context(access_key_id: &str) -> Vec<u8> {
    [b"access-key:".as_slice(), access_key_id.as_bytes()].concat()
}

fn random_string(alphabet: &[u8], len: usize) -> String {
    let mut rng = OsRng;
    (0..len)
        .map(|_| char::from(alphabet[rng.gen_range(0..alphabet.len())]))
        .collect()
}

/// Checks an access key id: 16-128 characters of `[A-Z0-9]`.
pub fn validate_access_key_id(access_key_id: &str) -> Result<(), AccessKeyError> {
    let ok = ACCESS_KEY_ID_CHARS.contains(&access_key_id.len())
        && access_key_id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(AccessKeyError::Invalid(format!(
            "An access key id must be {}-{} characters: upper-case letters and digits.",
            ACCESS_KEY_ID_CHARS.start(),
            ACCESS_KEY_ID_CHARS.end()
        )))
    }
}

/// Checks a secret access key: 16-128 printable ASCII characters without spaces (a trailing
/// newline from a file or an environment variable is refused rather than silently kept).
pub fn validate_secret_access_key(secret: &str) -> Result<(), AccessKeyError> {
    let ok = SECRET_ACCESS_KEY_CHARS.contains(&secret.len())
        && secret.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(AccessKeyError::Invalid(format!(
            "A secret access key must be {}-{} printable ASCII characters without spaces.",
            SECRET_ACCESS_KEY_CHARS.start(),
            SECRET_ACCESS_KEY_CHARS.end()
        )))
    }
}

fn normalize_description(description: &str) -> Result<String, AccessKeyError> {
    let description = description.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS
        || description.chars().any(char::is_control)
    {
        return Err(AccessKeyError::Invalid(format!(
            "The description must be at most {MAX_DESCRIPTION_CHARS} characters, on one line."
        )));
    }
    Ok(description.to_owned())
}

fn open_secret(
    master: &MasterKey,
    access_key_id: &str,
    sealed: &[u8],
) -> Result<String, AccessKeyError> {
    let plain = master
        .open(sealed, &sealing_context(access_key_id))
        .map_err(|e| AccessKeyError::Sealing(format!("access key {access_key_id}: {e}")))?;
    String::from_utf8(plain).map_err(|_| {
        AccessKeyError::Sealing(format!(
            "access key {access_key_id}: the secret is not UTF-8"
        ))
    })
}

/// Creates an access key with a generated id (`AKIA` + 16 of `[A-Z0-9]`) and secret (40 of
/// `[A-Za-z0-9+/]`, from the operating system's generator). The description is trimmed and
/// must be at most 256 characters on one line ([`AccessKeyError::Invalid`]).
pub async fn create_access_key(
    pool: &PgPool,
    master: &MasterKey,
    description: &str,
    created_by: &str,
) -> Result<NewAccessKey, AccessKeyError> {
    let description = normalize_description(description)?;
    // 36^16 ids: a collision is practically impossible, but cheap to survive.
    for _ in 0..3 {
        let access_key_id = format!(
            "{GENERATED_ID_PREFIX}{}",
            random_string(ID_ALPHABET, GENERATED_ID_RANDOM_CHARS)
        );
        let secret_access_key = random_string(SECRET_ALPHABET, GENERATED_SECRET_CHARS);
        let sealed = master.seal(
            secret_access_key.as_bytes(),
            &sealing_context(&access_key_id),
        );
        let row = sqlx::query_as::<_, AccessKeyRow>(
            "INSERT INTO access_keys (access_key_id, secret_sealed, description, created_by) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (access_key_id) DO NOTHING \
             RETURNING access_key_id, description, created_by, created_at, last_used_at",
        )
        .bind(&access_key_id)
        .bind(&sealed)
        .bind(&description)
        .bind(created_by)
        .fetch_optional(pool)
        .await?;
        if let Some(row) = row {
            tracing::info!(%access_key_id, %created_by, "access key created");
            return Ok(NewAccessKey {
                key: key_from_row(row),
                secret_access_key,
            });
        }
    }
    Err(AccessKeyError::Database(sqlx::Error::Protocol(
        "could not generate an unused access key id".into(),
    )))
}

/// All access keys (without secrets), oldest first.
pub async fn list_access_keys(pool: &PgPool) -> Result<Vec<AccessKey>, AccessKeyError> {
    let rows = sqlx::query_as::<_, AccessKeyRow>(
        "SELECT access_key_id, description, created_by, created_at, last_used_at \
         FROM access_keys ORDER BY created_at, access_key_id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(key_from_row).collect())
}

/// The access key with this id (without its secret), if any.
pub async fn find_access_key(
    pool: &PgPool,
    access_key_id: &str,
) -> Result<Option<AccessKey>, AccessKeyError> {
    let row = sqlx::query_as::<_, AccessKeyRow>(
        "SELECT access_key_id, description, created_by, created_at, last_used_at \
         FROM access_keys WHERE access_key_id = $1",
    )
    .bind(access_key_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(key_from_row))
}

/// Deletes an access key; [`AccessKeyError::NotFound`] if there is none with that id.
/// Requests signed with it fail from then on.
pub async fn delete_access_key(pool: &PgPool, access_key_id: &str) -> Result<(), AccessKeyError> {
    let done = sqlx::query("DELETE FROM access_keys WHERE access_key_id = $1")
        .bind(access_key_id)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AccessKeyError::NotFound);
    }
    tracing::info!(%access_key_id, "access key deleted");
    Ok(())
}

/// The secret of access key `access_key_id` in clear, to check a signature; `None` if there is
/// no such key (an id that is not 16-128 of `[A-Z0-9]` is answered without a query). Writes
/// nothing: the caller records the use with [`record_key_use`] once the signature is good.
///
/// [`AccessKeyError::Sealing`] if the stored secret does not open with `master` (the database
/// was sealed with another master key, or is damaged).
pub async fn secret_for(
    pool: &PgPool,
    master: &MasterKey,
    access_key_id: &str,
) -> Result<Option<String>, AccessKeyError> {
    if validate_access_key_id(access_key_id).is_err() {
        return Ok(None);
    }
    let sealed = sqlx::query_scalar::<_, Vec<u8>>(
        "SELECT secret_sealed FROM access_keys WHERE access_key_id = $1",
    )
    .bind(access_key_id)
    .fetch_optional(pool)
    .await?;
    sealed
        .map(|sealed| open_secret(master, access_key_id, &sealed))
        .transpose()
}

/// Records in `last_used_at` that a request signed with `access_key_id` was verified: call it
/// only after the signature checked out, so a request that merely names a key (anyone can
/// read an access key id off a log) leaves no trace on it. Written at most once a minute per
/// key, so most requests cost a no-op update.
pub async fn record_key_use(pool: &PgPool, access_key_id: &str) -> Result<(), AccessKeyError> {
    sqlx::query(
        "UPDATE access_keys SET last_used_at = now() \
         WHERE access_key_id = $1 \
           AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
    )
    .bind(access_key_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Makes sure the access key `access_key_id` exists with secret `secret_access_key` (the
/// environment pair `GATEHOUSE_ACCESS_KEY_ID` / `GATEHOUSE_SECRET_ACCESS_KEY` at start).
///
/// Both are validated first ([`validate_access_key_id`], [`validate_secret_access_key`];
/// [`AccessKeyError::Invalid`]). A missing key is created with `created_by`; an existing
/// one with another secret, or with a secret that does not open with `master`, gets the new
/// secret (logged at warn level, without the secret). Safe to run concurrently from several
/// nodes with the same pair.
pub async fn ensure_access_key(
    pool: &PgPool,
    master: &MasterKey,
    access_key_id: &str,
    secret_access_key: &str,
    created_by: &str,
) -> Result<EnsuredAccessKey, AccessKeyError> {
    validate_access_key_id(access_key_id)?;
    validate_secret_access_key(secret_access_key)?;
    let context = sealing_context(access_key_id);

    let inserted = sqlx::query(
        "INSERT INTO access_keys (access_key_id, secret_sealed, description, created_by) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (access_key_id) DO NOTHING",
    )
    .bind(access_key_id)
    .bind(master.seal(secret_access_key.as_bytes(), &context))
    .bind(ENSURED_KEY_DESCRIPTION)
    .bind(created_by)
    .execute(pool)
    .await?;
    if inserted.rows_affected() == 1 {
        tracing::info!(%access_key_id, %created_by, "access key created from the configuration");
        return Ok(EnsuredAccessKey::Created);
    }

    let sealed = sqlx::query_scalar::<_, Vec<u8>>(
        "SELECT secret_sealed FROM access_keys WHERE access_key_id = $1",
    )
    .bind(access_key_id)
    .fetch_optional(pool)
    .await?;
    let reason = match sealed.map(|s| open_secret(master, access_key_id, &s)) {
        Some(Ok(stored)) if stored == secret_access_key => return Ok(EnsuredAccessKey::Unchanged),
        Some(Ok(_)) => "the stored secret differs from the configured one",
        Some(Err(_)) => "the stored secret cannot be opened with the current master key",
        // Deleted between the two statements: store it again.
        None => "the key was deleted concurrently",
    };
    sqlx::query(
        "INSERT INTO access_keys (access_key_id, secret_sealed, description, created_by) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (access_key_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed",
    )
    .bind(access_key_id)
    .bind(master.seal(secret_access_key.as_bytes(), &context))
    .bind(ENSURED_KEY_DESCRIPTION)
    .bind(created_by)
    .execute(pool)
    .await?;
    tracing::warn!(
        %access_key_id,
        reason,
        "access key secret replaced with the configured one"
    );
    Ok(EnsuredAccessKey::SecretReplaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_strings_use_their_alphabets() {
        let id = random_string(ID_ALPHABET, GENERATED_ID_RANDOM_CHARS);
        assert_eq!(id.len(), 16);
        assert!(id.bytes().all(|b| ID_ALPHABET.contains(&b)));
        let secret = random_string(SECRET_ALPHABET, GENERATED_SECRET_CHARS);
        assert_eq!(secret.len(), 40);
        assert!(secret.bytes().all(|b| SECRET_ALPHABET.contains(&b)));
        assert_ne!(
            secret,
            random_string(SECRET_ALPHABET, GENERATED_SECRET_CHARS)
        );
    }

    #[test]
    fn validation() {
        assert!(validate_access_key_id("AKIAIOSFODNN7EXAMPLE").is_ok());
        assert!(validate_access_key_id(&"A".repeat(16)).is_ok());
        assert!(validate_access_key_id(&"A".repeat(128)).is_ok());
        for bad in [
            "AKIA",
            "akiaiosfodnn7example",
            "AKIAIOSFODNN7EXAMPL_",
            "AKIAIOSFODNN7EXAMPLE ",
            "",
        ] {
            assert!(validate_access_key_id(bad).is_err(), "{bad}");
        }
        assert!(validate_access_key_id(&"A".repeat(129)).is_err());
        assert!(validate_secret_access_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").is_ok());
        assert!(validate_secret_access_key("short").is_err());
        assert!(validate_secret_access_key("sixteen chars ok").is_err());
        assert!(validate_secret_access_key("0123456789abcdef\n").is_err());
        assert!(validate_secret_access_key(&"x".repeat(129)).is_err());
        assert!(normalize_description("  ok  ").is_ok_and(|d| d == "ok"));
        assert!(normalize_description("two\nlines").is_err());
        assert!(normalize_description(&"é".repeat(257)).is_err());
    }

    #[test]
    fn internal_errors_do_not_leak_details() {
        let e = AccessKeyError::Sealing("sealed with key id 0123".into());
        assert_eq!(e.to_string(), "secret sealing error");
        assert!(!e.is_user_error());
        let e = AccessKeyError::Database(sqlx::Error::Protocol("SELECT secret".into()));
        assert_eq!(e.to_string(), "database error");
        assert!(!e.is_user_error());
        assert!(AccessKeyError::NotFound.is_user_error());
        assert!(AccessKeyError::Invalid("x".into()).is_user_error());
    }

    #[test]
    fn debug_redacts_the_secret() {
        let key = NewAccessKey {
            key: AccessKey {
                access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
                description: String::new(),
                created_by: "admin".into(),
                created_at: OffsetDateTime::UNIX_EPOCH,
                last_used_at: None,
            },
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        };
        let text = format!("{key:?}");
        assert!(text.contains("AKIAIOSFODNN7EXAMPLE"));
        assert!(!text.contains("wJalr"));
    }
}
