//! The operation name a GraphQL request's metrics carry. A label's every value is a series in
//! every scraper, so the names come from bounded sets: the web app's own operations (its
//! documents are compiled in here), and the names of persisted documents, up to
//! [`MAX_PERSISTED_NAMES`] per process. Anything else, a batch, or an anonymous operation is
//! `other`.

use async_graphql::Request;
use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

/// Distinct persisted operation names labelled per process; later ones count as `other`.
pub const MAX_PERSISTED_NAMES: usize = 256;
pub const OTHER: &str = "other";

/// The web app's documents, as `graphql_client` compiles them into the frontend.
const WEB_APP_DOCUMENTS: [&str; 11] = [
    include_str!("../../../frontend/src/graphql/admin.graphql"),
    include_str!("../../../frontend/src/graphql/analytics.graphql"),
    include_str!("../../../frontend/src/graphql/approvals.graphql"),
    include_str!("../../../frontend/src/graphql/billing.graphql"),
    include_str!("../../../frontend/src/graphql/cash.graphql"),
    include_str!("../../../frontend/src/graphql/collections.graphql"),
    include_str!("../../../frontend/src/graphql/receivables.graphql"),
    include_str!("../../../frontend/src/graphql/server_info.graphql"),
    include_str!("../../../frontend/src/graphql/session.graphql"),
    include_str!("../../../frontend/src/graphql/settings.graphql"),
    include_str!("../../../frontend/src/graphql/team.graphql"),
];

static WEB_APP: LazyLock<HashSet<String>> = LazyLock::new(|| {
    WEB_APP_DOCUMENTS
        .iter()
        .filter_map(|document| async_graphql::parser::parse_query(document).ok())
        .flat_map(|document| {
            document
                .operations
                .iter()
                .filter_map(|(name, _)| name.map(|name| name.to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
});

static PERSISTED: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Mutex::default);

/// Whether `name` is one of the web app's operations.
pub fn is_web_app_operation(name: &str) -> bool {
    WEB_APP.contains(name)
}

/// The label of `request`, looked at before it runs; `persisted` when it came as (or
/// registered) a persisted document.
pub fn label(request: &Request, persisted: bool) -> String {
    let Some(name) = request.operation_name.as_deref() else {
        return OTHER.to_owned();
    };
    if is_web_app_operation(name) {
        return name.to_owned();
    }
    if persisted && admit_persisted(name) {
        return name.to_owned();
    }
    OTHER.to_owned()
}

fn admit_persisted(name: &str) -> bool {
    // Names are GraphQL names: letters, digits and underscores, and short.
    if name.len() > 64 || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return false;
    }
    let mut names = PERSISTED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if names.contains(name) {
        return true;
    }
    if names.len() >= MAX_PERSISTED_NAMES {
        return false;
    }
    names.insert(name.to_owned());
    true
}

/// The label, handed from the GraphQL handler to the metrics layer in the response.
#[derive(Clone, Debug)]
pub struct OperationLabel(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_web_apps_operations_are_known_by_name() {
        assert!(WEB_APP.len() > 50, "{}", WEB_APP.len());
        assert!(is_web_app_operation("Customers"), "{:?}", WEB_APP);
        assert!(!is_web_app_operation("SomethingElse"));
    }

    #[test]
    fn a_third_partys_name_is_other_unless_persisted_and_persisted_names_are_bounded() {
        let named = |name: &str| Request::new("{ __typename }").operation_name(name);
        assert_eq!(label(&named("MyReport"), false), OTHER);
        assert_eq!(label(&Request::new("{ __typename }"), true), OTHER);
        assert_eq!(label(&named("Customers"), false), "Customers");
        assert_eq!(label(&named("bad name"), true), OTHER);
        for n in 0..MAX_PERSISTED_NAMES {
            label(&named(&format!("Persisted{n}")), true);
        }
        assert_eq!(label(&named("OneTooMany"), true), OTHER);
        assert_eq!(label(&named("Persisted7"), true), "Persisted7");
    }
}
