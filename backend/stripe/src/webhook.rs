//! Stripe's webhook signatures, as Stripe documents and its official libraries check them.
//!
//! The `Stripe-Signature` header reads `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`; each `v1` is
//! the lowercase hex HMAC-SHA256 of `"{t}.{raw body}"` keyed with the endpoint secret's bytes
//! (the whole `whsec_...` string). There is one `v1` per live secret while a secret is rolled,
//! so any one matching is enough; other schemes (`v0`) are ignored. The timestamp must be
//! within the tolerance of now, so a captured request cannot be replayed later.
//!
//! The header comes from anyone on the internet, so its cost is bounded before any hashing: at
//! most [`MAX_HEADER_BYTES`] and [`MAX_ENTRIES`] entries, the timestamp checked first, and the
//! body hashed once per secret however many `v1` entries there are (each is compared with that
//! one digest, in constant time).

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::cell::Cell;

/// Stripe's default tolerance.
pub const TOLERANCE_SECS: i64 = 300;
/// Stripe sends a timestamp and one or two `v1` (two while a secret is rolled, plus a `v0` in
/// test mode); a header longer than this is not Stripe's.
pub const MAX_HEADER_BYTES: usize = 4096;
/// Entries (`key=value`) in one header; more is not Stripe's.
pub const MAX_ENTRIES: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing")]
    Missing,
    #[error(
        "the Stripe-Signature header is {bytes} bytes long; at most {MAX_HEADER_BYTES} are accepted"
    )]
    HeaderTooLong { bytes: usize },
    #[error(
        "the Stripe-Signature header has {entries} entries; at most {MAX_ENTRIES} are accepted"
    )]
    TooManyEntries { entries: usize },
    #[error("the Stripe-Signature header is malformed: {reason}")]
    Malformed { reason: &'static str },
    #[error("no v1 signature matches the payload with this endpoint's secret")]
    Mismatch,
    #[error(
        "the signature's timestamp is {age} seconds from now, beyond the {TOLERANCE_SECS}-second tolerance"
    )]
    OutsideTolerance { age: i64 },
}

type HmacSha256 = Hmac<Sha256>;

thread_local! {
    /// HMACs this thread computed while verifying: the tests count them, since the cost of a
    /// hostile header is exactly this number.
    static VERIFY_HMACS: Cell<u64> = const { Cell::new(0) };
}

/// How many HMACs [`SignatureHeader::verify`] has computed on this thread.
pub fn verify_hmacs_on_this_thread() -> u64 {
    VERIFY_HMACS.with(Cell::get)
}

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

/// A `Stripe-Signature` header that passed the cheap checks: its size, its entries and its
/// timestamp. Only then is it worth hashing the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    timestamp: i64,
    signatures: Vec<[u8; 32]>,
}

impl SignatureHeader {
    /// Parses `header` strictly and checks its timestamp against `now` (unix seconds).
    pub fn parse(header: Option<&str>, now: i64) -> Result<Self, SignatureError> {
        let header = header.ok_or(SignatureError::Missing)?;
        if header.len() > MAX_HEADER_BYTES {
            return Err(SignatureError::HeaderTooLong {
                bytes: header.len(),
            });
        }
        let entries = header.split(',').count();
        if entries > MAX_ENTRIES {
            return Err(SignatureError::TooManyEntries { entries });
        }
        let mut timestamp = None;
        let mut signatures = Vec::new();
        for entry in header.split(',') {
            let Some((scheme, value)) = entry.trim().split_once('=') else {
                return Err(SignatureError::Malformed {
                    reason: "an entry is not `key=value`",
                });
            };
            match scheme {
                "t" => {
                    if timestamp.is_some() {
                        return Err(SignatureError::Malformed {
                            reason: "the timestamp `t` is given twice",
                        });
                    }
                    timestamp =
                        Some(
                            value
                                .parse::<i64>()
                                .map_err(|_| SignatureError::Malformed {
                                    reason: "the timestamp `t` is not a whole number of seconds",
                                })?,
                        );
                }
                "v1" => {
                    let mut signature = [0u8; 32];
                    hex::decode_to_slice(value, &mut signature).map_err(|_| {
                        SignatureError::Malformed {
                            reason: "a `v1` signature is not 64 hexadecimal digits",
                        }
                    })?;
                    signatures.push(signature);
                }
                // Stripe documents other schemes (`v0`, test mode) as to be ignored.
                _ => {}
            }
        }
        let timestamp = timestamp.ok_or(SignatureError::Malformed {
            reason: "there is no timestamp `t`",
        })?;
        if signatures.is_empty() {
            return Err(SignatureError::Malformed {
                reason: "there is no `v1` signature",
            });
        }
        // The clock before the hash: a stale or future header costs nothing.
        let age = now.saturating_sub(timestamp);
        if age.saturating_abs() > TOLERANCE_SECS {
            return Err(SignatureError::OutsideTolerance { age });
        }
        Ok(SignatureHeader {
            timestamp,
            signatures,
        })
    }

