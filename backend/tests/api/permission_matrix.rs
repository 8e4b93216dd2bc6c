//! Who may call what, checked through the whole API. Every query and mutation the running
//! server describes is called by each role, by an API key of each scope and by an anonymous
//! caller; each must be let through or refused exactly as the field's row below says. A field
//! without a row fails the test, so no operation ships without a decision on who may call it.
//!
//! The calls are generated from introspection: required arguments get placeholders (an id that
//! exists nowhere, "probe", an enum's first value), so a caller the gate lets through mostly gets
//! NOT_FOUND or VALIDATION and changes nothing. Only the gate's refusal counts as refused.

use crate::helpers::{TestApp, error_codes, fresh_database, spawn_app_with, test_config};
use crate::kit::join;
use Gate::{AnyCaller, AnyMember, Both, MemberNeeds, Needs, NeedsAll, NeedsAny, Public};
use domain::access::{ApiScope, Permission as P, Role, scopes_allow};
use domain::billing::Plan;
use futures::StreamExt;
use serde_json::{Map, Value, json};
use std::collections::{BTreeSet, HashMap};

/// Who may call a field, as its resolver and the service behind it check it (`authorize`,
/// `authorize(..).or_else(..)`, `require_member`, `require_tenant` in `auth.rs`).
enum Gate {
    /// Anyone, with or without credentials.
    Public,
    /// Any member or API key of a company (`require_tenant`).
    AnyCaller,
    /// A signed-in person of any role; keys are refused (`require_member`).
    AnyMember,
    /// A role or key scope with the permission.
    Needs(P),
    /// One of the permissions (`authorize(a).or_else(|_| authorize(b))`).
    NeedsAny(&'static [P]),
    /// Every one of the permissions.
    NeedsAll(&'static [P]),
    /// The permission, and a person: `authorize` then `require_member`.
    MemberNeeds(P),
    /// Both gates, one after the other.
    Both(&'static Gate, &'static Gate),
}

/// Finance sends statements; collectors send them to the customers they work.
const SENDS_STATEMENTS: Gate = NeedsAny(&[P::ManageInvoices, P::WorkCollections]);
/// A statement shows the customer, its invoices and its payments (`statement_access`).
const READS_STATEMENTS: Gate = NeedsAll(&[P::ViewCustomers, P::ViewInvoices, P::ViewPayments]);

/// Who may call each root query field.
const QUERIES: &[(&str, Gate)] = &[
    ("serverInfo", Public),
    ("members", Needs(P::ViewTeam)),
    ("apiKeys", Needs(P::ManageApiKeys)),
    ("invitations", Needs(P::ManageTeam)),
    // The invitation link's token is the credential.
    ("invitation", Public),
    ("me", AnyCaller),
    ("auditLog", Needs(P::ViewAuditLog)),
    ("customers", Needs(P::ViewCustomers)),
    ("customer", Needs(P::ViewCustomers)),
    ("invoices", Needs(P::ViewInvoices)),
    ("invoice", Needs(P::ViewInvoices)),
    // The disputes queue: those who read invoices (collectors and sales, their customers').
    ("disputes", Needs(P::ViewInvoices)),
    ("payments", Needs(P::ViewPayments)),
    ("payment", Needs(P::ViewPayments)),
    ("customerStatement", READS_STATEMENTS),
    // The statement link's token is the credential.
    ("publicStatement", Public),
    // Those who read a customer read the contacts logged with it.
    (
        "collectionActivities",
        NeedsAny(&[P::ViewCollections, P::ViewCustomers]),
    ),
    (
        "promisesToPay",
        NeedsAny(&[P::ViewCollections, P::ViewCustomers]),
    ),
    (
        "dunningPolicies",
        NeedsAny(&[P::ManageDunning, P::ViewCollections]),
    ),
    (
        "previewDunningRun",
        NeedsAny(&[P::ManageDunning, P::ViewCollections]),
    ),
    ("worklist", Needs(P::ViewCollections)),
    ("tasks", Needs(P::ViewCollections)),
    // The pickers of those who assign customers, and of those who read the team.
    ("customerSegments", Needs(P::ViewCustomers)),
    (
        "assignableMembers",
        NeedsAny(&[P::ManageCustomers, P::ViewTeam]),
    ),
    (
        "dunningRuns",
        NeedsAny(&[P::ManageDunning, P::ViewCollections]),
    ),
    (
        "collectionSettings",
        NeedsAny(&[P::ManageDunning, P::ViewCollections]),
    ),
    (
        "emailTemplates",
        NeedsAny(&[P::ManageDunning, P::ViewCollections]),
    ),
    (
        "collectionScripts",
        NeedsAny(&[P::ManageDunning, P::ViewCollections]),
    ),
    // A fixed list of `{{variables}}`: the resolver reads no caller.
    ("emailTemplateVariables", Public),
    (
        "legalCases",
        NeedsAny(&[P::ManageDunning, P::ViewCollections]),
    ),
    ("riskAlerts", Needs(P::ViewCustomers)),
    ("agingReport", Needs(P::ViewReports)),
    ("agingDrillDown", Needs(P::ViewReports)),
    ("kpis", Needs(P::ViewReports)),
    ("kpiTrend", Needs(P::ViewReports)),
    ("creditRating", Needs(P::ViewCustomers)),
    ("creditRatingHistory", Needs(P::ViewCustomers)),
    // Managers read the board; a collector reads their own line.
    (
        "staffPerformance",
        NeedsAny(&[P::ViewReports, P::WorkCollections]),
    ),
    (
        "incentiveRules",
        NeedsAny(&[P::ViewReports, P::WorkCollections]),
    ),
    ("analyticsSettings", Needs(P::ViewReports)),
    // The price list, for the pricing page too.
    ("plans", Public),
    ("subscription", AnyCaller),
    ("paymentSettings", Needs(P::ManageSettings)),
    // Every member and key of the company reads its settings; changing them is for managers.
    ("companySettings", AnyCaller),
    // Every member and key reads what documents print; changing it is for managers.
    ("companyProfile", AnyCaller),
    ("letters", NeedsAny(&[P::ManageDunning, P::WorkCollections])),
    // A record's files, for whoever reads the record: the placeholder owner is a CUSTOMER.
    ("attachments", Needs(P::ViewCustomers)),
    // Every member and key reads the approval policies (the web app tells a maker a change
    // will wait); approvers see every request, anyone else (keys too) the ones they asked.
    ("approvalPolicies", AnyCaller),
    ("approvalRequests", AnyCaller),
    ("approvalRequest", AnyCaller),
    // The names of the events, as documented; endpoints and their log are for managers of
    // webhooks (owners, admins, keys with webhooks:write).
    ("webhookEventTypes", Public),
    ("webhookEndpoints", Needs(P::ManageWebhooks)),
    ("webhookDeliveries", Needs(P::ManageWebhooks)),
    // SMS and WeChat Work: channels are the ladder's configuration; the log is collection work.
    ("messageChannels", Needs(P::ManageDunning)),
    (
        "smsTemplates",
        NeedsAny(&[P::ManageDunning, P::ViewCollections]),
    ),
    ("messageDeliveries", Needs(P::ViewCollections)),
    ("approvalStats", Needs(P::ViewReports)),
    // Cash application: whoever reads payments (a collector's lists are empty).
    ("bankAccounts", Needs(P::ViewPayments)),
    ("bankAccount", Needs(P::ViewPayments)),
    ("bankStatementImports", Needs(P::ViewPayments)),
    ("bankTransactions", Needs(P::ViewPayments)),
    ("bankTransaction", Needs(P::ViewPayments)),
    ("bankTransactionTotals", Needs(P::ViewPayments)),
];

/// Who may call each root mutation field.
const MUTATIONS: &[(&str, Gate)] = &[
    // "probe" is no email address: sign-up stops at VALIDATION and makes no company.
    ("signUp", Public),
    ("logIn", Public),
    ("refreshSession", Public),
    // A refresh token, or the signed-in member's own sessions.
    ("logOut", Public),
    ("inviteMember", MemberNeeds(P::ManageTeam)),
    ("acceptInvitation", Public),
    ("changeMemberRole", MemberNeeds(P::ManageTeam)),
    ("removeMember", MemberNeeds(P::ManageTeam)),
    ("createApiKey", MemberNeeds(P::ManageApiKeys)),
    ("revokeApiKey", MemberNeeds(P::ManageApiKeys)),
    ("switchTenant", AnyMember),
    // A person's own name and language.
    ("updateMyProfile", AnyMember),
    ("createCustomer", Needs(P::ManageCustomers)),
    ("updateCustomer", Needs(P::ManageCustomers)),
    ("archiveCustomer", Needs(P::ManageCustomers)),
    ("setCreditLimit", Needs(P::ManageCreditPolicy)),
    ("placeCreditHold", Needs(P::ManageCreditPolicy)),
    ("releaseCreditHold", Needs(P::ManageCreditPolicy)),
    ("createInvoice", Needs(P::ManageInvoices)),
    ("updateInvoice", Needs(P::ManageInvoices)),
    ("issueInvoice", Needs(P::ManageInvoices)),
    ("voidInvoice", Needs(P::ManageInvoices)),
    ("writeOffInvoice", Needs(P::ManageInvoices)),
    ("setInstallmentPlan", Needs(P::ManageInvoices)),
    // Collectors record disputes raised on their customers' calls.
    (
        "openDispute",
        NeedsAny(&[P::ManageInvoices, P::WorkCollections]),
    ),
    ("resolveDispute", Needs(P::ManageInvoices)),
    ("recordFapiao", Needs(P::ManageInvoices)),
    ("voidFapiao", Needs(P::ManageInvoices)),
    // Finance sends invoices, collectors copies to the customers they work; either way the
    // sender reads the invoice.
    (
        "sendInvoice",
        Both(&SENDS_STATEMENTS, &Needs(P::ViewInvoices)),
    ),
    // Working a dispute (its owner, reason code, due date) is for those who may open one.
    (
        "updateDispute",
        NeedsAny(&[P::ManageInvoices, P::WorkCollections]),
    ),
    ("createCreditNote", Needs(P::ManageInvoices)),
    ("recordPayment", Needs(P::ManagePayments)),
    ("allocatePayment", Needs(P::ManagePayments)),
    ("applyCredit", Needs(P::ManagePayments)),
    ("reversePayment", Needs(P::ManagePayments)),
    ("createBankAccount", Needs(P::ManagePayments)),
    ("updateBankAccount", Needs(P::ManagePayments)),
    ("archiveBankAccount", Needs(P::ManagePayments)),
    ("applyBankTransaction", Needs(P::ManagePayments)),
    ("linkBankTransaction", Needs(P::ManagePayments)),
    ("ignoreBankTransaction", Needs(P::ManagePayments)),
    ("undoBankTransaction", Needs(P::ManagePayments)),
    ("sendStatement", Both(&SENDS_STATEMENTS, &READS_STATEMENTS)),
    // The statement link's token is the credential.
    ("respondToStatement", Public),
    ("importCustomers", Needs(P::ManageCustomers)),
    ("importInvoices", Needs(P::ManageInvoices)),
    ("importPayments", Needs(P::ManagePayments)),
    ("logCollectionActivity", Needs(P::WorkCollections)),
    ("updateCollectionActivity", Needs(P::WorkCollections)),
    ("cancelPromise", Needs(P::WorkCollections)),
    ("saveDunningPolicy", Needs(P::ManageDunning)),
    ("assignDunningPolicy", Needs(P::ManageDunning)),
    // A pause changes what dunning sends: those who work collections or run dunning. Viewers
    // change nothing (the resolver has asked VIEW_COLLECTIONS since the scopes were split).
    (
        "pauseDunning",
        NeedsAny(&[P::ManageDunning, P::WorkCollections]),
    ),
    ("completeTask", Needs(P::WorkCollections)),
    // A collector schedules and cancels their own; moving another's is refused after the gate.
    ("createTask", Needs(P::WorkCollections)),
    ("reassignTask", Needs(P::WorkCollections)),
    ("cancelTask", Needs(P::WorkCollections)),
    ("assignCustomers", Needs(P::ManageCustomers)),
    ("runDunningNow", Needs(P::ManageDunning)),
    ("updateCollectionSettings", Needs(P::ManageDunning)),
    ("saveEmailTemplate", Needs(P::ManageDunning)),
    ("saveCollectionScript", Needs(P::ManageDunning)),
    ("waiveFee", Needs(P::ManageInvoices)),
    ("escalateToLegal", Needs(P::ManageDunning)),
    ("updateLegalCase", Needs(P::ManageDunning)),
    ("acknowledgeAlert", Needs(P::WorkCollections)),
    ("resolveAlert", Needs(P::WorkCollections)),
    ("overrideCreditRating", Needs(P::ManageCreditPolicy)),
    ("setCollectorTarget", Needs(P::ManageDunning)),
    ("saveIncentiveRule", Needs(P::ManageDunning)),
    ("updateAnalyticsSettings", Needs(P::ManageSettings)),
    ("updateCompanySettings", Needs(P::ManageSettings)),
    ("updateCompanyProfile", Needs(P::ManageSettings)),
    // Letters: printed and mailed by those who work collections or manage dunning; a
    // lawyer's letter is drafted by those who manage legal cases.
    (
        "markLetterMailed",
        NeedsAny(&[P::ManageDunning, P::WorkCollections]),
    ),
    ("draftLawyerLetter", Needs(P::ManageDunning)),
    // Whoever may attach to some kind of record; the file's own record decides after.
    (
        "deleteAttachment",
        NeedsAny(domain::attachments::ATTACHING_PERMISSIONS),
    ),
    ("saveApprovalPolicy", Needs(P::ManageSettings)),
    ("applySuggestedApprovalPolicies", Needs(P::ManageSettings)),
    // A person decides (whether the policy names them is the request's, past the gate); keys
    // may ask and cancel their own, never decide.
    ("approveApprovalRequest", AnyMember),
    ("rejectApprovalRequest", AnyMember),
    ("cancelApprovalRequest", AnyCaller),
    ("saveMessageChannel", Needs(P::ManageDunning)),
    ("deleteMessageChannel", Needs(P::ManageDunning)),
    ("saveSmsTemplate", Needs(P::ManageDunning)),
    ("deleteSmsTemplate", Needs(P::ManageDunning)),
    ("createWebhookEndpoint", Needs(P::ManageWebhooks)),
    ("updateWebhookEndpoint", Needs(P::ManageWebhooks)),
    ("deleteWebhookEndpoint", Needs(P::ManageWebhooks)),
    ("rotateWebhookSecret", Needs(P::ManageWebhooks)),
    ("redeliverWebhook", Needs(P::ManageWebhooks)),
    ("sendTestWebhookEvent", Needs(P::ManageWebhooks)),
    ("startCheckout", Needs(P::ManageBilling)),
    ("billingPortal", Needs(P::ManageBilling)),
    ("connectStripeAccount", Needs(P::ManageSettings)),
    ("disconnectStripeAccount", Needs(P::ManageSettings)),
    ("createPaymentLink", Needs(P::WorkCollections)),
    // The statement link's token is the credential.
    ("payStatement", Public),
    ("changePassword", AnyMember),
    // The emailed links' tokens are the credentials.
    ("requestPasswordReset", Public),
    ("resetPassword", Public),
    ("verifyEmail", Public),
    ("resendVerificationEmail", AnyMember),
];

/// Mutations that have a row but are not called, each with why. Keep it short: a field here is
/// checked by no one.
const NOT_SENT: &[(&str, &str)] = &[(
    "billingPortal",
    "opens a Stripe portal session (making the company's Stripe customer first) for every caller the gate lets through",
)];

/// Ends the caller's sessions: called last, once everything that needs them is done.
const ENDS_SESSIONS: &str = "logOut";

/// An id that exists in no company.
const NO_SUCH_ID: &str = "00000000-0000-7000-8000-000000000000";

/// Enum values chosen so a call meets the gate, not a business rule; other enums take their
/// first value.
const ENUM_PLACEHOLDERS: &[(&str, &str)] = &[
    // OWNER, the first value, is refused to admins (only owners make owners) with FORBIDDEN.
    ("Role", "VIEWER"),
    // FREE needs no checkout: startCheckout answers VALIDATION before it would call Stripe.
    ("Plan", "FREE"),
];

/// Callers walked at once: enough to finish in seconds, few enough for two cores and the
/// test's connection pool.
const CALLERS_AT_ONCE: usize = 4;

const ROOT_FIELDS: &str = "{ __schema {
    queryType { name }
    mutationType { name }
    types {
        kind name
        enumValues(includeDeprecated: true) { name }
        inputFields { name type { ...TypeRef } }
        fields(includeDeprecated: true) { name type { ...TypeRef } args { name type { ...TypeRef } } }
    }
} }
fragment TypeRef on __Type {
    kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
}";

