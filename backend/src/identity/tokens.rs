//! Access tokens (JWT, HS256 pinned, at most 15 minutes) and the opaque secrets behind refresh
//! tokens, invitations and API keys (256 random bits; only their SHA-256 is stored).

use crate::config::Config;
use domain::TenantId;
use domain::access::Role;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::Duration;
use uuid::Uuid;

const AUDIENCE: &str = "duely-api";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// The user.
    pub sub: Uuid,
    /// The tenant the session acts in.
    pub tid: Uuid,
    pub role: Role,
    pub iat: i64,
    pub exp: i64,
    pub jti: Uuid,
    /// The person's session epoch when issued: changing or resetting the password moves it on,
    /// and a token of an older epoch is refused at once. Absent in older tokens (epoch 0).
    #[serde(default)]
    pub sep: i32,
}

#[derive(Clone)]
pub struct AccessTokens {
    /// Keys the derivation of a refresh token's successor (see [`AccessTokens::successor`]).
    rotation_key: [u8; 32],
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    pub ttl: Duration,
}

pub struct IssuedAccessToken {
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

impl AccessTokens {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let secret = match &config.jwt_secret {
            Some(secret) => secret.expose_secret().as_bytes().to_vec(),
            None => {
                tracing::warn!(
                    "DUELY_JWT_SECRET is not set: using a random key, so sessions end when the server restarts"
                );
                random_bytes::<32>()?.to_vec()
            }
        };
        let issuer = config.public_url.clone();
        // The algorithm is pinned: a token claiming any other (or `none`) is refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer.as_str()]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 30;
        let rotation_key: [u8; 32] = Sha256::new()
            .chain_update(b"duely:refresh-rotation:")
            .chain_update(&secret)
            .finalize()
            .into();
        Ok(AccessTokens {
            rotation_key,
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
            validation,
            issuer,
            ttl: config.access_token_ttl,
        })
    }

    pub fn issue(
        &self,
        user_id: Uuid,
        tenant: TenantId,
        role: Role,
        epoch: i32,
    ) -> anyhow::Result<IssuedAccessToken> {
        self.issue_at(
            user_id,
            tenant,
            role,
            epoch,
            chrono::Utc::now(),
            Uuid::new_v4(),
        )
    }

    /// A token issued at `issued_at` (whole seconds count) with id `jti`: the same inputs give
    /// the same token, which is how a refresh retried within the grace period gets the pair
    /// the first attempt got.
    pub fn issue_at(
        &self,
        user_id: Uuid,
        tenant: TenantId,
        role: Role,
        epoch: i32,
        issued_at: chrono::DateTime<chrono::Utc>,
        jti: Uuid,
    ) -> anyhow::Result<IssuedAccessToken> {
        let iat = issued_at.timestamp();
        let exp = iat + i64::try_from(self.ttl.as_secs())?;
        let expires_at = chrono::DateTime::from_timestamp(exp, 0)
            .ok_or_else(|| anyhow::anyhow!("an access token's expiry is out of range"))?;
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: AUDIENCE.to_owned(),
            sub: user_id,
            tid: tenant.0,
            role,
            iat,
            exp,
            jti,
            sep: epoch,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(IssuedAccessToken { token, expires_at })
    }

    /// The refresh token that follows `used` in its family: derived from it under the server's
    /// key, so it need not be stored to be handed out again. Only a holder of `used` (and of
    /// the key) can compute it. Also gives the id of the access token issued with it.
    pub fn successor(&self, prefix: &str, used: &str) -> anyhow::Result<(String, Uuid)> {
        let derive = |label: &[u8]| -> anyhow::Result<_> {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.rotation_key)?;
            mac.update(label);
            mac.update(used.as_bytes());
            Ok(mac.finalize().into_bytes())
        };
        let secret = derive(b"refresh:")?;
        let mut jti = [0u8; 16];
        jti.copy_from_slice(&derive(b"jti:")?[..16]);
        Ok((
            format!("{prefix}{}", hex::encode(secret)),
            uuid::Builder::from_random_bytes(jti).into_uuid(),
        ))
    }

    /// The claims of a valid token; `None` for anything expired, forged or malformed.
    pub fn verify(&self, token: &str) -> Option<AccessClaims> {
        jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
    }
}

pub fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
    Ok(bytes)
}

/// A new opaque secret: `prefix` and 64 hex characters (256 bits).
pub fn new_secret(prefix: &str) -> anyhow::Result<String> {
    Ok(format!("{prefix}{}", hex::encode(random_bytes::<32>()?)))
}

/// What is stored for a secret. The secrets are random and long, so a fast hash is safe here:
/// nothing can be guessed, only looked up.
pub fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn tokens(vars: &[(&str, &str)]) -> AccessTokens {
        let mut vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        vars.entry("DUELY_ENV".to_owned())
            .or_insert_with(|| "development".to_owned());
        let config = Config::from_lookup(|name| vars.get(name).cloned()).unwrap();
        AccessTokens::from_config(&config).unwrap()
    }

    const KEY: (&str, &str) = ("DUELY_JWT_SECRET", "0123456789abcdef0123456789abcdef");

    #[test]
    fn an_issued_token_carries_who_where_and_what_role() {
        let tokens = tokens(&[KEY]);
        let user = Uuid::now_v7();
        let tenant = TenantId(Uuid::now_v7());
        let issued = tokens.issue(user, tenant, Role::Collector, 0).unwrap();
        let claims = tokens.verify(&issued.token).unwrap();
        assert_eq!(
            (claims.sub, claims.tid, claims.role),
            (user, tenant.0, Role::Collector)
        );
        assert_eq!(claims.aud, "duely-api");
        assert!(claims.exp - claims.iat <= 15 * 60);
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let issued = tokens(&[KEY])
            .issue(Uuid::now_v7(), TenantId(Uuid::now_v7()), Role::Owner, 0)
            .unwrap();
        let other = tokens(&[(
            "DUELY_JWT_SECRET",
            "another key of at least thirty-two bytes",
        )]);
        assert!(other.verify(&issued.token).is_none());
    }

    #[test]
    fn a_token_with_another_algorithm_is_refused() {
        let tokens = tokens(&[KEY]);
        let claims = AccessClaims {
            iss: "http://localhost:8080".to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: Uuid::now_v7(),
            tid: Uuid::now_v7(),
            role: Role::Owner,
            iat: chrono::Utc::now().timestamp(),
            exp: chrono::Utc::now().timestamp() + 600,
            jti: Uuid::new_v4(),
            sep: 0,
        };
        let forged = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(KEY.1.as_bytes()),
        )
        .unwrap();
        assert!(tokens.verify(&forged).is_none());
    }

    #[test]
    fn an_expired_token_is_refused() {
        let tokens = tokens(&[KEY]);
        let claims = AccessClaims {
            iss: "http://localhost:8080".to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: Uuid::now_v7(),
            tid: Uuid::now_v7(),
            role: Role::Owner,
            iat: chrono::Utc::now().timestamp() - 3600,
            exp: chrono::Utc::now().timestamp() - 600,
            jti: Uuid::new_v4(),
            sep: 0,
        };
        let expired = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(KEY.1.as_bytes()),
        )
        .unwrap();
        assert!(tokens.verify(&expired).is_none());
    }

    #[test]
    fn secrets_are_long_random_and_stored_only_as_digests() {
        let a = new_secret("duely_rt_").unwrap();
        let b = new_secret("duely_rt_").unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), "duely_rt_".len() + 64);
        assert_eq!(digest(&a).len(), 32);
        assert_ne!(digest(&a), digest(&b));
    }
}