    /// Hashes `payload` once with `secret` and accepts when any `v1` matches it.
    pub fn verify(&self, payload: &[u8], secret: &str) -> Result<(), SignatureError> {
        VERIFY_HMACS.with(|count| count.set(count.get() + 1));
        let hashed = mac(secret, self.timestamp, payload);
        // Each comparison clones the finished state (no rehash) and compares in constant time.
        let matched = self
            .signatures
            .iter()
            .any(|signature| hashed.clone().verify_slice(signature).is_ok());
        if matched {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        }
    }
}

/// Checks `header` against the raw `payload` at `now` (unix seconds).
pub fn verify(
    payload: &[u8],
    header: Option<&str>,
    secret: &str,
    now: i64,
) -> Result<(), SignatureError> {
    SignatureHeader::parse(header, now)?.verify(payload, secret)
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
            Err(SignatureError::Malformed {
                reason: "a `v1` signature is not 64 hexadecimal digits"
            })
        );
        assert_eq!(
            verify(BODY, Some(&format!("v1={}", "00".repeat(32))), SECRET, 0),
            Err(SignatureError::Malformed {
                reason: "there is no timestamp `t`"
            })
        );
    }

    #[test]
    fn a_header_of_a_hundred_thousand_entries_is_refused_without_hashing() {
        let header = format!("t=1700000000{}", ",v1=".repeat(100_000));
        let body = vec![b'x'; 200 * 1024];
        let before = verify_hmacs_on_this_thread();
        assert_eq!(
            verify(&body, Some(&header), SECRET, 1_700_000_000),
            Err(SignatureError::HeaderTooLong {
                bytes: header.len()
            })
        );
        // Within the byte limit but over the entry limit: refused before hashing too.
        let header = format!("t=1700000000{}", ",v1=".repeat(9));
        assert_eq!(
            verify(&body, Some(&header), SECRET, 1_700_000_000),
            Err(SignatureError::TooManyEntries { entries: 10 })
        );
        assert_eq!(verify_hmacs_on_this_thread() - before, 0);
    }

    #[test]
    fn many_signatures_cost_one_hmac_per_secret() {
        let wrong = "ab".repeat(32);
        let header = format!("t=1700000000{}", format!(",v1={wrong}").repeat(7));
        let before = verify_hmacs_on_this_thread();
        assert_eq!(
            verify(BODY, Some(&header), SECRET, 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(verify_hmacs_on_this_thread() - before, 1);
    }

    #[test]
    fn the_timestamp_is_checked_before_any_hashing() {
        let header = sign(BODY, SECRET, 1_700_000_000);
        let before = verify_hmacs_on_this_thread();
        assert_eq!(
            verify(BODY, Some(&header), SECRET, 1_700_001_000),
            Err(SignatureError::OutsideTolerance { age: 1000 })
        );
        assert_eq!(verify_hmacs_on_this_thread() - before, 0);
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
