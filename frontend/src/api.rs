//! The GraphQL client. Operations are `.graphql` files checked against `backend/schema.graphql`
//! at compile time by `graphql_client`: a schema change that breaks the app breaks the build.

use domain::reason::Reason;
use domain::{ErrorCode, Locale};
use graphql_client::{GraphQLQuery, Response};
use serde::Deserialize;
use std::cell::RefCell;

/// Scalars as they cross the wire.
pub type DateTime = String;
/// `YYYY-MM-DD`.
pub type Date = String;
#[allow(clippy::upper_case_acronyms)]
pub type ID = String;
/// A JSON value the server describes in the schema (a request's `askedAgainst`).
#[allow(clippy::upper_case_acronyms)]
pub type JSON = serde_json::Value;

thread_local! {
    /// The current access token; the session module keeps it fresh. The app is single-threaded.
    static ACCESS_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The language the person reads the app in, sent as `Accept-Language` so the server
    /// writes its texts (alerts, rating reasons, task titles) in it too.
    static LOCALE: std::cell::Cell<Locale> = const { std::cell::Cell::new(Locale::ZhCn) };
}

/// The current access token, for the few REST calls (file downloads and uploads).
pub fn access_token() -> Option<String> {
    ACCESS_TOKEN.with(|cell| cell.borrow().clone())
}

pub fn set_access_token(token: Option<String>) {
    ACCESS_TOKEN.with(|cell| *cell.borrow_mut() = token);
}

/// Where the API lives: the same origin that served the app.
const ENDPOINT: &str = "/graphql";

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "src/graphql/server_info.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ServerInfo;

macro_rules! session_operation {
    ($name:ident) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "src/graphql/session.graphql",
            response_derives = "Debug, Clone, PartialEq",
            variables_derives = "Debug, Clone"
        )]
        pub struct $name;
    };
}

session_operation!(SignUp);
session_operation!(LogIn);
session_operation!(RefreshSession);
session_operation!(SwitchTenant);
session_operation!(UpdateMyProfile);
session_operation!(LogOut);
session_operation!(Me);
session_operation!(ChangePassword);
session_operation!(RequestPasswordReset);
session_operation!(ResetPassword);
session_operation!(VerifyEmail);
session_operation!(ResendVerificationEmail);

macro_rules! team_operation {
    ($name:ident) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "src/graphql/team.graphql",
            response_derives = "Debug, Clone, PartialEq",
            variables_derives = "Debug, Clone"
        )]
        pub struct $name;
    };
}

team_operation!(Members);
team_operation!(PendingInvitations);
team_operation!(InviteMember);
team_operation!(ChangeMemberRole);
team_operation!(RemoveMember);
team_operation!(InvitationPreview);
team_operation!(AcceptInvitation);

macro_rules! admin_operation {
    ($name:ident) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "src/graphql/admin.graphql",
            response_derives = "Debug, Clone, PartialEq",
            variables_derives = "Debug, Clone"
        )]
        pub struct $name;
    };
}

macro_rules! billing_operation {
    ($name:ident) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "src/graphql/billing.graphql",
            response_derives = "Debug, Clone, PartialEq",
            variables_derives = "Debug, Clone"
        )]
        pub struct $name;
    };
}

billing_operation!(SubscriptionStatus);
billing_operation!(SubscriptionBanner);
billing_operation!(StartCheckout);
billing_operation!(BillingPortal);
billing_operation!(PaymentSettingsView);
billing_operation!(ConnectStripeAccount);
billing_operation!(DisconnectStripeAccount);
billing_operation!(CreatePaymentLink);
billing_operation!(PayStatement);

admin_operation!(ApiKeys);
admin_operation!(CreateApiKey);
admin_operation!(RevokeApiKey);
admin_operation!(AuditLog);

macro_rules! receivables_operation {
    ($name:ident, no_default) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "src/graphql/receivables.graphql",
            response_derives = "Debug, Clone, PartialEq, Serialize",
            variables_derives = "Debug, Clone"
        )]
        pub struct $name;
    };
    ($name:ident) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "src/graphql/receivables.graphql",
            response_derives = "Debug, Clone, PartialEq, Serialize",
            variables_derives = "Debug, Clone, Default"
        )]
        pub struct $name;
    };
}

