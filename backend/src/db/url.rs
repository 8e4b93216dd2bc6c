//! Database URLs: the same server, another database.

/// `url` with its database name replaced by `database`, keeping credentials and parameters.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base
        .find("://")
        .map(|scheme| scheme + 3)
        .and_then(|start| base[start..].find('/').map(|slash| start + slash))
        .unwrap_or(base.len());
    let mut result = format!("{}/{}", &base[..authority_end], database);
    if let Some(query) = query {
        result.push('?');
        result.push_str(query);
    }
    result
}

/// The database name in `url`, if it names one.
pub fn database_name(url: &str) -> Option<&str> {
    let base = url.split_once('?').map_or(url, |(base, _)| base);
    let after_scheme = &base[base.find("://")? + 3..];
    let name = &after_scheme[after_scheme.find('/')? + 1..];
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_database_is_replaced() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/a?sslmode=disable", "b"),
            "postgres://u:p@h:5432/b?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "b"), "postgres://h/b");
    }

    #[test]
    fn the_database_name_is_read_from_the_path() {
        assert_eq!(
            database_name("postgres://u@h:5432/duely?x=1"),
            Some("duely")
        );
        assert_eq!(database_name("postgres://u@h:5432/"), None);
        assert_eq!(database_name("postgres://u@h:5432"), None);
    }
}
