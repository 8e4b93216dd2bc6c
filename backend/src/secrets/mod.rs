//! Secrets stored at rest (a company's Stripe secret key and webhook secret, the token of a
//! link in an email waiting in the outbox), sealed with XChaCha20-Poly1305 under the server's
//! key (`DUELY_ENCRYPTION_KEY`).
//!
//! A sealed value is `version 2 (1 byte) || key id (4 bytes) || nonce (24 bytes) || ciphertext
//! and tag`; version 1, written before key ids, has no key id. Where it belongs (the company's
//! id and the secret's purpose, or the outbox row) is the associated data, so a sealed value
//! copied into another row or column does not open.
//!
//! The key id is a fingerprint of the key, so rotating needs no bookkeeping: a server seals with
//! `DUELY_ENCRYPTION_KEY` and opens with it or any of `DUELY_ENCRYPTION_KEYS_PREVIOUS`, and
//! `duely rotate-encryption-key` ([`rotate`]) re-seals what an older key sealed.

pub mod rotate;

use anyhow::Context;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use domain::TenantId;
use secrecy::{ExposeSecret, SecretString};
use std::path::Path;

/// Sealed before key ids: opened by trying the current key, then the previous ones.
const VERSION_WITHOUT_KEY_ID: u8 = 1;
const VERSION: u8 = 2;
const KEY_ID_LEN: usize = 4;
const NONCE_LEN: usize = 24;

pub type KeyId = [u8; KEY_ID_LEN];

#[derive(Clone)]
struct Key {
    id: KeyId,
    cipher: XChaCha20Poly1305,
}

impl Key {
    fn from_hex(key: &SecretString) -> anyhow::Result<Key> {
        use sha2::Digest;
        let bytes = hex::decode(key.expose_secret()).context("DUELY_ENCRYPTION_KEY is not hex")?;
        let cipher = XChaCha20Poly1305::new_from_slice(&bytes)
            .map_err(|_| anyhow::anyhow!("DUELY_ENCRYPTION_KEY must be 32 bytes"))?;
        // A fingerprint names the key without revealing it.
        let digest = sha2::Sha256::new()
            .chain_update(b"duely-encryption-key-id:")
            .chain_update(&bytes)
            .finalize();
        let mut id = [0; KEY_ID_LEN];
        id.copy_from_slice(&digest[..KEY_ID_LEN]);
        Ok(Key { id, cipher })
    }
}

#[derive(Clone)]
pub struct Sealer {
    current: Key,
    /// Keys that open, never seal: those rotated away from.
    previous: Vec<Key>,
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
        let sealer = match (&config.encryption_key, config.environment) {
            (Some(key), _) => Sealer::from_hex(key)?,
            (None, crate::config::Environment::Development) => {
                Sealer::development_key(&config.data_dir)?
            }
            (None, crate::config::Environment::Production) => return Ok(None),
        };
        Ok(Some(sealer.opening_also(&config.previous_encryption_keys)?))
    }

    /// From 64 hex characters (checked by the configuration).
    pub fn from_hex(key: &SecretString) -> anyhow::Result<Self> {
        Ok(Sealer {
            current: Key::from_hex(key)?,
            previous: Vec::new(),
        })
    }

    /// Also opens what `keys` sealed (the keys rotated away from).
    pub fn opening_also(mut self, keys: &[SecretString]) -> anyhow::Result<Self> {
        for key in keys {
            let key = Key::from_hex(key)?;
            if key.id != self.current.id {
                self.previous.push(key);
            }
        }
        Ok(self)
    }

    /// The id of the key this sealer seals with, as the sealed values carry it.
    pub fn key_id(&self) -> KeyId {
        self.current.id
    }

    /// Whether `sealed` was sealed with this sealer's current key.
    pub fn is_current(&self, sealed: &[u8]) -> bool {
        sealed.first() == Some(&VERSION) && sealed.get(1..=KEY_ID_LEN) == Some(&self.current.id[..])
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
        self.seal_for(&company_context(tenant, purpose), secret)
    }

    pub fn open(
        &self,
        tenant: TenantId,
        purpose: &str,
        sealed: &[u8],
    ) -> anyhow::Result<SecretString> {
        self.open_for(&company_context(tenant, purpose), sealed)
    }

    /// Seals `secret` for the place named `context` (only that context opens it).
    pub fn seal_for(&self, context: &str, secret: &str) -> anyhow::Result<Vec<u8>> {
        let nonce_bytes = crate::identity::tokens::random_bytes::<NONCE_LEN>()?;
        let aad = associated_data(context);
        let ciphertext = self
            .current
            .cipher
            .encrypt(
                &XNonce::from(nonce_bytes),
                Payload {
                    msg: secret.as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| anyhow::anyhow!("sealing a secret failed"))?;
        let mut sealed = Vec::with_capacity(1 + KEY_ID_LEN + NONCE_LEN + ciphertext.len());
        sealed.push(VERSION);
        sealed.extend_from_slice(&self.current.id);
        sealed.extend_from_slice(&nonce_bytes);
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    pub fn open_for(&self, context: &str, sealed: &[u8]) -> anyhow::Result<SecretString> {
        let unknown = || anyhow::anyhow!("a sealed secret has an unknown format");
        let (keys, rest): (Vec<&Key>, &[u8]) = match sealed.split_first() {
            Some((&VERSION, rest)) if rest.len() > KEY_ID_LEN => {
                let (id, rest) = rest.split_at(KEY_ID_LEN);
                let key = self.keys().find(|key| key.id[..] == *id).ok_or_else(|| {
                    anyhow::anyhow!(
                        "a sealed secret is under key {}, which is neither DUELY_ENCRYPTION_KEY nor one of DUELY_ENCRYPTION_KEYS_PREVIOUS",
                        hex::encode(id)
                    )
                })?;
                (vec![key], rest)
            }
            Some((&VERSION_WITHOUT_KEY_ID, rest)) => (self.keys().collect(), rest),
            _ => return Err(unknown()),
        };
        anyhow::ensure!(rest.len() > NONCE_LEN, unknown());
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| unknown())?;
        let aad = associated_data(context);
        let plain = keys
            .iter()
            .find_map(|key| {
                key.cipher
                    .decrypt(
                        &XNonce::from(nonce),
                        Payload {
                            msg: ciphertext,
                            aad: &aad,
                        },
                    )
                    .ok()
            })
            .ok_or_else(|| {
                anyhow::anyhow!("a sealed secret does not open: another key, company or purpose")
            })?;
        Ok(SecretString::from(
            String::from_utf8(plain).context("a sealed secret is not text")?,
        ))
    }

    /// The value `sealed` re-sealed with the current key, or `None` when it already is.
    pub fn reseal_for(&self, context: &str, sealed: &[u8]) -> anyhow::Result<Option<Vec<u8>>> {
        if self.is_current(sealed) {
            return Ok(None);
        }
        let secret = self.open_for(context, sealed)?;
        Ok(Some(self.seal_for(context, secret.expose_secret())?))
    }

    fn keys(&self) -> impl Iterator<Item = &Key> {
        std::iter::once(&self.current).chain(&self.previous)
    }
}