receivables_operation!(Customers, no_default);
receivables_operation!(CustomerDetail);
receivables_operation!(CustomerOptions);
receivables_operation!(CreateCustomer);
receivables_operation!(SetCreditLimit);
receivables_operation!(PlaceCreditHold);
receivables_operation!(ReleaseCreditHold);
receivables_operation!(Invoices, no_default);
receivables_operation!(InvoiceDetail);
receivables_operation!(CreateInvoice);
receivables_operation!(UpdateInvoice);
receivables_operation!(IssueInvoice);
receivables_operation!(VoidInvoice);
receivables_operation!(WriteOffInvoice);
receivables_operation!(OpenDispute);
receivables_operation!(ResolveDispute, no_default);
receivables_operation!(CreateCreditNote);
receivables_operation!(Payments);
receivables_operation!(OpenInvoices);
receivables_operation!(RecordPayment, no_default);
receivables_operation!(ReversePayment);
receivables_operation!(ApplyCredit);
receivables_operation!(CustomerStatement);
receivables_operation!(CustomerActivity);
receivables_operation!(SendStatement);
receivables_operation!(PublicStatement);
receivables_operation!(RespondToStatement, no_default);
receivables_operation!(SetInstallmentPlan);
receivables_operation!(GlobalSearch);
receivables_operation!(DisputesQueue, no_default);
receivables_operation!(UpdateDispute, no_default);
receivables_operation!(RecordFapiao, no_default);
receivables_operation!(VoidFapiao, no_default);
receivables_operation!(SendInvoice, no_default);

impl invoices::InvoiceFilter {
    /// No filter; set the fields you need with `..InvoiceFilter::empty()`.
    pub fn empty() -> Self {
        invoices::InvoiceFilter {
            customer_id: None,
            status: None,
            overdue: None,
            disputed: None,
            fapiao_issued: None,
            search: None,
            currency: None,
            issued_from: None,
            issued_to: None,
            due_from: None,
            due_to: None,
        }
    }
}

macro_rules! collections_operation {
    ($name:ident) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "src/graphql/collections.graphql",
            response_derives = "Debug, Clone, PartialEq, Serialize",
            variables_derives = "Debug, Clone"
        )]
        pub struct $name;
    };
}

collections_operation!(CustomerCollections);
collections_operation!(LogActivity);
collections_operation!(CancelPromise);
collections_operation!(DunningPolicies);
// Deserialize too: the ladder editor's draft is turned into this query's input.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../backend/schema.graphql",
    query_path = "src/graphql/collections.graphql",
    response_derives = "Debug, Clone, PartialEq, Serialize",
    variables_derives = "Debug, Clone, PartialEq, Deserialize"
)]
pub struct PreviewDunning;
collections_operation!(SaveDunningPolicy);
collections_operation!(Worklist);
collections_operation!(CompleteTask);
collections_operation!(AcknowledgeAlert);
collections_operation!(ResolveAlert);
collections_operation!(LegalCases);
collections_operation!(UpdateLegalCase);
collections_operation!(EscalateToLegal);
collections_operation!(DunningRuns);
collections_operation!(RunDunningNow);
collections_operation!(EmailTemplates);
collections_operation!(SaveEmailTemplate);
collections_operation!(WaiveFee);
collections_operation!(DunningPolicyNames);
collections_operation!(PauseDunning);
collections_operation!(AssignDunningPolicy);
collections_operation!(InvoiceTimeline);
collections_operation!(PromisesList);
collections_operation!(Tasks);
collections_operation!(CreateTask);
collections_operation!(ReassignTask);
collections_operation!(CancelTask);
collections_operation!(AssignableMembers);
collections_operation!(CorrectActivity);
collections_operation!(CollectionScripts);
collections_operation!(SaveCollectionScript);
collections_operation!(CustomerScript);
collections_operation!(LettersList);
collections_operation!(MarkLetterMailed);
collections_operation!(DraftLawyerLetter);

macro_rules! attachments_operation {
    ($name:ident) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "src/graphql/attachments.graphql",
            response_derives = "Debug, Clone, PartialEq, Serialize",
            variables_derives = "Debug, Clone"
        )]
        pub struct $name;
    };
}

attachments_operation!(AttachmentsList);
attachments_operation!(DeleteAttachment);

