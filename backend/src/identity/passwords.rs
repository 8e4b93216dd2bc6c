//! argon2id password hashing, off the async threads and a few at a time: each hash takes 19 MiB
//! and tens of milliseconds of CPU, so unbounded concurrency would let a burst of log-ins starve
//! the server of memory and cores.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// OWASP's minimum for argon2id: 19 MiB, two passes, one lane.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// A hash of a random password, verified against when an email is unknown, so an unknown
    /// email takes as long to refuse as a wrong password.
    decoy: Arc<String>,
}

fn argon2() -> Result<Argon2<'static>, argon2::Error> {
    Ok(Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(MEMORY_KIB, PASSES, LANES, None)?,
    ))
}

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|error| anyhow::anyhow!("no randomness for a salt: {error}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|error| anyhow::anyhow!("salt: {error}"))?;
    let hash = argon2()
        .map_err(|error| anyhow::anyhow!("argon2 parameters: {error}"))?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|error| anyhow::anyhow!("hashing: {error}"))?;
    Ok(hash.to_string())
}

fn verify_blocking(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    argon2()
        .map(|argon| argon.verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

impl PasswordHasher {
    /// At most `concurrent` hashes run at once (the number of cores is a good choice).
    pub fn new(concurrent: usize) -> anyhow::Result<Self> {
        let mut random = [0u8; 24];
        getrandom::fill(&mut random).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
        Ok(PasswordHasher {
            permits: Arc::new(Semaphore::new(concurrent.max(1))),
            decoy: Arc::new(hash_blocking(&hex::encode(random))?),
        })
    }

    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
    }

    /// Verifies `password` against `phc`, or against the decoy when there is no account.
    pub async fn verify(&self, password: String, phc: Option<String>) -> anyhow::Result<bool> {
        let _permit = self.permits.acquire().await?;
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| self.decoy.as_ref().clone());
        let matches = tokio::task::spawn_blocking(move || verify_blocking(&password, &phc)).await?;
        Ok(known && matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let hasher = PasswordHasher::new(2).unwrap();
        let phc = hasher.hash("collect on time".to_owned()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            hasher
                .verify("collect on time".to_owned(), Some(phc.clone()))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("collect on tim".to_owned(), Some(phc))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        let hasher = PasswordHasher::new(1).unwrap();
        assert!(
            !hasher
                .verify("anything at all".to_owned(), None)
                .await
                .unwrap()
        );
    }
}
