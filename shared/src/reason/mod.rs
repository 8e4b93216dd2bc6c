//! Why a request was refused: the closed list behind `extensions.reason` and
//! `extensions.params`, one line per reason in [`reasons!`] below.
//!
//! A reason has exactly one error code (`extensions.code` stays what clients branch on), a doc
//! line for `docs/errors.md` and typed parameters. The web app translates a reason from its
//! parameters, never from the server's English message. A reason is never renamed or removed;
//! a parameter is never retyped.
//!
//! The list holds the system and generic input reasons first, then each area's. The texts are
//! in the catalogue (`crate::messages`), one exhaustive match per language.

use crate::ErrorCode;
use crate::billing::{Limit, Plan};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mod from_errors;
#[macro_use]
mod machinery;
pub use machinery::*;

reasons! {
    // Requests and the system.
    /// Something failed on our side; nothing changed, and the server logged it.
    Internal {} => Internal,
    /// The request is not a GraphQL request the server can read.
    MalformedRequest {} => BadRequest,
    /// No document is kept under the `persistedQuery` hash: send the document with the hash
    /// once (automatic persisted queries). The message is `PersistedQueryNotFound`, as clients
    /// of that protocol expect.
    PersistedQueryNotFound {} => BadRequest,
    /// The `persistedQuery` extension is not version 1 with a SHA-256 hash in hex, or the
    /// document sent with it does not have that hash.
    PersistedQueryInvalid {} => BadRequest,
    /// An argument does not have the type the schema gives it.
    InvalidArgument {} => Validation,
    /// The company's subscription ended past its grace period: its data can be read, not changed.
    CompanyReadOnly {} => ReadOnly,
    /// The plan allows no more of `limit`; `upgradeTo` is the smallest plan that does.
    PlanLimitReached { limit: Limit, plan: Plan, allowed: u64, upgrade_to: Option<Plan> } => PlanLimit,
    /// Too many attempts; try again after `seconds`.
    TooManyAttempts { seconds: u64 } => RateLimited,
    /// The server is at capacity; try again after `seconds`.
    ServerBusy { seconds: u64 } => RateLimited,
    /// The database cannot be reached for a moment; try again after `seconds`.
    DatabaseUnavailable { seconds: u64 } => Unavailable,
    /// The server has no font to print documents with (`DUELY_PDF_FONT`).
    PdfFontMissing {} => NotConfigured,
    /// No record of this kind with this id in the company (or none the caller may see).
    RecordNotFound { entity: Entity } => NotFound,

    // Input, whatever the field.
    /// The field is required.
    Required {} => Validation,
    /// The text must have between `min` and `max` characters.
    TextLength { min: Option<u32>, max: Option<u32> } => Validation,
    /// The text may not hold control characters.
    ControlCharacters {} => Validation,
    /// Only letters, digits and `symbols` are allowed (and at most `max` characters).
    InvalidCharacters { symbols: String, max: Option<u32> } => Validation,
    /// `value` is not a number.
    NotANumber { value: String } => Validation,
    /// The amount must be above zero.
    NotPositive {} => Validation,
    /// The amount may not be below zero.
    Negative {} => Validation,
    /// The value must be from `min` to `max`.
    OutOfRange { min: i64, max: i64 } => Validation,
    /// `amount` has more decimal places than `currency` allows (`allowed`).
    TooManyDecimals { amount: String, currency: String, allowed: u32 } => Validation,
    /// The amount is larger than Duely can hold.
    AmountTooLarge {} => Validation,
    /// `value` is not a currency code (ISO 4217, such as CNY).
    UnknownCurrency { value: String } => Validation,
    /// `value` is not an id.
    NotAnId { value: String } => Validation,
    /// The value must be one of `allowed`.
    NotOneOf { allowed: Vec<String> } => Validation,
    /// The list must have from `min` to `max` items.
    CountOutOfRange { min: u32, max: u32 } => Validation,
    /// The same item is listed twice.
    Duplicate {} => Validation,
    /// The date must be from `earliest` to `latest` (either may be open).
    DateOutOfRange { earliest: Option<NaiveDate>, latest: Option<NaiveDate> } => Validation,
    /// The period ends before it starts, or is longer than `years`.
    BadPeriod { years: Option<u32> } => Validation,
    /// Not a cursor of this list and order: pass an `endCursor` the list gave.
    BadCursor {} => Validation,
    /// Not an email address.
    EmailMalformed {} => Validation,
    /// `value` is not a time zone (such as Asia/Shanghai).
    UnknownTimeZone { value: String } => Validation,
    /// Amounts in `given` cannot be combined with amounts in `expected`.
    CurrencyMismatch { expected: String, given: String } => Validation,
    /// Aging buckets need three increasing whole days above zero (at most 3650), such as 30, 60, 90.
    AgingEdgesNotIncreasing {} => Validation,
    /// Give one or the other, not both.
    EitherNotBoth {} => Validation,

    // Invoices.
    /// A draft can be edited; this invoice is `status`: void or credit it instead.
    InvoiceNotDraft { status: String } => Conflict,
    /// Only a draft can be issued; this invoice is `status`.
    InvoiceAlreadyIssued { status: String } => Conflict,
    /// Only a draft or an unpaid issued invoice can be voided; this one is `status`.
    InvoiceNotVoidable { status: String } => Conflict,
    /// Only an open invoice can be written off, disputed or credited (`action`); this one is `status`.
    InvoiceNotOpen { status: String, action: String } => Conflict,
    /// Only a draft or open invoice can have an installment plan; this one is `status`.
    InvoiceClosed { status: String } => Conflict,
    /// The customer is archived; restore it first.
    CustomerArchived {} => Validation,
    /// A draft's currency changes only with its lines, so they are priced in it.
    InvoiceCurrencyNeedsLines {} => Validation,
    /// Payments or credit notes have touched the invoice: reverse them, or write it off instead.
    InvoiceHasPayments {} => Conflict,
    /// Another invoice already has this number.
    InvoiceNumberTaken {} => Conflict,
    /// Another invoice already has this external reference.
    InvoiceExternalRefTaken {} => Conflict,
    /// The due date is before the issue date, `issueDate`.
    DueBeforeIssue { issue_date: NaiveDate } => Validation,
    /// The amount is more than the balance due, `balanceDue` in `currency`.
    OverBalanceDue { balance_due: String, currency: String } => Validation,
    /// The dispute is already `status`.
    DisputeClosed { status: String } => Conflict,
    /// The customer is on credit hold (`reason`, as the person who set it wrote it); someone with the override permission can issue with `overrideCreditBlock`.
    CreditHoldBlocksIssue { reason: String } => CreditHold,
    /// Open invoices would reach `exposureAfter`, over the credit limit `limit` (both in `currency`); someone with the override permission can issue with `overrideCreditBlock`.
    CreditLimitBlocksIssue { limit: String, exposure_after: String, currency: String } => CreditLimitExceeded,
    /// An invoice needs at least one line.
    InvoiceNoLines {} => Validation,
    /// An invoice has at most `max` lines.
    InvoiceTooManyLines { max: u32 } => Validation,
    /// Line `line` (from 1): the description is empty or longer than `max` characters.
    LineDescription { line: u32, max: u32 } => Validation,
    /// Line `line`: the quantity must be above zero, with at most `decimals` decimals.
    LineQuantity { line: u32, decimals: u32 } => Validation,
    /// Line `line`: the unit price may not be negative and has at most `decimals` decimals.
    LineUnitPrice { line: u32, decimals: u32 } => Validation,
    /// Line `line`: the tax rate is a fraction from 0 to 1 with at most 4 decimals (0.13 is 13 %).
    LineTaxRate { line: u32 } => Validation,
    /// Line `line`: the amount is larger than Duely can hold.
    LineTooLarge { line: u32 } => Validation,
    /// The invoice total must be above zero.
    InvoiceZeroTotal {} => Validation,
    /// Installments fall due on or after the issue date, each after the one before.
    InstallmentDueDates {} => Validation,
    /// Give `min` to `max` installments, or none to remove the plan.
    InstallmentCount { min: u32, max: u32 } => Validation,
    /// The installments add up to `sum`, the invoice total is `total` (in `currency`).
    InstallmentsDoNotAddUp { sum: String, total: String, currency: String } => Validation,
    /// A fapiao number of this kind is `digits` digits (any 1 to 40 letters and digits for
    /// OTHER, where `digits` is 0).
    FapiaoNumberFormat { kind: String, digits: u32 } => Validation,
    /// Paper VAT fapiao have a 10- or 12-digit code; fully digital ones have none; OTHER may
    /// have up to 20 letters and digits.
    FapiaoCodeFormat { kind: String } => Validation,
    /// The tax is at least zero and less than the amount.
    FapiaoTaxOverAmount {} => Validation,
    /// The invoice's fapiao would come to more than its `total`; `issued` stand already.
    FapiaoOverInvoice { total: String, issued: String, currency: String } => Validation,
    /// Red-letter fapiao for the credit note would come to more than its `amount`.
    FapiaoOverCreditNote { amount: String, issued: String, currency: String } => Validation,
    /// Red-letter fapiao would come to more than the fapiao they reverse (`blue`).
    FapiaoRedOverBlue { blue: String, red: String, currency: String } => Conflict,
    /// A fapiao with this number (and code) is already recorded and not voided.
    FapiaoNumberTaken { number: String } => Conflict,
    /// The fapiao was voided already.
    FapiaoVoided {} => Conflict,
    /// Fapiao are recorded for issued invoices; this one is `status` (a draft or void).
    FapiaoInvoiceNotIssued { status: String } => Conflict,
    /// The fapiao's issue date is after today.
    FapiaoIssuedInFuture { today: NaiveDate } => Validation,
    /// The credit note is of another invoice.
    FapiaoCreditNoteOfAnotherInvoice {} => Validation,
    /// Invoices are sent once issued; this one is `status` (a draft or void).
    InvoiceNotSendable { status: String } => Conflict,
    /// No address was given and the customer has no contact with an email address.
    InvoiceNoContactEmail {} => Validation,
    /// An invoice goes to at most `max` addresses in copy.
    InvoiceTooManyCopies { max: u32 } => Validation,

    // Letters.
    /// The letter was marked mailed already (on `mailed_on`).
    LetterAlreadyMailed { mailed_on: NaiveDate } => Conflict,
    /// A legal case's customer owes nothing overdue: there is nothing for a letter to claim.
    LetterNothingOverdue {} => Conflict,

    // Attachments.
    /// The file is larger than `maxMib` MiB.
    AttachmentTooLarge { max_mib: u32 } => Validation,
    /// The file is empty.
    AttachmentEmpty {} => Validation,
    /// Only PDF, OFD, JPEG, PNG, WebP, HEIC, XLSX and DOCX files are kept, told by their content
    /// (not their name).
    AttachmentKindNotAccepted {} => Validation,
    /// The photo's metadata cannot be read, so where it was taken cannot be removed from it;
    /// save it again (or send a screenshot of it).
    AttachmentPhotoUnreadable {} => Validation,
    /// A record holds at most `max` files (deleted ones count: they are kept).
    AttachmentTooMany { max: u32 } => Conflict,
    /// The file was deleted already.
    AttachmentAlreadyDeleted {} => Conflict,
    /// The upload was cut short; send the file again.
    AttachmentUploadCutShort {} => Validation,

    // Outgoing webhooks.
    /// The endpoint's address must be an absolute `https://` URL (`http://` only in
    /// development) without a user name or password, of at most `max` characters.
    WebhookUrlInvalid { max: u32 } => Validation,
    /// The endpoint's address is on a private, loopback or link-local network, which deliveries
    /// may not reach.
    WebhookAddressNotPublic {} => Validation,
    /// `event` is not an event an endpoint can subscribe to (see `webhookEventTypes`).
    WebhookEventUnknown { event: String } => Validation,
    /// A company has at most `max` webhook endpoints.
    WebhookEndpointsTooMany { max: u32 } => Conflict,
    /// The endpoint is switched off: switch it on before sending to it.
    WebhookEndpointDisabled {} => Conflict,

    // The company profile documents print.
    /// The logo is a PNG or JPEG image of at most `max_kb` KB, sent as a `data:` URL.
    LogoInvalid { max_kb: u32 } => Validation,
    /// Documents print at most `max` bank accounts.
    TooManyBankAccounts { max: u32 } => Validation,

    // From payments.md.
    // Payments (and the idempotency keys of every money-moving mutation).
    /// The idempotency key was used before for a different request (another mutation, or other
    /// values); send the request with a new key.
    IdempotencyKeyReused {} => Conflict,
    /// A request with this idempotency key is being handled right now; retry it shortly to get
    /// its result.
    IdempotencyKeyInUse {} => Conflict,
    /// The payment was reversed: it can be neither allocated nor reversed again.
    PaymentAlreadyReversed {} => Conflict,
    /// All of the payment is allocated already; nothing is left to allocate.
    PaymentFullyAllocated {} => Conflict,
    /// The customer has no open invoice in the money's currency to allocate to.
    PaymentNoOpenInvoices {} => Conflict,
    /// The customer has no unapplied credit (money received and not allocated) in `currency`.
    PaymentNoUnappliedCredit { currency: String } => Conflict,
    /// The allocation's invoice is not an open invoice of this customer in this currency.
    PaymentAllocationNotOpen {} => Validation,
    /// The allocation of `amount` is more than the invoice's balance due, `balance`.
    PaymentAllocationOverBalance { amount: String, balance: String } => Validation,
    /// The allocations add up to `allocated`, more than the `available` money.
    PaymentAllocationsOverAmount { allocated: String, available: String } => Validation,


    // Statements.
    /// No address was given, and no contact of the customer has an email address.
    StatementNoContactEmail {} => Validation,
    /// The address is not one of the customer's contacts; sending a statement elsewhere needs
    /// the customer-management permission.
    StatementAddressNotAContact {} => Validation,
    /// A confirmed statement disputes no invoices.
    StatementConfirmedWithDisputes {} => Validation,
    /// A disputed statement needs a note saying what is wrong, or the invoices in question.
    StatementDisputeUnexplained {} => Validation,
    /// The statement link is not valid or has expired; the customer asks for a new one.
    StatementLinkInvalid {} => NotFound,
    /// The statement was answered already: each statement sent takes one answer.
    StatementAlreadyAnswered {} => Conflict,
    /// Invoice `number` is not an open, undisputed invoice on this statement.
    StatementInvoiceNotDisputable { number: String } => Validation,

    // From customers.md.
    // Customers.
    /// Another customer in the company already has this code (codes are compared without regard to case).
    CustomerCodeTaken {} => Conflict,
    /// The customer has `count` open invoices: settle, void or write them off before archiving it.
    CustomerHasOpenInvoices { count: i64 } => Conflict,
    /// The customer is already on credit hold.
    CustomerAlreadyOnHold {} => Conflict,
    /// The customer is not on credit hold, so there is no hold to release.
    CustomerNotOnHold {} => Conflict,
    /// The collector or salesperson named is not a member of this company.
    CustomerAssigneeNotMember {} => Validation,
    /// A `role` does not work collections, so cannot be a customer's collector or own a task.
    AssigneeMayNotCollect { role: String } => Validation,
    /// A `role` does not sell, so cannot be a customer's salesperson.
    AssigneeMayNotSell { role: String } => Validation,

    // Analytics.
    /// Company-wide figures (KPIs and their trends) are for those who see every customer.
    AnalyticsCompanyWideOnly {} => Forbidden,
    /// An incentive rate is a percentage above 0 and at most 100.
    AnalyticsRateOutOfRange {} => Validation,
    /// Another incentive rule has this name.
    AnalyticsRuleNameTaken {} => Conflict,
    /// The alert is `status` already: a resolved alert does not change, and an alert is acknowledged once.
    AnalyticsAlertAlready { status: String } => Conflict,

    // From identity.md.
    // Who is calling (auth.rs and identity): UNAUTHENTICATED when credentials are missing or not
    // valid now, FORBIDDEN when the role or the key's scopes do not allow the action.
    /// No credentials were sent: sign in, or send an API key as `Authorization: Bearer <key>`.
    CredentialsMissing {} => Unauthenticated,
    /// The `Authorization` header is not `Bearer <token or API key>`.
    AuthorizationNotBearer {} => Unauthenticated,
    /// The `Authorization` header is not valid text.
    AuthorizationNotText {} => Unauthenticated,
    /// The access token has expired or is not valid: refresh the session, or sign in again.
    SessionExpired {} => Unauthenticated,
    /// The session ended (the member left the company, or the password was changed): sign in again.
    SessionRevoked {} => Unauthenticated,
    /// The API key is not valid or has been revoked.
    ApiKeyInvalid {} => Unauthenticated,
    /// The credentials could not be checked just now; try again.
    CredentialsUnchecked {} => Unauthenticated,
    /// Only a signed-in team member may do this; API keys cannot.
    MemberOnly {} => Forbidden,
    /// The member's `role` (OWNER, ADMIN, FINANCE_MANAGER, COLLECTOR, SALES, VIEWER) does not allow this.
    RoleNotAllowed { role: String } => Forbidden,
    /// The API key lacks the `scope` (such as invoices:write); with no scope, only a signed-in
    /// team member may do this.
    ApiKeyScopeMissing { scope: Option<String> } => Forbidden,

    // Signing up and in, sessions.
    /// An account with this email already exists: sign in, or ask the company's owner for an invitation.
    SignUpEmailTaken {} => Conflict,
    /// The email or password is not right (log-in never says which).
    LogInCredentialsWrong {} => Unauthenticated,
    /// The user is not a member of the company with that id.
    MembershipNotFound {} => NotFound,
    /// The account belongs to no company now: an owner must invite it again.
    AccountWithoutCompany {} => Forbidden,
    /// The refresh token was used, revoked or has expired, or its member left the company: sign in again.
    SessionEnded {} => Unauthenticated,
    /// Log-out needs the refresh token to end, or a signed-in caller (to end all their sessions).
    LogOutTokenRequired {} => Validation,

    // Passwords and a person's own account.
    /// The password needs at least `min` characters.
    PasswordTooShort { min: u32 } => Validation,
    /// The password may have at most `max` characters.
    PasswordTooLong { max: u32 } => Validation,
    /// The password may not be the account's email address.
    PasswordSameAsEmail {} => Validation,
    /// The password is among the most common ones, which are guessed first.
    PasswordTooCommon {} => Validation,
    /// The current password is not right.
    CurrentPasswordWrong {} => Unauthenticated,
    /// The reset or verification link was used, replaced by a newer one or has expired.
    AccountLinkInvalid {} => NotFound,
    /// The password was reset, but the account belongs to no company to sign in to.
    PasswordResetWithoutCompany {} => Forbidden,
    /// The verification link was for an address the account no longer has.
    AccountLinkAddressChanged {} => NotFound,

    // The team.
    /// Only an owner can make, demote or remove an owner.
    TeamOwnerOnly {} => Forbidden,
    /// The person is already a member of the company.
    TeamAlreadyMember {} => Conflict,
    /// The invitation was used, withdrawn or has expired.
    InvitationInvalid {} => NotFound,
    /// The invitation's sender can no longer invite members (removed, or their role changed).
    InvitationSenderCannotInvite {} => NotFound,
    /// Accepting as an existing account needs that account's password.
    InvitationPasswordRequired {} => Validation,
    /// The password is not right for the invited account.
    InvitationPasswordWrong {} => Unauthenticated,
    /// An account for the invited email was created meanwhile: sign in to accept.
    InvitationAccountJustCreated {} => Conflict,
    /// The company's last owner cannot be demoted or removed.
    TeamLastOwner {} => Conflict,

    // API keys.
    /// The key's name must have 1 to `max` characters.
    ApiKeyNameLength { max: u32 } => Validation,
    /// The key needs at least one scope.
    ApiKeyScopesEmpty {} => Validation,
    /// `value` is not a scope; `allowed` lists the scopes there are.
    ApiKeyScopeUnknown { value: String, allowed: Vec<String> } => Validation,

    // From collections.md.
    // Collections: activities and promises, ladders and their email templates, fees, legal cases,
    // the worklist.
    /// An activity cannot be logged with a time in the future.
    ActivityInFuture {} => Validation,
    /// A PROMISE_TO_PAY outcome needs the promise: its amount and date.
    ActivityPromiseRequired {} => Validation,
    /// The invoice is not one of this customer's.
    ActivityInvoiceNotOfCustomer {} => Validation,
    /// Only the person who logged an activity may correct it.
    ActivityNotAuthor {} => Forbidden,
    /// An activity can be corrected for `hours` hours after it was logged; after that, log a new one.
    ActivityEditWindowPassed { hours: i64 } => Conflict,
    /// Only an open promise to pay can be cancelled; this one is `status`.
    PromiseNotOpen { status: String } => Conflict,
    /// Another dunning ladder has this name.
    LadderNameTaken {} => Conflict,
    /// A ladder is assigned to one customer or to one segment: give exactly one of them.
    LadderAssignCustomerOrSegment {} => Validation,
    /// Step `step` (counted from 1) falls on the same day as an earlier step.
    LadderStepsSameDay { step: u32 } => Validation,
    /// Step `step` (counted from 1) is a late fee, a credit hold or legal action: it comes 1 day or more after the due date.
    LadderStepBeforeDue { step: u32 } => Validation,
    /// The ladder has no email step on that day.
    LadderNoEmailStep {} => Validation,
    /// `name` is not a variable an email template may use.
    TemplateUnknownVariable { name: String } => Validation,
    /// A template opens a variable with `{{` and never closes it with `}}`.
    TemplateUnclosed {} => Validation,
    /// An email subject is 1 to `max` characters on one line.
    TemplateSubjectInvalid { max: u32 } => Validation,
    /// The fee is waived already.
    FeeAlreadyWaived {} => Conflict,
    /// A fixed fee must be above zero, with no more decimals than its currency allows.
    FeeFixedAmountInvalid {} => Validation,
    /// A percentage fee must be above 0 and at most 100.
    FeePercentOutOfRange {} => Validation,
    /// An annual interest rate must be above 0 and at most 100 percent.
    FeeRateOutOfRange {} => Validation,
    /// An interest cap must be above 0 and at most 100 percent of the invoice.
    FeeCapOutOfRange {} => Validation,
    /// Name at least one invoice to pursue, or leave the list out for every overdue one.
    LegalCaseNoInvoices {} => Validation,
    /// Not an open invoice of this customer in the customer's currency.
    LegalCaseInvoiceNotOpen {} => Validation,
    /// The customer has nothing overdue: name the invoices to pursue.
    LegalCaseNothingOverdue {} => Validation,
    /// The customer has an open legal case already; update that one.
    LegalCaseAlreadyOpen {} => Conflict,
    /// The case is settled or written off; it cannot change.
    LegalCaseClosed {} => Conflict,
    /// A case at `status` moves only to a later stage: one of `allowed`.
    LegalCaseCannotMove { status: String, allowed: Vec<String> } => Validation,
    /// Collectors see their own worklist; a manager can pick any collector.
    WorklistNotYours {} => Forbidden,
    /// Only an open task can be completed; this one is `status`.
    TaskNotOpen { status: String } => Conflict,
    /// A collector schedules tasks for themselves; giving a task to someone else, or moving it, is for a manager.
    TaskOthersForManagers {} => Forbidden,
    /// A collector works only the customers they collect for: make them the customer's collector first.
    TaskAssigneeNotCustomersCollector {} => Validation,

    // Approvals (`approvals`): policies, requests and their decisions.
    /// A change of this kind and size waits for approval under the company's `action` policy;
    /// nothing changed. Send it again with `requestApproval: true` to ask for approval.
    ApprovalRequired { action: String } => Forbidden,
    /// No one on the team can decide this level (each level needs a member of its own, who
    /// is an owner, an admin or a finance manager): invite one, or name another.
    NoEligibleApprover {} => Validation,
    /// A `role` does not decide approvals: owners, admins and finance managers do.
    ApprovalRoleCannotDecide { role: String } => Validation,
    /// A request for this change of this record is waiting for approval already: cancel it,
    /// or wait for its decision.
    ApprovalAlreadyPending {} => Conflict,
    /// The request is `status` already: only a pending request is decided or cancelled.
    ApprovalNotPending { status: String } => Conflict,
    /// The person who asked for a change cannot approve or reject it.
    ApprovalMakerCannotDecide {} => Forbidden,
    /// The policy names someone else for this request's level `level`.
    ApprovalNotAnApprover { level: u32 } => Forbidden,
    /// You decided an earlier level of this request; another person decides this one.
    ApprovalDecidedEarlierLevel {} => Forbidden,
    /// Only the person or key who asked, an owner or an admin may cancel a request.
    ApprovalCancelMakerOrAdmin {} => Forbidden,
    /// What the request was asked against has changed since (the balance, the limit, the
    /// amount compared): nothing changed; ask again.
    ApprovalStateChanged {} => Conflict,
    /// The stored change (`kind`) cannot be run by this version of Duely; nothing changed.
    ApprovalCommandUnreadable { kind: String } => Conflict,

    // From billing.md.
    // Billing: plans through Duely's Stripe account, online payment through the company's own.
    /// Plans cannot be bought on this server: Duely's own Stripe account is not configured
    /// (`DUELY_STRIPE_SECRET_KEY`).
    BillingNotConfigured {} => NotConfigured,
    /// Payment secrets cannot be stored: the server has no `DUELY_ENCRYPTION_KEY`.
    BillingEncryptionKeyMissing {} => NotConfigured,
    /// Online payment is off: the company has not connected its Stripe account in payment settings.
    BillingStripeNotConnected {} => NotConfigured,
    /// Stripe refused the secret key: it is not a current secret key of this account.
    BillingStripeKeyRefused {} => ProviderError,
    /// Stripe refused the request; `message` is what Stripe said (in English).
    BillingStripeRefused { message: String } => ProviderError,
    /// Stripe could not be reached; nothing was changed. Try again in a moment.
    BillingStripeUnreachable {} => ProviderError,
    /// `plan` has no Stripe price configured on this server, so it cannot be bought here.
    BillingPlanNotForSale { plan: Plan } => Validation,
    /// FREE needs no checkout; choose GROWTH or SCALE.
    BillingFreeNeedsNoCheckout {} => Validation,
    /// The company already has a subscription: its plan and payment method change in the billing portal.
    BillingAlreadySubscribed {} => Conflict,
    /// Not a Stripe secret key (`sk_live_…`, `sk_test_…`) or restricted key (`rk_…`).
    BillingSecretKeyMalformed {} => Validation,
    /// Not the signing secret (`whsec_…`) of a Stripe webhook endpoint.
    BillingWebhookSecretMalformed {} => Validation,
    /// Only an issued invoice with a balance due can be paid online.
    BillingInvoiceNotPayable {} => Validation,
    /// Nothing is owed: there is no balance to pay.
    BillingNothingOwed {} => Conflict,
    /// Stripe cannot charge the balance to its last decimal in its currency.
    BillingChargeTooPrecise {} => Conflict,
    /// The balance is larger than Stripe accepts.
    BillingChargeTooLarge {} => Conflict,

    // Email to customers.
    /// No email goes to customers until the company's owner has verified their email address.
    EmailOwnerNotVerified {} => EmailNotVerified,

    // The REST file routes (`http::files`).
    /// The query string does not parse (`detail`, in the web framework's words); dates are
    /// YYYY-MM-DD, flags true or false.
    FileBadQuery { detail: String } => Validation,
    /// The exports are customers.csv, invoices.csv and payments.csv.
    FileUnknownExport {} => NotFound,
    /// The imports are customers, invoices and payments.
    FileUnknownImport {} => NotFound,
    /// The reports are aging.csv and aging.pdf.
    FileUnknownReport {} => NotFound,

    // Imports: refusals of the whole request.
    /// `running` large imports run on this server already; try again after `seconds`.
    ImportServerBusy { running: u32, seconds: u64 } => RateLimited,
    /// A customer code of the file was taken while the import wrote; check the file again.
    ImportCustomerCodeTakenMeanwhile {} => Conflict,
    /// An invoice number or reference of the file was taken while the import wrote; check the
    /// file again.
    ImportInvoiceNumberTakenMeanwhile {} => Conflict,
    // Imports: the problems of a file (each with its row and column in the import's report).
    /// The file is empty; its first row names the columns, from `columns`.
    ImportFileEmpty { columns: Vec<String> } => Validation,
    /// The file is larger than `maxMib` MiB; split it into smaller files.
    ImportFileTooLarge { max_mib: u32 } => Validation,
    /// A row has more than `max` columns.
    ImportTooManyColumns { max: u32 } => Validation,
    /// A cell has more than `maxBytes` bytes.
    ImportCellTooLong { max_bytes: u32 } => Validation,
    /// The file has more than `max` rows.
    ImportTooManyRows { max: u32 } => Validation,
    /// The file holds a NUL character; save it as UTF-8 text.
    ImportNulCharacter {} => Validation,
    /// A quoted field is not closed, or a quote is misplaced.
    ImportMisplacedQuote {} => Validation,
    /// The file is not UTF-8 text.
    ImportNotUtf8 {} => Validation,
    /// The file could not be read as CSV.
    ImportNotCsv {} => Validation,
    /// The upload was cut short; send the file again.
    ImportUploadCutShort {} => Validation,
    /// The file or row could not be read: `detail`, in the CSV reader's words.
    ImportUnreadable { detail: String } => Validation,
    /// The header names a column the import does not know; it knows `columns`.
    ImportUnknownColumn { columns: Vec<String> } => Validation,
    /// The header names this column twice.
    ImportColumnTwice {} => Validation,
    /// The header lacks this column, which the import requires.
    ImportColumnRequired {} => Validation,
    /// The row has `cells` cells, but the header has `header`.
    ImportCellCount { cells: u32, header: u32 } => Validation,
    /// A customer with code `code` exists already.
    ImportCustomerExists { code: String } => Validation,
    /// Customer code `code` appears twice in the file.
    ImportCodeRepeated { code: String } => Validation,
    /// A contact's email or phone needs the contact's name.
    ImportContactNameMissing {} => Validation,
    /// Setting credit limits needs the credit-policy permission.
    ImportCreditLimitNotAllowed {} => Validation,
    /// `value` is not a date; use YYYY-MM-DD.
    ImportNotADate { value: String } => Validation,
    /// A tax rate above 1 is ambiguous: write `value`% for a percentage, or a fraction such as 0.13.
    ImportTaxRateAmbiguous { value: String } => Validation,
    /// No customer has the code `code`; import the customers first.
    ImportUnknownCustomer { code: String } => Validation,
    /// Invoice `number` has rows with different customers, dates, currencies or references; its
    /// first row is line `firstLine`.
    ImportInvoiceRowsDiffer { number: String, first_line: u32 } => Validation,
    /// Invoice `number` exists already.
    ImportInvoiceExists { number: String } => Validation,
    /// `reference` is also the reference of invoice `number` in the file.
    ImportReferenceRepeated { reference: String, number: String } => Validation,
    /// Another invoice has the reference `reference` already.
    ImportReferenceTaken { reference: String } => Validation,
    /// No member of this company has the email address `email`.
    ImportNoSuchMember { email: String } => Validation,
    /// The member `email` has the role `role`, which does not work collections, so cannot be a
    /// customer's collector.
    ImportMemberMayNotCollect { email: String, role: String } => Validation,
    /// The member `email` has the role `role`, which does not sell, so cannot be a customer's
    /// salesperson.
    ImportMemberMayNotSell { email: String, role: String } => Validation,
    // Imports of payments: the refusal of the whole request, then the problems of a file.
    /// A payment of the file was recorded by another request while the import wrote; import the
    /// file again, which skips it.
    ImportPaymentRecordedMeanwhile {} => Conflict,
    /// Payment `externalId` has another value in this column than on its first row, line
    /// `firstLine`: the rows of one payment share its customer, date, amount, currency, method
    /// and reference.
    ImportPaymentRowsDiffer { external_id: String, first_line: u32 } => Validation,
    /// `invoice_number` and `allocated_amount` go together: give both, or leave both empty.
    ImportAllocationIncomplete {} => Validation,
    /// No invoice has the number `number`.
    ImportUnknownInvoice { number: String } => Validation,
    /// Invoice `number` is not an invoice of customer `code`, whose payment it is.
    ImportInvoiceOfAnotherCustomer { number: String, code: String } => Validation,

    // Cash application (`banking`): bank accounts, statements and their lines.
    /// A decimal from `min` to `max`, with at most two places.
    ConfidenceOutOfRange { min: String, max: String } => Validation,
    /// The bank account is archived: nothing is imported into it or applied from it.
    BankAccountArchived {} => Conflict,
    /// The file is in `file`, the account in `account`.
    BankCurrencyMismatch { account: String, file: String } => Validation,
    /// A CSV, XLS or XLSX statement needs the account's column mapping (`updateBankAccount`).
    BankMappingNeeded {} => Validation,
    /// The file is not a statement Duely reads: CSV, XLS, XLSX, camt.053 or MT940.
    BankStatementUnknownFormat {} => Validation,
    /// The file is not valid `encoding` text; set the mapping's encoding (GBK, UTF-8).
    BankStatementBadEncoding { encoding: String } => Validation,
    /// `encoding` is not an encoding Duely knows.
    BankStatementUnknownEncoding { encoding: String } => Validation,
    /// The mapping does not say where `missing` is.
    BankStatementMappingIncomplete { missing: String } => Validation,
    /// The header row has no column `column`.
    BankStatementColumnNotFound { column: String } => Validation,
    /// No row names the mapped date and amount columns; set the mapping's header row.
    BankStatementHeaderNotFound {} => Validation,
    /// `value` is not a date in the mapping's date format.
    BankStatementBadDate { value: String } => Validation,
    /// `value` is not an amount.
    BankStatementBadAmount { value: String } => Validation,
    /// The line has no amount, or zero.
    BankStatementNoAmount {} => Validation,
    /// The file is not well formed: `detail`.
    BankStatementMalformed { detail: String } => Validation,
    /// The file has more than `max` lines; split it.
    BankStatementTooManyLines { max: u32 } => Validation,
    /// The spreadsheet unzips to more than `maxMib` MiB.
    BankStatementTooLargeUnzipped { max_mib: u32 } => Validation,
    /// The file lacks `what`.
    BankStatementMissing { what: String } => Validation,
    /// The line is `status`: only an unmatched or suggested line is applied, linked or ignored.
    BankLineNotOpen { status: String } => Conflict,
    /// The line is `status`: only an applied or linked line is undone.
    BankLineNotApplied { status: String } => Conflict,
    /// Money paid out is not applied to receivables.
    BankLineOutgoing {} => Validation,
    /// The parts add up to `total`, the line is `amount`: they must be equal.
    BankPartsDoNotAddUp { total: String, amount: String } => Validation,
    /// The payment is `payment`, the line `line`: only one of the same amount is linked.
    BankLinkAmountDiffers { payment: String, line: String } => Validation,
    /// The payment is tied to a bank line already, or was reversed.
    BankPaymentNotLinkable {} => Conflict,
}

