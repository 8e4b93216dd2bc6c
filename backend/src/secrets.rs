//! Secrets stored at rest (a company's Stripe secret key and webhook secret, the token of a
//! link in an email waiting in the outbox), sealed with XChaCha20-Poly1305 under the server's
//! key (`DUELY_ENCRYPTION_KEY`).
//!
//! A sealed value is `version (1 byte) || nonce (24 bytes) || ciphertext and tag`. Where it
//! belongs (the company's id and the secret's purpose, or the outbox row) is the associated
//! data, so a sealed value copied into another row or column does not open.

use anyhow::Context;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use domain::TenantId;
use secrecy::{ExposeSecret, SecretString};
use std::path::Path;

const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer { .. }")
    }
}

impl Sealer {
    /// The server's sealer: `DUELY_ENCRYPTION_KEY`, or in development a key kept in the data
    /// directory. `None` only in production without a key (which the configuration refuses
    /// to start with).
    pub fn from_config(config: &crate::config::Config) -> anyhow::Result<Option<Self>> {
        Ok(match (&config.encryption_key, config.environment) {
            (Some(key), _) => Some(Sealer::from_hex(key)?),
            (None, crate::config::Environment::Development) => {
                Some(Sealer::development_key(&config.data_dir)?)
            }
            (None, crate::config::Environment::Production) => None,
        })
    }

    /// From 64 hex characters (checked by the configuration).
    pub fn from_hex(key: &SecretString) -> anyhow::Result<Self> {
        let bytes = hex::decode(key.expose_secret()).context("DUELY_ENCRYPTION_KEY is not hex")?;
        let cipher = XChaCha20Poly1305::new_from_slice(&bytes)
            .map_err(|_| anyhow::anyhow!("DUELY_ENCRYPTION_KEY must be 32 bytes"))?;
        Ok(Sealer { cipher })
    }

    /// The development key, kept in `dir/encryption.key` (made on first use, readable by the
    /// owner only), so sealed secrets survive restarts without configuration.
    pub fn development_key(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join("encryption.key");
        let key = match std::fs::read_to_string(&path) {
            Ok(text) => text.trim().to_owned(),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                let key = hex::encode(crate::identity::tokens::random_bytes::<32>()?);
                write_private(&path, &key)?;
                key
            }
            Err(error) => {
                return Err(error).with_context(|| format!("reading {}", path.display()));
            }
        };
        Sealer::from_hex(&SecretString::from(key))
    }

    pub fn seal(&self, tenant: TenantId, purpose: &str, secret: &str) -> anyhow::Result<Vec<u8>> {
        self.seal_for(&format!("{tenant}:{purpose}"), secret)
    }

    pub fn open(
        &self,
        tenant: TenantId,
        purpose: &str,
        sealed: &[u8],
    ) -> anyhow::Result<SecretString> {
        self.open_for(&format!("{tenant}:{purpose}"), sealed)
    }

    /// Seals `secret` for the place named `context` (only that context opens it).
    pub fn seal_for(&self, context: &str, secret: &str) -> anyhow::Result<Vec<u8>> {
        let nonce_bytes = crate::identity::tokens::random_bytes::<NONCE_LEN>()?;
        let aad = associated_data(context);
        let ciphertext = self
            .cipher
            .encrypt(
                &XNonce::from(nonce_bytes),
                Payload {
                    msg: secret.as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| anyhow::anyhow!("sealing a secret failed"))?;
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(VERSION);
        sealed.extend_from_slice(&nonce_bytes);
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    pub fn open_for(&self, context: &str, sealed: &[u8]) -> anyhow::Result<SecretString> {
        anyhow::ensure!(
            sealed.len() > 1 + NONCE_LEN && sealed[0] == VERSION,
            "a sealed secret has an unknown format"
        );
        let (nonce, ciphertext) = sealed[1..].split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce
            .try_into()
            .map_err(|_| anyhow::anyhow!("a sealed secret has an unknown format"))?;
        let aad = associated_data(context);
        let plain = self
            .cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| {
                anyhow::anyhow!("a sealed secret does not open: another key, company or purpose")
            })?;
        Ok(SecretString::from(
            String::from_utf8(plain).context("a sealed secret is not text")?,
        ))
    }
}

fn associated_data(context: &str) -> Vec<u8> {
    format!("duely:{context}").into_bytes()
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("creating {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn sealer() -> Sealer {
        Sealer::from_hex(&SecretString::from("11".repeat(32))).unwrap()
    }

    #[test]
    fn a_sealed_secret_opens_only_for_its_company_and_purpose() {
        let acme = TenantId::from_uuid(Uuid::now_v7());
        let other = TenantId::from_uuid(Uuid::now_v7());
        let sealed = sealer()
            .seal(acme, "stripe_secret_key", "sk_test_123")
            .unwrap();
        assert!(!sealed.windows(11).any(|window| window == b"sk_test_123"));
        let opened = sealer().open(acme, "stripe_secret_key", &sealed).unwrap();
        assert_eq!(opened.expose_secret(), "sk_test_123");
        assert!(sealer().open(other, "stripe_secret_key", &sealed).is_err());
        assert!(
            sealer()
                .open(acme, "stripe_webhook_secret", &sealed)
                .is_err()
        );
        let other_key = Sealer::from_hex(&SecretString::from("22".repeat(32))).unwrap();
        assert!(other_key.open(acme, "stripe_secret_key", &sealed).is_err());
        // Two seals of one secret differ (fresh nonces).
        assert_ne!(
            sealed,
            sealer()
                .seal(acme, "stripe_secret_key", "sk_test_123")
                .unwrap()
        );
    }
}
