//! The layout rules of DESIGN §9, checked on the source tree: an area's layers stay apart, no
//! area reaches into another's GraphQL module, and no file grows past what one person reads.
//!
//! `PENDING` names the files that still break a rule while the layering is being finished, each
//! with the rule it breaks. The list may only shrink: a listed file that meets the rule fails the
//! test until its line is removed, so the list never hides a file that was fixed or a new one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The most lines a source file may have, not counting its `#[cfg(test)] mod tests`.
const MAX_LINES: usize = 800;

/// Files that break a rule today, and which: `(path from the repository root, rule)`.
const PENDING: &[(&str, Rule)] = &[];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rule {
    /// Over [`MAX_LINES`] lines outside its tests.
    TooLong,
    /// Holds both async-graphql derives and SQL.
    GraphqlAndSql,
    /// Names another area's GraphQL module.
    ForeignGraphql,
    /// Turns a stored value that does not parse into a default (`parse(&row.x).unwrap_or(…)`).
    StoredDefault,
    /// Spells out which statuses are open instead of reading `domain::open_statuses!()`.
    OpenSpelledOut,
    /// Writes an aging bucket's bounds instead of `domain::aging::bucket_sums_sql`.
    AgingSpelledOut,
    /// Sends a list as joined text (`string_to_array`) instead of a typed array.
    ListAsText,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the backend sits in the repository")
        .to_path_buf()
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            into.push(path);
        }
    }
}

/// The lines before the file's own unit tests.
fn lines_outside_tests(text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .windows(2)
        .position(|pair| pair[0].trim() == "#[cfg(test)]" && pair[1].starts_with("mod tests"))
        .unwrap_or(lines.len())
}

fn has_graphql_types(text: &str) -> bool {
    text.contains("#[Object")
        || text.contains("#[ComplexObject")
        || text.lines().any(|line| {
            let line = line.trim();
            line.starts_with("#[derive(")
                && [
                    "SimpleObject",
                    "InputObject",
                    "Enum",
                    "Union",
                    "Interface",
                    "MergedObject",
                ]
                .iter()
                .any(|derive| {
                    line.split(|c: char| !c.is_alphanumeric() && c != '_')
                        .any(|word| word == *derive)
                })
        })
}

fn has_sql(text: &str) -> bool {
    [
        "Statement::from_sql",
        "FromQueryResult",
        "execute_unprepared",
        "query_all_raw",
        "query_one_raw",
    ]
    .iter()
    .any(|marker| text.contains(marker))
        || text.lines().any(|line| {
            let line = line.trim_start_matches([' ', 'r', '#', '"']);
            [
                "SELECT ",
                "INSERT INTO ",
                "UPDATE ",
                "DELETE FROM ",
                "WITH ",
            ]
            .iter()
            .any(|keyword| line.starts_with(keyword))
        })
}

fn defaults_a_stored_value(text: &str) -> bool {
    text.lines()
        .any(|line| line.contains("row.") && line.contains("parse") && line.contains(".unwrap_or"))
}

/// The backend's areas: folders under `backend/src` with a `graphql` module of their own.
/// `api` assembles the schema and `http` serves it; neither is an area.
fn areas(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src)
        .expect("backend/src")
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .filter(|entry| {
            entry.path().join("graphql.rs").exists() || entry.path().join("graphql").is_dir()
        })
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name != "api" && name != "http")
        .collect()
}

