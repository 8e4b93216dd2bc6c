//! Who may do what: roles, permissions, the role x permission matrix, and API-key scopes.
//!
//! The backend enforces this matrix in one place and the web app reads it to show only what a
//! user may do, so both always agree.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A team member's role in one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Role {
    /// Everything, including billing; a tenant always keeps at least one owner.
    Owner,
    /// Everything but ownership: team, settings, billing and all receivables work.
    Admin,
    /// Credit policy, invoices, payments and dunning.
    FinanceManager,
    /// Works the customers assigned to them: activities, promises, tasks; reads their invoices.
    Collector,
    /// Reads the status of the customers they sell to; changes no money.
    Sales,
    /// Reads everything, changes nothing.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Owner,
        Role::Admin,
        Role::FinanceManager,
        Role::Collector,
        Role::Sales,
        Role::Viewer,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "OWNER",
            Role::Admin => "ADMIN",
            Role::FinanceManager => "FINANCE_MANAGER",
            Role::Collector => "COLLECTOR",
            Role::Sales => "SALES",
            Role::Viewer => "VIEWER",
        }
    }

    /// How far this role may take `permission`.
    pub const fn access(self, permission: Permission) -> Access {
        use Access::{All, Assigned, None};
        use Permission as P;
        match (self, permission) {
            (Role::Owner, _) => All,
            (Role::Admin, P::TransferOwnership) => None,
            (Role::Admin, _) => All,

            (
                Role::FinanceManager,
                P::ViewCustomers | P::ManageCustomers | P::ManageCreditPolicy,
            ) => All,
            (Role::FinanceManager, P::OverrideCreditBlock) => All,
            (Role::FinanceManager, P::ViewInvoices | P::ManageInvoices) => All,
            (Role::FinanceManager, P::ViewPayments | P::ManagePayments) => All,
            (Role::FinanceManager, P::ViewCollections | P::WorkCollections | P::ManageDunning) => {
                All
            }
            (Role::FinanceManager, P::ViewReports | P::ViewAuditLog | P::ViewTeam) => All,
            (Role::FinanceManager, _) => None,

            (Role::Collector, P::ViewCustomers | P::ViewInvoices | P::ViewPayments) => Assigned,
            (Role::Collector, P::ViewCollections | P::WorkCollections) => Assigned,
            (Role::Collector, _) => None,

            (Role::Sales, P::ViewCustomers | P::ViewInvoices) => Assigned,
            (Role::Sales, _) => None,

            (
                Role::Viewer,
                P::ViewCustomers
                | P::ViewInvoices
                | P::ViewPayments
                | P::ViewCollections
                | P::ViewReports
                | P::ViewTeam,
            ) => All,
            (Role::Viewer, _) => None,
        }
    }

    /// Whether a member of this role may be a customer's collector (or own a collection task):
    /// those who work collections.
    pub const fn may_collect(self) -> bool {
        self.can(Permission::WorkCollections)
    }

    /// Whether a member of this role may be a customer's salesperson: sales, and those who
    /// run the company's customers (a small company's owner often sells too). Collectors and
    /// viewers may not.
    pub const fn may_sell(self) -> bool {
        matches!(
            self,
            Role::Owner | Role::Admin | Role::FinanceManager | Role::Sales
        )
    }

    pub const fn can(self, permission: Permission) -> bool {
        !matches!(self.access(permission), Access::None)
    }

    /// Every permission this role has, with how far it reaches.
    pub fn permissions(self) -> Vec<(Permission, Access)> {
        Permission::ALL
            .into_iter()
            .map(|permission| (permission, self.access(permission)))
            .filter(|(_, access)| *access != Access::None)
            .collect()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`; use OWNER, ADMIN, FINANCE_MANAGER, COLLECTOR, SALES or VIEWER")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// How far a permission reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Access {
    None,
    /// Only the customers assigned to the user (as collector or salesperson).
    Assigned,
    All,
}

/// Something a user or API key may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Permission {
    ViewTeam,
    ManageTeam,
    TransferOwnership,
    ManageSettings,
    ManageBilling,
    ManageApiKeys,
    ViewAuditLog,
    ViewCustomers,
    ManageCustomers,
    ManageCreditPolicy,
    OverrideCreditBlock,
    ViewInvoices,
    ManageInvoices,
    ViewPayments,
    ManagePayments,
    /// Reads collection work: activities, promises, tasks, worklists.
    ViewCollections,
    /// Logs activities, records promises, completes tasks.
    WorkCollections,
    /// Ladders, templates, dunning runs, fees, legal cases and collection settings.
    ManageDunning,
    ViewReports,
    /// Webhook endpoints and their delivery log: what other systems are told, which carries
    /// every area's events.
    ManageWebhooks,
}

impl Permission {
    pub const ALL: [Permission; 20] = [
        Permission::ViewTeam,
        Permission::ManageTeam,
        Permission::TransferOwnership,
        Permission::ManageSettings,
        Permission::ManageBilling,
        Permission::ManageApiKeys,
        Permission::ViewAuditLog,
        Permission::ViewCustomers,
        Permission::ManageCustomers,
        Permission::ManageCreditPolicy,
        Permission::OverrideCreditBlock,
        Permission::ViewInvoices,
        Permission::ManageInvoices,
        Permission::ViewPayments,
        Permission::ManagePayments,
        Permission::ViewCollections,
        Permission::WorkCollections,
        Permission::ManageDunning,
        Permission::ViewReports,
        Permission::ManageWebhooks,
    ];

    /// The API-key scope that grants this permission, if keys may have it at all. Managing the
    /// team, ownership, billing and keys themselves is for people signed in, never for keys.
    pub const fn api_scope(self) -> Option<ApiScope> {
        use Permission as P;
        match self {
            P::ViewCustomers => Some(ApiScope::CustomersRead),
            P::ManageCustomers | P::ManageCreditPolicy => Some(ApiScope::CustomersWrite),
            P::ViewInvoices => Some(ApiScope::InvoicesRead),
            P::ManageInvoices => Some(ApiScope::InvoicesWrite),
            P::ViewPayments => Some(ApiScope::PaymentsRead),
            P::ManagePayments => Some(ApiScope::PaymentsWrite),
            P::ViewCollections => Some(ApiScope::CollectionsRead),
            P::WorkCollections => Some(ApiScope::CollectionsWrite),
            P::ManageDunning => Some(ApiScope::DunningWrite),
            P::ViewReports => Some(ApiScope::ReportsRead),
            P::ViewAuditLog => Some(ApiScope::AuditRead),
            P::ViewTeam => Some(ApiScope::TeamRead),
            P::ManageWebhooks => Some(ApiScope::WebhooksWrite),
            P::ManageTeam
            | P::TransferOwnership
            | P::ManageSettings
            | P::ManageBilling
            | P::ManageApiKeys
            | P::OverrideCreditBlock => None,
        }
    }
}

/// What an API key may do: one area, read or write. Written `area:access`, as `invoices:write`.
/// A write scope includes reading the same area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiScope {
    CustomersRead,
    CustomersWrite,
    InvoicesRead,
    InvoicesWrite,
    PaymentsRead,
    PaymentsWrite,
    CollectionsRead,
    CollectionsWrite,
    /// Ladders, templates, dunning runs and collection settings: what sends letters and places
    /// holds, so a key that logs calls cannot also change the ladder.
    DunningWrite,
    ReportsRead,
    AuditRead,
    TeamRead,
    /// Webhook endpoints and deliveries: an integration registers where it is told.
    WebhooksWrite,
}

impl ApiScope {
    pub const ALL: [ApiScope; 13] = [
        ApiScope::CustomersRead,
        ApiScope::CustomersWrite,
        ApiScope::InvoicesRead,
        ApiScope::InvoicesWrite,
        ApiScope::PaymentsRead,
        ApiScope::PaymentsWrite,
        ApiScope::CollectionsRead,
        ApiScope::CollectionsWrite,
        ApiScope::DunningWrite,
        ApiScope::ReportsRead,
        ApiScope::AuditRead,
        ApiScope::TeamRead,
        ApiScope::WebhooksWrite,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ApiScope::CustomersRead => "customers:read",
            ApiScope::CustomersWrite => "customers:write",
            ApiScope::InvoicesRead => "invoices:read",
            ApiScope::InvoicesWrite => "invoices:write",
            ApiScope::PaymentsRead => "payments:read",
            ApiScope::PaymentsWrite => "payments:write",
            ApiScope::CollectionsRead => "collections:read",
            ApiScope::CollectionsWrite => "collections:write",
            ApiScope::DunningWrite => "dunning:write",
            ApiScope::ReportsRead => "reports:read",
            ApiScope::AuditRead => "audit:read",
            ApiScope::TeamRead => "team:read",
            ApiScope::WebhooksWrite => "webhooks:write",
        }
    }

    /// True when holding `self` grants `needed` (a write scope also reads its area;
    /// `dunning:write` reads collection work too, which its runs and ladders act on).
    pub const fn grants(self, needed: ApiScope) -> bool {
        use ApiScope::*;
        matches!(
            (self, needed),
            (CustomersWrite, CustomersRead)
                | (InvoicesWrite, InvoicesRead)
                | (PaymentsWrite, PaymentsRead)
                | (CollectionsWrite, CollectionsRead)
                | (DunningWrite, CollectionsRead)
        ) || self as u8 == needed as u8
    }
}

impl fmt::Display for ApiScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown scope `{0}`; scopes are written area:access, such as invoices:read or payments:write"
)]
pub struct UnknownScope(pub String);

impl FromStr for ApiScope {
    type Err = UnknownScope;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ApiScope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s)
            .ok_or_else(|| UnknownScope(s.to_owned()))
    }
}

impl Serialize for ApiScope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ApiScope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Whether a key holding `scopes` may use `permission`.
pub fn scopes_allow(scopes: &[ApiScope], permission: Permission) -> bool {
    permission
        .api_scope()
        .is_some_and(|needed| scopes.iter().any(|held| held.grants(needed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_may_do_everything() {
        for permission in Permission::ALL {
            assert_eq!(
                Role::Owner.access(permission),
                Access::All,
                "{permission:?}"
            );
        }
    }

    #[test]
    fn only_owners_transfer_ownership() {
        for role in Role::ALL {
            assert_eq!(role.can(Permission::TransferOwnership), role == Role::Owner);
        }
    }

    #[test]
    fn only_owners_and_admins_manage_the_team_billing_settings_and_keys() {
        for role in Role::ALL {
            let manager = matches!(role, Role::Owner | Role::Admin);
            for permission in [
                Permission::ManageTeam,
                Permission::ManageBilling,
                Permission::ManageSettings,
                Permission::ManageApiKeys,
            ] {
                assert_eq!(role.can(permission), manager, "{role:?} {permission:?}");
            }
        }
    }

    #[test]
    fn finance_managers_run_credit_invoices_payments_and_dunning() {
        for permission in [
            Permission::ManageCreditPolicy,
            Permission::ManageInvoices,
            Permission::ManagePayments,
            Permission::ManageDunning,
        ] {
            assert_eq!(Role::FinanceManager.access(permission), Access::All);
        }
        assert!(!Role::FinanceManager.can(Permission::ManageTeam));
    }

    #[test]
    fn collectors_work_and_read_only_their_assigned_customers() {
        assert_eq!(
            Role::Collector.access(Permission::WorkCollections),
            Access::Assigned
        );
        assert_eq!(
            Role::Collector.access(Permission::ViewInvoices),
            Access::Assigned
        );
        assert!(!Role::Collector.can(Permission::ManagePayments));
        assert!(!Role::Collector.can(Permission::ManageTeam));
        assert!(!Role::Collector.can(Permission::ManageApiKeys));
    }

    #[test]
    fn sales_read_their_customers_and_change_no_money() {
        assert_eq!(
            Role::Sales.access(Permission::ViewCustomers),
            Access::Assigned
        );
        for permission in [
            Permission::ManageInvoices,
            Permission::ManagePayments,
            Permission::ManageCreditPolicy,
            Permission::WorkCollections,
        ] {
            assert!(!Role::Sales.can(permission), "{permission:?}");
        }
    }

    #[test]
    fn viewers_read_and_change_nothing() {
        for permission in Permission::ALL {
            let name = format!("{permission:?}");
            if name.starts_with("View") && permission != Permission::ViewAuditLog {
                assert_eq!(Role::Viewer.access(permission), Access::All, "{name}");
            } else {
                assert!(!Role::Viewer.can(permission), "{name}");
            }
        }
    }

    #[test]
    fn roles_and_scopes_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        for scope in ApiScope::ALL {
            assert_eq!(scope.as_str().parse::<ApiScope>(), Ok(scope));
        }
        assert!("invoices:delete".parse::<ApiScope>().is_err());
    }

    #[test]
    fn a_write_scope_also_reads_its_area_and_nothing_else() {
        assert!(scopes_allow(
            &[ApiScope::InvoicesWrite],
            Permission::ViewInvoices
        ));
        assert!(scopes_allow(
            &[ApiScope::InvoicesWrite],
            Permission::ManageInvoices
        ));
        assert!(!scopes_allow(
            &[ApiScope::InvoicesRead],
            Permission::ManageInvoices
        ));
        assert!(!scopes_allow(
            &[ApiScope::InvoicesWrite],
            Permission::ViewPayments
        ));
    }

    #[test]
    fn collection_scopes_split_reading_working_and_the_ladder() {
        let read = [ApiScope::CollectionsRead];
        assert!(scopes_allow(&read, Permission::ViewCollections));
        assert!(!scopes_allow(&read, Permission::WorkCollections));
        let write = [ApiScope::CollectionsWrite];
        assert!(scopes_allow(&write, Permission::ViewCollections));
        assert!(scopes_allow(&write, Permission::WorkCollections));
        assert!(!scopes_allow(&write, Permission::ManageDunning));
        let dunning = [ApiScope::DunningWrite];
        assert!(scopes_allow(&dunning, Permission::ManageDunning));
        assert!(!scopes_allow(&dunning, Permission::WorkCollections));
    }

    #[test]
    fn whoever_works_collections_also_reads_them() {
        for role in Role::ALL {
            if role.can(Permission::WorkCollections) {
                assert_eq!(
                    role.access(Permission::ViewCollections),
                    role.access(Permission::WorkCollections),
                    "{role:?}"
                );
            }
        }
    }

    #[test]
    fn no_scope_lets_a_key_manage_the_team_or_keys() {
        let every_scope = ApiScope::ALL.to_vec();
        for permission in [
            Permission::ManageTeam,
            Permission::ManageApiKeys,
            Permission::ManageBilling,
            Permission::TransferOwnership,
        ] {
            assert!(!scopes_allow(&every_scope, permission), "{permission:?}");
        }
    }
}
