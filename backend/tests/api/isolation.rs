//! Tenant isolation: every query and mutation that takes an id is tried with another tenant's
//! ids and must answer NOT_FOUND (or nothing) and change nothing. A test reads the schema and
//! fails when an id-taking field has no case here.
//!
//! The cases are tables (`identity_cases`, `receivables_cases`, `dunning_cases`): each row names
//! the argument as [`CASES`] lists it, the operation, its variables built from the other
//! company's [`Ids`], and what it must answer ([`Expect`]). A test arranges the other company's
//! data, runs its table as Acme with Globex's ids, and checks that Globex's counts are as
//! before. A new id-taking field is one row in a table and one line in [`CASES`].

use crate::helpers::{TEST_PASSWORD, TestApp, TestSession, count, error_codes, spawn_app};
use crate::kit::{
    create_customer, create_invoice_raw, invitation_token, issue_invoice, ok, record_payment_raw,
};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Every id-taking argument, as `Type.field.argument[.inputField]`, with a row in one of the
/// tables below (a test checks both ways).
const CASES: &[&str] = &[
    "Mutation.acceptInvitation.input.token",
    "Mutation.changeMemberRole.input.userId",
    "Mutation.logIn.input.tenantId",
    "Mutation.removeMember.input.userId",
    "Mutation.revokeApiKey.input.apiKeyId",
    "Mutation.switchTenant.input.tenantId",
    "Query.auditLog.filter.actorUserId",
    "Query.invitation.token",
    "Mutation.resetPassword.input.token",
    "Mutation.verifyEmail.input.token",
    // Receivables: `receivables_cases`.
    "Query.customer.id",
    "Query.customers.filter.collectorId",
    "Query.invoice.id",
    "Query.invoices.filter.customerId",
    "Query.disputes.filter.customerId",
    "Query.disputes.filter.assigneeId",
    "Query.payment.id",
    "Query.payments.filter.customerId",
    "Mutation.createCustomer.input.collectorId",
    "Mutation.createCustomer.input.salespersonId",
    "Mutation.updateCustomer.input.customerId",
    "Mutation.updateCustomer.input.collectorId",
    "Mutation.updateCustomer.input.salespersonId",
    "Mutation.archiveCustomer.input.customerId",
    "Mutation.setCreditLimit.input.customerId",
    "Mutation.placeCreditHold.input.customerId",
    "Mutation.releaseCreditHold.input.customerId",
    "Mutation.createInvoice.input.customerId",
    "Mutation.updateInvoice.input.invoiceId",
    "Mutation.issueInvoice.input.invoiceId",
    "Mutation.voidInvoice.input.invoiceId",
    "Mutation.writeOffInvoice.input.invoiceId",
    "Mutation.setInstallmentPlan.input.invoiceId",
    "Mutation.openDispute.input.invoiceId",
    "Mutation.openDispute.input.assigneeId",
    "Mutation.resolveDispute.input.disputeId",
    "Mutation.updateDispute.input.disputeId",
    "Mutation.updateDispute.input.assigneeId",
    "Mutation.createCreditNote.input.invoiceId",
    "Mutation.recordFapiao.input.invoiceId",
    "Mutation.recordFapiao.input.creditNoteId",
    "Mutation.voidFapiao.input.fapiaoId",
    "Mutation.sendInvoice.input.invoiceId",
    "Mutation.draftLawyerLetter.input.legalCaseId",
    "Mutation.markLetterMailed.input.letterId",
    "Query.letters.filter.customerId",
    "Query.attachments.ownerId",
    "Mutation.deleteAttachment.input.attachmentId",
    "Query.smsTemplates.ladderId",
    "Query.messageDeliveries.filter.customerId",
    "Mutation.saveSmsTemplate.input.ladderId",
    "Mutation.deleteSmsTemplate.input.ladderId",
    "Query.webhookDeliveries.filter.endpointId",
    "Mutation.updateWebhookEndpoint.input.endpointId",
    "Mutation.deleteWebhookEndpoint.input.endpointId",
    "Mutation.rotateWebhookSecret.input.endpointId",
    "Mutation.sendTestWebhookEvent.input.endpointId",
    "Mutation.redeliverWebhook.input.deliveryId",
    "Mutation.recordPayment.input.customerId",
    "Mutation.recordPayment.input.allocations.invoiceId",
    "Mutation.allocatePayment.input.paymentId",
    "Mutation.allocatePayment.input.allocations.invoiceId",
    "Mutation.applyCredit.input.customerId",
    "Mutation.applyCredit.input.allocations.invoiceId",
    "Mutation.reversePayment.input.paymentId",
    "Query.customerStatement.customerId",
    "Query.publicStatement.token",
    "Mutation.sendStatement.input.customerId",
    "Mutation.respondToStatement.input.token",
    "Mutation.payStatement.input.token",
    "Mutation.createPaymentLink.input.invoiceId",
    "Mutation.logCollectionActivity.input.customerId",
    "Mutation.logCollectionActivity.input.invoiceIds",
    "Mutation.cancelPromise.input.promiseId",
    "Query.collectionActivities.filter.customerId",
    "Query.collectionActivities.filter.invoiceId",
    "Query.promisesToPay.filter.customerId",
    "Mutation.saveDunningPolicy.input.policyId",
    "Query.previewDunningRun.draft.policyId",
    "Mutation.assignDunningPolicy.input.policyId",
    "Mutation.assignDunningPolicy.input.customerId",
    "Mutation.pauseDunning.input.customerId",
    "Mutation.updateCollectionActivity.input.activityId",
    // Dunning results, the worklist, legal cases and alerts: `dunning_cases`.
    "Query.worklist.collectorId",
    "Query.emailTemplates.policyId",
    "Query.collectionScripts.policyId",
    "Query.legalCases.filter.customerId",
    "Query.riskAlerts.filter.customerId",
    "Mutation.completeTask.input.taskId",
    "Query.tasks.filter.assigneeId",
    "Query.tasks.filter.customerId",
    "Mutation.createTask.input.customerId",
    "Mutation.createTask.input.assigneeId",
    "Mutation.createTask.input.invoiceIds",
    "Mutation.reassignTask.input.taskId",
    "Mutation.reassignTask.input.assigneeId",
    "Mutation.cancelTask.input.taskId",
    "Mutation.assignCustomers.input.customerIds",
    "Mutation.assignCustomers.input.collectorId",
    "Mutation.assignCustomers.input.salespersonId",
    "Mutation.saveEmailTemplate.input.policyId",
    "Mutation.saveCollectionScript.input.policyId",
    "Mutation.waiveFee.input.feeId",
    "Mutation.escalateToLegal.input.customerId",
    "Mutation.escalateToLegal.input.invoiceIds",
    "Mutation.updateLegalCase.input.caseId",
    "Mutation.acknowledgeAlert.input.alertId",
    "Mutation.resolveAlert.input.alertId",
    // Analytics: `dunning_cases`.
    "Query.creditRating.customerId",
    "Query.creditRatingHistory.customerId",
    "Mutation.overrideCreditRating.input.customerId",
    "Mutation.saveIncentiveRule.input.ruleId",
    "Mutation.setCollectorTarget.input.userId",
    "Query.kpis.collectorId",
    "Query.kpiTrend.collectorId",
    // Approvals: `approval_cases`.
    "Query.approvalRequest.id",
    "Query.approvalRequests.filter.requestedBy",
    "Query.approvalRequests.filter.customerId",
    "Mutation.saveApprovalPolicy.input.thresholds.levels.userId",
    "Mutation.approveApprovalRequest.input.requestId",
    "Mutation.rejectApprovalRequest.input.requestId",
    "Mutation.cancelApprovalRequest.input.requestId",
    // Cash application: `bank_cases`.
    "Query.bankAccount.id",
    "Query.bankStatementImports.bankAccountId",
    "Query.bankTransactions.filter.bankAccountId",
    "Query.bankTransactionTotals.filter.bankAccountId",
    "Query.bankTransaction.id",
    "Mutation.updateBankAccount.input.bankAccountId",
    "Mutation.archiveBankAccount.input.bankAccountId",
    "Mutation.applyBankTransaction.input.transactionId",
    "Mutation.applyBankTransaction.input.parts.customerId",
    "Mutation.applyBankTransaction.input.parts.allocations.invoiceId",
    "Mutation.linkBankTransaction.input.transactionId",
    "Mutation.linkBankTransaction.input.paymentId",
    "Mutation.ignoreBankTransaction.input.transactionId",
    "Mutation.undoBankTransaction.input.transactionId",
];

/// The named type under NON_NULL and LIST wrappers.
fn named(ty: &Value) -> (&str, &str) {
    let mut ty = ty;
    while ty["name"].is_null() && !ty["ofType"].is_null() {
        ty = &ty["ofType"];
    }
    (
        ty["kind"].as_str().unwrap_or(""),
        ty["name"].as_str().unwrap_or(""),
    )
}

/// Arguments that identify something: `ID`s, and tokens that stand for an object.
fn identifies(name: &str, type_name: &str) -> bool {
    type_name == "ID" || name == "token"
}

