//! The GraphQL schema is a contract with third parties: the checked-in SDL must match the code,
//! so every API change shows in review.

#[test]
fn the_checked_in_schema_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    let current = duely_backend::api::sdl();
    assert!(
        checked_in == current,
        "backend/schema.graphql is stale. Update it with\n    \
         cargo run -q -p duely-backend -- schema > backend/schema.graphql\n\
         and review the difference: third parties code against it."
    );
}
