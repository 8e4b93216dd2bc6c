//! Configuration from environment variables, read once at start-up. Every variable and its
//! default is listed in the README; a malformed value stops the server with a message that names it.

use secrecy::SecretString;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    /// `HOST`, default `0.0.0.0`.
    pub host: IpAddr,
    /// `PORT`, default 8080; 0 picks a free port (tests).
    pub port: u16,
    /// `DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/duely`.
    pub database_url: SecretString,
    /// `DUELY_DB_MAX_CONNECTIONS`, default 10.
    pub db_max_connections: u32,
    /// `DUELY_DB_ACQUIRE_TIMEOUT_MS`, default 3000: how long a request waits for a connection.
    pub db_acquire_timeout: Duration,
    /// `DUELY_DB_MAX_LIFETIME_SECS`, default 1800. Connections cache catalog entries for every
    /// tenant schema they touch, so they are recycled to keep memory bounded.
    pub db_max_lifetime: Duration,
    /// `DUELY_WEB_DIR`, default `frontend/dist`: the built web app.
    pub web_dir: PathBuf,
    /// `DUELY_SHUTDOWN_GRACE_SECS`, default 20: how long in-flight requests may finish after
    /// SIGTERM or SIGINT.
    pub shutdown_grace: Duration,
    /// `DUELY_SHUTDOWN_DELAY_SECS`, default 5: after SIGTERM, `/readyz` answers 503 at once and
    /// the server keeps serving this long before it drains, so a load balancer stops sending
    /// first.
    pub shutdown_delay: Duration,
    /// `DUELY_REQUEST_TIMEOUT_SECS`, default 30.
    pub request_timeout: Duration,
    /// `DUELY_LOG_FORMAT`: `json` or `pretty`; default json unless stdout is a terminal.
    pub log_format: Option<LogFormat>,
    /// `DUELY_ENV`: `production` (default) or `development`. Unset means production, so a
    /// forgotten variable can never serve GraphiQL or sign tokens with a per-process key.
    pub environment: Environment,
    /// `DUELY_TODAY=YYYY-MM-DD`, development only: every company's business day while the
    /// server runs (written to the clock at start-up; unset clears it). Production refuses it.
    pub today: Option<chrono::NaiveDate>,
    /// `DUELY_JWT_SECRET`: the HMAC key for access tokens, at least 32 bytes. Unset in
    /// development, a random key is made at start-up (sessions end on restart); production
    /// refuses to start without one.
    pub jwt_secret: Option<SecretString>,
    /// `DUELY_PUBLIC_URL`, default `http://localhost:<PORT>`: where people reach Duely; it is
    /// the tokens' issuer and the base of links in emails.
    pub public_url: String,
    /// `DUELY_ACCESS_TOKEN_MINUTES`, default 15, at most 15.
    pub access_token_ttl: Duration,
    /// `DUELY_REFRESH_TOKEN_DAYS`, default 30.
    pub refresh_token_ttl: Duration,
    /// `DUELY_TRUSTED_PROXIES`, default 0: how many proxies in front of Duely append to
    /// `X-Forwarded-For`. The client is the N-th entry from the right (what the nearest trusted
    /// proxy saw); with 0 the header is ignored, as anyone can write it.
    /// `DUELY_TRUST_FORWARDED_FOR=true` (older setting) means 1.
    pub trusted_proxies: u8,
    /// `REDIS_URL`: where every replica counts the rate limits (log-in, sign-up, members, API
    /// keys) together. Unset, each process counts its own, in memory.
    pub redis_url: Option<SecretString>,
    /// `DUELY_SIGNUP_RATE_PER_HOUR`, default 5: sign-ups one client address may make an hour.
    pub signups_per_hour: u32,
    /// `DUELY_LIMITS_NAMESPACE`, default `duely`: the prefix of the rate limits' keys in Redis.
    pub limits_namespace: String,
    /// `DUELY_SMTP_URL`, such as `smtp://127.0.0.1:2525` or `smtps://user:pass@smtp.example.com`.
    /// Unset, email is written as `.eml` files to `mail_dir`.
    pub smtp_url: Option<SecretString>,
    /// `DUELY_MAIL_DIR`, default `<DUELY_DATA_DIR>/mail` (data dir default `.duely`).
    pub mail_dir: PathBuf,
    /// `DUELY_MAIL_FROM`, default `Duely <no-reply@duely.localhost>`.
    pub mail_from: String,
    /// `DUELY_API_KEY_RATE_PER_MINUTE`, default 120: requests one API key may make a minute.
    pub api_key_requests_per_minute: u32,
    /// `DUELY_MEMBER_RATE_PER_MINUTE`, default 600: requests one signed-in member may make a
    /// minute in one company (the web app makes a few per screen).
    pub member_requests_per_minute: u32,
    /// `DUELY_DATA_DIR`, default `.duely`: mail files, uploads being received, attachments
    /// (without a bucket), and the development encryption key.
    pub data_dir: PathBuf,
    /// `DUELY_ATTACHMENTS_DIR`, default `<DUELY_DATA_DIR>/attachments`: where attachments are
    /// kept when no bucket is set (one server).
    pub attachments_dir: PathBuf,
    /// `DUELY_ATTACHMENTS_BUCKET`: an S3-compatible bucket for attachments, shared by every
    /// replica; reached with the standard `AWS_*` variables (`AWS_ENDPOINT_URL`, `AWS_REGION`,
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP`).
    pub attachments_bucket: Option<String>,
    /// The `AWS_*` settings read with the rest (endpoint, region, keys, plain http), applied
    /// over what the S3 client reads of the environment itself (its other credential sources).
    pub attachments_s3: Vec<(String, String)>,
    /// `DUELY_STRIPE_SECRET_KEY`: Duely's own Stripe account, which sells the plans. Unset,
    /// Duely runs fully and billing shows as not configured.
    pub stripe_secret_key: Option<SecretString>,
    /// `DUELY_STRIPE_WEBHOOK_SECRET`: the signing secret of `POST /webhooks/stripe`.
    pub stripe_webhook_secret: Option<SecretString>,
    /// `DUELY_STRIPE_API_BASE`, default `https://api.stripe.com`: where Stripe calls go (a local
    /// stand-in in tests), for Duely's account and the companies' own.
    pub stripe_api_base: String,
    /// `DUELY_MESSAGING_API_BASE`: unset, SMS and WeChat Work calls go to each provider's public
    /// API; set, to a stand-in serving `/aliyun/`, `/tencent/` and `/wecom` under it (tests).
    pub messaging_api_base: Option<String>,
    /// `DUELY_STRIPE_PRICE_GROWTH` and `DUELY_STRIPE_PRICE_SCALE`: the Stripe price ids of the
    /// paid plans; a plan without one cannot be bought.
    pub stripe_price_growth: Option<String>,
    pub stripe_price_scale: Option<String>,
    /// `DUELY_ENCRYPTION_KEY`: 64 hex characters (32 random bytes) sealing secrets stored at
    /// rest (companies' Stripe keys). Unset in development, a key is kept in
    /// `<DUELY_DATA_DIR>/encryption.key`; production refuses to start without one.
    pub encryption_key: Option<SecretString>,
    /// `DUELY_ENCRYPTION_KEYS_PREVIOUS`: keys rotated away from, comma-separated, each 64 hex
    /// characters. They open secrets sealed before the rotation and never seal; once `duely
    /// rotate-encryption-key` has re-sealed everything, they can go.
    pub previous_encryption_keys: Vec<SecretString>,
    /// `DUELY_PDF_FONT` and `DUELY_PDF_FONT_BOLD`: the font documents print in, `path` or
    /// `path#face` for a collection; default Noto Sans CJK SC from Debian's `fonts-noto-cjk`.
    pub pdf_font: Option<String>,
    pub pdf_font_bold: Option<String>,
    /// `DUELY_METRICS_ADDR`, default `127.0.0.1:9464`: where `/metrics` is served, apart from
    /// the public port; set empty to serve no metrics.
    pub metrics_addr: Option<std::net::SocketAddr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