const CREATE_KEY: &str =
    "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }";

#[derive(Clone, Copy)]
enum Who {
    Anonymous,
    Member(Role),
    Key(ApiScope),
}

impl Gate {
    fn lets_through(&self, who: Who) -> bool {
        let may = |permission: &P| match who {
            Who::Member(role) => role.can(*permission),
            Who::Key(scope) => scopes_allow(&[scope], *permission),
            Who::Anonymous => false,
        };
        let person = matches!(who, Who::Member(_));
        match self {
            Public => true,
            AnyCaller => !matches!(who, Who::Anonymous),
            AnyMember => person,
            Needs(permission) => may(permission),
            NeedsAny(permissions) => permissions.iter().any(may),
            NeedsAll(permissions) => permissions.iter().all(may),
            MemberNeeds(permission) => person && may(permission),
            Both(first, then) => first.lets_through(who) && then.lets_through(who),
        }
    }
}

struct Caller {
    who: Who,
    bearer: Option<String>,
}

impl Caller {
    fn label(&self) -> String {
        match self.who {
            Who::Anonymous => "anonymous".to_owned(),
            Who::Member(role) => role.as_str().to_owned(),
            Who::Key(scope) => format!("key {scope}"),
        }
    }

    async fn send(&self, app: &TestApp, query: &str, variables: Value) -> Value {
        match &self.bearer {
            Some(bearer) => app.graphql_as(bearer, query, variables).await,
            None => app.graphql(query, variables).await,
        }
    }
}