#[tokio::test]
async fn every_id_taking_field_has_an_isolation_case() {
    let schema = duely_backend::api::schema_builder().finish();
    let response = schema
        .execute(
            "{ __schema { types { name kind
                 fields { name args { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } }
                 inputFields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }",
        )
        .await;
    let data = response.data.into_json().unwrap();
    let types = data["__schema"]["types"].as_array().unwrap();
    let input_fields = |input: &str| -> Vec<(String, String)> {
        types
            .iter()
            .find(|ty| ty["name"] == input)
            .and_then(|ty| ty["inputFields"].as_array())
            .map(|fields| {
                fields
                    .iter()
                    .map(|field| {
                        (
                            field["name"].as_str().unwrap().to_owned(),
                            named(&field["type"]).1.to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut found = BTreeSet::new();
    for root in ["Query", "Mutation"] {
        let root_type = types.iter().find(|ty| ty["name"] == root).unwrap();
        for field in root_type["fields"].as_array().unwrap() {
            let field_name = field["name"].as_str().unwrap();
            for arg in field["args"].as_array().unwrap() {
                let arg_name = arg["name"].as_str().unwrap();
                let (kind, type_name) = named(&arg["type"]);
                if identifies(arg_name, type_name) {
                    found.insert(format!("{root}.{field_name}.{arg_name}"));
                }
                if kind == "INPUT_OBJECT" {
                    // Walk nested inputs too (`input.allocations.invoiceId`), a few levels deep.
                    let mut pending = vec![(
                        format!("{root}.{field_name}.{arg_name}"),
                        type_name.to_owned(),
                        0,
                    )];
                    while let Some((path, input_type, depth)) = pending.pop() {
                        for (input_name, field_type) in input_fields(&input_type) {
                            if identifies(&input_name, &field_type) {
                                found.insert(format!("{path}.{input_name}"));
                            } else if depth < 3 && !input_fields(&field_type).is_empty() {
                                pending.push((
                                    format!("{path}.{input_name}"),
                                    field_type,
                                    depth + 1,
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    let covered: BTreeSet<String> = CASES.iter().map(|case| (*case).to_owned()).collect();
    let missing: Vec<_> = found.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "id-taking fields without an isolation case: {missing:?}"
    );
    let stale: Vec<_> = covered.difference(&found).collect();
    assert!(
        stale.is_empty(),
        "isolation cases for fields that no longer exist: {stale:?}"
    );
}

/// The ids the cases name: the other company's (whose things must stay out of reach), and a
/// few of the caller's own, for fields that take one of each.
#[derive(Default)]
struct Ids {
    // The caller's own.
    own_email: String,
    own_customer: String,
    own_payment: String,
    own_policy: String,
    own_invoice: String,
    own_dispute: String,
    // The other company's.
    fapiao: String,
    credit_note: String,
    tenant: String,
    user: String,
    api_key: String,
    customer: String,
    invoice: String,
    draft: String,
    open_invoice: String,
    payment: String,
    dispute: String,
    promise: String,
    activity: String,
    policy: String,
    statement_token: String,
    task: String,
    fee: String,
    legal_case: String,
    letter: String,
    attachment: String,
    alert: String,
    rule: String,
    approval_request: String,
    bank_account: String,
    bank_transaction: String,
    own_bank_transaction: String,
    webhook_endpoint: String,
    webhook_delivery: String,
}

/// What a case must answer.
enum Expect {
    /// `NOT_FOUND`.
    NotFound,
    /// `VALIDATION`.
    Invalid,
    /// `VALIDATION` on this field.
    InvalidField(&'static str),
    /// No error, and `data.<field>` is null.
    Null(&'static str),
    /// `data.<field>.totalCount` is 0.
    NoneCounted(&'static str),
    /// `data.<field>` is an empty list.
    Empty(&'static str),
}

impl Expect {
    fn check(&self, case: &str, body: &Value) {
        match self {
            Expect::NotFound => assert_eq!(error_codes(body), ["NOT_FOUND"], "{case}: {body}"),
            Expect::Invalid => assert_eq!(error_codes(body), ["VALIDATION"], "{case}: {body}"),
            Expect::InvalidField(field) => {
                assert_eq!(error_codes(body), ["VALIDATION"], "{case}: {body}");
                assert_eq!(
                    body["errors"][0]["extensions"]["field"], *field,
                    "{case}: {body}"
                );
            }
            Expect::Null(field) => {
                assert!(body.get("errors").is_none(), "{case}: {body}");
                assert_eq!(body["data"][*field], Value::Null, "{case}: {body}");
            }
            Expect::NoneCounted(field) => {
                assert_eq!(body["data"][*field]["totalCount"], 0, "{case}: {body}");
            }
            Expect::Empty(field) => {
                assert_eq!(body["data"][*field], json!([]), "{case}: {body}");
            }
        }
    }
}

/// Who sends a case: a member of the caller's company, or nobody signed in (for fields whose
/// token is the credential).
#[derive(Clone, Copy)]
enum Who {
    Member,
    Anonymous,
}

/// One id-taking argument tried with the other company's id.
struct Case {
    /// The argument, as listed in [`CASES`].
    name: &'static str,
    query: String,
    /// The variables; for [`Case::input`], the value of `$input`.
    variables: fn(&Ids) -> Value,
    input: bool,
    who: Who,
    expect: Expect,
}

impl Case {
    /// `query` with `variables`, sent by a member of the caller's company.
    fn query(
        name: &'static str,
        query: &str,
        variables: fn(&Ids) -> Value,
        expect: Expect,
    ) -> Case {
        Case {
            name,
            query: query.to_owned(),
            variables,
            input: false,
            who: Who::Member,
            expect,
        }
    }

    /// `query` with `variables`, sent with no credentials.
    fn anonymous(
        name: &'static str,
        query: &str,
        variables: fn(&Ids) -> Value,
        expect: Expect,
    ) -> Case {
        Case {
            who: Who::Anonymous,
            ..Case::query(name, query, variables, expect)
        }
    }

    /// The mutation `field(input: $input) { __typename }` with `input` as `$input`.
    fn input(
        name: &'static str,
        field: &str,
        input_type: &str,
        input: fn(&Ids) -> Value,
        expect: Expect,
    ) -> Case {
        Case {
            input: true,
            ..Case::query(
                name,
                &format!(
                    "mutation($input: {input_type}!) {{ {field}(input: $input) {{ __typename }} }}"
                ),
                input,
                expect,
            )
        }
    }
}

/// Sends each case as `member` (or anonymously) with `ids` and checks its answer.
async fn run(app: &TestApp, member: &TestSession, ids: &Ids, cases: Vec<Case>) {
    for case in cases {
        let variables = (case.variables)(ids);
        let variables = if case.input {
            json!({ "input": variables })
        } else {
            variables
        };
        let body = match case.who {
            Who::Member => {
                app.graphql_as(&member.access_token, &case.query, variables)
                    .await
            }
            Who::Anonymous => app.graphql(&case.query, variables).await,
        };
        case.expect.check(case.name, &body);
    }
}

#[test]
fn every_listed_case_runs_in_a_table_and_every_table_case_is_listed() {
    let listed: BTreeSet<&str> = CASES.iter().copied().collect();
    let mut tabled = BTreeSet::new();
    for case in identity_cases()
        .into_iter()
        .chain(receivables_cases())
        .chain(dunning_cases())
        .chain(approval_cases())
        .chain(bank_cases())
        .chain(webhook_cases())
        .chain(messaging_cases())
    {
        assert!(tabled.insert(case.name), "{} is in two tables", case.name);
    }
    let unrun: Vec<_> = listed.difference(&tabled).collect();
    assert!(
        unrun.is_empty(),
        "listed in CASES, run by no table: {unrun:?}"
    );
    let unlisted: Vec<_> = tabled.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "run by a table, missing from CASES: {unlisted:?}"
    );
}

const FORGED_INVITATION: &str =
    "duely_inv_0000000000000000000000000000000000000000000000000000000000000000";

/// Team, keys, sign-in and account links: sent by Acme's owner (or nobody) with Globex's ids.
fn identity_cases() -> Vec<Case> {
    vec![
        Case::query(
            "Mutation.changeMemberRole.input.userId",
            "mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { member { role } } }",
            |ids| json!({ "input": { "userId": ids.user, "role": "VIEWER" } }),
            Expect::NotFound,
        ),
        Case::query(
            "Mutation.removeMember.input.userId",
            "mutation($input: RemoveMemberInput!) { removeMember(input: $input) { removedUserId } }",
            |ids| json!({ "input": { "userId": ids.user } }),
            Expect::NotFound,
        ),
        Case::query(
            "Mutation.revokeApiKey.input.apiKeyId",
            "mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id } } }",
            |ids| json!({ "input": { "apiKeyId": ids.api_key } }),
            Expect::NotFound,
        ),
        Case::query(
            "Mutation.switchTenant.input.tenantId",
            "mutation($input: SwitchTenantInput!) { switchTenant(input: $input) { accessToken } }",
            |ids| json!({ "input": { "tenantId": ids.tenant } }),
            Expect::NotFound,
        ),
        Case::anonymous(
            "Mutation.logIn.input.tenantId",
            "mutation($input: LogInInput!) { logIn(input: $input) { accessToken } }",
            |ids| json!({ "input": { "email": ids.own_email, "password": TEST_PASSWORD, "tenantId": ids.tenant } }),
            Expect::NotFound,
        ),
        // Filtering Acme's log by a Globex user finds nothing of Globex's.
        Case::query(
            "Query.auditLog.filter.actorUserId",
            "query($filter: AuditLogFilter) { auditLog(filter: $filter) { totalCount } }",
            |ids| json!({ "filter": { "actorUserId": ids.user } }),
            Expect::NoneCounted("auditLog"),
        ),
        // An invitation token is the capability itself: a made-up token finds nothing (the
        // test checks that Globex's real one shows Globex's invitation).
        Case::anonymous(
            "Query.invitation.token",
            "query($token: String!) { invitation(token: $token) { companyName } }",
            |_| json!({ "token": FORGED_INVITATION }),
            Expect::NotFound,
        ),
        Case::anonymous(
            "Mutation.acceptInvitation.input.token",
            "mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { tenant { name } } }",
            |_| json!({ "input": { "token": FORGED_INVITATION, "name": "X", "password": TEST_PASSWORD } }),
            Expect::NotFound,
        ),
        // Account links are capabilities too, of one person: a made-up token changes no
        // account.
        Case::anonymous(
            "Mutation.resetPassword.input.token",
            "mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { accessToken } }",
            |_| json!({ "input": { "token": "duely_pwr_0000000000000000000000000000000000000000000000000000000000000000", "newPassword": "a brand new passphrase" } }),
            Expect::NotFound,
        ),
        Case::anonymous(
            "Mutation.verifyEmail.input.token",
            "mutation($input: VerifyEmailInput!) { verifyEmail(input: $input) { user { id } } }",
            |_| json!({ "input": { "token": "duely_ver_0000000000000000000000000000000000000000000000000000000000000000" } }),
            Expect::NotFound,
        ),
    ]
}

/// Receivables, statements, collections and dunning ladders: sent by Acme's owner (or nobody,
/// for statement tokens) with Globex's ids.
fn receivables_cases() -> Vec<Case> {
    vec![
        Case::input(
            "Mutation.updateCustomer.input.customerId",
            "updateCustomer",
            "UpdateCustomerInput",
            |ids| json!({ "customerId": ids.customer, "name": "Hijacked" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.archiveCustomer.input.customerId",
            "archiveCustomer",
            "ArchiveCustomerInput",
            |ids| json!({ "customerId": ids.customer }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.setCreditLimit.input.customerId",
            "setCreditLimit",
            "SetCreditLimitInput",
            |ids| json!({ "customerId": ids.customer, "creditLimit": "1", "reason": "x" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.placeCreditHold.input.customerId",
            "placeCreditHold",
            "PlaceCreditHoldInput",
            |ids| json!({ "customerId": ids.customer, "reason": "x" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.releaseCreditHold.input.customerId",
            "releaseCreditHold",
            "ReleaseCreditHoldInput",
            |ids| json!({ "customerId": ids.customer, "reason": "x" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.createInvoice.input.customerId",
            "createInvoice",
            "CreateInvoiceInput",
            |ids| json!({ "customerId": ids.customer, "lines": [{ "description": "x", "quantity": "1", "unitPrice": "1" }] }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.updateInvoice.input.invoiceId",
            "updateInvoice",
            "UpdateInvoiceInput",
            |ids| json!({ "invoiceId": ids.draft, "notes": "x" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.issueInvoice.input.invoiceId",
            "issueInvoice",
            "IssueInvoiceInput",
            |ids| json!({ "invoiceId": ids.draft }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.voidInvoice.input.invoiceId",
            "voidInvoice",
            "VoidInvoiceInput",
            |ids| json!({ "invoiceId": ids.draft, "reason": "x" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.writeOffInvoice.input.invoiceId",
            "writeOffInvoice",
            "WriteOffInvoiceInput",
            |ids| json!({ "invoiceId": ids.open_invoice, "reason": "x" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.setInstallmentPlan.input.invoiceId",
            "setInstallmentPlan",
            "SetInstallmentPlanInput",
            |ids| json!({ "invoiceId": ids.open_invoice, "installments": [] }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.openDispute.input.invoiceId",
            "openDispute",
            "OpenDisputeInput",
            |ids| json!({ "invoiceId": ids.open_invoice, "reason": "x" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.resolveDispute.input.disputeId",
            "resolveDispute",
            "ResolveDisputeInput",
            |ids| json!({ "disputeId": ids.dispute, "outcome": "REJECTED", "note": "x" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.updateDispute.input.disputeId",
            "updateDispute",
            "UpdateDisputeInput",
            |ids| json!({ "disputeId": ids.dispute, "reasonCode": "PRICE", "assigneeId": null, "dueOn": null }),
            Expect::NotFound,
        ),
        // Globex's owner is no member of Acme's: they cannot own Acme's disputes.
        Case::input(
            "Mutation.updateDispute.input.assigneeId",
            "updateDispute",
            "UpdateDisputeInput",
            |ids| json!({ "disputeId": ids.own_dispute, "assigneeId": ids.user }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.openDispute.input.assigneeId",
            "openDispute",
            "OpenDisputeInput",
            |ids| json!({ "invoiceId": ids.own_invoice, "reason": "x", "assigneeId": ids.user }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.recordFapiao.input.invoiceId",
            "recordFapiao",
            "RecordFapiaoInput",
            |ids| {
                json!({ "invoiceId": ids.invoice, "number": "G0002", "kind": "OTHER",
                "issuedOn": "2026-01-01", "amount": "1", "taxAmount": "0" })
            },
            Expect::NotFound,
        ),
        // A red-letter fapiao of Acme's invoice cannot answer Globex's credit note.
        Case::input(
            "Mutation.recordFapiao.input.creditNoteId",
            "recordFapiao",
            "RecordFapiaoInput",
            |ids| {
                json!({ "invoiceId": ids.own_invoice, "number": "A0002", "kind": "OTHER",
                "issuedOn": "2026-01-01", "amount": "1", "taxAmount": "0", "creditNoteId": ids.credit_note })
            },
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.sendInvoice.input.invoiceId",
            "sendInvoice",
            "SendInvoiceInput",
            |ids| json!({ "invoiceId": ids.invoice, "email": "ap@globex.example" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.voidFapiao.input.fapiaoId",
            "voidFapiao",
            "VoidFapiaoInput",
            |ids| json!({ "fapiaoId": ids.fapiao, "reason": "x" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.createCreditNote.input.invoiceId",
            "createCreditNote",
            "CreateCreditNoteInput",
            |ids| json!({ "invoiceId": ids.open_invoice, "amount": "1", "reason": "x" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.recordPayment.input.customerId",
            "recordPayment",
            "RecordPaymentInput",
            |ids| json!({ "customerId": ids.customer, "amount": "1", "currency": "CNY", "method": "CASH" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.allocatePayment.input.paymentId",
            "allocatePayment",
            "AllocatePaymentInput",
            |ids| json!({ "paymentId": ids.payment }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.applyCredit.input.customerId",
            "applyCredit",
            "ApplyCreditInput",
            |ids| json!({ "customerId": ids.customer }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.reversePayment.input.paymentId",
            "reversePayment",
            "ReversePaymentInput",
            |ids| json!({ "paymentId": ids.payment, "reason": "x" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.sendStatement.input.customerId",
            "sendStatement",
            "SendStatementInput",
            |ids| json!({ "customerId": ids.customer, "from": "2026-01-01", "to": "2026-12-31", "email": "x@example.com" }),
            Expect::NotFound,
        ),
        // Globex's invoice named in Acme's own payment, credit or allocation is not an open
        // invoice of Acme's customer: a validation error on that field, and nothing written.
        Case::input(
            "Mutation.recordPayment.input.allocations.invoiceId",
            "recordPayment",
            "RecordPaymentInput",
            |ids| {
                json!({ "customerId": ids.own_customer, "amount": "1", "currency": "CNY", "method": "CASH",
                    "allocations": [{ "invoiceId": ids.open_invoice, "amount": "1" }] })
            },
            Expect::InvalidField("input.allocations[0].invoiceId"),
        ),
        Case::input(
            "Mutation.allocatePayment.input.allocations.invoiceId",
            "allocatePayment",
            "AllocatePaymentInput",
            |ids| {
                json!({ "paymentId": ids.own_payment,
                    "allocations": [{ "invoiceId": ids.open_invoice, "amount": "1" }] })
            },
            Expect::InvalidField("input.allocations[0].invoiceId"),
        ),
        Case::input(
            "Mutation.applyCredit.input.allocations.invoiceId",
            "applyCredit",
            "ApplyCreditInput",
            |ids| {
                json!({ "customerId": ids.own_customer,
                    "allocations": [{ "invoiceId": ids.open_invoice, "amount": "1" }] })
            },
            Expect::InvalidField("input.allocations[0].invoiceId"),
        ),
        // Assigning Globex's owner as Acme's collector or salesperson is refused.
        Case::input(
            "Mutation.createCustomer.input.collectorId",
            "createCustomer",
            "CreateCustomerInput",
            |ids| json!({ "name": "X", "code": "X-1", "collectorId": ids.user }),
            Expect::Invalid,
        ),
        Case::input(
            "Mutation.createCustomer.input.salespersonId",
            "createCustomer",
            "CreateCustomerInput",
            |ids| json!({ "name": "X", "code": "X-2", "salespersonId": ids.user }),
            Expect::Invalid,
        ),
        Case::input(
            "Mutation.updateCustomer.input.collectorId",
            "updateCustomer",
            "UpdateCustomerInput",
            |ids| json!({ "customerId": ids.own_customer, "collectorId": ids.user }),
            Expect::Invalid,
        ),
        Case::input(
            "Mutation.updateCustomer.input.salespersonId",
            "updateCustomer",
            "UpdateCustomerInput",
            |ids| json!({ "customerId": ids.own_customer, "salespersonId": ids.user }),
            Expect::Invalid,
        ),
        // Reads find nothing.
        Case::query(
            "Query.customer.id",
            "query($id: ID!) { customer(id: $id) { id } }",
            |ids| json!({ "id": ids.customer }),
            Expect::Null("customer"),
        ),
        Case::query(
            "Query.invoice.id",
            "query($id: ID!) { invoice(id: $id) { id } }",
            |ids| json!({ "id": ids.invoice }),
            Expect::Null("invoice"),
        ),
        Case::query(
            "Query.payment.id",
            "query($id: ID!) { payment(id: $id) { id } }",
            |ids| json!({ "id": ids.payment }),
            Expect::Null("payment"),
        ),
        Case::query(
            "Query.customerStatement.customerId",
            "query($id: ID!) { customerStatement(customerId: $id, from: \"2026-01-01\", to: \"2026-12-31\") { currency } }",
            |ids| json!({ "id": ids.customer }),
            Expect::Null("customerStatement"),
        ),
        Case::query(
            "Query.customers.filter.collectorId",
            "query($id: ID!) { customers(filter: { collectorId: $id }) { totalCount } }",
            |ids| json!({ "id": ids.user }),
            Expect::NoneCounted("customers"),
        ),
        Case::query(
            "Query.invoices.filter.customerId",
            "query($id: ID!) { invoices(filter: { customerId: $id }) { totalCount } }",
            |ids| json!({ "id": ids.customer }),
            Expect::NoneCounted("invoices"),
        ),
        // The queue filtered by Globex's customer or by Globex's owner (who owns Globex's
        // dispute) finds nothing.
        Case::query(
            "Query.disputes.filter.customerId",
            "query($id: ID!) { disputes(filter: { customerId: $id, status: [OPEN, RESOLVED, REJECTED] }) { totalCount } }",
            |ids| json!({ "id": ids.customer }),
            Expect::NoneCounted("disputes"),
        ),
        Case::query(
            "Query.disputes.filter.assigneeId",
            "query($id: ID!) { disputes(filter: { assigneeId: $id }) { totalCount } }",
            |ids| json!({ "id": ids.user }),
            Expect::NoneCounted("disputes"),
        ),
        Case::query(
            "Query.payments.filter.customerId",
            "query($id: ID!) { payments(filter: { customerId: $id }) { totalCount } }",
            |ids| json!({ "id": ids.customer }),
            Expect::NoneCounted("payments"),
        ),
        // Collections: Globex's customer and invoice cannot be logged against, and Globex's
        // promise cannot be cancelled; filters by Globex's ids find nothing.
        Case::query(
            "Mutation.logCollectionActivity.input.customerId",
            "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { id } } }",
            |ids| json!({ "input": { "customerId": ids.customer, "channel": "PHONE", "outcome": "NO_ANSWER" } }),
            Expect::NotFound,
        ),
        Case::query(
            "Mutation.logCollectionActivity.input.invoiceIds",
            "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { id } } }",
            |ids| json!({ "input": { "customerId": ids.own_customer, "channel": "PHONE", "outcome": "NO_ANSWER", "invoiceIds": [ids.open_invoice] } }),
            Expect::Invalid,
        ),
        Case::query(
            "Mutation.cancelPromise.input.promiseId",
            "mutation($input: CancelPromiseInput!) { cancelPromise(input: $input) { promise { id } } }",
            |ids| json!({ "input": { "promiseId": ids.promise, "reason": "x" } }),
            Expect::NotFound,
        ),
        Case::query(
            "Query.collectionActivities.filter.customerId",
            "query($id: ID!) { collectionActivities(filter: { customerId: $id }) { totalCount } }",
            |ids| json!({ "id": ids.customer }),
            Expect::NoneCounted("collectionActivities"),
        ),
        Case::query(
            "Query.collectionActivities.filter.invoiceId",
            "query($id: ID!) { collectionActivities(filter: { invoiceId: $id }) { totalCount } }",
            |ids| json!({ "id": ids.open_invoice }),
            Expect::NoneCounted("collectionActivities"),
        ),
        Case::query(
            "Query.promisesToPay.filter.customerId",
            "query($id: ID!) { promisesToPay(filter: { customerId: $id }) { totalCount } }",
            |ids| json!({ "id": ids.customer }),
            Expect::NoneCounted("promisesToPay"),
        ),
        // Globex's activity cannot be corrected from Acme.
        Case::query(
            "Mutation.updateCollectionActivity.input.activityId",
            "mutation($input: UpdateCollectionActivityInput!) { updateCollectionActivity(input: $input) { activity { id } } }",
            |ids| json!({ "input": { "activityId": ids.activity, "note": "x" } }),
            Expect::NotFound,
        ),
        // Dunning: Globex's ladder and customer are not Acme's to change or assign.
        Case::query(
            "Mutation.saveDunningPolicy.input.policyId",
            "mutation($input: SaveDunningPolicyInput!) { saveDunningPolicy(input: $input) { policy { id } } }",
            |ids| json!({ "input": { "policyId": ids.policy, "name": "Hijacked", "steps": [{ "offsetDays": 1, "action": "SEND_EMAIL", "name": "x" }] } }),
            Expect::NotFound,
        ),
        Case::query(
            "Mutation.assignDunningPolicy.input.policyId",
            "mutation($input: AssignDunningPolicyInput!) { assignDunningPolicy(input: $input) { policy { id } } }",
            |ids| json!({ "input": { "policyId": ids.policy, "customerId": ids.own_customer } }),
            Expect::NotFound,
        ),
        Case::query(
            "Mutation.assignDunningPolicy.input.customerId",
            "mutation($input: AssignDunningPolicyInput!) { assignDunningPolicy(input: $input) { policy { id } } }",
            |ids| json!({ "input": { "policyId": ids.own_policy, "customerId": ids.customer } }),
            Expect::NotFound,
        ),
        Case::query(
            "Mutation.pauseDunning.input.customerId",
            "mutation($input: PauseDunningInput!) { pauseDunning(input: $input) { customerId } }",
            |ids| json!({ "input": { "customerId": ids.customer, "reason": "x" } }),
            Expect::NotFound,
        ),
        Case::query(
            "Query.previewDunningRun.draft.policyId",
            "query($draft: SaveDunningPolicyInput) { previewDunningRun(date: \"2026-06-30\", draft: $draft) { date } }",
            |ids| json!({ "draft": { "policyId": ids.policy, "name": "Peek", "steps": [{ "offsetDays": 1, "action": "SEND_EMAIL", "name": "x" }] } }),
            Expect::NotFound,
        ),
        // A statement token names its own tenant and customer; a token made up for Globex's
        // tenant finds nothing, and cannot answer for it.
        Case::anonymous(
            "Query.publicStatement.token",
            "query($token: String!) { publicStatement(token: $token) { companyName } }",
            |ids| json!({ "token": ids.statement_token }),
            Expect::NotFound,
        ),
        Case::anonymous(
            "Mutation.respondToStatement.input.token",
            "mutation($input: RespondToStatementInput!) { respondToStatement(input: $input) { response { answer } } }",
            |ids| json!({ "input": { "token": ids.statement_token, "answer": "CONFIRMED", "name": "x" } }),
            Expect::NotFound,
        ),
        Case::anonymous(
            "Mutation.payStatement.input.token",
            "mutation($input: PayStatementInput!) { payStatement(input: $input) { url } }",
            |ids| json!({ "input": { "token": ids.statement_token } }),
            Expect::NotFound,
        ),
        Case::query(
            "Mutation.createPaymentLink.input.invoiceId",
            "mutation($input: CreatePaymentLinkInput!) { createPaymentLink(input: $input) { url } }",
            |ids| json!({ "input": { "invoiceId": ids.open_invoice } }),
            Expect::NotFound,
        ),
    ]
}

/// Dunning results, the worklist, legal cases, alerts and analytics: sent by Acme's owner with
/// Globex's ids.
fn dunning_cases() -> Vec<Case> {
    vec![
        Case::input(
            "Mutation.completeTask.input.taskId",
            "completeTask",
            "CompleteTaskInput",
            |ids| json!({ "taskId": ids.task, "outcome": "NO_ANSWER" }),
            Expect::NotFound,
        ),
        // Tasks: Globex's task, customer, invoice and people are not Acme's.
        Case::query(
            "Query.tasks.filter.assigneeId",
            "query($id: ID) { tasks(filter: { assigneeId: $id }) { totalCount } }",
            |ids| json!({ "id": ids.user }),
            Expect::NoneCounted("tasks"),
        ),
        Case::query(
            "Query.tasks.filter.customerId",
            "query($id: ID) { tasks(filter: { customerId: $id, scope: ALL }) { totalCount } }",
            |ids| json!({ "id": ids.customer }),
            Expect::NoneCounted("tasks"),
        ),
        Case::input(
            "Mutation.createTask.input.customerId",
            "createTask",
            "CreateTaskInput",
            |ids| json!({ "customerId": ids.customer, "kind": "VISIT", "dueOn": "2030-01-01" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.createTask.input.assigneeId",
            "createTask",
            "CreateTaskInput",
            |ids| json!({ "customerId": ids.own_customer, "assigneeId": ids.user, "kind": "VISIT", "dueOn": "2030-01-01" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.createTask.input.invoiceIds",
            "createTask",
            "CreateTaskInput",
            |ids| json!({ "customerId": ids.own_customer, "invoiceIds": [ids.invoice], "kind": "VISIT", "dueOn": "2030-01-01" }),
            Expect::InvalidField("input.invoiceIds[0]"),
        ),
        Case::input(
            "Mutation.reassignTask.input.taskId",
            "reassignTask",
            "ReassignTaskInput",
            |ids| json!({ "taskId": ids.task, "assigneeId": null }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.reassignTask.input.assigneeId",
            "reassignTask",
            "ReassignTaskInput",
            |ids| json!({ "taskId": ids.task, "assigneeId": ids.user }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.cancelTask.input.taskId",
            "cancelTask",
            "CancelTaskInput",
            |ids| json!({ "taskId": ids.task, "reason": "x" }),
            Expect::NotFound,
        ),
        // Globex's customer cannot be assigned, nor Globex's owner be Acme's collector or
        // salesperson: not found, and nothing changes.
        Case::input(
            "Mutation.assignCustomers.input.customerIds",
            "assignCustomers",
            "AssignCustomersInput",
            |ids| json!({ "customerIds": [ids.customer], "collectorId": null }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.assignCustomers.input.collectorId",
            "assignCustomers",
            "AssignCustomersInput",
            |ids| json!({ "customerIds": [ids.own_customer], "collectorId": ids.user }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.assignCustomers.input.salespersonId",
            "assignCustomers",
            "AssignCustomersInput",
            |ids| json!({ "customerIds": [ids.own_customer], "salespersonId": ids.user }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.saveEmailTemplate.input.policyId",
            "saveEmailTemplate",
            "SaveEmailTemplateInput",
            |ids| json!({ "policyId": ids.policy, "stepOffset": 7, "locale": "en", "subject": "x", "body": "y" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.saveCollectionScript.input.policyId",
            "saveCollectionScript",
            "SaveCollectionScriptInput",
            |ids| json!({ "policyId": ids.policy, "stepOffset": 15, "channel": "PHONE", "locale": "en", "body": "y" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.waiveFee.input.feeId",
            "waiveFee",
            "WaiveFeeInput",
            |ids| json!({ "feeId": ids.fee, "reason": "x" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.escalateToLegal.input.customerId",
            "escalateToLegal",
            "EscalateToLegalInput",
            |ids| json!({ "customerId": ids.customer }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.escalateToLegal.input.invoiceIds",
            "escalateToLegal",
            "EscalateToLegalInput",
            |ids| json!({ "customerId": ids.own_customer, "invoiceIds": [ids.invoice] }),
            Expect::Invalid,
        ),
        Case::input(
            "Mutation.draftLawyerLetter.input.legalCaseId",
            "draftLawyerLetter",
            "DraftLawyerLetterInput",
            |ids| json!({ "legalCaseId": ids.legal_case }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.markLetterMailed.input.letterId",
            "markLetterMailed",
            "MarkLetterMailedInput",
            |ids| json!({ "letterId": ids.letter, "trackingNumber": "SF1234567890" }),
            Expect::NotFound,
        ),
        Case::query(
            "Query.letters.filter.customerId",
            "query($id: ID) { letters(filter: { customerId: $id }) { totalCount } }",
            |ids| json!({ "id": ids.customer }),
            Expect::NoneCounted("letters"),
        ),
        Case::query(
            "Query.attachments.ownerId",
            "query($id: ID!) { attachments(ownerType: LEGAL_CASE, ownerId: $id) { id } }",
            |ids| json!({ "id": ids.legal_case }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.deleteAttachment.input.attachmentId",
            "deleteAttachment",
            "DeleteAttachmentInput",
            |ids| json!({ "attachmentId": ids.attachment, "reason": "wrong file" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.updateLegalCase.input.caseId",
            "updateLegalCase",
            "UpdateLegalCaseInput",
            |ids| json!({ "caseId": ids.legal_case, "status": "SETTLED" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.acknowledgeAlert.input.alertId",
            "acknowledgeAlert",
            "AlertActionInput",
            |ids| json!({ "alertId": ids.alert }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.resolveAlert.input.alertId",
            "resolveAlert",
            "AlertActionInput",
            |ids| json!({ "alertId": ids.alert }),
            Expect::NotFound,
        ),
        Case::query(
            "Query.collectionScripts.policyId",
            "query($id: ID!) { collectionScripts(policyId: $id) { body } }",
            |ids| json!({ "id": ids.policy }),
            Expect::NotFound,
        ),
        Case::query(
            "Query.emailTemplates.policyId",
            "query($id: ID!) { emailTemplates(policyId: $id) { subject } }",
            |ids| json!({ "id": ids.policy }),
            Expect::NotFound,
        ),
        Case::query(
            "Query.worklist.collectorId",
            "query($id: ID) { worklist(collectorId: $id) { totalCount } }",
            |ids| json!({ "id": ids.user }),
            Expect::NoneCounted("worklist"),
        ),
        Case::query(
            "Query.legalCases.filter.customerId",
            "query($id: ID!) { legalCases(filter: { customerId: $id }) { totalCount } }",
            |ids| json!({ "id": ids.customer }),
            Expect::NoneCounted("legalCases"),
        ),
        Case::query(
            "Query.riskAlerts.filter.customerId",
            "query($id: ID!) { riskAlerts(filter: { customerId: $id }) { totalCount } }",
            |ids| json!({ "id": ids.customer }),
            Expect::NoneCounted("riskAlerts"),
        ),
        // Analytics: Globex's customer has no rating Acme can read or override; Globex's rule
        // and Globex's people are not Acme's.
        Case::input(
            "Mutation.overrideCreditRating.input.customerId",
            "overrideCreditRating",
            "OverrideCreditRatingInput",
            |ids| json!({ "customerId": ids.customer, "grade": "A", "reason": "x" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.saveIncentiveRule.input.ruleId",
            "saveIncentiveRule",
            "SaveIncentiveRuleInput",
            |ids| json!({ "ruleId": ids.rule, "name": "Hijacked", "kind": "PERCENT_OF_COLLECTED", "rate": "50", "currency": "CNY" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.setCollectorTarget.input.userId",
            "setCollectorTarget",
            "SetCollectorTargetInput",
            |ids| json!({ "userId": ids.user, "month": "2026-01-01", "amount": "1", "currency": "CNY" }),
            Expect::NotFound,
        ),
        Case::query(
            "Query.kpis.collectorId",
            "query($id: ID) { kpis(from: \"2026-01-01\", to: \"2026-01-31\", collectorId: $id) { dso } }",
            |ids| json!({ "id": ids.user }),
            Expect::NotFound,
        ),
        Case::query(
            "Query.kpiTrend.collectorId",
            "query($id: ID) { kpiTrend(metric: DSO, from: \"2026-01-01\", to: \"2026-01-31\", collectorId: $id) { value } }",
            |ids| json!({ "id": ids.user }),
            Expect::NotFound,
        ),
        Case::query(
            "Query.creditRating.customerId",
            "query($id: ID!) { creditRating(customerId: $id) { score } }",
            |ids| json!({ "id": ids.customer }),
            Expect::Null("creditRating"),
        ),
        Case::query(
            "Query.creditRatingHistory.customerId",
            "query($id: ID!) { creditRatingHistory(customerId: $id) { score } }",
            |ids| json!({ "id": ids.customer }),
            Expect::Empty("creditRatingHistory"),
        ),
    ]
}

#[tokio::test]
async fn another_tenants_ids_are_not_found_and_change_nothing() {
    let app = spawn_app().await;
    let acme = app.sign_up("Acme", "owner@acme.example").await;
    let globex = app.sign_up("Globex", &app.email("globex-owner")).await;

    // Globex's objects: a member, a pending invitation, an API key.
    let invited = app.email("globex-viewer");
    app.graphql_as(
        &globex.access_token,
        "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }",
        json!({ "input": { "email": invited, "role": "VIEWER" } }),
    )
    .await;
    let globex_token = invitation_token(&app.email_to(&invited).await);
    let key = app
        .graphql_as(
            &globex.access_token,
            "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }",
            json!({ "input": { "name": "Globex ERP", "scopes": ["team:read"] } }),
        )
        .await;
    let ids = Ids {
        own_email: "owner@acme.example".to_owned(),
        tenant: globex.tenant_id.to_string(),
        user: globex.user_id.clone(),
        api_key: key["data"]["createApiKey"]["apiKey"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        ..Ids::default()
    };
    let before = snapshot(&app).await;

    run(&app, &acme, &ids, identity_cases()).await;
    // Whoever holds Globex's link sees Globex's invitation, and nothing of Acme's; accepting it
    // joins Globex, never Acme.
    let real = app
        .graphql(
            "query($token: String!) { invitation(token: $token) { companyName } }",
            json!({ "token": globex_token }),
        )
        .await;
    assert_eq!(real["data"]["invitation"]["companyName"], "Globex");

    assert_eq!(snapshot(&app).await, before, "nothing changed");
}

/// Counts that any cross-tenant write would change.
async fn snapshot(app: &crate::helpers::TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for sql in [
        "SELECT count(*) FROM public.memberships",
        "SELECT count(*) FROM public.memberships WHERE role = 'OWNER'",
        "SELECT count(*) FROM public.api_keys WHERE revoked_at IS NULL",
        "SELECT count(*) FROM public.refresh_tokens WHERE revoked_at IS NULL",
        "SELECT count(*) FROM public.invitations WHERE accepted_at IS NULL",
        "SELECT count(*) FROM public.users",
    ] {
        counts.push(count(&app.db, sql).await);
    }
    counts
}

#[tokio::test]
async fn one_pooled_connection_alternating_between_tenants_never_mixes_them() {
    let app = spawn_app().await;
    let acme = crate::helpers::create_tenant(&app.db, "Acme").await;
    let globex = crate::helpers::create_tenant(&app.db, "Globex").await;
    let single = sea_orm::Database::connect(
        sea_orm::ConnectOptions::new(app.database_url.clone())
            .max_connections(1)
            .to_owned(),
    )
    .await
    .unwrap();
    use sea_orm::ConnectionTrait;
    for round in 0..10 {
        for (tenant, value) in [(acme, "acme"), (globex, "globex")] {
            let tx = duely_backend::db::TenantTx::begin(&single, tenant)
                .await
                .unwrap();
            tx.execute_unprepared(&format!(
                r#"INSERT INTO settings (key, value) VALUES ('round.{round}', '"{value}"')"#
            ))
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
    }
    for (tenant, value) in [(acme, "acme"), (globex, "globex")] {
        let tx = duely_backend::db::TenantTx::begin(&single, tenant)
            .await
            .unwrap();
        let rows = tx
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SELECT value::text AS v FROM settings WHERE key LIKE 'round.%'",
            ))
            .await
            .unwrap();
        assert_eq!(rows.len(), 10);
        for row in rows {
            assert_eq!(
                row.try_get::<String>("", "v").unwrap(),
                format!("\"{value}\"")
            );
        }
        tx.rollback().await.unwrap();
    }
}

#[tokio::test]
async fn receivables_of_another_tenant_are_not_found_and_change_nothing() {
    let app = spawn_app().await;
    let acme = app.sign_up("Acme", &app.email("acme")).await;
    let globex = app.sign_up("Globex", &app.email("globex")).await;

    // Globex's receivables: a customer, an issued invoice, a draft, a payment, a dispute.
    let customer = create_customer(&app, &globex, "G-1", json!({})).await;
    let customer_id = id(&customer);
    let invoice = issue_invoice(&app, &globex, &customer_id, "1000", json!({})).await;
    let draft = create_invoice_raw(&app, &globex, &customer_id, "10", false, json!({})).await;
    let payment = record_payment_raw(
        &app,
        &globex,
        json!({ "customerId": customer_id, "amount": "1200", "currency": "CNY", "method": "CASH" }),
    )
    .await;
    // The payment covered the first invoice; a second one stays open to dispute.
    let open_invoice = issue_invoice(&app, &globex, &customer_id, "500", json!({})).await;
    let dispute = ok(
        &app,
        &globex,
        "mutation($input: OpenDisputeInput!) { openDispute(input: $input) { dispute { id } } }",
        json!({ "input": { "invoiceId": id(&open_invoice), "reason": "Short delivery", "amount": "1",
            "reasonCode": "QUALITY", "assigneeId": globex.user_id } }),
        "openDispute",
    )
    .await;
    // Globex's collections: a promise to pay and an activity; its default dunning ladder.
    let promised = duely_backend::db::tenant_calendar(&app.db, globex.tenant_id)
        .await
        .unwrap()
        .today
        + chrono::Days::new(30);
    let promise = ok(
        &app,
        &globex,
        "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { promise { id } } } }",
        json!({ "input": { "customerId": customer_id, "channel": "PHONE", "outcome": "PROMISE_TO_PAY",
            "promise": { "amount": "1", "promisedDate": promised.to_string() } } }),
        "logCollectionActivity",
    )
    .await;
    let activity = ok(
        &app,
        &globex,
        "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { id } } }",
        json!({ "input": { "customerId": customer_id, "channel": "EMAIL", "outcome": "OTHER" } }),
        "logCollectionActivity",
    )
    .await;
    // A fapiao of Globex's paid invoice, and a credit note on its open one.
    let fapiao = ok(
        &app,
        &globex,
        "mutation($input: RecordFapiaoInput!) { recordFapiao(input: $input) { fapiao { id } } }",
        json!({ "input": { "invoiceId": id(&invoice), "number": "G0001", "kind": "OTHER",
            "issuedOn": "2026-01-01", "amount": "1000", "taxAmount": "0" } }),
        "recordFapiao",
    )
    .await;
    let credit_note = ok(
        &app,
        &globex,
        "mutation($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { creditNote { id } } }",
        json!({ "input": { "invoiceId": id(&open_invoice), "amount": "1", "reason": "Damaged" } }),
        "createCreditNote",
    )
    .await;
    let policies = "{ dunningPolicies { id } }";
    let globex_policy = ok(&app, &globex, policies, json!({}), "dunningPolicies").await;

    // Acme's own customer, payment and ladder, so the fields that take one of Globex's ids in a
    // nested or second argument have something of Acme's to act on.
    let acme_customer = create_customer(&app, &acme, "A-1", json!({})).await;
    let acme_payment = record_payment_raw(&app, &acme, json!({ "customerId": id(&acme_customer), "amount": "5", "currency": "CNY", "method": "CASH" })).await;
    let acme_policy = ok(&app, &acme, policies, json!({}), "dunningPolicies").await;
    // And an open invoice of Acme's under a dispute of Acme's, for the fields that take one
    // of Acme's and a member of Globex's.
    let acme_buyer = create_customer(&app, &acme, "A-2", json!({})).await;
    let acme_invoice = issue_invoice(&app, &acme, &id(&acme_buyer), "300", json!({})).await;
    let acme_dispute = ok(
        &app,
        &acme,
        "mutation($input: OpenDisputeInput!) { openDispute(input: $input) { dispute { id } } }",
        json!({ "input": { "invoiceId": id(&acme_invoice), "reason": "Short delivery" } }),
        "openDispute",
    )
    .await;

    let ids = Ids {
        own_customer: id(&acme_customer),
        own_payment: id(&acme_payment["data"]["recordPayment"]["payment"]),
        own_policy: id(&acme_policy[0]),
        own_invoice: id(&acme_invoice),
        own_dispute: id(&acme_dispute["dispute"]),
        fapiao: id(&fapiao["fapiao"]),
        credit_note: id(&credit_note["creditNote"]),
        user: globex.user_id.clone(),
        customer: customer_id,
        invoice: id(&invoice),
        draft: id(&draft["data"]["createInvoice"]["invoice"]),
        open_invoice: id(&open_invoice),
        payment: id(&payment["data"]["recordPayment"]["payment"]),
        dispute: id(&dispute["dispute"]),
        promise: id(&promise["activity"]["promise"]),
        activity: id(&activity["activity"]),
        policy: id(&globex_policy[0]),
        statement_token: format!(
            "duely_stm_{}_{}",
            globex.tenant_id.0.simple(),
            "0".repeat(64)
        ),
        ..Ids::default()
    };
    let schema = globex.tenant_id.schema_name();
    let globex_state = |app: &TestApp| {
        let schema = schema.clone();
        let db = app.db.clone();
        async move {
            let mut counts = Vec::new();
            for sql in [
                "SELECT count(*) FROM \"{s}\".customers WHERE archived_at IS NULL AND NOT credit_hold AND credit_limit IS NULL",
                "SELECT count(*) FROM \"{s}\".invoices WHERE status = 'DRAFT'",
                "SELECT count(*) FROM \"{s}\".invoices WHERE status IN ('ISSUED', 'PARTIALLY_PAID', 'PAID')",
                "SELECT count(*) FROM \"{s}\".payments",
                "SELECT count(*) FROM \"{s}\".allocations",
                "SELECT count(*) FROM \"{s}\".disputes WHERE status = 'OPEN'",
                "SELECT count(*) FROM \"{s}\".disputes WHERE reason_code = 'QUALITY' AND assignee_id IS NOT NULL AND due_on IS NULL",
                "SELECT count(*) FROM \"{s}\".credit_notes",
                "SELECT count(*) FROM \"{s}\".installments",
                "SELECT count(*) FROM \"{s}\".payment_reversals",
                "SELECT count(*) FROM \"{s}\".fapiaos WHERE voided_at IS NULL",
            ] {
                counts.push(count(&db, &sql.replace("{s}", &schema)).await);
            }
            counts
        }
    };
    let before = globex_state(&app).await;
    assert_eq!(
        before[6], 1,
        "Globex's dispute has its reason code and owner: {before:?}"
    );

    run(&app, &acme, &ids, receivables_cases()).await;

    assert_eq!(
        globex_state(&app).await,
        before,
        "nothing of Globex's changed"
    );
}

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn dunning_results_of_another_tenant_are_not_found_and_change_nothing() {
    use duely_backend::collections::run::{Trigger, run_tenant};
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let acme = app.sign_up("Acme", &app.email("acme")).await;
    let globex = app.sign_up("Globex", &app.email("globex")).await;
    let links = duely_backend::startup::AppLinks {
        public_url: app.address.clone(),
        sealer: duely_backend::secrets::Sealer::from_hex(&"5a".repeat(32).into()).unwrap(),
        environment: duely_backend::config::Environment::Development,
        messaging: crate::helpers::messaging_endpoints(),
    };

    // Globex: an invoice long overdue, a run that made a call task and a late fee, a legal
    // case and an alert.
    let customer = create_customer(&app, &globex, "G-1", json!({})).await;
    let customer_id = id(&customer);
    let invoice = issue_invoice(
        &app,
        &globex,
        &customer_id,
        "1000",
        json!({ "issueDate": "2025-12-01", "dueDate": "2026-01-01" }),
    )
    .await;
    for day in [16, 32] {
        let date =
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(day - 1);
        run_tenant(&app.db, &links, globex.tenant_id, date, Trigger::Schedule)
            .await
            .unwrap();
    }
    let schema = globex.tenant_id.schema_name();
    let one = |sql: &str| {
        let sql = sql.replace("{s}", &format!("\"{schema}\""));
        let db = app.db.clone();
        async move {
            db.query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                sql,
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<uuid::Uuid>("", "id")
            .unwrap()
            .to_string()
        }
    };
    let task_id = one("SELECT id FROM {s}.collection_tasks LIMIT 1").await;
    let fee_id = one("SELECT id FROM {s}.late_fees LIMIT 1").await;
    let case = ok(
        &app,
        &globex,
        "mutation($input: EscalateToLegalInput!) { escalateToLegal(input: $input) { legalCase { id } } }",
        json!({ "input": { "customerId": customer_id } }),
        "escalateToLegal",
    )
    .await;
    let case_id = id(&case["legalCase"]);
    let letter = ok(
        &app,
        &globex,
        "mutation($input: DraftLawyerLetterInput!) { draftLawyerLetter(input: $input) { letter { id } } }",
        json!({ "input": { "legalCaseId": case_id } }),
        "draftLawyerLetter",
    )
    .await;
    let letter_id = id(&letter["letter"]);
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO \"{schema}\".risk_alerts (id, customer_id, kind, cause, severity, message)
             VALUES (gen_random_uuid(), '{customer_id}', 'BROKEN_PROMISE', 'test', 'HIGH', 'A promise broke')"
        ))
        .await
        .unwrap();
    let alert_id = one("SELECT id FROM {s}.risk_alerts LIMIT 1").await;
    // A file of Globex's, recorded as the upload records one (its bytes are not needed here:
    // nothing of Acme's may reach the record).
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO \"{schema}\".attachments (id, owner_type, owner_id, customer_id, file_name,
                 kind, size_bytes, sha256, storage_key, uploaded_by)
             VALUES (gen_random_uuid(), 'LEGAL_CASE', '{case_id}', '{customer_id}', 'contract.pdf',
                 'PDF', 10, repeat('a', 64), 'globex/contract', 'Globex')"
        ))
        .await
        .unwrap();
    let attachment_id = one("SELECT id FROM {s}.attachments LIMIT 1").await;
    let policy_id = one("SELECT id FROM {s}.dunning_policies WHERE is_default").await;
    let state = || {
        let db = app.db.clone();
        let schema = schema.clone();
        async move {
            let mut counts = Vec::new();
            for sql in [
                "SELECT count(*) FROM \"{s}\".collection_tasks WHERE status = 'OPEN'",
                "SELECT count(*) FROM \"{s}\".late_fees WHERE waived_at IS NULL",
                "SELECT count(*) FROM \"{s}\".legal_cases WHERE status = 'NONE'",
                "SELECT count(*) FROM \"{s}\".risk_alerts WHERE status = 'OPEN'",
                "SELECT count(*) FROM \"{s}\".email_templates",
                "SELECT count(*) FROM \"{s}\".collection_activities",
                "SELECT count(*) FROM \"{s}\".letters WHERE mailed_on IS NULL",
                "SELECT count(*) FROM \"{s}\".attachments WHERE deleted_at IS NULL",
            ] {
                counts.push(count(&db, &sql.replace("{s}", &schema)).await);
            }
            counts
        }
    };
    let before = state().await;
    assert_eq!(before[..4], [1, 1, 1, 1], "the arrangement: {before:?}");

    let acme_customer = create_customer(&app, &acme, "A-1", json!({})).await;
    // Globex's incentive rule.
    let globex_rule = ok(
        &app,
        &globex,
        "mutation($input: SaveIncentiveRuleInput!) { saveIncentiveRule(input: $input) { rule { id } } }",
        json!({ "input": { "name": "Globex bonus", "kind": "PERCENT_OF_COLLECTED", "rate": "1", "currency": "CNY" } }),
        "saveIncentiveRule",
    )
    .await;
    let ids = Ids {
        own_customer: id(&acme_customer),
        user: globex.user_id.clone(),
        customer: customer_id.clone(),
        invoice: id(&invoice),
        task: task_id,
        fee: fee_id,
        legal_case: case_id.clone(),
        letter: letter_id,
        attachment: attachment_id,
        alert: alert_id,
        policy: policy_id,
        rule: id(&globex_rule["rule"]),
        ..Ids::default()
    };

    run(&app, &acme, &ids, dunning_cases()).await;

    // The drill-down's key is a string (a segment's name, or a customer's or collector's id):
    // another company's customer or collector finds nothing.
    let body = app
        .graphql_as(
            &acme.access_token,
            "query($key: String, $collector: String) {
                byCustomer: agingDrillDown(groupBy: CUSTOMER, key: $key) { invoiceId }
                byCollector: agingDrillDown(groupBy: COLLECTOR, key: $collector) { invoiceId } }",
            json!({ "key": customer_id, "collector": globex.user_id }),
        )
        .await;
    assert_eq!(
        body["data"]["byCustomer"],
        json!([]),
        "agingDrillDown.key: {body}"
    );
    assert_eq!(
        body["data"]["byCollector"],
        json!([]),
        "agingDrillDown.key: {body}"
    );
    let globex_schema = globex.tenant_id.schema_name();
    assert_eq!(
        count(&app.db, &format!("SELECT count(*) FROM \"{globex_schema}\".incentive_rules WHERE name = 'Globex bonus'")).await,
        1
    );

    // Acme's own run touches nothing of Globex's.
    run_tenant(
        &app.db,
        &links,
        acme.tenant_id,
        chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        Trigger::Manual,
    )
    .await
    .unwrap();
    assert_eq!(state().await, before, "nothing of Globex's changed");
    let evidence = app
        .client
        .get(app.url(&format!("/api/legal-cases/{case_id}/evidence.zip")))
        .bearer_auth(&acme.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(evidence.status(), 404);
}

/// Approvals: Acme's owner with Globex's request, maker and customer.
fn approval_cases() -> Vec<Case> {
    vec![
        Case::query(
            "Query.approvalRequest.id",
            "query($id: ID!) { approvalRequest(id: $id) { id } }",
            |ids| json!({ "id": ids.approval_request }),
            Expect::Null("approvalRequest"),
        ),
        Case::query(
            "Query.approvalRequests.filter.requestedBy",
            "query($user: ID) { approvalRequests(filter: { requestedBy: $user }) { totalCount } }",
            |ids| json!({ "user": ids.user }),
            Expect::NoneCounted("approvalRequests"),
        ),
        Case::query(
            "Query.approvalRequests.filter.customerId",
            "query($customer: ID) { approvalRequests(filter: { customerId: $customer }) { totalCount } }",
            |ids| json!({ "customer": ids.customer }),
            Expect::NoneCounted("approvalRequests"),
        ),
        Case::input(
            "Mutation.saveApprovalPolicy.input.thresholds.levels.userId",
            "saveApprovalPolicy",
            "SaveApprovalPolicyInput",
            |ids| {
                json!({ "action": "WRITE_OFF", "enabled": true, "thresholds": [
                { "currency": "CNY", "above": "0", "levels": [{ "userId": ids.user }] }] })
            },
            Expect::InvalidField("input.thresholds[0].levels[0]"),
        ),
        Case::input(
            "Mutation.approveApprovalRequest.input.requestId",
            "approveApprovalRequest",
            "DecideApprovalRequestInput",
            |ids| json!({ "requestId": ids.approval_request, "comment": "ok" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.rejectApprovalRequest.input.requestId",
            "rejectApprovalRequest",
            "DecideApprovalRequestInput",
            |ids| json!({ "requestId": ids.approval_request, "comment": "no" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.cancelApprovalRequest.input.requestId",
            "cancelApprovalRequest",
            "CancelApprovalRequestInput",
            |ids| json!({ "requestId": ids.approval_request }),
            Expect::NotFound,
        ),
    ]
}

#[tokio::test]
async fn approvals_of_another_tenant_are_not_found_and_change_nothing() {
    let app = spawn_app().await;
    let acme = app.sign_up("Acme", &app.email("acme")).await;
    let globex = app.sign_up("Globex", &app.email("globex")).await;
    let globex_finance =
        crate::kit::join(&app, &globex, &app.email("globex-fm"), "FINANCE_MANAGER").await;
    let customer = create_customer(&app, &globex, "G-1", json!({})).await;
    let invoice = issue_invoice(&app, &globex, &id(&customer), "1000", json!({})).await;
    ok(
        &app,
        &globex,
        "mutation($input: SaveApprovalPolicyInput!) { saveApprovalPolicy(input: $input) { policy { action } } }",
        json!({ "input": { "action": "WRITE_OFF", "enabled": true, "thresholds": [
            { "currency": "CNY", "above": "0", "levels": [{ "role": "OWNER" }] }] } }),
        "saveApprovalPolicy",
    )
    .await;
    let asked = ok(
        &app,
        &globex_finance,
        "mutation($input: WriteOffInvoiceInput!) { writeOffInvoice(input: $input) { approvalRequest { id } } }",
        json!({ "input": { "invoiceId": id(&invoice), "reason": "Gone", "requestApproval": true } }),
        "writeOffInvoice",
    )
    .await;
    let ids = Ids {
        user: globex_finance.user_id.clone(),
        customer: id(&customer),
        approval_request: id(&asked["approvalRequest"]),
        ..Ids::default()
    };
    let schema = globex.tenant_id.schema_name();
    let state = format!(
        "SELECT count(*) FROM \"{schema}\".approval_requests WHERE status = 'PENDING'
         AND NOT EXISTS (SELECT 1 FROM \"{schema}\".approval_decisions)"
    );
    assert_eq!(count(&app.db, &state).await, 1);

    run(&app, &acme, &ids, approval_cases()).await;

    assert_eq!(
        count(&app.db, &state).await,
        1,
        "Globex's request is untouched"
    );
    assert_eq!(
        count(
            &app.db,
            &format!(
                "SELECT count(*) FROM \"{}\".approval_policies",
                acme.tenant_id.schema_name()
            )
        )
        .await,
        0,
        "Acme saved no policy naming Globex's member"
    );
}

/// Cash application: Acme's owner with Globex's bank account, line, customer, invoice and
/// payment (and, where a line must be Acme's to get that far, Acme's own line).
fn bank_cases() -> Vec<Case> {
    vec![
        Case::query(
            "Query.bankAccount.id",
            "query($id: ID!) { bankAccount(id: $id) { id } }",
            |ids| json!({ "id": ids.bank_account }),
            Expect::Null("bankAccount"),
        ),
        Case::query(
            "Query.bankStatementImports.bankAccountId",
            "query($id: ID) { bankStatementImports(bankAccountId: $id) { totalCount } }",
            |ids| json!({ "id": ids.bank_account }),
            Expect::NoneCounted("bankStatementImports"),
        ),
        Case::query(
            "Query.bankTransactions.filter.bankAccountId",
            "query($id: ID) { bankTransactions(filter: { bankAccountId: $id }) { totalCount } }",
            |ids| json!({ "id": ids.bank_account }),
            Expect::NoneCounted("bankTransactions"),
        ),
        Case::query(
            "Query.bankTransactionTotals.filter.bankAccountId",
            "query($id: ID) { bankTransactionTotals(filter: { bankAccountId: $id }) { count } }",
            |ids| json!({ "id": ids.bank_account }),
            Expect::Empty("bankTransactionTotals"),
        ),
        Case::query(
            "Query.bankTransaction.id",
            "query($id: ID!) { bankTransaction(id: $id) { id } }",
            |ids| json!({ "id": ids.bank_transaction }),
            Expect::Null("bankTransaction"),
        ),
        Case::input(
            "Mutation.updateBankAccount.input.bankAccountId",
            "updateBankAccount",
            "UpdateBankAccountInput",
            |ids| json!({ "bankAccountId": ids.bank_account, "name": "Taken over" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.archiveBankAccount.input.bankAccountId",
            "archiveBankAccount",
            "ArchiveBankAccountInput",
            |ids| json!({ "bankAccountId": ids.bank_account }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.applyBankTransaction.input.transactionId",
            "applyBankTransaction",
            "ApplyBankTransactionInput",
            |ids| json!({ "transactionId": ids.bank_transaction }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.applyBankTransaction.input.parts.customerId",
            "applyBankTransaction",
            "ApplyBankTransactionInput",
            |ids| {
                json!({ "transactionId": ids.own_bank_transaction, "parts": [
                { "customerId": ids.customer, "amount": "100" }] })
            },
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.applyBankTransaction.input.parts.allocations.invoiceId",
            "applyBankTransaction",
            "ApplyBankTransactionInput",
            |ids| {
                json!({ "transactionId": ids.own_bank_transaction, "parts": [
                { "customerId": ids.own_customer, "amount": "100", "allocations": [
                    { "invoiceId": ids.open_invoice, "amount": "100" }] }] })
            },
            Expect::InvalidField("input.parts[0].allocations[0].invoiceId"),
        ),
        Case::input(
            "Mutation.linkBankTransaction.input.transactionId",
            "linkBankTransaction",
            "LinkBankTransactionInput",
            |ids| json!({ "transactionId": ids.bank_transaction, "paymentId": ids.own_payment }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.linkBankTransaction.input.paymentId",
            "linkBankTransaction",
            "LinkBankTransactionInput",
            |ids| json!({ "transactionId": ids.own_bank_transaction, "paymentId": ids.payment }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.ignoreBankTransaction.input.transactionId",
            "ignoreBankTransaction",
            "BankTransactionReasonInput",
            |ids| json!({ "transactionId": ids.bank_transaction, "reason": "mine now" }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.undoBankTransaction.input.transactionId",
            "undoBankTransaction",
            "BankTransactionReasonInput",
            |ids| json!({ "transactionId": ids.bank_transaction, "reason": "mine now" }),
            Expect::NotFound,
        ),
    ]
}

const ONE_LINE_CAMT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-20T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S</Id><Acct><Id><Othr><Id>1</Id></Othr></Id><Ccy>CNY</Ccy></Acct>
<Ntry><Amt Ccy="CNY">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-11-20</Dt></BookgDt><AcctSvcrRef>REF-1</AcctSvcrRef></Ntry>
</Stmt></BkToCstmrStmt></Document>"#;

/// A bank account of `session`'s company with one received line of 100; (account, line).
async fn bank_line(app: &TestApp, session: &TestSession) -> (String, String) {
    let account = ok(
        app,
        session,
        "mutation { createBankAccount(input: { name: \"基本户\", bankName: \"工行\",
            accountNumber: \"1\", currency: \"CNY\" }) { bankAccount { id } } }",
        json!({}),
        "createBankAccount",
    )
    .await;
    let account = id(&account["bankAccount"]);
    let response = app
        .client
        .post(app.url(&format!("/api/bank-statements?bankAccountId={account}")))
        .bearer_auth(&session.access_token)
        .body(ONE_LINE_CAMT)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let lines = ok(
        app,
        session,
        "{ bankTransactions { nodes { id } } }",
        json!({}),
        "bankTransactions",
    )
    .await;
    (account, id(&lines["nodes"][0]))
}

#[tokio::test]
async fn bank_lines_of_another_tenant_are_not_found_and_change_nothing() {
    let app = spawn_app().await;
    app.set_today(chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())
        .await;
    let acme = app.sign_up("Acme", &app.email("acme")).await;
    let globex = app.sign_up("Globex", &app.email("globex")).await;
    let customer = create_customer(&app, &globex, "G-1", json!({})).await;
    let invoice = issue_invoice(&app, &globex, &id(&customer), "1000", json!({})).await;
    let payment = record_payment_raw(
        &app,
        &globex,
        json!({ "customerId": id(&customer),
        "amount": "100", "currency": "CNY", "method": "BANK_TRANSFER" }),
    )
    .await;
    let (bank_account, bank_transaction) = bank_line(&app, &globex).await;
    let own_customer = create_customer(&app, &acme, "A-1", json!({})).await;
    let own_payment = record_payment_raw(
        &app,
        &acme,
        json!({ "customerId": id(&own_customer),
        "amount": "50", "currency": "CNY", "method": "BANK_TRANSFER" }),
    )
    .await;
    let (_, own_bank_transaction) = bank_line(&app, &acme).await;
    let ids = Ids {
        customer: id(&customer),
        open_invoice: id(&invoice),
        payment: id(&payment["data"]["recordPayment"]["payment"]),
        own_customer: id(&own_customer),
        own_payment: id(&own_payment["data"]["recordPayment"]["payment"]),
        bank_account,
        bank_transaction,
        own_bank_transaction,
        ..Ids::default()
    };
    let globex_schema = globex.tenant_id.schema_name();
    let state = format!(
        "SELECT (SELECT count(*) FROM \"{globex_schema}\".bank_transactions WHERE status = 'UNMATCHED' OR status = 'SUGGESTED')
              + (SELECT count(*) FROM \"{globex_schema}\".bank_accounts WHERE archived_at IS NULL AND name = '基本户') * 10
              + (SELECT count(*) FROM \"{globex_schema}\".payments WHERE bank_transaction_id IS NULL) * 100"
    );
    let before = count(&app.db, &state).await;
    assert_eq!(before, 111);

    run(&app, &acme, &ids, bank_cases()).await;

    assert_eq!(
        count(&app.db, &state).await,
        before,
        "Globex's bank lines are untouched"
    );
    let acme_schema = acme.tenant_id.schema_name();
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT count(*) FROM \"{acme_schema}\".payments")
        )
        .await,
        1
    );
    // The statement route does not import into another company's account.
    let response = app
        .client
        .post(app.url(&format!(
            "/api/bank-statements?bankAccountId={}",
            ids.bank_account
        )))
        .bearer_auth(&acme.access_token)
        .body(ONE_LINE_CAMT)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

/// Webhooks: Acme's owner with Globex's endpoint and delivery.
fn webhook_cases() -> Vec<Case> {
    vec![
        Case::query(
            "Query.webhookDeliveries.filter.endpointId",
            "query($id: ID) { webhookDeliveries(filter: { endpointId: $id }) { totalCount } }",
            |ids| json!({ "id": ids.webhook_endpoint }),
            Expect::NoneCounted("webhookDeliveries"),
        ),
        Case::input(
            "Mutation.updateWebhookEndpoint.input.endpointId",
            "updateWebhookEndpoint",
            "UpdateWebhookEndpointInput",
            |ids| json!({ "endpointId": ids.webhook_endpoint, "enabled": false }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.deleteWebhookEndpoint.input.endpointId",
            "deleteWebhookEndpoint",
            "DeleteWebhookEndpointInput",
            |ids| json!({ "endpointId": ids.webhook_endpoint }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.rotateWebhookSecret.input.endpointId",
            "rotateWebhookSecret",
            "RotateWebhookSecretInput",
            |ids| json!({ "endpointId": ids.webhook_endpoint }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.sendTestWebhookEvent.input.endpointId",
            "sendTestWebhookEvent",
            "SendTestWebhookEventInput",
            |ids| json!({ "endpointId": ids.webhook_endpoint }),
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.redeliverWebhook.input.deliveryId",
            "redeliverWebhook",
            "RedeliverWebhookInput",
            |ids| json!({ "deliveryId": ids.webhook_delivery }),
            Expect::NotFound,
        ),
    ]
}

#[tokio::test]
async fn webhooks_of_another_tenant_are_not_found_and_change_nothing() {
    let app = spawn_app().await;
    let acme = app.sign_up("Acme", &app.email("acme")).await;
    let globex = app.sign_up("Globex", &app.email("globex")).await;
    // Acme has an endpoint of its own, so its triggers and queue are live too.
    ok(
        &app,
        &acme,
        "mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }",
        json!({ "input": { "url": "http://127.0.0.1:9/acme", "events": ["invoice.paid"] } }),
        "createWebhookEndpoint",
    )
    .await;
    let created = ok(
        &app,
        &globex,
        "mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id secretHint } } }",
        json!({ "input": { "url": "http://127.0.0.1:9/globex", "events": ["invoice.paid"] } }),
        "createWebhookEndpoint",
    )
    .await;
    let endpoint = id(&created["endpoint"]);
    let sent = ok(
        &app,
        &globex,
        "mutation($input: SendTestWebhookEventInput!) { sendTestWebhookEvent(input: $input) { delivery { id } } }",
        json!({ "input": { "endpointId": endpoint } }),
        "sendTestWebhookEvent",
    )
    .await;
    let ids = Ids {
        webhook_endpoint: endpoint.clone(),
        webhook_delivery: id(&sent["delivery"]),
        ..Ids::default()
    };
    let schema = globex.tenant_id.schema_name();
    let state = || {
        let db = app.db.clone();
        let schema = schema.clone();
        async move {
            let mut counts = Vec::new();
            for sql in [
                "SELECT count(*) FROM \"{s}\".webhook_endpoints WHERE enabled AND deleted_at IS NULL AND previous_secret IS NULL",
                "SELECT count(*) FROM \"{s}\".webhook_deliveries",
                "SELECT count(*) FROM \"{s}\".webhook_events",
            ] {
                counts.push(count(&db, &sql.replace("{s}", &schema)).await);
            }
            counts
        }
    };
    let before = state().await;
    assert_eq!(before, [1, 1, 1], "the arrangement");

    run(&app, &acme, &ids, webhook_cases()).await;

    assert_eq!(
        state().await,
        before,
        "Globex's endpoint and log are untouched"
    );
}

/// SMS and WeChat Work: Acme's owner with Globex's ladder and customer.
fn messaging_cases() -> Vec<Case> {
    vec![
        Case::query(
            "Query.smsTemplates.ladderId",
            "query($id: ID!) { smsTemplates(ladderId: $id) { templateCode } }",
            |ids| json!({ "id": ids.policy }),
            Expect::Empty("smsTemplates"),
        ),
        Case::query(
            "Query.messageDeliveries.filter.customerId",
            "query($id: ID) { messageDeliveries(filter: { customerId: $id }) { totalCount } }",
            |ids| json!({ "id": ids.customer }),
            Expect::NoneCounted("messageDeliveries"),
        ),
        Case::input(
            "Mutation.saveSmsTemplate.input.ladderId",
            "saveSmsTemplate",
            "SaveSmsTemplateInput",
            |ids| {
                json!({ "ladderId": ids.policy, "stepOffset": 3, "locale": "ZH_CN",
                    "provider": "ALIYUN_SMS", "templateCode": "SMS_1", "params": [] })
            },
            Expect::NotFound,
        ),
        Case::input(
            "Mutation.deleteSmsTemplate.input.ladderId",
            "deleteSmsTemplate",
            "DeleteSmsTemplateInput",
            |ids| {
                json!({ "ladderId": ids.policy, "stepOffset": 3, "locale": "ZH_CN",
                    "provider": "ALIYUN_SMS" })
            },
            Expect::NotFound,
        ),
    ]
}

#[tokio::test]
async fn messages_of_another_tenant_are_not_found_and_change_nothing() {
    let app = spawn_app().await;
    let acme = app.sign_up("Acme", &app.email("acme")).await;
    let globex = app.sign_up("Globex", &app.email("globex")).await;
    let ladder = ok(
        &app,
        &globex,
        "mutation($input: SaveDunningPolicyInput!) { saveDunningPolicy(input: $input) { policy { id } } }",
        json!({ "input": { "name": "SMS", "steps": [
            { "offsetDays": 3, "action": "SEND_SMS", "name": "短信" } ] } }),
        "saveDunningPolicy",
    )
    .await;
    let policy = id(&ladder["policy"]);
    ok(
        &app,
        &globex,
        "mutation($input: SaveSmsTemplateInput!) { saveSmsTemplate(input: $input) { template { templateCode } } }",
        json!({ "input": { "ladderId": policy, "stepOffset": 3, "locale": "ZH_CN",
            "provider": "ALIYUN_SMS", "templateCode": "SMS_465310012", "params": [] } }),
        "saveSmsTemplate",
    )
    .await;
    let customer = create_customer(&app, &globex, "G-1", json!({})).await;
    let ids = Ids {
        policy,
        customer: id(&customer),
        ..Ids::default()
    };
    let schema = globex.tenant_id.schema_name();
    let templates = format!(
        "SELECT count(*) FROM \"{schema}\".sms_templates WHERE template_code = 'SMS_465310012'"
    );
    assert_eq!(count(&app.db, &templates).await, 1, "the arrangement");

    run(&app, &acme, &ids, messaging_cases()).await;

    assert_eq!(
        count(&app.db, &templates).await,
        1,
        "Globex's template is untouched"
    );
}