impl Environment {
    pub fn name(self) -> &'static str {
        match self {
            Environment::Development => "development",
            Environment::Production => "production",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration variable {name} = `{value}` is invalid: {expected}")]
pub struct ConfigError {
    pub name: &'static str,
    pub value: String,
    pub expected: &'static str,
}

/// The S3 client's settings Duely reads through its configuration.
const S3_SETTINGS: &[&str] = &[
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ALLOW_HTTP",
];

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests can pass their own values.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let text = |name: &str, default: &str| {
            lookup(name)
                .filter(|value| !value.trim().is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        let parse = |name: &'static str, default: &str, expected: &'static str| {
            let raw = text(name, default);
            raw.trim().parse::<u64>().map_err(|_| ConfigError {
                name,
                value: raw,
                expected,
            })
        };
        let seconds = |name: &'static str, default: &str| {
            parse(name, default, "a whole number of seconds").map(Duration::from_secs)
        };

        let host_raw = text("HOST", "0.0.0.0");
        let host = host_raw.trim().parse().map_err(|_| ConfigError {
            name: "HOST",
            value: host_raw.clone(),
            expected: "an IP address such as 0.0.0.0 or 127.0.0.1",
        })?;
        let port_raw = text("PORT", "8080");
        let port: u16 = port_raw.trim().parse().map_err(|_| ConfigError {
            name: "PORT",
            value: port_raw.clone(),
            expected: "a port number from 0 to 65535",
        })?;
        let database_url = text("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/duely");
        if !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            return Err(ConfigError {
                name: "DATABASE_URL",
                value: "(hidden)".to_owned(),
                expected: "a postgres:// URL",
            });
        }
        let max_connections = parse(
            "DUELY_DB_MAX_CONNECTIONS",
            "10",
            "a whole number of connections, at least 1",
        )?;
        let log_format = match text("DUELY_LOG_FORMAT", "").as_str() {
            "" => None,
            "json" => Some(LogFormat::Json),
            "pretty" => Some(LogFormat::Pretty),
            other => {
                return Err(ConfigError {
                    name: "DUELY_LOG_FORMAT",
                    value: other.to_owned(),
                    expected: "json or pretty",
                });
            }
        };

        let environment = match text("DUELY_ENV", "production").as_str() {
            "development" => Environment::Development,
            "production" => Environment::Production,
            other => {
                return Err(ConfigError {
                    name: "DUELY_ENV",
                    value: other.to_owned(),
                    expected: "development or production",
                });
            }
        };
        let jwt_secret = lookup("DUELY_JWT_SECRET").filter(|secret| !secret.is_empty());
        match &jwt_secret {
            Some(secret) if secret.len() < 32 => {
                return Err(ConfigError {
                    name: "DUELY_JWT_SECRET",
                    value: "(hidden)".to_owned(),
                    expected: "at least 32 bytes of random data",
                });
            }
            _ => {}
        }
        let access_minutes = parse("DUELY_ACCESS_TOKEN_MINUTES", "15", "whole minutes, 1 to 15")?;
        if !(1..=15).contains(&access_minutes) {
            return Err(ConfigError {
                name: "DUELY_ACCESS_TOKEN_MINUTES",
                value: access_minutes.to_string(),
                expected: "whole minutes, 1 to 15",
            });
        }
        let trust_forwarded_for = match text("DUELY_TRUST_FORWARDED_FOR", "false").as_str() {
            "true" => 1,
            "false" => 0,
            other => {
                return Err(ConfigError {
                    name: "DUELY_TRUST_FORWARDED_FOR",
                    value: other.to_owned(),
                    expected: "true or false",
                });
            }
        };
        let public_url = text("DUELY_PUBLIC_URL", &format!("http://localhost:{port}"))
            .trim_end_matches('/')
            .to_owned();

        let data_dir = PathBuf::from(text("DUELY_DATA_DIR", ".duely"));
        let mail_dir = lookup("DUELY_MAIL_DIR")
            .filter(|dir| !dir.trim().is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("mail"));
        let attachments_dir = lookup("DUELY_ATTACHMENTS_DIR")
            .filter(|dir| !dir.trim().is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("attachments"));

        let optional = |name: &str| {
            lookup(name)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
        };
        let encryption_key = optional("DUELY_ENCRYPTION_KEY");
        if let Some(key) = &encryption_key
            && !(key.len() == 64 && key.bytes().all(|byte| byte.is_ascii_hexdigit()))
        {
            return Err(ConfigError {
                name: "DUELY_ENCRYPTION_KEY",
                value: "(hidden)".to_owned(),
                expected: "64 hex characters (32 random bytes), as `openssl rand -hex 32` prints",
            });
        }
        let previous_encryption_keys: Vec<String> = optional("DUELY_ENCRYPTION_KEYS_PREVIOUS")
            .map(|keys| {
                keys.split(',')
                    .map(|key| key.trim().to_owned())
                    .filter(|key| !key.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if previous_encryption_keys
            .iter()
            .any(|key| !(key.len() == 64 && key.bytes().all(|byte| byte.is_ascii_hexdigit())))
        {
            return Err(ConfigError {
                name: "DUELY_ENCRYPTION_KEYS_PREVIOUS",
                value: "(hidden)".to_owned(),
                expected: "keys of 64 hex characters, separated by commas",
            });
        }
        if environment == Environment::Production {
            // Both keys must be the same on every replica, so production never makes its own.
            let missing = (jwt_secret.is_none(), encryption_key.is_none());
            let name = match missing {
                (true, true) => Some("DUELY_JWT_SECRET and DUELY_ENCRYPTION_KEY"),
                (true, false) => Some("DUELY_JWT_SECRET"),
                (false, true) => Some("DUELY_ENCRYPTION_KEY"),
                (false, false) => None,
            };
            if let Some(name) = name {
                return Err(ConfigError {
                    name,
                    value: String::new(),
                    expected: "set in production (DUELY_ENV unset means production; \
                               DUELY_ENV=development runs without them)",
                });
            }
        }
        let today = match optional("DUELY_TODAY") {
            None => None,
            Some(_) if environment == Environment::Production => {
                return Err(ConfigError {
                    name: "DUELY_TODAY",
                    value: String::new(),
                    expected: "unset in production: a production server reads the real date \
                               (DUELY_ENV=development to move the clock)",
                });
            }
            Some(value) => Some(
                chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d").map_err(|_| ConfigError {
                    name: "DUELY_TODAY",
                    value: value.clone(),
                    expected: "a date as YYYY-MM-DD",
                })?,
            ),
        };
        let metrics_addr = match lookup("DUELY_METRICS_ADDR") {
            None => Some(std::net::SocketAddr::from(([127, 0, 0, 1], 9464))),
            Some(value) if value.trim().is_empty() => None,
            Some(value) => Some(value.trim().parse().map_err(|_| ConfigError {
                name: "DUELY_METRICS_ADDR",
                value: value.clone(),
                expected: "an address and port such as 127.0.0.1:9464, or empty for no metrics",
            })?),
        };
        let stripe_api_base = text("DUELY_STRIPE_API_BASE", "https://api.stripe.com")
            .trim()
            .to_owned();
        if !(stripe_api_base.starts_with("https://") || stripe_api_base.starts_with("http://")) {
            return Err(ConfigError {
                name: "DUELY_STRIPE_API_BASE",
                value: stripe_api_base,
                expected: "an http(s) URL such as https://api.stripe.com",
            });
        }
        let messaging_api_base = optional("DUELY_MESSAGING_API_BASE");
        if let Some(base) = &messaging_api_base
            && !(base.starts_with("https://") || base.starts_with("http://"))
        {
            return Err(ConfigError {
                name: "DUELY_MESSAGING_API_BASE",
                value: base.clone(),
                expected: "an http(s) URL, or unset for the providers' own APIs",
            });
        }

        Ok(Config {
            attachments_bucket: optional("DUELY_ATTACHMENTS_BUCKET"),
            attachments_s3: S3_SETTINGS
                .iter()
                .filter_map(|name| optional(name).map(|value| ((*name).to_owned(), value)))
                .collect(),
            attachments_dir,
            data_dir,
            today,
            stripe_secret_key: optional("DUELY_STRIPE_SECRET_KEY").map(SecretString::from),
            stripe_webhook_secret: optional("DUELY_STRIPE_WEBHOOK_SECRET").map(SecretString::from),
            stripe_api_base,
            messaging_api_base,
            stripe_price_growth: optional("DUELY_STRIPE_PRICE_GROWTH"),
            stripe_price_scale: optional("DUELY_STRIPE_PRICE_SCALE"),
            encryption_key: encryption_key.map(SecretString::from),
            pdf_font: optional("DUELY_PDF_FONT"),
            pdf_font_bold: optional("DUELY_PDF_FONT_BOLD"),
            previous_encryption_keys: previous_encryption_keys
                .into_iter()
                .map(SecretString::from)
                .collect(),
            metrics_addr,
            smtp_url: lookup("DUELY_SMTP_URL")
                .filter(|url| !url.trim().is_empty())
                .map(SecretString::from),
            mail_dir,
            mail_from: text("DUELY_MAIL_FROM", "Duely <no-reply@duely.localhost>"),
            api_key_requests_per_minute: u32::try_from(parse(
                "DUELY_API_KEY_RATE_PER_MINUTE",
                "120",
                "a whole number of requests",
            )?)
            .unwrap_or(u32::MAX),
            member_requests_per_minute: u32::try_from(parse(
                "DUELY_MEMBER_RATE_PER_MINUTE",
                "600",
                "a whole number of requests",
            )?)
            .unwrap_or(u32::MAX),
            environment,
            jwt_secret: jwt_secret.map(SecretString::from),
            public_url,
            access_token_ttl: Duration::from_secs(access_minutes * 60),
            refresh_token_ttl: Duration::from_secs(
                parse("DUELY_REFRESH_TOKEN_DAYS", "30", "a whole number of days")? * 86_400,
            ),
            trusted_proxies: match lookup("DUELY_TRUSTED_PROXIES") {
                Some(_) => {
                    let proxies =
                        parse("DUELY_TRUSTED_PROXIES", "0", "a number of proxies, 0 to 10")?;
                    u8::try_from(proxies)
                        .ok()
                        .filter(|n| *n <= 10)
                        .ok_or(ConfigError {
                            name: "DUELY_TRUSTED_PROXIES",
                            value: proxies.to_string(),
                            expected: "a number of proxies, 0 to 10",
                        })?
                }
                None => trust_forwarded_for,
            },
            redis_url: lookup("REDIS_URL")
                .filter(|url| !url.trim().is_empty())
                .map(SecretString::from),
            limits_namespace: text("DUELY_LIMITS_NAMESPACE", "duely"),
            signups_per_hour: u32::try_from(parse(
                "DUELY_SIGNUP_RATE_PER_HOUR",
                "5",
                "a whole number of sign-ups",
            )?)
            .unwrap_or(u32::MAX),
            host,
            port,
            database_url: SecretString::from(database_url),
            db_max_connections: u32::try_from(max_connections).unwrap_or(u32::MAX).max(1),
            db_acquire_timeout: Duration::from_millis(parse(
                "DUELY_DB_ACQUIRE_TIMEOUT_MS",
                "3000",
                "a whole number of milliseconds",
            )?),
            db_max_lifetime: seconds("DUELY_DB_MAX_LIFETIME_SECS", "1800")?,
            web_dir: PathBuf::from(text("DUELY_WEB_DIR", "frontend/dist")),
            shutdown_grace: seconds("DUELY_SHUTDOWN_GRACE_SECS", "20")?,
            shutdown_delay: seconds("DUELY_SHUTDOWN_DELAY_SECS", "5")?,
            request_timeout: seconds("DUELY_REQUEST_TIMEOUT_SECS", "30")?,
            log_format,
        })
    }

    /// The attachments' store: the bucket when one is set, else the folder.
    pub fn file_store(&self) -> anyhow::Result<crate::attachments::storage::FileStore> {
        use crate::attachments::storage::FileStore;
        match &self.attachments_bucket {
            Some(bucket) => {
                let mut builder = object_store::aws::AmazonS3Builder::from_env();
                for (name, value) in &self.attachments_s3 {
                    let key = name
                        .to_ascii_lowercase()
                        .parse()
                        .map_err(|error| anyhow::anyhow!("{name} is not an S3 setting: {error}"))?;
                    builder = builder.with_config(key, value);
                }
                FileStore::s3(builder, bucket)
            }
            None => FileStore::folder(&self.attachments_dir),
        }
    }

    /// The address to bind; with `HOST` unset, all interfaces.
    pub fn bind_address(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::new(self.host, self.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;

    /// Configuration in development (as the scripts and tests run), with `vars` on top.
    fn config_with(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        exactly(&[&[("DUELY_ENV", "development")], vars].concat())
    }

    /// Configuration from `vars` alone.
    fn exactly(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_serve_on_8080_against_the_local_database() {
        let config = config_with(&[]).unwrap();
        assert_eq!(config.port, 8080);
        assert_eq!(
            config.database_url.expose_secret(),
            "postgres://postgres@127.0.0.1:5432/duely"
        );
        assert_eq!(config.shutdown_grace, Duration::from_secs(20));
        assert_eq!(config.shutdown_delay, Duration::from_secs(5));
    }

    #[test]
    fn the_clock_is_a_date_in_development_and_refused_in_production() {
        assert_eq!(config_with(&[]).unwrap().today, None);
        let config = config_with(&[("DUELY_TODAY", "2027-02-28")]).unwrap();
        assert_eq!(config.today, chrono::NaiveDate::from_ymd_opt(2027, 2, 28));
        assert_eq!(
            config_with(&[("DUELY_TODAY", "28/02/2027")])
                .unwrap_err()
                .name,
            "DUELY_TODAY"
        );
        let key = "ab".repeat(32);
        let production = [
            ("DUELY_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
            ("DUELY_ENCRYPTION_KEY", key.as_str()),
            ("DUELY_TODAY", "2027-02-28"),
        ];
        assert_eq!(exactly(&production).unwrap_err().name, "DUELY_TODAY");
    }

    #[test]
    fn port_overrides_the_default() {
        assert_eq!(config_with(&[("PORT", "9000")]).unwrap().port, 9000);
    }

    #[test]
    fn a_malformed_value_names_the_variable() {
        let error = config_with(&[("PORT", "eighty")]).unwrap_err();
        assert_eq!(error.name, "PORT");
        assert!(error.to_string().contains("eighty"));
    }

    #[test]
    fn the_member_rate_defaults_to_600_a_minute_and_must_be_a_number() {
        assert_eq!(config_with(&[]).unwrap().member_requests_per_minute, 600);
        let error = config_with(&[("DUELY_MEMBER_RATE_PER_MINUTE", "lots")]).unwrap_err();
        assert_eq!(error.name, "DUELY_MEMBER_RATE_PER_MINUTE");
    }

    #[test]
    fn unset_means_production_which_refuses_to_start_without_its_keys() {
        let error = exactly(&[]).unwrap_err();
        assert_eq!(error.name, "DUELY_JWT_SECRET and DUELY_ENCRYPTION_KEY");
        let jwt = ("DUELY_JWT_SECRET", "0123456789abcdef0123456789abcdef");
        let key = "ab".repeat(32);
        let encryption = ("DUELY_ENCRYPTION_KEY", key.as_str());
        assert_eq!(exactly(&[jwt]).unwrap_err().name, "DUELY_ENCRYPTION_KEY");
        assert_eq!(exactly(&[encryption]).unwrap_err().name, "DUELY_JWT_SECRET");
        let error = exactly(&[("DUELY_ENV", "production"), encryption]).unwrap_err();
        assert_eq!(error.name, "DUELY_JWT_SECRET");
        let config = exactly(&[jwt, encryption]).unwrap();
        assert_eq!(config.environment, Environment::Production);
        assert!(config_with(&[("DUELY_JWT_SECRET", "too short")]).is_err());
        assert_eq!(
            config_with(&[]).unwrap().environment,
            Environment::Development
        );
    }

    #[test]
    fn metrics_are_served_on_loopback_apart_unless_switched_off() {
        assert_eq!(
            config_with(&[]).unwrap().metrics_addr,
            Some(std::net::SocketAddr::from(([127, 0, 0, 1], 9464)))
        );
        assert_eq!(
            config_with(&[("DUELY_METRICS_ADDR", "")])
                .unwrap()
                .metrics_addr,
            None
        );
        let error = config_with(&[("DUELY_METRICS_ADDR", "9464")]).unwrap_err();
        assert_eq!(error.name, "DUELY_METRICS_ADDR");
    }

    #[test]
    fn access_tokens_live_at_most_fifteen_minutes() {
        assert!(config_with(&[("DUELY_ACCESS_TOKEN_MINUTES", "60")]).is_err());
        let config = config_with(&[("DUELY_ACCESS_TOKEN_MINUTES", "5")]).unwrap();
        assert_eq!(config.access_token_ttl, Duration::from_secs(300));
    }

    #[test]
    fn stripe_is_optional_and_the_encryption_key_must_be_32_hex_bytes() {
        let config = config_with(&[]).unwrap();
        assert!(config.stripe_secret_key.is_none());
        assert_eq!(config.stripe_api_base, "https://api.stripe.com");
        let error = config_with(&[("DUELY_ENCRYPTION_KEY", "short")]).unwrap_err();
        assert_eq!(error.name, "DUELY_ENCRYPTION_KEY");
        assert!(!error.to_string().contains("short"));
        let key = "ab".repeat(32);
        assert!(config_with(&[("DUELY_ENCRYPTION_KEY", &key)]).is_ok());
        assert!(config_with(&[("DUELY_STRIPE_API_BASE", "localhost:12111")]).is_err());
        let previous = format!("{}, {}", "cd".repeat(32), "ef".repeat(32));
        let config = config_with(&[("DUELY_ENCRYPTION_KEYS_PREVIOUS", &previous)]).unwrap();
        assert_eq!(config.previous_encryption_keys.len(), 2);
        let error =
            config_with(&[("DUELY_ENCRYPTION_KEYS_PREVIOUS", &format!("{key},nope"))]).unwrap_err();
        assert_eq!(error.name, "DUELY_ENCRYPTION_KEYS_PREVIOUS");
        assert!(!error.to_string().contains(&key));
    }

    #[test]
    fn the_database_url_never_shows_in_debug_output() {
        let config = config_with(&[("DATABASE_URL", "postgres://u:hunter2@db/duely")]).unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
