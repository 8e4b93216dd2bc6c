//! Why billing use cases refuse a request. Services raise these; the `From` below is the one place
//! they become an error code, a reason with its parameters, and the input field at fault.

use crate::error::AppError;
use domain::billing::{Plan, StripeAmountError};
use domain::reason::{Entity, Reason};

#[derive(Debug, Clone, PartialEq)]
pub enum BillingError {
    /// Duely's own Stripe account is not configured (`DUELY_STRIPE_SECRET_KEY` is unset).
    NotConfigured,
    /// No `DUELY_ENCRYPTION_KEY`: a company's payment secrets cannot be sealed or opened.
    NoEncryptionKey,
    /// The company has not connected its own Stripe account.
    NotConnected,
    /// Stripe refused the secret key (unauthorized).
    StripeKeyRefused,
    /// Stripe refused the request, in its own words.
    StripeRefused {
        message: String,
    },
    /// Stripe could not be reached.
    StripeUnreachable,
    /// `startCheckout` for a paid plan this server has no Stripe price for.
    PlanNotForSale {
        plan: Plan,
    },
    /// `startCheckout` for FREE.
    FreeNeedsNoCheckout,
    /// `startCheckout` while Stripe holds a live subscription.
    AlreadySubscribed,
    /// Not a Stripe secret or restricted key.
    SecretKeyMalformed,
    /// Not a webhook signing secret.
    WebhookSecretMalformed,
    /// A payment link for an invoice that is not open (issued with a balance due).
    InvoiceNotPayable,
    /// A payment link for a balance of zero.
    NothingOwed,
    /// A balance Stripe cannot charge.
    NotChargeable(StripeAmountError),
    InvoiceNotFound,
    /// The statement link's customer is gone (the statements' own reason).
    StatementLinkInvalid,
    CompanyNotFound,
}

