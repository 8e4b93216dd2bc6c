//! What one request may cost: nested lists load per page (not per row), a list's complexity is
//! its page size times its items', the web app's own operations fit the limit at their largest
//! page, and a signed-in member is rate limited as an API key is.

use crate::helpers::{
    TestApp, TestSession, error_codes, fresh_database, measured, spawn_app, spawn_app_with,
    test_config,
};
use crate::kit::{create_customer, issue_invoice, ok};
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{Request, ServerError, ValidationResult, Variables};
use duely_backend::api::{MAX_COMPLEXITY, schema_builder};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// A page of customers with both nested lists.
fn customers_with_lists(first: u32) -> String {
    format!(
        "{{ customers(first: {first}) {{ edges {{ node {{ code timeline(first: 5) {{ kind reference }} creditHistory {{ kind reason }} }} }} }} }}"
    )
}

/// A company of 40 customers and 200 invoices over six months.
async fn company_of_forty_customers() -> (TestApp, TestSession) {
    use duely_backend::demo::ledger::LedgerSize;
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    app.generate_ledger(
        owner.tenant_id,
        LedgerSize {
            customers: 40,
            invoices: 200,
            months: 6,
        },
    )
    .await;
    (app, owner)
}

#[tokio::test]
async fn a_page_of_customers_loads_its_timelines_and_credit_histories_in_one_statement_each() {
    let (app, owner) = company_of_forty_customers().await;

    let (small, body) = measured(&app, &owner, &customers_with_lists(2)).await;
    assert!(body.get("errors").is_none(), "{body}");
    let (large, body) = measured(&app, &owner, &customers_with_lists(200)).await;
    assert!(body.get("errors").is_none(), "{body}");
    let nodes = body["data"]["customers"]["edges"].as_array().unwrap();
    assert_eq!(nodes.len(), 40);
    assert!(
        nodes
            .iter()
            .any(|edge| edge["node"]["timeline"].as_array().unwrap().len() == 5),
        "the generated ledger gives customers more than five events: {body}"
    );
    // The same pages without the nested lists: what the page itself costs (its people, for
    // one, are read only when some customer on it has a collector).
    let page =
        |first: u32| format!("{{ customers(first: {first}) {{ edges {{ node {{ code }} }} }} }}");
    let (small_page, _) = measured(&app, &owner, &page(2)).await;
    let (large_page, _) = measured(&app, &owner, &page(200)).await;
    eprintln!(
        "customers with nested lists: {small} statements for 2, {large} for 40; \
         without: {small_page} and {large_page}"
    );
    // The nested lists add the same few statements (a tenant transaction reading all the
    // page's timelines, another reading all its credit histories) for 2 customers as for 40.
    let nested_small = small - small_page;
    let nested_large = large - large_page;
    assert_eq!(
        nested_small, nested_large,
        "nested lists grew with the page"
    );
    assert_eq!(nested_large, 2, "one statement for each nested list");
    assert!(
        large <= 12,
        "{large} statements for a page with its nested lists"
    );
}