impl Reason {
    /// The reason's wire name, such as `RECORD_NOT_FOUND`.
    pub fn name(&self) -> String {
        crate::messages::tagged(self, "reason").0
    }

    /// The parameters as the API sends them in `extensions.params` (always an object).
    pub fn params(&self) -> Map<String, Value> {
        crate::messages::tagged(self, "reason").1
    }
}

/// `docs/errors.md`: every code, then every reason with its parameters.
pub fn errors_markdown() -> String {
    let mut out = String::from(
        "# Errors\n\nGenerated by `duely errors-doc` from `shared/src/reason/mod.rs`; a test keeps it current.\n\n\
         Every error carries `extensions.code` (what clients branch on) and, for input errors, \
         `extensions.field` (the input path, such as `input.lines[2].quantity`); `PLAN_LIMIT` errors \
         also carry `limit` and `upgradeTo`, and `RATE_LIMITED` ones `retryAfter` (seconds). Every \
         error also carries `extensions.reason` (why, from the closed list below) and \
         `extensions.params` (an object: the reason's parameters, camelCase). The English \
         `message` is for people reading logs: translate from `reason` and `params`, as the web \
         app does in Chinese and English.\n",
    );
    let catalogue = Reason::catalogue();
    for code in ErrorCode::ALL {
        let reasons: Vec<&ReasonDoc> = catalogue.iter().filter(|r| r.code == code).collect();
        if reasons.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n## `{}`\n\n| reason | params | meaning |\n| --- | --- | --- |\n",
            code.as_str()
        ));
        for reason in reasons {
            let params = if reason.params.is_empty() {
                "none".to_owned()
            } else {
                reason
                    .params
                    .iter()
                    .map(|(name, wire)| format!("`{name}`: {wire}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                reason.name, params, reason.doc
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