/// One generated call of a root field.
struct Probe {
    field: String,
    gate: &'static Gate,
    query: String,
    variables: Value,
}

/// The schema as introspection describes it.
struct Schema {
    types: HashMap<String, Value>,
    query_root: String,
    mutation_root: String,
}

impl Schema {
    async fn read(app: &TestApp, bearer: &str) -> Schema {
        let body = app.graphql_as(bearer, ROOT_FIELDS, json!({})).await;
        let schema = &body["data"]["__schema"];
        let types = schema["types"]
            .as_array()
            .unwrap_or_else(|| panic!("introspection failed: {body}"))
            .iter()
            .map(|ty| (ty["name"].as_str().unwrap().to_owned(), ty.clone()))
            .collect();
        Schema {
            types,
            query_root: schema["queryType"]["name"].as_str().unwrap().to_owned(),
            mutation_root: schema["mutationType"]["name"].as_str().unwrap().to_owned(),
        }
    }

    fn fields_of(&self, root: &str) -> &[Value] {
        self.types[root]["fields"].as_array().unwrap()
    }

    /// A value of the type that passes GraphQL's own checks: nullable input fields are left out.
    fn placeholder(&self, type_ref: &Value) -> Value {
        let name = type_ref["name"].as_str().unwrap_or_default();
        match type_ref["kind"].as_str().unwrap() {
            "NON_NULL" => self.placeholder(&type_ref["ofType"]),
            "LIST" => json!([self.placeholder(&type_ref["ofType"])]),
            "SCALAR" => scalar_placeholder(name),
            "ENUM" => {
                let chosen = ENUM_PLACEHOLDERS
                    .iter()
                    .find(|(enum_name, _)| *enum_name == name)
                    .map(|(_, value)| *value);
                json!(chosen.unwrap_or_else(|| {
                    self.types[name]["enumValues"][0]["name"].as_str().unwrap()
                }))
            }
            "INPUT_OBJECT" => Value::Object(
                self.types[name]["inputFields"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|field| field["type"]["kind"] == "NON_NULL")
                    .map(|field| {
                        (
                            field["name"].as_str().unwrap().to_owned(),
                            self.placeholder(&field["type"]),
                        )
                    })
                    .collect::<Map<_, _>>(),
            ),
            other => panic!("no placeholder for a {other} argument ({type_ref})"),
        }
    }

