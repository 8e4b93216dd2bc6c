//! Outgoing webhooks: what Duely tells other systems (an ERP marking an invoice paid, a
//! warehouse stopping supply to a customer on credit hold, as the seed articles ask in `001`
//! §4.2). These are the rules: which events there are, how often and how long a delivery is
//! retried, when a failing endpoint is switched off, and which addresses a delivery may reach.

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The events an endpoint may subscribe to, by their binding names.
pub const EVENT_TYPES: [&str; 14] = [
    "invoice.issued",
    "invoice.paid",
    "invoice.voided",
    "invoice.written_off",
    "payment.recorded",
    "payment.reversed",
    "promise.created",
    "promise.kept",
    "promise.broken",
    "customer.credit_hold_changed",
    "customer.credit_limit_changed",
    "dispute.opened",
    "dispute.resolved",
    "approval.decided",
];

/// The event "send test event" delivers, whatever the endpoint subscribes to.
pub const TEST_EVENT: &str = "webhook.test";

pub fn is_event_type(name: &str) -> bool {
    EVENT_TYPES.contains(&name)
}

/// Endpoints a company may have (deleted ones do not count).
pub const MAX_ENDPOINTS: usize = 20;
pub const MAX_URL_LEN: usize = 2048;
pub const MAX_DESCRIPTION: usize = 200;

/// How long one attempt may take, connecting included.
pub const ATTEMPT_TIMEOUT_SECS: u64 = 10;
/// How much of a response's body the delivery log keeps.
pub const RESPONSE_EXCERPT_BYTES: usize = 1024;

/// Seconds from a failed attempt to the next: seven retries, the last a day after the first
/// attempt, before a delivery is given up.
pub const RETRY_AFTER_SECS: [u32; 7] = [60, 300, 1_800, 7_200, 18_000, 28_800, 30_240];
/// Attempts a delivery gets in all, the first included.
pub const MAX_ATTEMPTS: u32 = RETRY_AFTER_SECS.len() as u32 + 1;

/// How long after its attempt number `attempts` failed a delivery is tried again; `None` once
/// it has had every attempt.
pub fn retry_after(attempts: u32) -> Option<u32> {
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    RETRY_AFTER_SECS.get(index).copied()
}

/// An endpoint whose deliveries have failed without a success for this long is switched off.
pub const DISABLE_AFTER_FAILING_HOURS: i64 = 24;
/// Failures further apart than this (longer than the longest wait between retries) are two
/// streaks, not one: a failure weeks ago and one today are not a day of failing.
pub const FAILING_STREAK_GAP_HOURS: i64 = 9;
/// Finished deliveries, their attempts and the events no delivery still carries are kept this
/// long, then forgotten by the company's daily job.
pub const LOG_KEPT_DAYS: i64 = 30;
/// After a rotation, the old secret still signs (beside the new one) for this long.
pub const OLD_SECRET_VALID_HOURS: i64 = 24;

string_enum!(WebhookDeliveryStatus {
    /// Waiting for its attempt, or for a retry.
    Pending => "PENDING",
    /// The endpoint answered with a 2xx status.
    Delivered => "DELIVERED",
    /// Given up: every attempt failed, or the endpoint was switched off or deleted.
    Failed => "FAILED",
});

string_enum!(WebhookDisabledBecause {
    /// A member switched it off.
    Member => "MEMBER",
    /// Its deliveries failed for a day.
    Failing => "FAILING",
});

/// Whether a delivery may connect to `address`: only to the public internet. Loopback,
/// private, link-local, shared (carrier-grade NAT), multicast, documentation and unspecified
/// addresses, and IPv6 addresses that embed such an IPv4 address, are refused (a webhook must
/// not become a way into the server's own network). Development allows them all.
pub fn is_public_address(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            is_public_v6(v6)
        }
    }
}