macro_rules! webhooks_operation {
    ($name:ident) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "src/graphql/webhooks.graphql",
            response_derives = "Debug, Clone, PartialEq",
            variables_derives = "Debug, Clone"
        )]
        pub struct $name;
    };
}

webhooks_operation!(WebhookEndpoints);
webhooks_operation!(WebhookDeliveries);
webhooks_operation!(CreateWebhookEndpoint);
webhooks_operation!(UpdateWebhookEndpoint);
webhooks_operation!(DeleteWebhookEndpoint);
webhooks_operation!(RotateWebhookSecret);
webhooks_operation!(RedeliverWebhook);
webhooks_operation!(SendTestWebhookEvent);

macro_rules! messaging_operation {
    ($name:ident) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "src/graphql/messaging.graphql",
            response_derives = "Debug, Clone, PartialEq",
            variables_derives = "Debug, Clone"
        )]
        pub struct $name;
    };
}

messaging_operation!(MessageChannels);
messaging_operation!(SaveMessageChannel);
messaging_operation!(DeleteMessageChannel);
messaging_operation!(SmsTemplates);
messaging_operation!(SaveSmsTemplate);
messaging_operation!(DeleteSmsTemplate);
messaging_operation!(MessageDeliveries);

macro_rules! analytics_operation {
    ($name:ident) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "src/graphql/analytics.graphql",
            response_derives = "Debug, Clone, PartialEq, Serialize",
            variables_derives = "Debug, Clone"
        )]
        pub struct $name;
    };
}

analytics_operation!(Dashboard);
analytics_operation!(KpiFilterOptions);
analytics_operation!(WorklistCount);
analytics_operation!(AgingReportQuery);
analytics_operation!(AgingDrillDown);
analytics_operation!(CreditRatingQuery);
analytics_operation!(OverrideCreditRating);
analytics_operation!(StaffPerformanceQuery);
analytics_operation!(SetCollectorTarget);
analytics_operation!(SaveIncentiveRule);
analytics_operation!(AnalyticsSettingsQuery);
analytics_operation!(UpdateAnalyticsSettings);

macro_rules! settings_operation {
    ($name:ident) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "src/graphql/settings.graphql",
            response_derives = "Debug, Clone, PartialEq, Serialize",
            variables_derives = "Debug, Clone"
        )]
        pub struct $name;
    };
}

settings_operation!(CompanySettingsQuery);
settings_operation!(UpdateCompanySettings);
settings_operation!(CompanyProfileQuery);
settings_operation!(UpdateCompanyProfile);

macro_rules! approvals_operation {
    ($name:ident) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "src/graphql/approvals.graphql",
            response_derives = "Debug, Clone, PartialEq, Serialize",
            variables_derives = "Debug, Clone"
        )]
        pub struct $name;
    };
}

approvals_operation!(ApprovalPolicies);
approvals_operation!(SaveApprovalPolicy);
approvals_operation!(ApplySuggestedApprovalPolicies);
approvals_operation!(ApprovalInbox);
approvals_operation!(AwaitingMyApproval);
approvals_operation!(ApproveApprovalRequest);
approvals_operation!(RejectApprovalRequest);
approvals_operation!(CancelApprovalRequest);
approvals_operation!(MyUserId);

macro_rules! cash_operation {
    ($name:ident) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../backend/schema.graphql",
            query_path = "src/graphql/cash.graphql",
            response_derives = "Debug, Clone, PartialEq",
            variables_derives = "Debug, Clone"
        )]
        pub struct $name;
    };
}

cash_operation!(BankAccounts);
cash_operation!(CreateBankAccount);
cash_operation!(UpdateBankAccount);
cash_operation!(BankImports);
cash_operation!(BankLines);
cash_operation!(BankTotals);
cash_operation!(ApplyBankLine);
cash_operation!(LinkBankLine);
cash_operation!(IgnoreBankLine);
cash_operation!(UndoBankLine);
cash_operation!(LinkablePayments);

/// What went wrong, in terms the UI can translate: the API's code and reason, or the network.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with errors; the first one's code, reason and field.
    Api {
        code: ErrorCode,
        /// Why, with its parameters: what [`ApiError::text`] translates. `None` from a server
        /// that sent a reason this build does not know.
        reason: Option<Reason>,
        field: Option<String>,
        /// The server's English message: for the console, never shown (translate `reason`).
        server_message: String,
    },
    /// The server could not be reached or answered something that is not GraphQL.
    Network(String),
}