    /// `operation Probe($a: A!) { field(a: $a) { __typename } }`, with the required arguments
    /// only and a selection when the field returns an object.
    fn probe(&self, operation: &str, field: &Value, gate: &'static Gate) -> Probe {
        let name = field["name"].as_str().unwrap();
        let required: Vec<(&str, &Value)> = field["args"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|arg| arg["type"]["kind"] == "NON_NULL")
            .map(|arg| (arg["name"].as_str().unwrap(), &arg["type"]))
            .collect();
        let declarations: Vec<String> = required
            .iter()
            .map(|(arg, ty)| format!("${arg}: {}", type_text(ty)))
            .collect();
        let arguments: Vec<String> = required
            .iter()
            .map(|(arg, _)| format!("{arg}: ${arg}"))
            .collect();
        let (declarations, arguments) = if required.is_empty() {
            (String::new(), String::new())
        } else {
            (
                format!("({})", declarations.join(", ")),
                format!("({})", arguments.join(", ")),
            )
        };
        let selection = match named_type(&field["type"])["kind"].as_str() {
            Some("OBJECT" | "INTERFACE" | "UNION") => " { __typename }",
            _ => "",
        };
        let variables: Map<String, Value> = required
            .iter()
            .map(|(arg, ty)| ((*arg).to_owned(), self.placeholder(ty)))
            .collect();
        Probe {
            field: name.to_owned(),
            gate,
            query: format!("{operation} Probe{declarations} {{ {name}{arguments}{selection} }}"),
            variables: Value::Object(variables),
        }
    }
}

