//! GraphQL documents kept by their hash: parsed documents, so a client sending the same
//! operation again (the web app's every request) skips parsing, and automatic persisted
//! queries, so a third party may send a document's SHA-256 instead of the document.
//!
//! Both are bounded (entries and bytes, least recently used first) and keep no company data:
//! a document with a string literal in it (a name, a search) is never kept; values travel as
//! variables. Validation, the document limits and complexity still run on every request, since
//! what they find depends on the operation chosen and the variables.
//!
//! Written here rather than with async-graphql's `ApolloPersistedQueries`: its store is bounded
//! by count only, keeps any document, and its errors carry no code; and a persisted mutation
//! must still be refused over `GET`, which needs the document before execution.

use async_graphql::parser::parse_query;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, ServerError};
use domain::reason::Reason;
use lru::LruCache;
use sha2::{Digest, Sha256};
use std::sync::{Arc, LazyLock, Mutex};

/// The longest document kept (the web app's largest is a few KiB).
pub const MAX_KEPT_DOCUMENT: usize = 32 * 1024;
/// Documents kept, of each kind.
const MAX_ENTRIES: usize = 1024;
/// Their text in all, of each kind. A parsed document takes up to about a hundred times its
/// text (`{a a a …}`), so this bounds the parsed ones near 100 MiB at worst.
const MAX_BYTES: usize = 1024 * 1024;

type Digest32 = [u8; 32];

/// A least-recently-used store bounded by entries and by the bytes of the documents' text.
struct Kept<V> {
    entries: LruCache<Digest32, (V, usize)>,
    bytes: usize,
}

impl<V: Clone> Kept<V> {
    fn new() -> Mutex<Kept<V>> {
        Mutex::new(Kept {
            entries: LruCache::unbounded(),
            bytes: 0,
        })
    }

    fn get(&mut self, key: &Digest32) -> Option<V> {
        self.entries.get(key).map(|(value, _)| value.clone())
    }

    fn put(&mut self, key: Digest32, value: V, bytes: usize) {
        if let Some((_, old)) = self.entries.put(key, (value, bytes)) {
            self.bytes -= old;
        }
        self.bytes += bytes;
        while self.entries.len() > MAX_ENTRIES || self.bytes > MAX_BYTES {
            match self.entries.pop_lru() {
                Some((_, (_, freed))) => self.bytes -= freed,
                None => break,
            }
        }
    }
}

fn lock<V>(kept: &Mutex<Kept<V>>) -> std::sync::MutexGuard<'_, Kept<V>> {
    kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

static PARSED: LazyLock<Mutex<Kept<ExecutableDocument>>> = LazyLock::new(Kept::new);
static PERSISTED: LazyLock<Mutex<Kept<Arc<str>>>> = LazyLock::new(Kept::new);

/// Whether a document may be kept: short enough, and with no string literal (where company
/// data would be). Executable documents have no descriptions, so a `"` starts a string (or
/// sits in a comment, which is then simply not kept).
fn keepable(document: &str) -> bool {
    document.len() <= MAX_KEPT_DOCUMENT && !document.contains('"')
}

fn digest(document: &str) -> Digest32 {
    Sha256::digest(document.as_bytes()).into()
}

/// Gives `request` its parsed document, from the documents kept when it can be, with only its
/// selected operation, within the limits (`api::limits`). A document that does not parse is
/// left to async-graphql, which reports where.
pub fn prepare(request: &mut Request) -> Result<(), ServerError> {
    let key = keepable(&request.query).then(|| digest(&request.query));
    let kept = key.as_ref().and_then(|key| lock(&PARSED).get(key));
    let document = match kept {
        Some(document) => document,
        None => {
            let Ok(document) = parse_query(&request.query) else {
                return Ok(());
            };
            // Only a document within the limits is kept (the limits bound its size); the
            // others are refused below anyway.
            if let Some(key) = key
                && super::limits::check(&document).is_ok()
            {
                lock(&PARSED).put(key, document.clone(), request.query.len());
            }
            document
        }
    };
    let document = super::limits::limit(request.operation_name.as_deref(), document)?;
    request.set_parsed_query(document);
    Ok(())
}