impl From<BillingError> for AppError {
    fn from(error: BillingError) -> Self {
        match error {
            BillingError::NotConfigured => AppError::refused(Reason::BillingNotConfigured {}),
            BillingError::NoEncryptionKey => {
                AppError::refused(Reason::BillingEncryptionKeyMissing {})
            }
            BillingError::NotConnected => AppError::refused(Reason::BillingStripeNotConnected {}),
            BillingError::StripeKeyRefused => AppError::refused(Reason::BillingStripeKeyRefused {}),
            BillingError::StripeRefused { message } => {
                AppError::refused(Reason::BillingStripeRefused { message })
            }
            BillingError::StripeUnreachable => {
                AppError::refused(Reason::BillingStripeUnreachable {})
            }
            BillingError::PlanNotForSale { plan } => {
                AppError::input("input.plan", Reason::BillingPlanNotForSale { plan })
            }
            BillingError::FreeNeedsNoCheckout => {
                AppError::input("input.plan", Reason::BillingFreeNeedsNoCheckout {})
            }
            BillingError::AlreadySubscribed => {
                AppError::input("input.plan", Reason::BillingAlreadySubscribed {})
            }
            BillingError::SecretKeyMalformed => {
                AppError::input("input.secretKey", Reason::BillingSecretKeyMalformed {})
            }
            BillingError::WebhookSecretMalformed => AppError::input(
                "input.webhookSecret",
                Reason::BillingWebhookSecretMalformed {},
            ),
            BillingError::InvoiceNotPayable => {
                AppError::input("input.invoiceId", Reason::BillingInvoiceNotPayable {})
            }
            BillingError::NothingOwed => AppError::input("input", Reason::BillingNothingOwed {}),
            BillingError::NotChargeable(error) => AppError::input(
                "input",
                match error {
                    StripeAmountError::NotPositive => Reason::BillingNothingOwed {},
                    StripeAmountError::TooPrecise => Reason::BillingChargeTooPrecise {},
                    StripeAmountError::TooLarge => Reason::BillingChargeTooLarge {},
                },
            ),
            BillingError::InvoiceNotFound => AppError::refused(Reason::RecordNotFound {
                entity: Entity::Invoice,
            }),
            BillingError::StatementLinkInvalid => {
                AppError::refused(Reason::StatementLinkInvalid {})
            }
            BillingError::CompanyNotFound => AppError::refused(Reason::RecordNotFound {
                entity: Entity::Company,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant: its code, reason and field, as the API sends them.
    #[test]
    fn each_error_maps_to_its_code_reason_and_field() {
        let cases: Vec<(BillingError, &str, &str, Option<&str>)> = vec![
            (
                BillingError::NotConfigured,
                "NOT_CONFIGURED",
                "BILLING_NOT_CONFIGURED",
                None,
            ),
            (
                BillingError::NoEncryptionKey,
                "NOT_CONFIGURED",
                "BILLING_ENCRYPTION_KEY_MISSING",
                None,
            ),
            (
                BillingError::NotConnected,
                "NOT_CONFIGURED",
                "BILLING_STRIPE_NOT_CONNECTED",
                None,
            ),
            (
                BillingError::StripeKeyRefused,
                "PROVIDER_ERROR",
                "BILLING_STRIPE_KEY_REFUSED",
                None,
            ),
            (
                BillingError::StripeRefused {
                    message: "Your card was declined.".to_owned(),
                },
                "PROVIDER_ERROR",
                "BILLING_STRIPE_REFUSED",
                None,
            ),
            (
                BillingError::StripeUnreachable,
                "PROVIDER_ERROR",
                "BILLING_STRIPE_UNREACHABLE",
                None,
            ),
            (
                BillingError::PlanNotForSale { plan: Plan::Scale },
                "VALIDATION",
                "BILLING_PLAN_NOT_FOR_SALE",
                Some("input.plan"),
            ),
            (
                BillingError::FreeNeedsNoCheckout,
                "VALIDATION",
                "BILLING_FREE_NEEDS_NO_CHECKOUT",
                Some("input.plan"),
            ),
            (
                BillingError::AlreadySubscribed,
                "CONFLICT",
                "BILLING_ALREADY_SUBSCRIBED",
                Some("input.plan"),
            ),
            (
                BillingError::SecretKeyMalformed,
                "VALIDATION",
                "BILLING_SECRET_KEY_MALFORMED",
                Some("input.secretKey"),
            ),
            (
                BillingError::WebhookSecretMalformed,
                "VALIDATION",
                "BILLING_WEBHOOK_SECRET_MALFORMED",
                Some("input.webhookSecret"),
            ),
            (
                BillingError::InvoiceNotPayable,
                "VALIDATION",
                "BILLING_INVOICE_NOT_PAYABLE",
                Some("input.invoiceId"),
            ),
            (
                BillingError::NothingOwed,
                "CONFLICT",
                "BILLING_NOTHING_OWED",
                Some("input"),
            ),
            (
                BillingError::NotChargeable(StripeAmountError::NotPositive),
                "CONFLICT",
                "BILLING_NOTHING_OWED",
                Some("input"),
            ),
            (
                BillingError::NotChargeable(StripeAmountError::TooPrecise),
                "CONFLICT",
                "BILLING_CHARGE_TOO_PRECISE",
                Some("input"),
            ),
            (
                BillingError::NotChargeable(StripeAmountError::TooLarge),
                "CONFLICT",
                "BILLING_CHARGE_TOO_LARGE",
                Some("input"),
            ),
            (
                BillingError::InvoiceNotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
            (
                BillingError::StatementLinkInvalid,
                "NOT_FOUND",
                "STATEMENT_LINK_INVALID",
                None,
            ),
            (
                BillingError::CompanyNotFound,
                "NOT_FOUND",
                "RECORD_NOT_FOUND",
                None,
            ),
        ];
        for (error, code, reason, field) in cases {
            crate::error::assert_sent_as(error, code, reason, field);
        }
    }

    #[test]
    fn the_english_texts_are_the_ones_clients_read_before() {
        let text = |error: BillingError| AppError::from(error).public().0;
        assert_eq!(
            text(BillingError::PlanNotForSale { plan: Plan::Growth }),
            "the GROWTH plan has no Stripe price configured on this server"
        );
        assert_eq!(
            text(BillingError::StripeRefused {
                message: "No such price".to_owned()
            }),
            "Stripe refused: No such price"
        );
        assert_eq!(
            text(BillingError::NotChargeable(StripeAmountError::TooLarge)),
            "This balance cannot be paid online: the amount is larger than Stripe accepts."
        );
        assert_eq!(text(BillingError::InvoiceNotFound), "No such invoice.");
        assert_eq!(text(BillingError::CompanyNotFound), "No such company.");
    }

    #[test]
    fn what_stripe_said_and_the_plan_go_out_as_params() {
        let (_, extensions) = AppError::from(BillingError::StripeRefused {
            message: "No such price".to_owned(),
        })
        .public();
        assert_eq!(extensions["params"]["message"], "No such price");
        let (_, extensions) =
            AppError::from(BillingError::PlanNotForSale { plan: Plan::Scale }).public();
        assert_eq!(extensions["params"]["plan"], "SCALE");
        let (_, extensions) = AppError::from(BillingError::CompanyNotFound).public();
        assert_eq!(extensions["params"]["entity"], "COMPANY");
    }
}