fn scalar_placeholder(name: &str) -> Value {
    match name {
        "ID" => json!(NO_SUCH_ID),
        "String" => json!("probe"),
        "Int" => json!(1),
        "Float" => json!(1.0),
        "Boolean" => json!(false),
        "Date" => json!("2026-01-01"),
        "DateTime" => json!("2026-01-01T00:00:00Z"),
        "JSON" => json!({}),
        other => panic!("no placeholder for the scalar {other}: add one to scalar_placeholder"),
    }
}

/// The type as a variable declares it: `[ID!]!`.
fn type_text(type_ref: &Value) -> String {
    match type_ref["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", type_text(&type_ref["ofType"])),
        Some("LIST") => format!("[{}]", type_text(&type_ref["ofType"])),
        _ => type_ref["name"].as_str().unwrap().to_owned(),
    }
}

/// The named type under NON_NULL and LIST wrappers.
fn named_type(type_ref: &Value) -> &Value {
    let mut ty = type_ref;
    while !ty["ofType"].is_null() {
        ty = &ty["ofType"];
    }
    ty
}

/// Fields served without a row, rows naming no field, and rows listed twice.
fn uncovered(root: &str, served: &[Value], rows: &[(&str, Gate)]) -> Vec<String> {
    let served: BTreeSet<&str> = served
        .iter()
        .map(|field| field["name"].as_str().unwrap())
        .collect();
    let listed: BTreeSet<&str> = rows.iter().map(|(name, _)| *name).collect();
    let mut problems: Vec<String> = served
        .difference(&listed)
        .map(|name| format!("{root}.{name} has no row"))
        .collect();
    problems.extend(
        listed
            .difference(&served)
            .map(|name| format!("{root}.{name} has a row but is not served")),
    );
    if listed.len() != rows.len() {
        problems.push(format!("{root} lists a field twice"));
    }
    problems
}