/// Applies the automatic-persisted-query protocol (Apollo's `persistedQuery` extension,
/// version 1) to `request`: with no document, the one kept under the hash takes its place;
/// with one, it must have that hash, and is kept for next time. A request without the
/// extension is left as it is.
pub fn resolve_persisted(request: &mut Request) -> Result<(), Reason> {
    let Some(extension) = request.extensions.remove("persistedQuery") else {
        return Ok(());
    };
    let extension = extension.into_json().unwrap_or_default();
    let version = extension
        .get("version")
        .and_then(|version| version.as_i64());
    let hash = extension
        .get("sha256Hash")
        .and_then(|hash| hash.as_str())
        .and_then(|hash| hex::decode(hash).ok())
        .and_then(|hash| Digest32::try_from(hash).ok());
    let (Some(1), Some(hash)) = (version, hash) else {
        return Err(Reason::PersistedQueryInvalid {});
    };
    if request.query.is_empty() {
        let Some(document) = lock(&PERSISTED).get(&hash) else {
            return Err(Reason::PersistedQueryNotFound {});
        };
        request.query = document.to_string();
        return Ok(());
    }
    if digest(&request.query) != hash {
        return Err(Reason::PersistedQueryInvalid {});
    }
    if keepable(&request.query) {
        lock(&PERSISTED).put(hash, Arc::from(request.query.as_str()), request.query.len());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_extension(query: &str, hash: &str) -> Request {
        let mut request = Request::new(query);
        request.extensions.insert(
            "persistedQuery".to_owned(),
            async_graphql::Value::from_json(
                serde_json::json!({ "version": 1, "sha256Hash": hash }),
            )
            .unwrap(),
        );
        request
    }

    #[test]
    fn a_document_is_kept_by_its_hash_then_sent_by_it_alone() {
        let query = "query Overdue($first: Int) { invoices(first: $first) { totalCount } }";
        let hash = hex::encode(digest(query));
        let mut missing = with_extension("", &hash);
        assert_eq!(
            resolve_persisted(&mut missing),
            Err(Reason::PersistedQueryNotFound {})
        );
        let mut first = with_extension(query, &hash);
        assert_eq!(resolve_persisted(&mut first), Ok(()));
        let mut by_hash = with_extension("", &hash);
        assert_eq!(resolve_persisted(&mut by_hash), Ok(()));
        assert_eq!(by_hash.query, query);
    }

    #[test]
    fn a_wrong_hash_or_version_is_refused_and_literals_are_never_kept() {
        let query = "{ customers(search: \"Acme\") { totalCount } }";
        let mut wrong = with_extension(query, &hex::encode([7u8; 32]));
        assert_eq!(
            resolve_persisted(&mut wrong),
            Err(Reason::PersistedQueryInvalid {})
        );
        let hash = hex::encode(digest(query));
        let mut first = with_extension(query, &hash);
        assert_eq!(resolve_persisted(&mut first), Ok(()));
        let mut by_hash = with_extension("", &hash);
        assert_eq!(
            resolve_persisted(&mut by_hash),
            Err(Reason::PersistedQueryNotFound {})
        );
        let mut version_two = Request::new("{ __typename }");
        version_two.extensions.insert(
            "persistedQuery".to_owned(),
            async_graphql::Value::from_json(
                serde_json::json!({ "version": 2, "sha256Hash": hash }),
            )
            .unwrap(),
        );
        assert_eq!(
            resolve_persisted(&mut version_two),
            Err(Reason::PersistedQueryInvalid {})
        );
    }

    #[test]
    fn the_store_is_bounded_by_entries_and_bytes() {
        let mut kept: Kept<u32> = Kept {
            entries: LruCache::unbounded(),
            bytes: 0,
        };
        for n in 0..(MAX_ENTRIES as u32 + 10) {
            kept.put(digest(&n.to_string()), n, 10);
        }
        assert_eq!(kept.entries.len(), MAX_ENTRIES);
        kept.put(digest("big"), 0, MAX_BYTES);
        assert!(kept.bytes <= MAX_BYTES, "{}", kept.bytes);
        assert_eq!(kept.entries.len(), 1);
    }
}
