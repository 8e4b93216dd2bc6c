//! `docs/errors.md` is a contract with third parties like the schema: the checked-in list of
//! error reasons must match the domain's, so every new or changed reason shows in review.

#[test]
fn the_checked_in_errors_document_matches_the_reasons() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/errors.md");
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        checked_in == domain::reason::errors_markdown(),
        "docs/errors.md is stale. Update it with\n    \
         cargo run -q -p duely-backend -- errors-doc > docs/errors.md\n\
         and review the difference: third parties branch on reasons."
    );
}