/// The gate's own refusal: FORBIDDEN (the role or scope lacks the permission, or a key asks
/// what needs a person), or, to a caller without credentials, UNAUTHENTICATED in the words the
/// gate uses. Wrong passwords and ended sessions are UNAUTHENTICATED too, in other words: those
/// calls passed the gate.
fn refused_by_gate(body: &Value, sign_in_first: &str) -> bool {
    let error = &body["errors"][0];
    match error["extensions"]["code"].as_str() {
        Some("FORBIDDEN") => true,
        Some("UNAUTHENTICATED") => error["message"] == sign_in_first,
        _ => false,
    }
}

fn verdict(let_through: bool) -> &'static str {
    if let_through {
        "let through"
    } else {
        "refused"
    }
}

/// Calls one probe as `caller`; says how the answer differs from the matrix, if it does.
async fn mismatch(
    app: &TestApp,
    caller: &Caller,
    probe: &Probe,
    sign_in_first: &str,
) -> Option<String> {
    let body = caller
        .send(app, &probe.query, probe.variables.clone())
        .await;
    let label = caller.label();
    if error_codes(&body).first().map(String::as_str) == Some("BAD_REQUEST") {
        return Some(format!(
            "{} / {label}: the generated call is not a valid request: {body}",
            probe.field
        ));
    }
    let expected = probe.gate.lets_through(caller.who);
    (expected == refused_by_gate(&body, sign_in_first)).then(|| {
        format!(
            "{} / {label}: expected {}, got {body}",
            probe.field,
            verdict(expected)
        )
    })
}

