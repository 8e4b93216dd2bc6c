//! Risk alerts: what raised one (its kind), how urgent it is, and where it stands. Stored as
//! text (`risk_alerts.kind`, `severity`, `status`) by the names `as_str` gives.

// Plain comments on the enums: with the `graphql` feature a doc comment becomes the API's
// description, and the API describes only `DUNNING_REVIEW`.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum AlertStatus {
    Open,
    Acknowledged,
    Resolved,
}

impl AlertStatus {
    pub const ALL: [AlertStatus; 3] = [
        AlertStatus::Open,
        AlertStatus::Acknowledged,
        AlertStatus::Resolved,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "OPEN",
            AlertStatus::Acknowledged => "ACKNOWLEDGED",
            AlertStatus::Resolved => "RESOLVED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        AlertStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum AlertKind {
    OverCreditLimit,
    NearCreditLimit,
    BrokenPromise,
    RatingDowngrade,
    WorseningDaysToPay,
    LargeInvoiceOverdue,
    OverdueWhileOnHold,
    /// A dunning ladder's "notify the team" step: the account wants a look from the team.
    DunningReview,
}

impl AlertKind {
    pub const ALL: [AlertKind; 8] = [
        AlertKind::OverCreditLimit,
        AlertKind::NearCreditLimit,
        AlertKind::BrokenPromise,
        AlertKind::RatingDowngrade,
        AlertKind::WorseningDaysToPay,
        AlertKind::LargeInvoiceOverdue,
        AlertKind::OverdueWhileOnHold,
        AlertKind::DunningReview,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            AlertKind::OverCreditLimit => "OVER_CREDIT_LIMIT",
            AlertKind::NearCreditLimit => "NEAR_CREDIT_LIMIT",
            AlertKind::BrokenPromise => "BROKEN_PROMISE",
            AlertKind::RatingDowngrade => "RATING_DOWNGRADE",
            AlertKind::WorseningDaysToPay => "WORSENING_DAYS_TO_PAY",
            AlertKind::LargeInvoiceOverdue => "LARGE_INVOICE_OVERDUE",
            AlertKind::OverdueWhileOnHold => "OVERDUE_WHILE_ON_HOLD",
            AlertKind::DunningReview => "DUNNING_REVIEW",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        AlertKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum AlertSeverity {
    Low,
    Medium,
    High,
}

impl AlertSeverity {
    pub const ALL: [AlertSeverity; 3] = [
        AlertSeverity::Low,
        AlertSeverity::Medium,
        AlertSeverity::High,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            AlertSeverity::Low => "LOW",
            AlertSeverity::Medium => "MEDIUM",
            AlertSeverity::High => "HIGH",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        AlertSeverity::ALL
            .into_iter()
            .find(|severity| severity.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_name_reads_back() {
        for kind in AlertKind::ALL {
            assert_eq!(AlertKind::parse(kind.as_str()), Some(kind));
        }
        for severity in AlertSeverity::ALL {
            assert_eq!(AlertSeverity::parse(severity.as_str()), Some(severity));
        }
        for status in AlertStatus::ALL {
            assert_eq!(AlertStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(AlertKind::parse("broken_promise"), None);
    }
}