fn is_public_v4(address: Ipv4Addr) -> bool {
    let [a, b, c, _] = address.octets();
    !(address.is_unspecified()
        || address.is_loopback()
        || address.is_private()
        || address.is_link_local()
        || address.is_multicast()
        || address.is_broadcast()
        || address.is_documentation()
        // 0.0.0.0/8, "this network".
        || a == 0
        // 100.64.0.0/10, shared address space (carrier-grade NAT).
        || (a == 100 && (64..128).contains(&b))
        // 192.0.0.0/24, protocol assignments.
        || (a == 192 && b == 0 && c == 0)
        // 198.18.0.0/15, benchmarking.
        || (a == 198 && (18..20).contains(&b))
        // 240.0.0.0/4, reserved.
        || a >= 240)
}

fn is_public_v6(address: Ipv6Addr) -> bool {
    let segments = address.segments();
    !(address.is_unspecified()
        || address.is_loopback()
        || address.is_multicast()
        // fc00::/7, unique local.
        || (segments[0] & 0xfe00) == 0xfc00
        // fe80::/10, link-local.
        || (segments[0] & 0xffc0) == 0xfe80
        // 2001:db8::/32, documentation.
        || (segments[0] == 0x2001 && segments[1] == 0x0db8)
        // 64:ff9b::/96 and ::/96: IPv4 inside IPv6, which could reach a private IPv4 address.
        || (segments[0] == 0x64 && segments[1] == 0xff9b)
        || segments[..6].iter().all(|segment| *segment == 0)
        // ::ffff:0:0/96, IPv4-translated.
        || (segments[..4].iter().all(|segment| *segment == 0) && segments[4] == 0xffff && segments[5] == 0)
        // 2002::/16 (6to4) and 2001::/32 (Teredo) carry an IPv4 address inside.
        || segments[0] == 0x2002
        || (segments[0] == 0x2001 && segments[1] == 0)
        // fec0::/10, site-local (deprecated, still routed inside some networks).
        || (segments[0] & 0xffc0) == 0xfec0)
}

/// The body of every delivery: `{id type createdAt sequence data}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EventBody {
    pub id: uuid::Uuid,
    #[serde(rename = "type")]
    pub event_type: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Increases with every event of the company: of two events about one resource, the later
    /// has the higher number, and they are delivered in that order.
    pub sequence: i64,
    pub data: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_is_retried_for_a_day_then_given_up() {
        let total: u32 = RETRY_AFTER_SECS.iter().sum();
        assert_eq!(total, 24 * 3600, "the last try comes a day after the first");
        let longest = *RETRY_AFTER_SECS.iter().max().unwrap();
        assert!(i64::from(longest) < FAILING_STREAK_GAP_HOURS * 3600);
        assert_eq!(retry_after(1), Some(60));
        assert_eq!(retry_after(7), Some(30_240));
        assert_eq!(retry_after(MAX_ATTEMPTS), None);
        assert_eq!(retry_after(0), None);
        assert!(RETRY_AFTER_SECS.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn only_public_addresses_are_reached() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "198.18.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "::127.0.0.1",
            "::ffff:0:10.0.0.1",
            "2002:a00:1::1",
            "2001:0:4136:e378::1",
            "fec0::1",
        ] {
            assert!(
                !is_public_address(refused.parse().unwrap()),
                "{refused} is not public"
            );
        }
        for allowed in [
            "8.8.8.8",
            "1.1.1.1",
            "203.119.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "2001:4860:4860::8888",
        ] {
            assert!(
                is_public_address(allowed.parse().unwrap()),
                "{allowed} is public"
            );
        }
    }

    #[test]
    fn event_types_are_named_area_dot_happening() {
        for name in EVENT_TYPES {
            let (area, what) = name.split_once('.').unwrap();
            assert!(!area.is_empty() && !what.is_empty());
            assert!(is_event_type(name));
        }
        assert!(!is_event_type(TEST_EVENT));
    }
}