/// The areas whose GraphQL module `text` names, other than `own`.
fn foreign_graphql(text: &str, own: Option<&str>, areas: &BTreeSet<String>) -> Vec<String> {
    areas
        .iter()
        .filter(|area| Some(area.as_str()) != own)
        .filter(|area| {
            let needle = format!("{area}::graphql");
            text.match_indices(&needle).any(|(at, _)| {
                !text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
        .cloned()
        .collect()
}

fn violations() -> BTreeSet<(String, Rule)> {
    let root = repo_root();
    let backend_src = root.join("backend/src");
    let areas = areas(&backend_src);
    let mut files = Vec::new();
    for crate_src in [
        "shared/src",
        "backend/src",
        "backend/stripe/src",
        "backend/bank-formats/src",
        "frontend/src",
        "migrations/src",
    ] {
        rust_files(&root.join(crate_src), &mut files);
    }
    let mut found = BTreeSet::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("a readable source file");
        let name = path
            .strip_prefix(&root)
            .expect("under the root")
            .to_string_lossy()
            .replace('\\', "/");
        if lines_outside_tests(&text) > MAX_LINES {
            found.insert((name.clone(), Rule::TooLong));
        }
        let Ok(in_backend) = path.strip_prefix(&backend_src) else {
            continue;
        };
        if text.contains("('ISSUED', 'PARTIALLY_PAID')") {
            found.insert((name.clone(), Rule::OpenSpelledOut));
        }
        if text.contains("BETWEEN 1 AND") {
            found.insert((name.clone(), Rule::AgingSpelledOut));
        }
        if text.contains("string_to_array") {
            found.insert((name.clone(), Rule::ListAsText));
        }
        if defaults_a_stored_value(&text) {
            found.insert((name.clone(), Rule::StoredDefault));
        }
        if has_graphql_types(&text) && has_sql(&text) {
            found.insert((name.clone(), Rule::GraphqlAndSql));
        }
        // Only the schema's assembly may name every area's roots.
        if name == "backend/src/api/mod.rs" {
            continue;
        }
        let own = in_backend
            .components()
            .next()
            .and_then(|first| first.as_os_str().to_str())
            .map(|first| first.trim_end_matches(".rs"));
        if !foreign_graphql(&text, own, &areas).is_empty() {
            found.insert((name, Rule::ForeignGraphql));
        }
    }
    found
}

#[test]
fn the_source_tree_keeps_its_layers() {
    let found = violations();
    let pending: BTreeSet<(String, Rule)> = PENDING
        .iter()
        .map(|(path, rule)| ((*path).to_owned(), *rule))
        .collect();
    let new: Vec<_> = found.difference(&pending).collect();
    let fixed: Vec<_> = pending.difference(&found).collect();
    assert!(
        new.is_empty(),
        "these files break a layout rule (DESIGN §9; the rules are at the top of \
         backend/tests/api/architecture.rs): {new:#?}"
    );
    assert!(
        fixed.is_empty(),
        "these files meet their rule now: take them off PENDING: {fixed:#?}"
    );
}

#[test]
fn the_rules_see_what_they_forbid() {
    let areas: BTreeSet<String> = ["invoices", "payments"].map(str::to_owned).into();
    assert_eq!(
        foreign_graphql(
            "use crate::invoices::graphql::Allocation;",
            Some("payments"),
            &areas
        ),
        ["invoices"]
    );
    assert!(foreign_graphql("use super::graphql::X;", Some("payments"), &areas).is_empty());
    assert!(foreign_graphql("use async_graphql::Object;", None, &areas).is_empty());
    assert!(has_graphql_types(
        "#[derive(SimpleObject, Clone)]\npub struct A;"
    ));
    assert!(!has_graphql_types("#[derive(Debug, Clone)]\npub struct A;"));
    assert!(has_sql("    r#\"SELECT id FROM invoices\"#"));
    assert!(has_sql("#[derive(FromQueryResult)]"));
    assert!(!has_sql("// selects the rows"));
    assert!(defaults_a_stored_value(
        "let s = InvoiceStatus::parse(&row.status).unwrap_or(InvoiceStatus::Draft);"
    ));
    assert!(defaults_a_stored_value(
        "locale: row.locale.parse().unwrap_or_default(),"
    ));
    assert_eq!(
        lines_outside_tests("a\nb\n#[cfg(test)]\nmod tests {\n}\n"),
        2
    );
}