/// The associated-data context of a company's secret for `purpose`.
pub fn company_context(tenant: TenantId, purpose: &str) -> String {
    format!("{tenant}:{purpose}")
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

    /// A value as version 1 sealed it: no key id.
    fn sealed_without_key_id(sealer: &Sealer, context: &str, secret: &str) -> Vec<u8> {
        let v2 = sealer.seal_for(context, secret).unwrap();
        let mut v1 = vec![VERSION_WITHOUT_KEY_ID];
        v1.extend_from_slice(&v2[1 + KEY_ID_LEN..]);
        v1
    }

    #[test]
    fn a_sealed_value_names_its_key_and_a_rotated_server_still_opens_the_old_ones() {
        let old = sealer();
        let new_key = SecretString::from("22".repeat(32));
        let sealed = old.seal_for("ctx", "whsec_1").unwrap();
        assert_eq!(sealed[0], VERSION);
        assert_eq!(sealed[1..=KEY_ID_LEN], old.key_id());
        assert!(old.is_current(&sealed));

        // The new key seals; the old one still opens what it sealed, by its id.
        let rotated = Sealer::from_hex(&new_key)
            .unwrap()
            .opening_also(&[SecretString::from("11".repeat(32))])
            .unwrap();
        assert_ne!(rotated.key_id(), old.key_id());
        assert!(!rotated.is_current(&sealed));
        assert_eq!(
            rotated.open_for("ctx", &sealed).unwrap().expose_secret(),
            "whsec_1"
        );
        let resealed = rotated.reseal_for("ctx", &sealed).unwrap().unwrap();
        assert!(rotated.is_current(&resealed));
        assert!(rotated.reseal_for("ctx", &resealed).unwrap().is_none());
        // Without the old key, an old value is refused by its key id.
        let forgetful = Sealer::from_hex(&new_key).unwrap();
        let error = forgetful.open_for("ctx", &sealed).unwrap_err().to_string();
        assert!(error.contains(&hex::encode(old.key_id())), "{error}");
        assert_eq!(
            forgetful
                .open_for("ctx", &resealed)
                .unwrap()
                .expose_secret(),
            "whsec_1"
        );

        // Values from before key ids open with whichever key sealed them.
        let v1 = sealed_without_key_id(&old, "ctx", "sk_1");
        assert_eq!(
            rotated.open_for("ctx", &v1).unwrap().expose_secret(),
            "sk_1"
        );
        assert!(rotated.is_current(&rotated.reseal_for("ctx", &v1).unwrap().unwrap()));
        assert!(forgetful.open_for("ctx", &v1).is_err());
        assert!(rotated.open_for("ctx", &[VERSION, 1, 2]).is_err());
        assert!(rotated.open_for("ctx", &[]).is_err());
    }
}