#[tokio::test]
async fn a_batch_whose_operations_load_through_the_same_loaders_answers_every_one() {
    // The operations of a batch share the request's DataLoader queue: the one that ends first
    // must not take the others' batches down with it.
    let (app, owner) = company_of_forty_customers().await;
    let batch = json!([
        { "query": "{ __typename }" },
        { "query": customers_with_lists(40) },
        { "query": customers_with_lists(1) },
        { "query": "{ customers(first: 10) { edges { node { creditHistory { kind } } } } }" },
    ]);
    let body: Value = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&owner.access_token)
        .json(&batch)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let answers = body.as_array().unwrap();
    assert_eq!(answers.len(), 4, "{body}");
    for answer in answers {
        assert!(answer.get("errors").is_none(), "{answer}");
    }
    assert_eq!(
        answers[1]["data"]["customers"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        40
    );
    assert_eq!(
        answers[3]["data"]["customers"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
}

#[tokio::test]
async fn each_customer_gets_its_own_latest_entries_at_each_limit_asked() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let limited = create_customer(&app, &owner, "A-1", json!({ "creditLimit": "1000" })).await;
    let limited_id = limited["id"].as_str().unwrap();
    issue_invoice(&app, &owner, limited_id, "100", json!({})).await;
    issue_invoice(&app, &owner, limited_id, "200", json!({})).await;
    let held = create_customer(&app, &owner, "B-1", json!({})).await;
    let held_id = held["id"].as_str().unwrap();
    issue_invoice(&app, &owner, held_id, "300", json!({})).await;
    ok(
        &app,
        &owner,
        "mutation($input: PlaceCreditHoldInput!) { placeCreditHold(input: $input) { customer { id } } }",
        json!({ "input": { "customerId": held_id, "reason": "Bad cash" } }),
        "placeCreditHold",
    )
    .await;
    create_customer(&app, &owner, "C-1", json!({})).await;

    let page = ok(
        &app,
        &owner,
        "{ customers(first: 10) { edges { node { code
            latest: timeline(first: 1) { kind reference }
            all: timeline { kind reference }
            creditHistory { kind reason } } } } }",
        json!({}),
        "customers",
    )
    .await;
    let node = |code: &str| {
        page["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|edge| &edge["node"])
            .find(|node| node["code"] == code)
            .unwrap()
            .clone()
    };
    let kinds = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|entry| {
                format!(
                    "{} {}",
                    entry["kind"].as_str().unwrap(),
                    entry["reference"].as_str().unwrap_or("-")
                )
            })
            .collect()
    };
    let a = node("A-1");
    assert_eq!(kinds(&a["latest"]), ["INVOICE_ISSUED INV-000002"]);
    assert_eq!(
        kinds(&a["all"]),
        [
            "INVOICE_ISSUED INV-000002",
            "INVOICE_ISSUED INV-000001",
            "LIMIT_SET -"
        ]
    );
    assert_eq!(a["creditHistory"][0]["kind"], "LIMIT_SET");
    assert_eq!(a["creditHistory"].as_array().unwrap().len(), 1);
    let b = node("B-1");
    assert_eq!(kinds(&b["latest"]), ["HOLD_PLACED -"]);
    assert_eq!(
        kinds(&b["all"]),
        ["HOLD_PLACED -", "INVOICE_ISSUED INV-000003"]
    );
    assert_eq!(b["creditHistory"][0]["reason"], "Bad cash");
    let c = node("C-1");
    assert_eq!(c["all"], json!([]));
    assert_eq!(c["creditHistory"], json!([]));
}

#[tokio::test]
async fn twenty_aliases_of_a_page_with_nested_lists_are_refused_as_too_complex() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    create_customer(&app, &owner, "A-1", json!({})).await;
    let one = "customers(first: 200) { edges { node { timeline(first: 5) { kind } creditHistory { kind } } } }";
    let single = app
        .graphql_as(&owner.access_token, &format!("{{ {one} }}"), json!({}))
        .await;
    assert!(single.get("errors").is_none(), "{single}");
    let aliases: Vec<String> = (0..20).map(|n| format!("c{n}: {one}")).collect();
    let body = app
        .graphql_as(
            &owner.access_token,
            &format!("{{ {} }}", aliases.join(" ")),
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&body), ["BAD_REQUEST"], "{body}");
    assert_eq!(body["errors"][0]["message"], "Query is too complex.");
    assert!(body.get("data").is_none(), "{body}");
    // A page's nested page counts once per row: the default timeline (50) on 200 customers.
    let nested = app
        .graphql_as(
            &owner.access_token,
            "{ customers(first: 200) { edges { node { timeline { kind } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(nested["errors"][0]["message"], "Query is too complex.");
}

/// Records the complexity async-graphql computed and stops before anything runs.
#[derive(Clone, Default)]
struct Measure(Arc<Mutex<Option<Result<usize, String>>>>);