impl ApiError {
    /// The error in the reader's language, from its reason and parameters (and the row its
    /// field names); an error with no reason the app knows reads as its code.
    pub fn text(&self, locale: Locale) -> String {
        match self {
            ApiError::Api {
                reason: Some(reason),
                field,
                ..
            } => domain::messages::error_text(reason, field.as_deref(), locale),
            ApiError::Api { code, .. } => crate::i18n::error_text(locale, *code).to_owned(),
            ApiError::Network(_) => crate::i18n::error_text(locale, ErrorCode::Internal).to_owned(),
        }
    }

    /// The input field at fault, as the server named it (`input.lines[2].quantity`).
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::Api { field, .. } => field.as_deref(),
            ApiError::Network(_) => None,
        }
    }

    /// The field without its `input.` prefix (`lines[2].quantity`), or empty.
    pub fn field_name(&self) -> &str {
        self.field()
            .map(|field| field.trim_start_matches("input."))
            .unwrap_or_default()
    }

    /// The error's code (`INTERNAL` for the network).
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Api { code, .. } => *code,
            ApiError::Network(_) => ErrorCode::Internal,
        }
    }
}

#[derive(Deserialize)]
struct ErrorExtensions {
    code: Option<String>,
    field: Option<String>,
    reason: Option<String>,
    params: Option<serde_json::Value>,
}

/// The app's language changed: later requests ask for texts in it.
pub fn set_locale(locale: Locale) {
    LOCALE.with(|cell| cell.set(locale));
}

/// Runs one typed operation.
pub async fn run<Q: GraphQLQuery>(variables: Q::Variables) -> Result<Q::ResponseData, ApiError> {
    let body = Q::build_query(variables);
    let mut request = gloo_net::http::Request::post(ENDPOINT)
        .header("accept", "application/graphql-response+json");
    request = request.header("accept-language", LOCALE.with(|cell| cell.get()).tag());
    if let Some(token) = ACCESS_TOKEN.with(|cell| cell.borrow().clone()) {
        request = request.header("authorization", &format!("Bearer {token}"));
    }
    let request = request
        .json(&body)
        .map_err(|error| ApiError::Network(error.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|error| ApiError::Network(error.to_string()))?;
    let parsed: Response<Q::ResponseData> = response
        .json()
        .await
        .map_err(|error| ApiError::Network(error.to_string()))?;
    if let Some(error) = parsed.errors.as_ref().and_then(|errors| errors.first()) {
        let extensions: Option<ErrorExtensions> = error
            .extensions
            .as_ref()
            .and_then(|map| serde_json::to_value(map).ok())
            .and_then(|value| serde_json::from_value(value).ok());
        let (code, field, reason) = extensions
            .map(|ext| {
                let params = match ext.params {
                    Some(serde_json::Value::Object(params)) => params,
                    _ => serde_json::Map::new(),
                };
                let reason = ext
                    .reason
                    .and_then(|name| Reason::from_wire(&name, &params));
                (ext.code, ext.field, reason)
            })
            .unwrap_or((None, None, None));
        return Err(ApiError::Api {
            code: code
                .and_then(|code| code.parse().ok())
                .unwrap_or(ErrorCode::Internal),
            reason,
            field,
            server_message: error.message.clone(),
        });
    }
    parsed
        .data
        .ok_or_else(|| ApiError::Network("the answer carried no data".to_owned()))
}

/// A generated enum (same SCREAMING_CASE names) into the domain's, and back.
pub fn to_domain<T: serde::Serialize, D: serde::de::DeserializeOwned>(value: &T) -> Option<D> {
    serde_json::to_value(value)
        .ok()
        .and_then(|json| serde_json::from_value(json).ok())
}

pub fn from_domain<D: serde::Serialize, T: serde::de::DeserializeOwned>(value: &D) -> Option<T> {
    to_domain(value)
}

/// A select's value as an API enum, or none for the empty "any" choice. (A generated enum takes
/// any string, "" included, as an unknown value that the server would refuse.)
pub fn chosen<T: serde::de::DeserializeOwned>(value: &str) -> Option<T> {
    Some(value)
        .filter(|value| !value.is_empty())
        .and_then(|value| from_domain::<&str, T>(&value))
}