/// Calls every probe as `caller`, one after another; returns what differs from the matrix.
async fn walk(
    app: &TestApp,
    caller: &Caller,
    probes: &[Probe],
    sign_in_first: &str,
) -> Vec<String> {
    let (ending, others): (Vec<&Probe>, Vec<&Probe>) = probes
        .iter()
        .partition(|probe| probe.field == ENDS_SESSIONS);
    let mut mismatches = Vec::new();
    for probe in others {
        mismatches.extend(mismatch(app, caller, probe, sign_in_first).await);
    }
    // Credentials that stopped working would have read as "let through" everywhere.
    if caller.bearer.is_some() {
        let me = caller.send(app, "{ me { __typename } }", json!({})).await;
        if me.get("errors").is_some() {
            mismatches.push(format!(
                "{}: the credentials stopped working during the walk: {me}",
                caller.label()
            ));
        }
    }
    for probe in ending {
        mismatches.extend(mismatch(app, caller, probe, sign_in_first).await);
    }
    mismatches
}

#[tokio::test]
async fn every_role_and_key_scope_can_call_exactly_what_the_matrix_allows() {
    // About a hundred calls per caller within seconds, four callers at a time: over the
    // per-minute limits, and more connections than the tests' usual pool of four.
    let app = spawn_app_with(test_config(
        &[
            ("DUELY_MEMBER_RATE_PER_MINUTE", "100000"),
            ("DUELY_API_KEY_RATE_PER_MINUTE", "100000"),
            ("DUELY_DB_MAX_CONNECTIONS", "8"),
        ],
        &fresh_database().await,
    ))
    .await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    // A key per scope and a member per role: more than a trial holds.
    duely_backend::billing::plans::grant(&app.db, owner.tenant_id, Plan::Scale)
        .await
        .unwrap();

    let schema = Schema::read(&app, &owner.access_token).await;
    let mut problems = uncovered(
        &schema.query_root,
        schema.fields_of(&schema.query_root),
        QUERIES,
    );
    problems.extend(uncovered(
        &schema.mutation_root,
        schema.fields_of(&schema.mutation_root),
        MUTATIONS,
    ));
    problems.extend(
        NOT_SENT
            .iter()
            .filter(|(name, _)| MUTATIONS.iter().all(|(row, _)| row != name))
            .map(|(name, _)| format!("NOT_SENT names {name}, which has no mutation row")),
    );
    assert!(
        problems.is_empty(),
        "the matrix and the schema disagree:\n{}",
        problems.join("\n")
    );

    let mut probes = Vec::new();
    for (operation, root, rows) in [
        ("query", &schema.query_root, QUERIES),
        ("mutation", &schema.mutation_root, MUTATIONS),
    ] {
        for field in schema.fields_of(root) {
            let name = field["name"].as_str().unwrap();
            if NOT_SENT.iter().any(|(skipped, _)| *skipped == name) {
                continue;
            }
            let (_, gate) = rows.iter().find(|(row, _)| *row == name).unwrap();
            probes.push(schema.probe(operation, field, gate));
        }
    }

    let app_ref = &app;
    let owner_ref = &owner;
    let members = futures::future::join_all(
        Role::ALL
            .into_iter()
            .filter(|role| *role != Role::Owner)
            .map(|role| async move {
                let email = app_ref.email(&role.as_str().to_lowercase());
                let session = join(app_ref, owner_ref, &email, role.as_str()).await;
                Caller {
                    who: Who::Member(role),
                    bearer: Some(session.access_token),
                }
            }),
    )
    .await;
    let keys = futures::future::join_all(ApiScope::ALL.into_iter().map(|scope| async move {
        let body = app_ref
            .graphql_as(
                &owner_ref.access_token,
                CREATE_KEY,
                json!({ "input": { "name": format!("probe {scope}"), "scopes": [scope.as_str()] } }),
            )
            .await;
        let secret = body["data"]["createApiKey"]["secret"]
            .as_str()
            .unwrap_or_else(|| panic!("creating a {scope} key failed: {body}"));
        Caller {
            who: Who::Key(scope),
            bearer: Some(secret.to_owned()),
        }
    }))
    .await;
    let mut callers = vec![
        Caller {
            who: Who::Anonymous,
            bearer: None,
        },
        Caller {
            who: Who::Member(Role::Owner),
            bearer: Some(owner.access_token.clone()),
        },
    ];
    callers.extend(members);
    callers.extend(keys);

    let refusal = app.graphql("{ me { __typename } }", json!({})).await;
    assert_eq!(error_codes(&refusal), ["UNAUTHENTICATED"], "{refusal}");
    let sign_in_first = refusal["errors"][0]["message"].as_str().unwrap();

    // Placeholder ids reach no one's membership, keys or sessions, so callers can run side by
    // side; each caller's own calls run in order.
    let mut mismatches: Vec<String> = futures::stream::iter(&callers)
        .map(|caller| walk(&app, caller, &probes, sign_in_first))
        .buffer_unordered(CALLERS_AT_ONCE)
        .collect::<Vec<_>>()
        .await
        .concat();
    mismatches.sort();
    assert!(
        mismatches.is_empty(),
        "{} of {} calls differ from the matrix:\n{}",
        mismatches.len(),
        probes.len() * callers.len(),
        mismatches.join("\n")
    );
}