impl ExtensionFactory for Measure {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(self.clone())
    }
}

#[async_trait::async_trait]
impl Extension for Measure {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await;
        *self.0.lock().unwrap() = Some(match &result {
            Ok(validation) => Ok(validation.complexity),
            Err(errors) => Err(format!("{errors:?}")),
        });
        Err(vec![ServerError::new("measured, not run", None)])
    }
}

/// The definitions of a `.graphql` file: each starts at the beginning of a line.
fn top_level_definitions(text: &str) -> Vec<&str> {
    let starts: Vec<usize> = text
        .match_indices('\n')
        .map(|(at, _)| at + 1)
        .chain([0])
        .filter(|&at| {
            ["query", "mutation", "subscription", "fragment"]
                .iter()
                .any(|keyword| text[at..].starts_with(keyword))
        })
        .collect();
    let mut starts = starts;
    starts.sort_unstable();
    starts
        .iter()
        .enumerate()
        .map(|(n, &start)| text[start..starts.get(n + 1).copied().unwrap_or(text.len())].trim())
        .collect()
}

#[tokio::test]
async fn every_web_app_operation_fits_the_complexity_limit_at_its_largest_page() {
    let dir = format!("{}/../frontend/src/graphql", env!("CARGO_MANIFEST_DIR"));
    let measure = Measure::default();
    // No limit here, so the figure is computed even past it; the assertion is the limit.
    let schema = schema_builder()
        .limit_complexity(usize::MAX)
        .extension(measure.clone())
        .finish();
    let mut figures: Vec<(usize, String)> = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "graphql"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "the web app's operations are in {dir}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // Complexity adds up every operation of a document, so each operation is measured in
        // a document of its own, with the fragments it spreads.
        let definitions = top_level_definitions(&text);
        let fragments: Vec<(&str, &str)> = definitions
            .iter()
            .filter_map(|definition| {
                let name = definition
                    .strip_prefix("fragment ")?
                    .split_whitespace()
                    .next()?;
                Some((name, *definition))
            })
            .collect();
        for operation in definitions
            .iter()
            .filter(|definition| !definition.starts_with("fragment "))
        {
            let mut document = (*operation).to_owned();
            let mut included: Vec<&str> = Vec::new();
            while let Some((name, fragment)) = fragments.iter().find(|(name, _)| {
                !included.contains(name) && document.contains(&format!("...{name}"))
            }) {
                included.push(name);
                document = format!("{document}\n{fragment}");
            }
            // Every variable passed as `first` takes the largest page the API allows.
            let pages: Vec<String> = document
                .split("first: $")
                .skip(1)
                .map(|part| {
                    part.chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect()
                })
                .collect();
            let name = operation
                .split(|c: char| c == '(' || c == '{' || c.is_whitespace())
                .nth(1)
                .unwrap_or("")
                .to_owned();
            let measure_at = |first: i32| {
                let variables: serde_json::Map<String, Value> = pages
                    .iter()
                    .map(|page| (page.clone(), json!(first)))
                    .collect();
                let request = Request::new(document.clone())
                    .variables(Variables::from_json(Value::Object(variables)));
                let schema = &schema;
                let measure = &measure;
                let (file, name) = (&file, &name);
                async move {
                    schema.execute(request).await;
                    measure
                        .0
                        .lock()
                        .unwrap()
                        .take()
                        .unwrap_or_else(|| Err("not validated".to_owned()))
                        .unwrap_or_else(|errors| panic!("{}: {name}: {errors}", file.display()))
                }
            };
            let complexity = measure_at(200).await;
            if !pages.is_empty() {
                // The figure counts the page: a list's rows times what each row selects.
                let one_row = measure_at(1).await;
                assert!(
                    complexity > 10 * one_row,
                    "{name}: {complexity} at 200 rows, {one_row} at one row"
                );
            }
            let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
            figures.push((complexity, format!("{name} ({file_name})")));
        }
    }
    figures.sort_by_key(|figure| std::cmp::Reverse(figure.0));
    for (complexity, operation) in figures.iter().take(8) {
        eprintln!("{complexity:>5}  {operation}");
    }
    let over: Vec<_> = figures
        .iter()
        .filter(|(complexity, _)| *complexity > MAX_COMPLEXITY)
        .collect();
    assert!(over.is_empty(), "over {MAX_COMPLEXITY}: {over:?}");
}

