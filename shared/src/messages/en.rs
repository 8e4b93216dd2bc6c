//! English.

use super::en_words::{action_en, date, entity, limit, plan, role_en, status_en};
use super::plural;
use crate::reason::Reason;

pub(super) fn reason(reason: &Reason) -> String {
    match reason {
        Reason::Internal {} => "Something went wrong on our side; it has been logged.".to_owned(),
        Reason::MalformedRequest {} => "The request is not a GraphQL request.".to_owned(),
        // The protocol's clients compare this message, whatever the language.
        Reason::PersistedQueryNotFound {} => "PersistedQueryNotFound".to_owned(),
        Reason::PersistedQueryInvalid {} => "The persistedQuery extension must be version 1 \
            with the document's SHA-256 in hex, and match the document sent with it."
            .to_owned(),
        Reason::InvalidArgument {} => "An argument does not have the right type.".to_owned(),
        Reason::CompanyReadOnly {} => "This company is read-only: its subscription has ended. \
            An owner or admin can subscribe again on the billing page; nothing has been deleted."
            .to_owned(),
        Reason::PlanLimitReached {
            limit: reached,
            plan: current,
            allowed,
            upgrade_to,
        } => {
            let head = format!(
                "The {} plan allows {}",
                plan(current),
                limit(reached, *allowed)
            );
            match upgrade_to {
                Some(next) => format!(
                    "{head}; the {} plan allows more. Upgrade on the billing page.",
                    plan(next)
                ),
                None => format!("{head}; this is the largest plan. Contact us to raise it."),
            }
        }
        Reason::TooManyAttempts { seconds } => format!(
            "Too many attempts; try again in {}.",
            plural(
                i64::try_from(*seconds).unwrap_or(i64::MAX),
                "second",
                "seconds"
            )
        ),
        Reason::PdfFontMissing {} => {
            "The server has no font to print documents with; ask its administrator.".to_owned()
        }
        Reason::DatabaseUnavailable { seconds } => format!(
            "The service cannot reach its database for a moment; try again in {}.",
            plural(
                i64::try_from(*seconds).unwrap_or(i64::MAX),
                "second",
                "seconds"
            )
        ),
        Reason::ServerBusy { seconds } => format!(
            "The server is busy; try again in {}.",
            plural(
                i64::try_from(*seconds).unwrap_or(i64::MAX),
                "second",
                "seconds"
            )
        ),
        Reason::RecordNotFound { entity: kind } => format!("No such {}.", entity(kind)),
        Reason::Required {} => "this is required".to_owned(),
        Reason::TextLength { min, max } => match (min, max) {
            (Some(min), Some(max)) => format!("give {min} to {max} characters"),
            (None, Some(max)) => format!("give at most {max} characters"),
            (Some(min), None) => format!("give at least {min} characters"),
            (None, None) => "give some text".to_owned(),
        },
        Reason::ControlCharacters {} => "contains control characters; use plain text".to_owned(),
        Reason::InvalidCharacters { symbols, max } => match max {
            Some(max) => format!("use 1 to {max} letters, digits or {symbols}"),
            None => format!("use only letters, digits or {symbols}"),
        },
        Reason::NotANumber { value } => {
            format!("`{value}` is not a decimal number (digits with an optional point)")
        }
        Reason::NotPositive {} => "the amount must be above zero".to_owned(),
        Reason::Negative {} => "the amount must be zero or more".to_owned(),
        Reason::OutOfRange { min, max } => format!("give a value from {min} to {max}"),
        Reason::TooManyDecimals {
            amount,
            currency,
            allowed,
        } => format!("{amount} has more decimal places than {currency} allows ({allowed})"),
        Reason::AmountTooLarge {} => "the amount is too large (at most 100 trillion)".to_owned(),
        Reason::UnknownCurrency { value } => {
            format!(
                "`{value}` is not an ISO 4217 currency code (three capital letters, such as CNY, USD or EUR)"
            )
        }
        Reason::NotAnId { value } => format!("`{value}` is not an id"),
        Reason::NotOneOf { allowed } => format!("use one of {}", allowed.join(", ")),
        Reason::CountOutOfRange { min, max } => {
            format!("give {min} to {}", plural(*max, "item", "items"))
        }
        Reason::Duplicate {} => "the same item is listed twice".to_owned(),
        Reason::DateOutOfRange { earliest, latest } => match (earliest, latest) {
            (Some(from), Some(to)) => format!("give a date from {} to {}", date(from), date(to)),
            (Some(from), None) => format!("give a date on or after {}", date(from)),
            (None, Some(to)) => format!("give a date on or before {}", date(to)),
            (None, None) => "give a valid date".to_owned(),
        },
        Reason::BadPeriod { years } => match years {
            Some(years) => format!(
                "the period must end after it starts and span at most {}",
                plural(*years, "year", "years")
            ),
            None => "the period must end after it starts".to_owned(),
        },
        Reason::BadCursor {} => {
            "not a cursor from this list and order; pass an endCursor you were given".to_owned()
        }
        Reason::EmailMalformed {} => "not an email address".to_owned(),
        Reason::UnknownTimeZone { value } => {
            format!("`{value}` is not a time zone (such as Asia/Shanghai)")
        }
        Reason::CurrencyMismatch { expected, given } => format!(
            "cannot combine {expected} with {given}: amounts in different currencies are never mixed"
        ),
        Reason::AgingEdgesNotIncreasing {} => {
            "three increasing whole days above zero, such as [30, 60, 90]".to_owned()
        }
        Reason::EitherNotBoth {} => "give one or the other, not both".to_owned(),
        Reason::InvoiceNotDraft { status } => format!(
            "The invoice is {status}; only drafts can be edited; void or credit it instead."
        ),
        Reason::InvoiceAlreadyIssued { status } => {
            format!("The invoice is {status}; only a draft can be issued.")
        }
        Reason::InvoiceNotVoidable { status } => format!(
            "The invoice is {status}; only a draft or an unpaid issued invoice can be voided."
        ),
        Reason::InvoiceNotOpen { status, action } => {
            let wanted = match action.as_str() {
                "DISPUTE" => "only an open invoice can be disputed",
                "CREDIT" => "a credit note applies to an open invoice",
                _ => "only an open invoice can be written off",
            };
            format!("The invoice is {status}; {wanted}.")
        }
        Reason::InvoiceClosed { status } => format!(
            "The invoice is {status}; only a draft or open invoice can have an installment plan."
        ),
        Reason::CustomerArchived {} => "the customer is archived; restore it first".to_owned(),
        Reason::InvoiceCurrencyNeedsLines {} => {
            "send the lines again when changing the currency, so they are priced in it".to_owned()
        }
        Reason::InvoiceHasPayments {} => "Payments or credit notes have touched this invoice; \
            reverse them, or write it off instead."
            .to_owned(),
        Reason::InvoiceNumberTaken {} => "Another invoice already has this number.".to_owned(),
        Reason::InvoiceExternalRefTaken {} => {
            "Another invoice already has this external reference.".to_owned()
        }
        Reason::DueBeforeIssue { issue_date } => format!(
            "the due date cannot be before the issue date ({})",
            date(issue_date)
        ),
        Reason::OverBalanceDue {
            balance_due,
            currency,
        } => format!("at most the balance due of {balance_due} {currency}"),
        Reason::DisputeClosed { status } => {
            format!("The dispute is already {status}.")
        }
        Reason::CreditHoldBlocksIssue { reason } => format!(
            "The customer is on credit hold ({reason}). Someone with the override permission \
             can issue it with overrideCreditBlock."
        ),
        Reason::CreditLimitBlocksIssue {
            limit,
            exposure_after,
            currency,
        } => format!(
            "Open invoices would reach {exposure_after} {currency}, over the credit limit of \
             {limit} {currency}. Someone with the override permission can issue it with \
             overrideCreditBlock."
        ),
        Reason::InvoiceNoLines {} => "an invoice needs at least one line".to_owned(),
        Reason::InvoiceTooManyLines { max } => format!("an invoice has at most {max} lines"),
        Reason::LineDescription { line, max } => {
            format!("line {line}: the description is empty or longer than {max} characters")
        }
        Reason::LineQuantity { line, decimals } => {
            format!("line {line}: the quantity must be above zero with at most {decimals} decimals")
        }
        Reason::LineUnitPrice { line, decimals } => format!(
            "line {line}: the unit price must not be negative and has at most {decimals} decimals"
        ),
        Reason::LineTaxRate { line } => format!(
            "line {line}: the tax rate must be a fraction from 0 to 1 with at most 4 decimals (0.13 is 13 %)"
        ),
        Reason::LineTooLarge { line } => {
            format!("line {line}: the amount is too large (at most 100 trillion)")
        }
        Reason::InvoiceZeroTotal {} => "the invoice total must be above zero".to_owned(),
        Reason::InstallmentDueDates {} => "due dates must be on or after the issue date and \
            increase from one installment to the next"
            .to_owned(),
        Reason::InstallmentCount { min, max } => {
            format!("give {min} to {max} installments, or none to remove the plan")
        }
        Reason::InstallmentsDoNotAddUp {
            sum,
            total,
            currency,
        } => {
            format!("the installments add up to {sum} but the invoice total is {total} {currency}")
        }
        Reason::FapiaoNumberFormat { kind, digits } if *digits > 0 => {
            format!("a {kind} fapiao number is {digits} digits")
        }
        Reason::FapiaoNumberFormat { .. } => {
            "a fapiao number is 1 to 40 letters and digits".to_owned()
        }
        Reason::FapiaoCodeFormat { kind } => match kind.as_str() {
            "VAT_SPECIAL" | "VAT_GENERAL" => "the fapiao code is 10 or 12 digits".to_owned(),
            "OTHER" => "the fapiao code is up to 20 letters and digits".to_owned(),
            _ => "fully digital fapiao have no code".to_owned(),
        },
        Reason::FapiaoTaxOverAmount {} => {
            "the tax is at least zero and less than the amount".to_owned()
        }
        Reason::FapiaoOverInvoice {
            total,
            issued,
            currency,
        } => format!(
            "fapiao of {issued} {currency} stand for this invoice; more would exceed its total of {total} {currency}"
        ),
        Reason::FapiaoOverCreditNote {
            amount,
            issued,
            currency,
        } => format!(
            "red-letter fapiao of {issued} {currency} stand for this credit note; more would exceed its {amount} {currency}"
        ),
        Reason::FapiaoRedOverBlue {
            blue,
            red,
            currency,
        } => format!(
            "red-letter fapiao of {red} {currency} would exceed the {blue} {currency} they reverse"
        ),
        Reason::FapiaoNumberTaken { number } => {
            format!("fapiao {number} is already recorded")
        }
        Reason::FapiaoVoided {} => "That fapiao was voided already.".to_owned(),
        Reason::FapiaoInvoiceNotIssued { status } => {
            format!("Fapiao are recorded for issued invoices; this one is {status}.")
        }
        Reason::FapiaoIssuedInFuture { today } => {
            format!("the issue date cannot be after today ({today})")
        }
        Reason::FapiaoCreditNoteOfAnotherInvoice {} => {
            "the credit note is of another invoice".to_owned()
        }
        Reason::InvoiceNotSendable { status } => format!(
            "Only issued invoices are sent to customers; this one is {}.",
            status_en(status)
        ),
        Reason::InvoiceNoContactEmail {} => {
            "The customer has no contact with an email address: give an address, or add a billing contact.".to_owned()
        }
        Reason::InvoiceTooManyCopies { max } => format!("at most {max} addresses in copy"),
        Reason::LetterAlreadyMailed { mailed_on } => {
            format!("This letter was marked mailed on {}.", date(mailed_on))
        }
        Reason::LetterNothingOverdue {} => {
            "The customer owes nothing overdue: there is nothing for a letter to claim.".to_owned()
        }
        Reason::AttachmentTooLarge { max_mib } => {
            format!("The file is larger than {max_mib} MiB.")
        }
        Reason::AttachmentEmpty {} => "The file is empty.".to_owned(),
        Reason::AttachmentKindNotAccepted {} => {
            "Only PDF, OFD, JPEG, PNG, WebP, HEIC, XLSX and DOCX files can be attached, told by their content, not their name.".to_owned()
        }
        Reason::AttachmentPhotoUnreadable {} => {
            "The photo's metadata cannot be read, so where it was taken cannot be removed: save it again or send a screenshot of it.".to_owned()
        }
        Reason::AttachmentTooMany { max } => {
            format!("A record holds at most {max} files.")
        }
        Reason::AttachmentAlreadyDeleted {} => "The file was deleted already.".to_owned(),
        Reason::AttachmentUploadCutShort {} => {
            "The upload was cut short; send the file again.".to_owned()
        }
        Reason::WebhookUrlInvalid { max } => format!(
            "must be an absolute https:// address without a user name or password, of at most {max} characters"
        ),
        Reason::WebhookAddressNotPublic {} => {
            "must be an address on the public internet, not a private, loopback or link-local one"
                .to_owned()
        }
        Reason::WebhookEventUnknown { event } => {
            format!("\"{event}\" is not an event an endpoint can subscribe to")
        }
        Reason::WebhookEndpointsTooMany { max } => {
            format!("A company has at most {max} webhook endpoints.")
        }
        Reason::WebhookEndpointDisabled {} => {
            "The endpoint is switched off: switch it on before sending to it.".to_owned()
        }
        Reason::LogoInvalid { max_kb } => {
            format!("the logo must be a PNG or JPEG image of at most {max_kb} KB")
        }
        Reason::TooManyBankAccounts { max } => format!("at most {max} bank accounts"),
        Reason::IdempotencyKeyReused {} => {
            "This idempotency key was already used for a different request; use a new key."
                .to_owned()
        }
        Reason::IdempotencyKeyInUse {} => {
            "A request with this idempotency key is being handled; retry it shortly.".to_owned()
        }
        Reason::PaymentAlreadyReversed {} => "The payment was reversed already.".to_owned(),
        Reason::PaymentFullyAllocated {} => "The payment is fully allocated already.".to_owned(),
        Reason::PaymentNoOpenInvoices {} => {
            "The customer has no open invoices in this currency.".to_owned()
        }
        Reason::PaymentNoUnappliedCredit { currency } => {
            format!("The customer has no unapplied credit in {currency}.")
        }
        Reason::PaymentAllocationNotOpen {} => {
            "the invoice is not an open invoice of this customer in this currency".to_owned()
        }
        Reason::PaymentAllocationOverBalance { amount, balance } => {
            format!("{amount} is more than the invoice's balance of {balance}")
        }
        Reason::PaymentAllocationsOverAmount {
            allocated,
            available,
        } => format!("the allocations add up to {allocated}, more than the {available} available"),

        Reason::StatementNoContactEmail {} => {
            "the customer has no contact with an email; give one".to_owned()
        }
        Reason::StatementAddressNotAContact {} => "send to one of the customer's contacts; \
            adding an address to the customer needs the customer-management permission"
            .to_owned(),
        Reason::StatementConfirmedWithDisputes {} => {
            "a confirmed statement disputes no invoices".to_owned()
        }
        Reason::StatementDisputeUnexplained {} => {
            "say what is wrong, or choose the invoices in question".to_owned()
        }
        Reason::StatementLinkInvalid {} => {
            "This statement link is not valid or has expired; ask for a new one.".to_owned()
        }
        Reason::StatementAlreadyAnswered {} => {
            "This statement has been answered already.".to_owned()
        }
        Reason::StatementInvoiceNotDisputable { number } => {
            format!("{number} is not an open, undisputed invoice on this statement")
        }
        Reason::CustomerCodeTaken {} => "Another customer already has this code.".to_owned(),
        Reason::CustomerHasOpenInvoices { count } => format!(
            "The customer has {}; settle, void or write them off first.",
            plural(*count, "open invoice", "open invoices")
        ),
        Reason::CustomerAlreadyOnHold {} => "The customer is already on credit hold.".to_owned(),
        Reason::CustomerNotOnHold {} => "The customer is not on credit hold.".to_owned(),
        Reason::CustomerAssigneeNotMember {} => "not a member of this company".to_owned(),
        Reason::AssigneeMayNotCollect { role } => format!(
            "a member with the role {} does not work collections, so cannot be a collector or own a task",
            role_en(role)
        ),
        Reason::AssigneeMayNotSell { role } => format!(
            "a member with the role {} does not sell, so cannot be a customer's salesperson",
            role_en(role)
        ),
        Reason::AnalyticsCompanyWideOnly {} => {
            "company-wide figures are for those who see every customer".to_owned()
        }
        Reason::AnalyticsRateOutOfRange {} => "a percentage above 0 and at most 100".to_owned(),
        Reason::AnalyticsRuleNameTaken {} => "Another incentive rule has this name.".to_owned(),
        Reason::AnalyticsAlertAlready { status } => {
            format!("The alert is {} already.", status_en(status))
        }
        Reason::CredentialsMissing {} => {
            "Sign in, or send an API key as `Authorization: Bearer <key>`.".to_owned()
        }
        Reason::AuthorizationNotBearer {} => {
            "Send credentials as `Authorization: Bearer <token or API key>`.".to_owned()
        }
        Reason::AuthorizationNotText {} => "The Authorization header is not valid text.".to_owned(),
        Reason::SessionExpired {} => {
            "Your session has expired or is not valid; refresh it or sign in again.".to_owned()
        }
        Reason::SessionRevoked {} => {
            "Your session has ended (you left the company, or the password \
            was changed); sign in again."
                .to_owned()
        }
        Reason::ApiKeyInvalid {} => "This API key is not valid or has been revoked.".to_owned(),
        Reason::CredentialsUnchecked {} => {
            "Your credentials could not be checked; try again.".to_owned()
        }
        Reason::MemberOnly {} => {
            "This needs a signed-in team member; API keys cannot do it.".to_owned()
        }
        Reason::RoleNotAllowed { role } => format!("Your role ({role}) does not allow this."),
        Reason::ApiKeyScopeMissing { scope } => match scope {
            Some(scope) => format!("This API key lacks the `{scope}` scope."),
            None => "This API key lacks a signed-in team member.".to_owned(),
        },
        Reason::SignUpEmailTaken {} => "An account with this email already exists. Sign in \
            instead, or ask your company's owner to invite you."
            .to_owned(),
        Reason::LogInCredentialsWrong {} => "The email or password is not right.".to_owned(),
        Reason::MembershipNotFound {} => {
            "You are not a member of a company with that id.".to_owned()
        }
        Reason::AccountWithoutCompany {} => {
            "Your account belongs to no company now; ask an owner to invite you.".to_owned()
        }
        Reason::SessionEnded {} => "This session has ended; sign in again.".to_owned(),
        Reason::LogOutTokenRequired {} => {
            "Send the refresh token to end, or sign in to end all your sessions.".to_owned()
        }
        Reason::PasswordTooShort { min } => format!("a password needs at least {min} characters"),
        Reason::PasswordTooLong { max } => format!("a password has at most {max} characters"),
        Reason::PasswordSameAsEmail {} => "the password must not be your email address".to_owned(),
        Reason::PasswordTooCommon {} => "this password is among the most common ones and is \
            guessed first; choose another"
            .to_owned(),
        Reason::CurrentPasswordWrong {} => "The current password is not right.".to_owned(),
        Reason::AccountLinkInvalid {} => "This link is not valid any more: it was used, replaced \
            by a newer one or has expired. Ask for a new one."
            .to_owned(),
        Reason::PasswordResetWithoutCompany {} => "Your password is changed, but your account \
            belongs to no company now; ask an owner to invite you."
            .to_owned(),
        Reason::AccountLinkAddressChanged {} => {
            "This link was for an address the account no longer has.".to_owned()
        }
        Reason::TeamOwnerOnly {} => "Only an owner can make someone an owner.".to_owned(),
        Reason::TeamAlreadyMember {} => {
            "This person is already a member of the company.".to_owned()
        }
        Reason::InvitationInvalid {} => "This invitation is not valid any more: it was used, \
            withdrawn or has expired. Ask for a new one."
            .to_owned(),
        Reason::InvitationSenderCannotInvite {} => "This invitation is not valid any more: the \
            person who sent it can no longer invite members. Ask for a new one."
            .to_owned(),
        Reason::InvitationPasswordRequired {} => {
            "Enter the password of your existing account to accept.".to_owned()
        }
        Reason::InvitationPasswordWrong {} => {
            "The password is not right for this account.".to_owned()
        }
        Reason::InvitationAccountJustCreated {} => {
            "An account for this email was just created; sign in to accept.".to_owned()
        }
        Reason::TeamLastOwner {} => {
            "A company keeps at least one owner: make someone else an owner first.".to_owned()
        }
        Reason::ApiKeyNameLength { max } => format!(
            "Name the key (1 to {max} characters), for example after the system that uses it."
        ),
        Reason::ApiKeyScopesEmpty {} => {
            "Give the key at least one scope, such as invoices:read.".to_owned()
        }
        Reason::ApiKeyScopeUnknown { value, allowed } => format!(
            "unknown scope `{value}`; scopes are written area:access, such as invoices:read or \
             payments:write. Allowed: {}",
            allowed.join(", ")
        ),
        Reason::ActivityInFuture {} => "an activity cannot happen in the future".to_owned(),
        Reason::ActivityPromiseRequired {} => {
            "a PROMISE_TO_PAY outcome needs the promise: amount and date".to_owned()
        }
        Reason::ActivityInvoiceNotOfCustomer {} => "not an invoice of this customer".to_owned(),
        Reason::ActivityNotAuthor {} => {
            "Only the person who logged an activity may correct it.".to_owned()
        }
        Reason::ActivityEditWindowPassed { hours } => format!(
            "An activity can be corrected for {}; after that, log a new one.",
            plural(*hours, "hour", "hours")
        ),
        Reason::PromiseNotOpen { status } => {
            format!("The promise is {} already.", status_en(status))
        }
        Reason::LadderNameTaken {} => "Another ladder has this name.".to_owned(),
        Reason::LadderAssignCustomerOrSegment {} => {
            "give either a customer or a segment".to_owned()
        }
        Reason::LadderStepsSameDay { step } => {
            format!("step {step}: two steps cannot fall on the same day")
        }
        Reason::LadderStepBeforeDue { step } => format!(
            "step {step}: a late fee, a credit hold or legal action comes after the due date (1 day or more)"
        ),
        Reason::LadderNoEmailStep {} => "the ladder has no email step on that day".to_owned(),
        Reason::TemplateUnknownVariable { name } => format!(
            "`{{{{{name}}}}}` is not a variable; use one of: {}",
            crate::templates::VARIABLES
                .iter()
                .map(|(variable, _)| format!("{{{{{variable}}}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Reason::TemplateUnclosed {} => "a `{{` is not closed with `}}`".to_owned(),
        Reason::TemplateSubjectInvalid { max } => {
            format!("the subject must be 1 to {max} characters on one line")
        }
        Reason::FeeAlreadyWaived {} => "The fee is waived already.".to_owned(),
        Reason::FeeFixedAmountInvalid {} => "a fixed fee must be more than zero".to_owned(),
        Reason::FeePercentOutOfRange {} => {
            "a percentage must be more than 0 and at most 100".to_owned()
        }
        Reason::FeeRateOutOfRange {} => {
            "an annual rate must be more than 0 and at most 100 percent".to_owned()
        }
        Reason::FeeCapOutOfRange {} => {
            "a cap must be more than 0 and at most 100 percent of the invoice".to_owned()
        }
        Reason::LegalCaseNoInvoices {} => {
            "name at least one invoice, or leave the list out for every overdue one".to_owned()
        }
        Reason::LegalCaseInvoiceNotOpen {} => {
            "not an open invoice of this customer in its currency".to_owned()
        }
        Reason::LegalCaseNothingOverdue {} => {
            "the customer has nothing overdue; name the invoices to pursue".to_owned()
        }
        Reason::LegalCaseAlreadyOpen {} => {
            "The customer has an open legal case already; update that one.".to_owned()
        }
        Reason::LegalCaseClosed {} => "The case is closed; it cannot change.".to_owned(),
        Reason::LegalCaseCannotMove { status, allowed } => format!(
            "a case at {status} can move only to a later stage: {}",
            allowed.join(", ")
        ),
        Reason::WorklistNotYours {} => {
            "collectors see their own worklist; a manager can pick any collector".to_owned()
        }
        Reason::TaskNotOpen { status } => {
            format!("The task is {} already.", status_en(status))
        }
        Reason::TaskAssigneeNotCustomersCollector {} => {
            "A collector works only the customers they collect for: make them the customer's collector first.".to_owned()
        }
        Reason::TaskOthersForManagers {} => {
            "Collectors schedule tasks for themselves; giving a task to someone else or moving it is for a manager.".to_owned()
        }
        Reason::ApprovalRequired { action } => format!("This change waits for approval under the {} policy; nothing changed. Ask for approval to send it on.", action_en(action)),
        Reason::NoEligibleApprover {} => "No one on the team can decide this level: each level needs a member of its own who is an owner, an admin or a finance manager.".to_owned(),
        Reason::ApprovalRoleCannotDecide { role } => format!("A {} does not decide approvals: owners, admins and finance managers do.", role_en(role)),
        Reason::ApprovalAlreadyPending {} => "A request for this change is waiting for approval already: cancel it or wait for its decision.".to_owned(),
        Reason::ApprovalNotPending { status } => format!("The request is {} already; only a pending request can be decided or cancelled.", status.to_lowercase()),
        Reason::ApprovalMakerCannotDecide {} => "You asked for this change, so someone else must decide it.".to_owned(),
        Reason::ApprovalNotAnApprover { level } => format!("The policy names someone else for level {level} of this request."),
        Reason::ApprovalDecidedEarlierLevel {} => "You decided an earlier level of this request; another person decides this one.".to_owned(),
        Reason::ApprovalCancelMakerOrAdmin {} => "Only whoever asked, an owner or an admin may cancel a request.".to_owned(),
        Reason::ApprovalStateChanged {} => "What the request was asked against has changed since (the balance or the limit); nothing changed. Ask again.".to_owned(),
        Reason::ApprovalCommandUnreadable { kind } => format!("The stored change ({kind}) cannot be run by this version of Duely; nothing changed."),
        Reason::BillingNotConfigured {} => {
            "Billing is not configured on this server (DUELY_STRIPE_SECRET_KEY is unset)."
                .to_owned()
        }
        Reason::BillingEncryptionKeyMissing {} => {
            "Storing payment secrets needs DUELY_ENCRYPTION_KEY on this server.".to_owned()
        }
        Reason::BillingStripeNotConnected {} => "Online payment is off: connect the company's \
            Stripe account in payment settings first."
            .to_owned(),
        Reason::BillingStripeKeyRefused {} => "Stripe refused the secret key. Check that it is a \
            current secret key (sk_live_… or sk_test_…) of this account."
            .to_owned(),
        Reason::BillingStripeRefused { message } => format!("Stripe refused: {message}"),
        Reason::BillingStripeUnreachable {} => {
            "Stripe could not be reached; nothing was changed. Try again in a moment.".to_owned()
        }
        Reason::BillingPlanNotForSale { plan: offered } => format!(
            "the {} plan has no Stripe price configured on this server",
            offered.as_str()
        ),
        Reason::BillingFreeNeedsNoCheckout {} => {
            "FREE needs no checkout; choose GROWTH or SCALE".to_owned()
        }
        Reason::BillingAlreadySubscribed {} => "The company already has a subscription: change \
            its plan or payment method in the billing portal."
            .to_owned(),
        Reason::BillingSecretKeyMalformed {} => "paste the account's secret key (sk_live_…, \
            sk_test_…) or a restricted key (rk_…) from Stripe's dashboard, Developers → API keys"
            .to_owned(),
        Reason::BillingWebhookSecretMalformed {} => "paste the signing secret (whsec_…) of the \
            webhook endpoint you added in Stripe for this company's URL"
            .to_owned(),
        Reason::BillingInvoiceNotPayable {} => {
            "only an issued invoice with a balance due can be paid online".to_owned()
        }
        Reason::BillingNothingOwed {} => {
            "Nothing is owed here: there is no balance to pay.".to_owned()
        }
        Reason::BillingChargeTooPrecise {} => "This balance cannot be paid online: Stripe cannot \
            charge this amount to its last decimal in this currency."
            .to_owned(),
        Reason::BillingChargeTooLarge {} => {
            "This balance cannot be paid online: the amount is larger than Stripe accepts."
                .to_owned()
        }
        Reason::EmailOwnerNotVerified {} => "No email goes to customers until the company's \
            owner has verified their email address: use the link in the verification email (or \
            send it again from the banner)."
            .to_owned(),
        Reason::FileBadQuery { detail } => {
            format!("{detail}; dates are YYYY-MM-DD, flags true or false")
        }
        Reason::FileUnknownExport {} => {
            "Exports are customers.csv, invoices.csv and payments.csv.".to_owned()
        }
        Reason::FileUnknownImport {} => {
            "Imports are customers, invoices and payments.".to_owned()
        }
        Reason::FileUnknownReport {} => "No such report: aging.csv or aging.pdf.".to_owned(),
        Reason::ImportServerBusy { running, seconds } => format!(
            "{running} large imports are running on this server already; try again in \
             {seconds} seconds."
        ),
        Reason::ImportCustomerCodeTakenMeanwhile {} => {
            "a customer code in the file was taken while importing; check again".to_owned()
        }
        Reason::ImportInvoiceNumberTakenMeanwhile {} => {
            "an invoice number or reference in the file was taken while importing; check again"
                .to_owned()
        }
        Reason::ImportFileEmpty { columns } => format!(
            "the file is empty; the first row names the columns: {}",
            columns.join(",")
        ),
        Reason::ImportFileTooLarge { max_mib } => {
            format!("the file is larger than {max_mib} MiB; split it into smaller files")
        }
        Reason::ImportTooManyColumns { max } => format!("at most {max} columns"),
        Reason::ImportCellTooLong { max_bytes } => format!("at most {max_bytes} bytes in one cell"),
        Reason::ImportTooManyRows { max } => format!("at most {max} rows per file"),
        Reason::ImportNulCharacter {} => {
            "the file holds a NUL character; save it as UTF-8 text".to_owned()
        }
        Reason::ImportMisplacedQuote {} => {
            "a quoted field is not closed or a quote is misplaced".to_owned()
        }
        Reason::ImportNotUtf8 {} => "the file must be UTF-8 text".to_owned(),
        Reason::ImportNotCsv {} => "the file could not be read as CSV".to_owned(),
        Reason::ImportUploadCutShort {} => {
            "the upload was cut short; send the file again".to_owned()
        }
        Reason::ImportUnreadable { detail } => detail.clone(),
        Reason::ImportUnknownColumn { columns } => {
            format!("unknown column; the columns are {}", columns.join(","))
        }
        Reason::ImportColumnTwice {} => "this column appears twice".to_owned(),
        Reason::ImportColumnRequired {} => "this column is required".to_owned(),
        Reason::ImportCellCount { cells, header } => {
            format!("{cells} cells, but the header has {header}")
        }
        Reason::ImportCustomerExists { code } => {
            format!("a customer with code {code} exists already")
        }
        Reason::ImportCodeRepeated { code } => format!("{code} appears twice in the file"),
        Reason::ImportContactNameMissing {} => {
            "a contact's email or phone needs the contact's name".to_owned()
        }
        Reason::ImportCreditLimitNotAllowed {} => {
            "setting credit limits needs the credit-policy permission".to_owned()
        }
        Reason::ImportNotADate { value } => format!("`{value}` is not a date; use YYYY-MM-DD"),
        Reason::ImportTaxRateAmbiguous { value } => {
            format!("write `{value}%` for a percentage, or a fraction such as 0.13")
        }
        Reason::ImportUnknownCustomer { code } => {
            format!("no customer has the code `{code}`; import the customers first")
        }
        Reason::ImportInvoiceRowsDiffer { number, first_line } => format!(
            "{number} has rows with different customers, dates, currencies or references \
             (its first row is line {first_line})"
        ),
        Reason::ImportInvoiceExists { number } => format!("invoice {number} exists already"),
        Reason::ImportReferenceRepeated { reference, number } => {
            format!("{reference} is also the reference of {number}")
        }
        Reason::ImportReferenceTaken { reference } => {
            format!("another invoice has the reference {reference} already")
        }
        Reason::ImportNoSuchMember { email } => {
            format!("no member of this company has the email address {email}")
        }
        Reason::ImportMemberMayNotCollect { email, role } => format!(
            "{email} is a member with the role {}, which does not work collections, so cannot be a collector",
            role_en(role)
        ),
        Reason::ImportMemberMayNotSell { email, role } => format!(
            "{email} is a member with the role {}, which does not sell, so cannot be a salesperson",
            role_en(role)
        ),
        Reason::ImportPaymentRecordedMeanwhile {} => {
            "a payment in the file was recorded while importing; import the file again to skip it"
                .to_owned()
        }
        Reason::ImportPaymentRowsDiffer {
            external_id,
            first_line,
        } => format!(
            "payment {external_id} has another value here than on its first row (line \
             {first_line}); its rows share its customer, date, amount, currency, method and \
             reference"
        ),
        Reason::ImportAllocationIncomplete {} => {
            "give invoice_number and allocated_amount together, or leave both empty".to_owned()
        }
        Reason::ImportUnknownInvoice { number } => format!("no invoice has the number `{number}`"),
        Reason::ConfidenceOutOfRange { min, max } => format!("Give a decimal from {min} to {max}, with at most two places."),
        Reason::BankAccountArchived {} => "The bank account is archived: nothing is imported into it or applied from it.".to_owned(),
        Reason::BankCurrencyMismatch { account, file } => format!("The file is in {file}, but the account is in {account}."),
        Reason::BankMappingNeeded {} => "A CSV or Excel statement needs the account's column mapping: set it on the bank account first.".to_owned(),
        Reason::BankStatementUnknownFormat {} => "This is not a statement Duely reads: CSV, XLS, XLSX, camt.053 or MT940.".to_owned(),
        Reason::BankStatementBadEncoding { encoding } => format!("The file is not valid {encoding} text; set the mapping's encoding (GBK or UTF-8)."),
        Reason::BankStatementUnknownEncoding { encoding } => format!("{encoding} is not an encoding Duely knows."),
        Reason::BankStatementMappingIncomplete { missing } => format!("The mapping does not say which column holds the {missing}."),
        Reason::BankStatementColumnNotFound { column } => format!("The header row has no column {column}."),
        Reason::BankStatementHeaderNotFound {} => "No row names the mapped date and amount columns; set the mapping's header row.".to_owned(),
        Reason::BankStatementBadDate { value } => format!("{value} is not a date in the mapping's date format."),
        Reason::BankStatementBadAmount { value } => format!("{value} is not an amount."),
        Reason::BankStatementNoAmount {} => "The line has no amount.".to_owned(),
        Reason::BankStatementMalformed { detail } => format!("The file is not well formed: {detail}."),
        Reason::BankStatementTooManyLines { max } => format!("The file has more than {max} lines; split it."),
        Reason::BankStatementTooLargeUnzipped { max_mib } => format!("The spreadsheet unzips to more than {max_mib} MiB."),
        Reason::BankStatementMissing { what } => format!("The file lacks {what}."),
        Reason::BankLineNotOpen { status } => format!("The line is {} already: only an unmatched or suggested line is applied, linked or ignored.", status.to_lowercase()),
        Reason::BankLineNotApplied { status } => format!("The line is {}: only an applied or linked line can be undone.", status.to_lowercase()),
        Reason::BankLineOutgoing {} => "Money paid out is not applied to receivables.".to_owned(),
        Reason::BankPartsDoNotAddUp { total, amount } => format!("The parts add up to {total}, but the line is {amount}: they must be equal."),
        Reason::BankLinkAmountDiffers { payment, line } => format!("The payment is {payment} and the line {line}: only a payment of the line's amount and currency can be linked."),
        Reason::BankPaymentNotLinkable {} => "The payment is tied to a bank line already, or was reversed.".to_owned(),
        Reason::ImportInvoiceOfAnotherCustomer { number, code } => {
            format!("invoice {number} is not an invoice of customer {code}")
        }
    }
}
