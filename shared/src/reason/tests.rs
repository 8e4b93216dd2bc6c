use super::*;
use std::collections::HashSet;

#[test]
fn every_reason_round_trips_as_reason_and_params() {
    for reason in Reason::examples() {
        let json = serde_json::to_value(&reason).unwrap();
        assert!(json["params"].is_object(), "{json}");
        let back: Reason = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, reason, "{json}");
    }
}

#[test]
fn the_catalogue_names_each_reason_once_with_the_params_it_sends() {
    let catalogue = Reason::catalogue();
    let examples = Reason::examples();
    assert_eq!(catalogue.len(), examples.len());
    let names: HashSet<&str> = catalogue.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names.len(), catalogue.len());
    for (doc, reason) in catalogue.iter().zip(&examples) {
        assert_eq!(doc.name, reason.name());
        assert_eq!(doc.code, reason.code());
        assert!(!doc.doc.is_empty(), "{} needs a doc line", doc.name);
        let sent: Vec<String> = reason.params().keys().cloned().collect();
        let mut listed: Vec<String> = doc.params.iter().map(|(name, _)| name.clone()).collect();
        listed.sort();
        assert_eq!(sent, listed, "{}", doc.name);
    }
}

#[test]
fn parameters_go_out_in_camel_case() {
    let reason = Reason::PlanLimitReached {
        limit: Limit::Customers,
        plan: Plan::Free,
        allowed: 50,
        upgrade_to: Some(Plan::Growth),
    };
    assert_eq!(reason.name(), "PLAN_LIMIT_REACHED");
    assert_eq!(reason.params()["upgradeTo"], "GROWTH");
    assert_eq!(reason.code(), ErrorCode::PlanLimit);
}

#[test]
fn the_errors_document_lists_every_reason_under_its_code() {
    let doc = errors_markdown();
    for reason in Reason::catalogue() {
        assert!(
            doc.contains(&format!("| `{}` |", reason.name)),
            "{}",
            reason.name
        );
    }
}

#[test]
fn a_reason_reads_from_its_name_and_params_and_refuses_what_does_not_fit() {
    let params = |json: Value| json.as_object().cloned().unwrap();
    assert_eq!(
        Reason::from_wire(
            "TOO_MANY_ATTEMPTS",
            &params(serde_json::json!({ "seconds": 30, "extra": 1 }))
        ),
        Some(Reason::TooManyAttempts { seconds: 30 })
    );
    // An optional parameter may be absent; a required one may not, nor have another type.
    assert_eq!(
        Reason::from_wire("TEXT_LENGTH", &params(serde_json::json!({ "max": 100 }))),
        Some(Reason::TextLength {
            min: None,
            max: Some(100)
        })
    );
    assert_eq!(Reason::from_wire("TOO_MANY_ATTEMPTS", &Map::new()), None);
    assert_eq!(
        Reason::from_wire(
            "TOO_MANY_ATTEMPTS",
            &params(serde_json::json!({ "seconds": "soon" }))
        ),
        None
    );
    assert_eq!(Reason::from_wire("NO_SUCH_REASON", &Map::new()), None);
    assert_eq!(Reason::from_wire("too_many_attempts", &Map::new()), None);
    // The whole of `extensions`, params left out when there are none.
    let back: Reason = serde_json::from_value(serde_json::json!({ "reason": "REQUIRED" })).unwrap();
    assert_eq!(back, Reason::Required {});
}
