//! Settings from environment variables (documented in the README's configuration table).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

#[derive(Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub pg_bin: Option<PathBuf>,
    pub admin_password: Option<String>,
    pub public_url: Option<String>,
    pub session_ttl: Duration,
    pub site_root: PathBuf,
    pub throttle: accounts::ThrottlePolicy,
    /// GATEHOUSE_MASTER_KEY (base64, 32 bytes); None = the key file in the data directory.
    pub master_key: Option<String>,
    /// GATEHOUSE_ACCESS_KEY_ID + GATEHOUSE_SECRET_ACCESS_KEY: an access key ensured at start.
    pub bootstrap_access_key: Option<(String, String)>,
    /// GATEHOUSE_GATEWAY_LISTEN: where deployed stages are served (the gateway runtime).
    pub gateway_listen: SocketAddr,
    /// GATEHOUSE_GATEWAY_PUBLIC_URL: the gateway's public URL, for invoke URLs.
    pub gateway_public_url: Option<String>,
    /// GATEHOUSE_ACCOUNT_ID: the 12-digit account id in ARNs.
    pub account_id: String,
    /// GATEHOUSE_REGION: the region of user pools created without a signed region.
    pub region: String,
    /// GATEHOUSE_SESSION_MAX_HOURS: a console session ends this long after sign-in, however
    /// active (the inactivity limit is `session_ttl`).
    pub session_max_age: Duration,
    /// Connections, deadlines and body bytes of each listener (GATEHOUSE_HEADER_TIMEOUT_SECONDS,
    /// GATEHOUSE_BODY_TIMEOUT_SECONDS, GATEHOUSE_IDLE_TIMEOUT_SECONDS, GATEHOUSE_MAX_CONNECTIONS,
    /// GATEHOUSE_MAX_BODY_BYTES_IN_FLIGHT).
    pub limits: crate::listener::Limits,
    /// GATEHOUSE_COGNITO_RATE_PER_ADDRESS (calls per second, 0 = off) and
    /// GATEHOUSE_COGNITO_BURST_PER_ADDRESS: the per-address limit on public Cognito actions.
    pub cognito_rate: crate::address_rate::AddressRate,
}

// Hand-written so the admin password and database URL never reach a log line.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("database_url", &self.database_url.as_ref().map(|_| "<set>"))
            .field("data_dir", &self.data_dir)
            .field("pg_bin", &self.pg_bin)
            .field(
                "admin_password",
                &self.admin_password.as_ref().map(|_| "<set>"),
            )
            .field("public_url", &self.public_url)
            .field("session_ttl", &self.session_ttl)
            .field("session_max_age", &self.session_max_age)
            .field("limits", &self.limits)
            .field("site_root", &self.site_root)
            .field("throttle", &self.throttle)
            .field("cognito_rate", &self.cognito_rate)
            .field("master_key", &self.master_key.as_ref().map(|_| "<set>"))
            .field(
                "bootstrap_access_key",
                &self.bootstrap_access_key.as_ref().map(|(id, _)| id),
            )
            .finish()
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(raw) => raw.trim().parse().map_err(|e| ConfigError {
            var: name,
            problem: format!("cannot parse {raw:?}: {e}"),
        }),
    }
}

/// A whole number of seconds between 1 and `max`.
fn seconds(name: &'static str, default: u64, max: u64) -> Result<Duration, ConfigError> {
    let value: u64 = parse(name, default)?;
    if value == 0 || value > max {
        return Err(ConfigError {
            var: name,
            problem: format!("must be between 1 and {max} seconds"),
        });
    }
    Ok(Duration::from_secs(value))
}

fn limits() -> Result<crate::listener::Limits, ConfigError> {
    let defaults = crate::listener::Limits::default();
    let at_least_one = |name: &'static str, value: usize| {
        if value == 0 {
            Err(ConfigError {
                var: name,
                problem: "must be at least 1".into(),
            })
        } else {
            Ok(value)
        }
    };
    Ok(crate::listener::Limits {
        header_timeout: seconds(
            "GATEHOUSE_HEADER_TIMEOUT_SECONDS",
            defaults.header_timeout.as_secs(),
            300,
        )?,
        // At most a minute, like nginx's client_body_timeout: longer only helps slow attacks.
        body_timeout: seconds(
            "GATEHOUSE_BODY_TIMEOUT_SECONDS",
            defaults.body_timeout.as_secs(),
            60,
        )?,
        idle_timeout: seconds(
            "GATEHOUSE_IDLE_TIMEOUT_SECONDS",
            defaults.idle_timeout.as_secs(),
            3600,
        )?,
        max_connections: at_least_one(
            "GATEHOUSE_MAX_CONNECTIONS",
            parse("GATEHOUSE_MAX_CONNECTIONS", defaults.max_connections)?,
        )?,
        max_body_bytes_in_flight: at_least_one(
            "GATEHOUSE_MAX_BODY_BYTES_IN_FLIGHT",
            parse(
                "GATEHOUSE_MAX_BODY_BYTES_IN_FLIGHT",
                defaults.max_body_bytes_in_flight,
            )?,
        )?,
    })
}

