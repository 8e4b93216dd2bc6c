//! Tenant isolation: every query and mutation that takes an id is tried with another tenant's
//! ids and must answer NOT_FOUND (or nothing) and change nothing. A test reads the schema and
//! fails when an id-taking field has no case here.

use crate::helpers::{TEST_PASSWORD, count, error_codes, spawn_app};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Every id-taking argument, as `Type.field.argument[.inputField]`, with a case below.
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
    // Receivables: see receivables_isolation below.
    "Query.customer.id",
    "Query.customers.filter.collectorId",
    "Query.invoice.id",
    "Query.invoices.filter.customerId",
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
    "Mutation.resolveDispute.input.disputeId",
    "Mutation.createCreditNote.input.invoiceId",
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
    // Dunning results, the worklist, legal cases and alerts: see dunning_isolation below.
    "Query.worklist.collectorId",
    "Query.emailTemplates.policyId",
    "Query.legalCases.filter.customerId",
    "Query.riskAlerts.filter.customerId",
    "Mutation.completeTask.input.taskId",
    "Mutation.saveEmailTemplate.input.policyId",
    "Mutation.waiveFee.input.feeId",
    "Mutation.escalateToLegal.input.customerId",
    "Mutation.escalateToLegal.input.invoiceIds",
    "Mutation.updateLegalCase.input.caseId",
    "Mutation.acknowledgeAlert.input.alertId",
    "Mutation.resolveAlert.input.alertId",
    // Analytics: see dunning_isolation below.
    "Query.creditRating.customerId",
    "Query.creditRatingHistory.customerId",
    "Mutation.overrideCreditRating.input.customerId",
    "Mutation.saveIncentiveRule.input.ruleId",
    "Mutation.setCollectorTarget.input.userId",
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
    let globex_token = crate::mail::invitation_token(&app.email_to(&invited).await);
    let key = app
        .graphql_as(
            &globex.access_token,
            "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }",
            json!({ "input": { "name": "Globex ERP", "scopes": ["team:read"] } }),
        )
        .await;
    let globex_key = key["data"]["createApiKey"]["apiKey"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = snapshot(&app).await;

    let as_acme = |query: &'static str, variables: Value| {
        let token = acme.access_token.clone();
        let app = &app;
        async move { app.graphql_as(&token, query, variables).await }
    };
    for (case, body) in [
        (
            "Mutation.changeMemberRole.input.userId",
            as_acme(
                "mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { member { role } } }",
                json!({ "input": { "userId": globex.user_id, "role": "VIEWER" } }),
            )
            .await,
        ),
        (
            "Mutation.removeMember.input.userId",
            as_acme(
                "mutation($input: RemoveMemberInput!) { removeMember(input: $input) { removedUserId } }",
                json!({ "input": { "userId": globex.user_id } }),
            )
            .await,
        ),
        (
            "Mutation.revokeApiKey.input.apiKeyId",
            as_acme(
                "mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id } } }",
                json!({ "input": { "apiKeyId": globex_key } }),
            )
            .await,
        ),
        (
            "Mutation.switchTenant.input.tenantId",
            as_acme(
                "mutation($input: SwitchTenantInput!) { switchTenant(input: $input) { accessToken } }",
                json!({ "input": { "tenantId": globex.tenant_id.to_string() } }),
            )
            .await,
        ),
        (
            "Mutation.logIn.input.tenantId",
            app.graphql(
                "mutation($input: LogInInput!) { logIn(input: $input) { accessToken } }",
                json!({ "input": { "email": "owner@acme.example", "password": TEST_PASSWORD, "tenantId": globex.tenant_id.to_string() } }),
            )
            .await,
        ),
    ] {
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{case}: {body}");
    }

    // Filtering Acme's log by a Globex user finds nothing of Globex's.
    let filtered = as_acme(
        "query($filter: AuditLogFilter) { auditLog(filter: $filter) { totalCount } }",
        json!({ "filter": { "actorUserId": globex.user_id } }),
    )
    .await;
    assert_eq!(
        filtered["data"]["auditLog"]["totalCount"], 0,
        "Query.auditLog.filter.actorUserId: {filtered}"
    );

    // An invitation token is the capability itself: whoever holds Globex's link sees Globex's
    // invitation, and nothing of Acme's; accepting it joins Globex, never Acme. A made-up token
    // finds nothing.
    let forged = "duely_inv_0000000000000000000000000000000000000000000000000000000000000000";
    let preview = app
        .graphql(
            "query($token: String!) { invitation(token: $token) { companyName } }",
            json!({ "token": forged }),
        )
        .await;
    assert_eq!(
        error_codes(&preview),
        ["NOT_FOUND"],
        "Query.invitation.token"
    );
    let accept = app
        .graphql(
            "mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { tenant { name } } }",
            json!({ "input": { "token": forged, "name": "X", "password": TEST_PASSWORD } }),
        )
        .await;
    assert_eq!(
        error_codes(&accept),
        ["NOT_FOUND"],
        "Mutation.acceptInvitation.input.token"
    );
    let real = app
        .graphql(
            "query($token: String!) { invitation(token: $token) { companyName } }",
            json!({ "token": globex_token }),
        )
        .await;
    assert_eq!(real["data"]["invitation"]["companyName"], "Globex");

    // Account links are capabilities too, of one person: a made-up or someone else's spent
    // token changes no account.
    for (field, query, input) in [
        (
            "Mutation.resetPassword.input.token",
            "mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { accessToken } }",
            json!({ "token": "duely_pwr_0000000000000000000000000000000000000000000000000000000000000000", "newPassword": "a brand new passphrase" }),
        ),
        (
            "Mutation.verifyEmail.input.token",
            "mutation($input: VerifyEmailInput!) { verifyEmail(input: $input) { user { id } } }",
            json!({ "token": "duely_ver_0000000000000000000000000000000000000000000000000000000000000000" }),
        ),
    ] {
        let body = app.graphql(query, json!({ "input": input })).await;
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{field}: {body}");
    }

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
    use crate::receivables::{create_customer, issue_invoice, ok, record_payment_raw};
    let app = spawn_app().await;
    let acme = app.sign_up("Acme", &app.email("acme")).await;
    let globex = app.sign_up("Globex", &app.email("globex")).await;

    // Globex's receivables: a customer, an issued invoice, a draft, a payment, a dispute.
    let customer = create_customer(&app, &globex, "G-1", json!({})).await;
    let customer_id = customer["id"].as_str().unwrap().to_owned();
    let invoice = issue_invoice(&app, &globex, &customer_id, "1000", json!({})).await;
    let invoice_id = invoice["id"].as_str().unwrap().to_owned();
    let draft =
        crate::receivables::create_invoice_raw(&app, &globex, &customer_id, "10", false, json!({}))
            .await;
    let draft_id = draft["data"]["createInvoice"]["invoice"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let payment = record_payment_raw(
        &app,
        &globex,
        json!({ "customerId": customer_id, "amount": "1200", "currency": "CNY", "method": "CASH" }),
    )
    .await;
    let payment_id = payment["data"]["recordPayment"]["payment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The payment covered the first invoice; a second one stays open to dispute.
    let open_invoice = issue_invoice(&app, &globex, &customer_id, "500", json!({})).await;
    let open_id = open_invoice["id"].as_str().unwrap().to_owned();
    let dispute = ok(
        &app,
        &globex,
        "mutation($input: OpenDisputeInput!) { openDispute(input: $input) { dispute { id } } }",
        json!({ "input": { "invoiceId": open_id, "reason": "Short delivery", "amount": "1" } }),
        "openDispute",
    )
    .await;
    let dispute_id = dispute["dispute"]["id"].as_str().map(str::to_owned);
    let schema = globex.tenant_id.schema_name();
    let globex_state = |app: &crate::helpers::TestApp| {
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
                "SELECT count(*) FROM \"{s}\".credit_notes",
                "SELECT count(*) FROM \"{s}\".installments",
                "SELECT count(*) FROM \"{s}\".payment_reversals",
            ] {
                counts.push(count(&db, &sql.replace("{s}", &schema)).await);
            }
            counts
        }
    };
    let before = globex_state(&app).await;

    // Acme's own customer, so the mutations that take one of Globex's ids in a nested or second
    // argument have something of Acme's to act on.
    let acme_customer = create_customer(&app, &acme, "A-1", json!({})).await;
    let acme_customer_id = acme_customer["id"].as_str().unwrap().to_owned();
    let as_acme = |query: String, variables: Value| {
        let token = acme.access_token.clone();
        let app = &app;
        async move { app.graphql_as(&token, &query, variables).await }
    };
    let mutation = |name: &str, input_type: &str| {
        format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename }} }}")
    };
    let cases: Vec<(&str, String, Value)> = vec![
        (
            "Mutation.updateCustomer.input.customerId",
            mutation("updateCustomer", "UpdateCustomerInput"),
            json!({ "customerId": customer_id, "name": "Hijacked" }),
        ),
        (
            "Mutation.archiveCustomer.input.customerId",
            mutation("archiveCustomer", "ArchiveCustomerInput"),
            json!({ "customerId": customer_id }),
        ),
        (
            "Mutation.setCreditLimit.input.customerId",
            mutation("setCreditLimit", "SetCreditLimitInput"),
            json!({ "customerId": customer_id, "creditLimit": "1", "reason": "x" }),
        ),
        (
            "Mutation.placeCreditHold.input.customerId",
            mutation("placeCreditHold", "PlaceCreditHoldInput"),
            json!({ "customerId": customer_id, "reason": "x" }),
        ),
        (
            "Mutation.releaseCreditHold.input.customerId",
            mutation("releaseCreditHold", "ReleaseCreditHoldInput"),
            json!({ "customerId": customer_id, "reason": "x" }),
        ),
        (
            "Mutation.createInvoice.input.customerId",
            mutation("createInvoice", "CreateInvoiceInput"),
            json!({ "customerId": customer_id, "lines": [{ "description": "x", "quantity": "1", "unitPrice": "1" }] }),
        ),
        (
            "Mutation.updateInvoice.input.invoiceId",
            mutation("updateInvoice", "UpdateInvoiceInput"),
            json!({ "invoiceId": draft_id, "notes": "x" }),
        ),
        (
            "Mutation.issueInvoice.input.invoiceId",
            mutation("issueInvoice", "IssueInvoiceInput"),
            json!({ "invoiceId": draft_id }),
        ),
        (
            "Mutation.voidInvoice.input.invoiceId",
            mutation("voidInvoice", "VoidInvoiceInput"),
            json!({ "invoiceId": draft_id, "reason": "x" }),
        ),
        (
            "Mutation.writeOffInvoice.input.invoiceId",
            mutation("writeOffInvoice", "WriteOffInvoiceInput"),
            json!({ "invoiceId": open_id, "reason": "x" }),
        ),
        (
            "Mutation.setInstallmentPlan.input.invoiceId",
            mutation("setInstallmentPlan", "SetInstallmentPlanInput"),
            json!({ "invoiceId": open_id, "installments": [] }),
        ),
        (
            "Mutation.openDispute.input.invoiceId",
            mutation("openDispute", "OpenDisputeInput"),
            json!({ "invoiceId": open_id, "reason": "x" }),
        ),
        (
            "Mutation.resolveDispute.input.disputeId",
            mutation("resolveDispute", "ResolveDisputeInput"),
            json!({ "disputeId": dispute_id, "outcome": "REJECTED", "note": "x" }),
        ),
        (
            "Mutation.createCreditNote.input.invoiceId",
            mutation("createCreditNote", "CreateCreditNoteInput"),
            json!({ "invoiceId": open_id, "amount": "1", "reason": "x" }),
        ),
        (
            "Mutation.recordPayment.input.customerId",
            mutation("recordPayment", "RecordPaymentInput"),
            json!({ "customerId": customer_id, "amount": "1", "currency": "CNY", "method": "CASH" }),
        ),
        (
            "Mutation.allocatePayment.input.paymentId",
            mutation("allocatePayment", "AllocatePaymentInput"),
            json!({ "paymentId": payment_id }),
        ),
        (
            "Mutation.applyCredit.input.customerId",
            mutation("applyCredit", "ApplyCreditInput"),
            json!({ "customerId": customer_id }),
        ),
        (
            "Mutation.reversePayment.input.paymentId",
            mutation("reversePayment", "ReversePaymentInput"),
            json!({ "paymentId": payment_id, "reason": "x" }),
        ),
        (
            "Mutation.sendStatement.input.customerId",
            mutation("sendStatement", "SendStatementInput"),
            json!({ "customerId": customer_id, "from": "2026-01-01", "to": "2026-12-31", "email": "x@example.com" }),
        ),
    ];
    for (case, query, input) in cases {
        let body = as_acme(query, json!({ "input": input })).await;
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{case}: {body}");
    }
    // Globex's invoice named in Acme's own payment, credit or allocation is not an open
    // invoice of Acme's customer: a validation error on that field, and nothing written.
    let acme_payment = record_payment_raw(&app, &acme, json!({ "customerId": acme_customer_id, "amount": "5", "currency": "CNY", "method": "CASH" })).await;
    let acme_payment_id = acme_payment["data"]["recordPayment"]["payment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let allocation = json!([{ "invoiceId": open_id, "amount": "1" }]);
    for (case, query, input) in [
        (
            "Mutation.recordPayment.input.allocations.invoiceId",
            mutation("recordPayment", "RecordPaymentInput"),
            json!({ "customerId": acme_customer_id, "amount": "1", "currency": "CNY", "method": "CASH", "allocations": allocation }),
        ),
        (
            "Mutation.allocatePayment.input.allocations.invoiceId",
            mutation("allocatePayment", "AllocatePaymentInput"),
            json!({ "paymentId": acme_payment_id, "allocations": allocation }),
        ),
        (
            "Mutation.applyCredit.input.allocations.invoiceId",
            mutation("applyCredit", "ApplyCreditInput"),
            json!({ "customerId": acme_customer_id, "allocations": allocation }),
        ),
    ] {
        let body = as_acme(query, json!({ "input": input })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{case}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "input.allocations[0].invoiceId",
            "{case}"
        );
    }
    // Assigning Globex's owner as Acme's collector or salesperson is refused.
    for (case, query, input) in [
        (
            "Mutation.createCustomer.input.collectorId",
            mutation("createCustomer", "CreateCustomerInput"),
            json!({ "name": "X", "code": "X-1", "collectorId": globex.user_id }),
        ),
        (
            "Mutation.createCustomer.input.salespersonId",
            mutation("createCustomer", "CreateCustomerInput"),
            json!({ "name": "X", "code": "X-2", "salespersonId": globex.user_id }),
        ),
        (
            "Mutation.updateCustomer.input.collectorId",
            mutation("updateCustomer", "UpdateCustomerInput"),
            json!({ "customerId": acme_customer_id, "collectorId": globex.user_id }),
        ),
        (
            "Mutation.updateCustomer.input.salespersonId",
            mutation("updateCustomer", "UpdateCustomerInput"),
            json!({ "customerId": acme_customer_id, "salespersonId": globex.user_id }),
        ),
    ] {
        let body = as_acme(query, json!({ "input": input })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{case}: {body}");
    }
    // Reads find nothing.
    for (case, query, variables, path) in [
        (
            "Query.customer.id",
            "query($id: ID!) { customer(id: $id) { id } }",
            json!({ "id": customer_id }),
            "customer",
        ),
        (
            "Query.invoice.id",
            "query($id: ID!) { invoice(id: $id) { id } }",
            json!({ "id": invoice_id }),
            "invoice",
        ),
        (
            "Query.payment.id",
            "query($id: ID!) { payment(id: $id) { id } }",
            json!({ "id": payment_id }),
            "payment",
        ),
        (
            "Query.customerStatement.customerId",
            "query($id: ID!) { customerStatement(customerId: $id, from: \"2026-01-01\", to: \"2026-12-31\") { currency } }",
            json!({ "id": customer_id }),
            "customerStatement",
        ),
    ] {
        let body = as_acme(query.to_owned(), variables).await;
        assert!(body.get("errors").is_none(), "{case}: {body}");
        assert_eq!(body["data"][path], Value::Null, "{case}: {body}");
    }
    for (case, query, variables, path) in [
        (
            "Query.customers.filter.collectorId",
            "query($id: ID!) { customers(filter: { collectorId: $id }) { totalCount } }",
            json!({ "id": globex.user_id }),
            "customers",
        ),
        (
            "Query.invoices.filter.customerId",
            "query($id: ID!) { invoices(filter: { customerId: $id }) { totalCount } }",
            json!({ "id": customer_id }),
            "invoices",
        ),
        (
            "Query.payments.filter.customerId",
            "query($id: ID!) { payments(filter: { customerId: $id }) { totalCount } }",
            json!({ "id": customer_id }),
            "payments",
        ),
    ] {
        let body = as_acme(query.to_owned(), variables).await;
        assert_eq!(body["data"][path]["totalCount"], 0, "{case}: {body}");
    }
    // Collections: Globex's customer and invoice cannot be logged against, and Globex's
    // promise cannot be cancelled; filters by Globex's ids find nothing.
    let promised = duely_backend::db::tenant_calendar(&app.db, globex.tenant_id)
        .await
        .unwrap()
        .today
        + chrono::Days::new(30);
    let globex_promise = ok(
        &app,
        &globex,
        "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { promise { id } } } }",
        json!({ "input": { "customerId": customer_id, "channel": "PHONE", "outcome": "PROMISE_TO_PAY",
            "promise": { "amount": "1", "promisedDate": promised.to_string() } } }),
        "logCollectionActivity",
    )
    .await["activity"]["promise"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let log = "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { id } } }";
    let body = as_acme(log.to_owned(), json!({ "input": { "customerId": customer_id, "channel": "PHONE", "outcome": "NO_ANSWER" } })).await;
    assert_eq!(
        error_codes(&body),
        ["NOT_FOUND"],
        "Mutation.logCollectionActivity.input.customerId: {body}"
    );
    let body = as_acme(log.to_owned(), json!({ "input": { "customerId": acme_customer_id, "channel": "PHONE", "outcome": "NO_ANSWER", "invoiceIds": [open_id] } })).await;
    assert_eq!(
        error_codes(&body),
        ["VALIDATION"],
        "Mutation.logCollectionActivity.input.invoiceIds: {body}"
    );
    let body = as_acme(
        "mutation($input: CancelPromiseInput!) { cancelPromise(input: $input) { promise { id } } }"
            .to_owned(),
        json!({ "input": { "promiseId": globex_promise, "reason": "x" } }),
    )
    .await;
    assert_eq!(
        error_codes(&body),
        ["NOT_FOUND"],
        "Mutation.cancelPromise.input.promiseId: {body}"
    );
    for (case, query, variables, path) in [
        (
            "Query.collectionActivities.filter.customerId",
            "query($id: ID!) { collectionActivities(filter: { customerId: $id }) { totalCount } }",
            json!({ "id": customer_id }),
            "collectionActivities",
        ),
        (
            "Query.collectionActivities.filter.invoiceId",
            "query($id: ID!) { collectionActivities(filter: { invoiceId: $id }) { totalCount } }",
            json!({ "id": open_id }),
            "collectionActivities",
        ),
        (
            "Query.promisesToPay.filter.customerId",
            "query($id: ID!) { promisesToPay(filter: { customerId: $id }) { totalCount } }",
            json!({ "id": customer_id }),
            "promisesToPay",
        ),
    ] {
        let body = as_acme(query.to_owned(), variables).await;
        assert_eq!(body["data"][path]["totalCount"], 0, "{case}: {body}");
    }
    // Globex's activity cannot be corrected from Acme.
    let globex_activity = ok(
        &app,
        &globex,
        "mutation($input: LogCollectionActivityInput!) { logCollectionActivity(input: $input) { activity { id } } }",
        json!({ "input": { "customerId": customer_id, "channel": "EMAIL", "outcome": "OTHER" } }),
        "logCollectionActivity",
    )
    .await["activity"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = as_acme(
        "mutation($input: UpdateCollectionActivityInput!) { updateCollectionActivity(input: $input) { activity { id } } }".to_owned(),
        json!({ "input": { "activityId": globex_activity, "note": "x" } }),
    )
    .await;
    assert_eq!(
        error_codes(&body),
        ["NOT_FOUND"],
        "Mutation.updateCollectionActivity.input.activityId: {body}"
    );
    // Dunning: Globex's ladder and customer are not Acme's to change or assign.
    let globex_policy = ok(
        &app,
        &globex,
        "{ dunningPolicies { id } }",
        json!({}),
        "dunningPolicies",
    )
    .await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let acme_policy = ok(
        &app,
        &acme,
        "{ dunningPolicies { id } }",
        json!({}),
        "dunningPolicies",
    )
    .await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (case, query, input) in [
        (
            "Mutation.saveDunningPolicy.input.policyId",
            "mutation($input: SaveDunningPolicyInput!) { saveDunningPolicy(input: $input) { policy { id } } }",
            json!({ "policyId": globex_policy, "name": "Hijacked", "steps": [{ "offsetDays": 1, "action": "SEND_EMAIL", "name": "x" }] }),
        ),
        (
            "Mutation.assignDunningPolicy.input.policyId",
            "mutation($input: AssignDunningPolicyInput!) { assignDunningPolicy(input: $input) { policy { id } } }",
            json!({ "policyId": globex_policy, "customerId": acme_customer_id }),
        ),
        (
            "Mutation.assignDunningPolicy.input.customerId",
            "mutation($input: AssignDunningPolicyInput!) { assignDunningPolicy(input: $input) { policy { id } } }",
            json!({ "policyId": acme_policy, "customerId": customer_id }),
        ),
        (
            "Mutation.pauseDunning.input.customerId",
            "mutation($input: PauseDunningInput!) { pauseDunning(input: $input) { customerId } }",
            json!({ "customerId": customer_id, "reason": "x" }),
        ),
    ] {
        let body = as_acme(query.to_owned(), json!({ "input": input })).await;
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{case}: {body}");
    }
    let draft = as_acme(
        "query($draft: SaveDunningPolicyInput) { previewDunningRun(date: \"2026-06-30\", draft: $draft) { date } }"
            .to_owned(),
        json!({ "draft": { "policyId": globex_policy, "name": "Peek", "steps": [{ "offsetDays": 1, "action": "SEND_EMAIL", "name": "x" }] } }),
    )
    .await;
    assert_eq!(
        error_codes(&draft),
        ["NOT_FOUND"],
        "Query.previewDunningRun.draft.policyId: {draft}"
    );
    // A statement token names its own tenant and customer; a token made up for Globex's
    // tenant finds nothing, and cannot answer for it.
    let forged = format!(
        "duely_stm_{}_{}",
        globex.tenant_id.0.simple(),
        "0".repeat(64)
    );
    let public = app
        .graphql(
            "query($token: String!) { publicStatement(token: $token) { companyName } }",
            json!({ "token": forged }),
        )
        .await;
    assert_eq!(
        error_codes(&public),
        ["NOT_FOUND"],
        "Query.publicStatement.token"
    );
    let answer = app
        .graphql(
            "mutation($input: RespondToStatementInput!) { respondToStatement(input: $input) { response { answer } } }",
            json!({ "input": { "token": forged, "answer": "CONFIRMED", "name": "x" } }),
        )
        .await;
    assert_eq!(
        error_codes(&answer),
        ["NOT_FOUND"],
        "Mutation.respondToStatement.input.token"
    );
    let pay = app
        .graphql(
            "mutation($input: PayStatementInput!) { payStatement(input: $input) { url } }",
            json!({ "input": { "token": forged } }),
        )
        .await;
    assert_eq!(
        error_codes(&pay),
        ["NOT_FOUND"],
        "Mutation.payStatement.input.token"
    );
    let link = as_acme(
        "mutation($input: CreatePaymentLinkInput!) { createPaymentLink(input: $input) { url } }"
            .to_owned(),
        json!({ "input": { "invoiceId": open_id } }),
    )
    .await;
    assert_eq!(
        error_codes(&link),
        ["NOT_FOUND"],
        "Mutation.createPaymentLink.input.invoiceId: {link}"
    );
    assert_eq!(
        globex_state(&app).await,
        before,
        "nothing of Globex's changed"
    );
}

#[tokio::test]
async fn dunning_results_of_another_tenant_are_not_found_and_change_nothing() {
    use crate::receivables::{create_customer, issue_invoice, ok};
    use duely_backend::collections::run::{Trigger, run_tenant};
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let acme = app.sign_up("Acme", &app.email("acme")).await;
    let globex = app.sign_up("Globex", &app.email("globex")).await;
    let links = duely_backend::startup::AppLinks {
        public_url: app.address.clone(),
        sealer: duely_backend::secrets::Sealer::from_hex(&"5a".repeat(32).into()).unwrap(),
    };

    // Globex: an invoice long overdue, a run that made a call task and a late fee, a legal
    // case and an alert.
    let customer = create_customer(&app, &globex, "G-1", json!({})).await;
    let customer_id = customer["id"].as_str().unwrap().to_owned();
    let invoice = issue_invoice(
        &app,
        &globex,
        &customer_id,
        "1000",
        json!({ "issueDate": "2025-12-01", "dueDate": "2026-01-01" }),
    )
    .await;
    let invoice_id = invoice["id"].as_str().unwrap().to_owned();
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
    let case_id = case["legalCase"]["id"].as_str().unwrap().to_owned();
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO \"{schema}\".risk_alerts (id, customer_id, kind, cause, severity, message)
             VALUES (gen_random_uuid(), '{customer_id}', 'BROKEN_PROMISE', 'test', 'HIGH', 'A promise broke')"
        ))
        .await
        .unwrap();
    let alert_id = one("SELECT id FROM {s}.risk_alerts LIMIT 1").await;
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
            ] {
                counts.push(count(&db, &sql.replace("{s}", &schema)).await);
            }
            counts
        }
    };
    let before = state().await;
    assert_eq!(before[..4], [1, 1, 1, 1], "the arrangement: {before:?}");

    let acme_customer = create_customer(&app, &acme, "A-1", json!({})).await;
    let acme_customer_id = acme_customer["id"].as_str().unwrap().to_owned();
    let mutation = |name: &str, input_type: &str| {
        format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename }} }}")
    };
    for (case, query, input, code) in [
        (
            "Mutation.completeTask.input.taskId",
            mutation("completeTask", "CompleteTaskInput"),
            json!({ "taskId": task_id, "outcome": "NO_ANSWER" }),
            "NOT_FOUND",
        ),
        (
            "Mutation.saveEmailTemplate.input.policyId",
            mutation("saveEmailTemplate", "SaveEmailTemplateInput"),
            json!({ "policyId": policy_id, "stepOffset": 7, "locale": "en", "subject": "x", "body": "y" }),
            "NOT_FOUND",
        ),
        (
            "Mutation.waiveFee.input.feeId",
            mutation("waiveFee", "WaiveFeeInput"),
            json!({ "feeId": fee_id, "reason": "x" }),
            "NOT_FOUND",
        ),
        (
            "Mutation.escalateToLegal.input.customerId",
            mutation("escalateToLegal", "EscalateToLegalInput"),
            json!({ "customerId": customer_id }),
            "NOT_FOUND",
        ),
        (
            "Mutation.escalateToLegal.input.invoiceIds",
            mutation("escalateToLegal", "EscalateToLegalInput"),
            json!({ "customerId": acme_customer_id, "invoiceIds": [invoice_id] }),
            "VALIDATION",
        ),
        (
            "Mutation.updateLegalCase.input.caseId",
            mutation("updateLegalCase", "UpdateLegalCaseInput"),
            json!({ "caseId": case_id, "status": "SETTLED" }),
            "NOT_FOUND",
        ),
        (
            "Mutation.acknowledgeAlert.input.alertId",
            mutation("acknowledgeAlert", "AlertActionInput"),
            json!({ "alertId": alert_id }),
            "NOT_FOUND",
        ),
        (
            "Mutation.resolveAlert.input.alertId",
            mutation("resolveAlert", "AlertActionInput"),
            json!({ "alertId": alert_id }),
            "NOT_FOUND",
        ),
    ] {
        let body = app
            .graphql_as(&acme.access_token, &query, json!({ "input": input }))
            .await;
        assert_eq!(error_codes(&body), [code], "{case}: {body}");
    }
    let body = app
        .graphql_as(
            &acme.access_token,
            "query($id: ID!) { emailTemplates(policyId: $id) { subject } }",
            json!({ "id": policy_id }),
        )
        .await;
    assert_eq!(
        error_codes(&body),
        ["NOT_FOUND"],
        "Query.emailTemplates.policyId: {body}"
    );
    for (case, query, variables, path) in [
        (
            "Query.worklist.collectorId",
            "query($id: ID) { worklist(collectorId: $id) { totalCount } }",
            json!({ "id": globex.user_id }),
            "worklist",
        ),
        (
            "Query.legalCases.filter.customerId",
            "query($id: ID!) { legalCases(filter: { customerId: $id }) { totalCount } }",
            json!({ "id": customer_id }),
            "legalCases",
        ),
        (
            "Query.riskAlerts.filter.customerId",
            "query($id: ID!) { riskAlerts(filter: { customerId: $id }) { totalCount } }",
            json!({ "id": customer_id }),
            "riskAlerts",
        ),
    ] {
        let body = app.graphql_as(&acme.access_token, query, variables).await;
        assert_eq!(body["data"][path]["totalCount"], 0, "{case}: {body}");
    }
    // Analytics: Globex's customer has no rating Acme can read or override; Globex's rule and
    // Globex's people are not Acme's.
    let globex_rule = ok(
        &app,
        &globex,
        "mutation($input: SaveIncentiveRuleInput!) { saveIncentiveRule(input: $input) { rule { id } } }",
        json!({ "input": { "name": "Globex bonus", "kind": "PERCENT_OF_COLLECTED", "rate": "1", "currency": "CNY" } }),
        "saveIncentiveRule",
    )
    .await["rule"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (case, query, input) in [
        (
            "Mutation.overrideCreditRating.input.customerId",
            mutation("overrideCreditRating", "OverrideCreditRatingInput"),
            json!({ "customerId": customer_id, "grade": "A", "reason": "x" }),
        ),
        (
            "Mutation.saveIncentiveRule.input.ruleId",
            mutation("saveIncentiveRule", "SaveIncentiveRuleInput"),
            json!({ "ruleId": globex_rule, "name": "Hijacked", "kind": "PERCENT_OF_COLLECTED", "rate": "50", "currency": "CNY" }),
        ),
        (
            "Mutation.setCollectorTarget.input.userId",
            mutation("setCollectorTarget", "SetCollectorTargetInput"),
            json!({ "userId": globex.user_id, "month": "2026-01-01", "amount": "1", "currency": "CNY" }),
        ),
    ] {
        let body = app
            .graphql_as(&acme.access_token, &query, json!({ "input": input }))
            .await;
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{case}: {body}");
    }
    let body = app
        .graphql_as(
            &acme.access_token,
            "query($id: ID!) { creditRating(customerId: $id) { score } creditRatingHistory(customerId: $id) { score } }",
            json!({ "id": customer_id }),
        )
        .await;
    assert_eq!(
        body["data"]["creditRating"],
        Value::Null,
        "Query.creditRating.customerId: {body}"
    );
    assert_eq!(
        body["data"]["creditRatingHistory"],
        json!([]),
        "Query.creditRatingHistory.customerId: {body}"
    );
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