#[tokio::test]
async fn a_member_over_the_rate_limit_is_told_when_to_retry() {
    let database_url = fresh_database().await;
    let app = spawn_app_with(test_config(
        &[("DUELY_MEMBER_RATE_PER_MINUTE", "5")],
        &database_url,
    ))
    .await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let other = app.sign_up("Globex", &app.email("other")).await;
    let send = |session: &TestSession| {
        app.client
            .post(app.url("/graphql"))
            .bearer_auth(&session.access_token)
            .json(&json!({ "query": "{ customers(first: 1) { totalCount } }" }))
            .send()
    };
    for remaining in ["4", "3", "2", "1", "0"] {
        let response = send(&owner).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["ratelimit-limit"], "5");
        assert_eq!(response.headers()["ratelimit-remaining"], remaining);
    }
    let refused = send(&owner).await.unwrap();
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    assert_eq!(refused.headers()["ratelimit-remaining"], "0");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(error_codes(&body), ["RATE_LIMITED"]);
    // The REST endpoints count against the same budget.
    let export = app
        .client
        .get(app.url("/api/exports/customers.csv"))
        .bearer_auth(&owner.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), 429);
    // Another member has a budget of their own.
    assert_eq!(send(&other).await.unwrap().status(), 200);
}

#[tokio::test]
async fn only_the_selected_operation_of_a_document_counts_against_the_limits() {
    let app = spawn_app().await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    // Four pages of 200 customers: each fits the limit, all four together do not. The web
    // app sends each of its operation files whole and names the operation to run.
    let page = |name: &str| {
        format!(
            "query {name} {{ customers(first: 200) {{ totalCount edges {{ node {{ id code name balance {{ amount currency }} }} }} }} }}"
        )
    };
    let document = format!(
        "{} {} {} {} query Named {{ customers(first: 1) {{ edges {{ node {{ ...Named }} }} }} }}
         fragment Named on Customer {{ name }}",
        page("A"),
        page("B"),
        page("C"),
        page("D")
    );
    let run = |operation: Option<&str>| {
        let mut body = json!({ "query": document });
        if let Some(name) = operation {
            body["operationName"] = json!(name);
        }
        app.client
            .post(app.url("/graphql"))
            .bearer_auth(&owner.access_token)
            .json(&body)
            .send()
    };
    for name in ["A", "D", "Named"] {
        let answer: Value = run(Some(name)).await.unwrap().json().await.unwrap();
        assert!(answer.get("errors").is_none(), "{name}: {answer}");
        assert!(answer["data"]["customers"].is_object(), "{name}: {answer}");
    }
    // A single page with the same selection is still measured whole.
    let whole: Value = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&owner.access_token)
        .json(&json!({ "query": format!("{{ a: customers(first: 200) {{ edges {{ node {{ id code name balance {{ amount currency }} }} }} }} b: customers(first: 200) {{ edges {{ node {{ id code name balance {{ amount currency }} }} }} }} c: customers(first: 200) {{ edges {{ node {{ id code name balance {{ amount currency }} }} }} }} d: customers(first: 200) {{ edges {{ node {{ id code name balance {{ amount currency }} }} }} }} }}") }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        whole.to_string().contains("Query is too complex"),
        "{whole}"
    );
    // An operation the document does not have is reported, not guessed.
    let unknown: Value = run(Some("Z")).await.unwrap().json().await.unwrap();
    assert!(
        unknown.to_string().contains("Unknown operation"),
        "{unknown}"
    );
}