impl Settings {
    pub fn from_env() -> Result<Settings, ConfigError> {
        let listen: SocketAddr =
            parse("GATEHOUSE_LISTEN", SocketAddr::from(([127, 0, 0, 1], 3000)))?;
        let ttl_minutes: u64 = parse("GATEHOUSE_SESSION_TTL_MINUTES", 720)?;
        if ttl_minutes == 0 {
            return Err(ConfigError {
                var: "GATEHOUSE_SESSION_TTL_MINUTES",
                problem: "must be at least 1".into(),
            });
        }
        let session_max_hours: u64 = parse("GATEHOUSE_SESSION_MAX_HOURS", 24)?;
        if session_max_hours == 0 {
            return Err(ConfigError {
                var: "GATEHOUSE_SESSION_MAX_HOURS",
                problem: "must be at least 1".into(),
            });
        }
        let limits = limits()?;
        let defaults = accounts::ThrottlePolicy::default();
        let throttle = accounts::ThrottlePolicy {
            max_failures_per_account: parse(
                "GATEHOUSE_SIGNIN_MAX_FAILURES_PER_ACCOUNT",
                defaults.max_failures_per_account,
            )?,
            max_failures_per_address: parse(
                "GATEHOUSE_SIGNIN_MAX_FAILURES_PER_ADDRESS",
                defaults.max_failures_per_address,
            )?,
            window: Duration::from_secs(parse(
                "GATEHOUSE_SIGNIN_WINDOW_SECONDS",
                defaults.window.as_secs(),
            )?),
        };
        let rate_defaults = crate::address_rate::AddressRate::default();
        let cognito_rate = crate::address_rate::AddressRate {
            per_second: parse(
                "GATEHOUSE_COGNITO_RATE_PER_ADDRESS",
                rate_defaults.per_second,
            )?,
            burst: parse("GATEHOUSE_COGNITO_BURST_PER_ADDRESS", rate_defaults.burst)?,
        };
        if !cognito_rate.per_second.is_finite() || cognito_rate.per_second < 0.0 {
            return Err(ConfigError {
                var: "GATEHOUSE_COGNITO_RATE_PER_ADDRESS",
                problem: "must be a number of calls per second, 0 or more".into(),
            });
        }
        let public_url = var("GATEHOUSE_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string());
        if let Some(url) = &public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError {
                var: "GATEHOUSE_PUBLIC_URL",
                problem: format!("{url:?} must start with http:// or https://"),
            });
        }
        Ok(Settings {
            listen,
            database_url: var("DATABASE_URL"),
            data_dir: var("GATEHOUSE_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(".gatehouse")),
            pg_bin: var("GATEHOUSE_PG_BIN").map(PathBuf::from),
            admin_password: var("GATEHOUSE_ADMIN_PASSWORD"),
            public_url,
            session_ttl: Duration::from_secs(ttl_minutes * 60),
            session_max_age: Duration::from_secs(session_max_hours * 3600),
            limits,
            site_root: var("GATEHOUSE_SITE_ROOT")
                .or_else(|| var("LEPTOS_SITE_ROOT"))
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("target/site")),
            throttle,
            cognito_rate,
            master_key: var("GATEHOUSE_MASTER_KEY"),
            gateway_listen: parse(
                "GATEHOUSE_GATEWAY_LISTEN",
                SocketAddr::from(([127, 0, 0, 1], 4000)),
            )?,
            gateway_public_url: var("GATEHOUSE_GATEWAY_PUBLIC_URL")
                .map(|u| u.trim_end_matches('/').to_string()),
            account_id: {
                let id = var("GATEHOUSE_ACCOUNT_ID").unwrap_or_else(|| "000000000000".into());
                if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(ConfigError {
                        var: "GATEHOUSE_ACCOUNT_ID",
                        problem: format!("{id:?} is not 12 digits"),
                    });
                }
                id
            },
            region: {
                let region = var("GATEHOUSE_REGION").unwrap_or_else(|| "us-east-1".into());
                if region.is_empty()
                    || !region
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                {
                    return Err(ConfigError {
                        var: "GATEHOUSE_REGION",
                        problem: format!("{region:?} is not a region name like us-east-1"),
                    });
                }
                region
            },
            bootstrap_access_key: match (
                var("GATEHOUSE_ACCESS_KEY_ID"),
                var("GATEHOUSE_SECRET_ACCESS_KEY"),
            ) {
                (Some(id), Some(secret)) => Some((id, secret)),
                (None, None) => None,
                _ => {
                    return Err(ConfigError {
                        var: "GATEHOUSE_ACCESS_KEY_ID",
                        problem: "set both GATEHOUSE_ACCESS_KEY_ID and GATEHOUSE_SECRET_ACCESS_KEY, or neither".into(),
                    });
                }
            },
        })
    }

    /// The URL people reach the console at: GATEHOUSE_PUBLIC_URL, or derived from the listener.
    pub fn console_url(&self, bound: SocketAddr) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"))
    }

    /// The master key: GATEHOUSE_MASTER_KEY, or `master.key` (mode 0600) in the data directory,
    /// created on first use. Nodes sharing one database must share the key (set the variable).
    pub fn load_master_key(&self) -> Result<master_key::MasterKey, master_key::MasterKeyError> {
        match &self.master_key {
            Some(text) => master_key::MasterKey::from_base64(text),
            None => master_key::MasterKey::load_or_create(&self.data_dir.join("master.key")),
        }
    }

    /// The base of invoke URLs: GATEHOUSE_GATEWAY_PUBLIC_URL, or derived from the gateway listener.
    pub fn gateway_url(&self) -> String {
        self.gateway_public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.gateway_listen))
    }

    /// Session cookies get the Secure flag when the console is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}
