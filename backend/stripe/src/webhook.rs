//! Stripe's webhook signatures, as Stripe documents and its official libraries check them.
//!
//! The `Stripe-Signature` header reads `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`; each `v1` is
//! the lowercase hex HMAC-SHA256 of `"{t}.{raw body}"` keyed with the endpoint secret's bytes
//! (the whole `whsec_...` string). There is one `v1` per live secret while a secret is rolled,
//! so any one matching is enough; other schemes (`v0`) are ignored. The timestamp must be
//! within the tolerance of now, so a captured request cannot be replayed later.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Stripe's default tolerance.
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing")]
    Missing,
    #[error("the Stripe-Signature header has no timestamp `t` or no `v1` signature")]
    Malformed,
    #[error("no v1 signature matches the payload with this endpoint's secret")]
    Mismatch,
    #[error(
        "the signature's timestamp is {age} seconds from now, beyond the {TOLERANCE_SECS}-second tolerance"
    )]
    OutsideTolerance { age: i64 },
}

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, timestamp: i64, payload: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length.
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable_key_length());
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

#[allow(clippy::panic)]
fn unreachable_key_length() -> HmacSha256 {
    panic!("HMAC accepts keys of every length")
}

/// Checks `header` against the raw `payload` at `now` (unix seconds).
pub fn verify(
    payload: &[u8],
    header: Option<&str>,
    secret: &str,
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => {
                if let Ok(bytes) = hex::decode(value) {
                    signatures.push(bytes);
                }
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    // The signature first: a forged header learns nothing about the clock.
    let matched = signatures.iter().any(|signature| {
        mac(secret, timestamp, payload)
            .verify_slice(signature)
            .is_ok()
    });
    if !matched {
        return Err(SignatureError::Mismatch);
    }
    let age = now - timestamp;
    if age.abs() > TOLERANCE_SECS {
        return Err(SignatureError::OutsideTolerance { age });
    }
    Ok(())
}

/// The header Stripe would send for `payload` signed at `timestamp`: for tests and stand-ins.
pub fn sign(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let signature = hex::encode(mac(secret, timestamp, payload).finalize().into_bytes());
    format!("t={timestamp},v1={signature}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;

    #[test]
    fn a_signature_made_as_stripe_makes_it_verifies() {
        let header = sign(BODY, SECRET, 1_700_000_000);
        assert_eq!(verify(BODY, Some(&header), SECRET, 1_700_000_100), Ok(()));
    }

    #[test]
    fn the_signature_is_stripes_hmac_of_timestamp_dot_body() {
        // Computed independently with
        // `printf '1700000000.<body>' | openssl dgst -sha256 -hmac whsec_test_secret`.
        assert_eq!(
            sign(BODY, SECRET, 1_700_000_000),
            "t=1700000000,v1=22d8dc182f5c588077683bd378368e29765bfe5df2560112b4f28fef120f0e31"
        );
    }

    #[test]
    fn a_wrong_secret_a_tampered_body_and_an_old_timestamp_are_refused() {
        let header = sign(BODY, SECRET, 1_700_000_000);
        assert_eq!(
            verify(BODY, Some(&header), "whsec_other", 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
        let tampered = br#"{"id":"evt_1","type":"payment_intent.succeeded "}"#;
        assert_eq!(
            verify(tampered, Some(&header), SECRET, 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(BODY, Some(&header), SECRET, 1_700_000_301),
            Err(SignatureError::OutsideTolerance { age: 301 })
        );
        assert_eq!(verify(BODY, Some(&header), SECRET, 1_700_000_300), Ok(()));
        assert_eq!(verify(BODY, None, SECRET, 0), Err(SignatureError::Missing));
        assert_eq!(
            verify(BODY, Some("v1=abc"), SECRET, 0),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn any_v1_matching_is_enough_while_a_secret_is_rolled() {
        let good = sign(BODY, SECRET, 1_700_000_000);
        let signature = good.split("v1=").nth(1).unwrap_or_default();
        let rolled = format!(
            "t=1700000000,v1={},v1={signature},v0=deadbeef",
            "00".repeat(32)
        );
        assert_eq!(verify(BODY, Some(&rolled), SECRET, 1_700_000_000), Ok(()));
    }
}
