//! Why identity use cases refuse a request: who is calling (`crate::auth`), signing up and in,
//! sessions, a person's own account, the team and API keys. Services raise these; the `From`
//! below is the one place they become an error code, a reason with its parameters, and the input
//! field at fault.
//!
//! What people type for an account (email addresses, passwords, names) is checked by
//! `domain::credentials`; [`email_reason`], [`password_reason`] and [`name_reason`] say why in
//! reasons, for any area that takes an email address.

use crate::auth::Rejection;
use crate::error::AppError;
use domain::access::{ApiScope, Role};
use domain::reason::{Entity, Reason};

#[derive(Debug, Clone, PartialEq)]
pub enum IdentityError {
    /// Credentials were sent but are not valid now.
    Rejected(Rejection),
    /// No credentials, for something that needs them.
    CredentialsMissing,
    /// An API key asked for what only a signed-in person may do.
    MemberOnly,
    /// The member's role lacks the permission.
    RoleNotAllowed {
        role: Role,
    },
    /// The API key lacks the scope (`None`: no scope grants it; it needs a person).
    ScopeMissing {
        scope: Option<ApiScope>,
    },

    UserNotFound,
    CompanyNotFound,
    /// No member with the id in the caller's company.
    MemberNotFound,
    /// No API key with the id in the caller's company.
    ApiKeyNotFound,

    /// Sign-up with an address that has an account.
    EmailTaken,
    /// Log-in with a wrong email or password (never says which).
    WrongCredentials,
    /// Log-in or switching to a company the person does not belong to.
    NotMemberOfCompany,
    /// Log-in by a person who belongs to no company now.
    NoCompany,
    /// The refresh token was used, revoked or has expired, or its member left the company.
    SessionEnded,
    /// Log-out without a refresh token and without being signed in.
    LogOutNeedsToken,

    /// Changing the password with a wrong current one.
    CurrentPasswordWrong,
    /// A reset or verification link that was used, replaced or has expired.
    LinkInvalid,
    /// The password was reset, but the person belongs to no company to sign in to.
    ResetWithoutCompany,
    /// A verification link for an address the account no longer has.
    LinkAddressChanged,

    /// Making, demoting or removing an owner by someone who is not one.
    OwnerOnly,
    /// Inviting someone who is already a member.
    AlreadyMember,
    /// An invitation that was used, withdrawn or has expired.
    InvitationInvalid,
    /// The invitation's sender was removed or may no longer invite to its role.
    InvitationSenderCannotInvite,
    /// Accepting as an existing account without its password (and not signed in as it).
    InvitationPasswordRequired,
    /// Accepting as an existing account with a wrong password.
    InvitationPasswordWrong,
    /// The invitee's account was created between the check and the insert.
    AccountJustCreated,
    /// Demoting or removing the company's last owner.
    LastOwner,

    /// An API key's name is empty or longer than `max` characters.
    ApiKeyNameLength {
        max: usize,
    },
    /// An API key without scopes.
    ApiKeyScopesEmpty,
    /// `value` is not a scope.
    ApiKeyScopeUnknown {
        value: String,
    },
}

/// When a client whose credentials could not be checked should try again.
const UNAVAILABLE_RETRY_SECS: u64 = 5;

impl From<IdentityError> for AppError {
    fn from(error: IdentityError) -> Self {
        let not_found = |entity| AppError::refused(Reason::RecordNotFound { entity });
        match error {
            IdentityError::Rejected(rejection) => AppError::refused(match rejection {
                Rejection::NotBearer => Reason::AuthorizationNotBearer {},
                Rejection::HeaderNotText => Reason::AuthorizationNotText {},
                Rejection::SessionExpired => Reason::SessionExpired {},
                Rejection::SessionRevoked => Reason::SessionRevoked {},
                Rejection::ApiKeyInvalid => Reason::ApiKeyInvalid {},
                Rejection::Unchecked => Reason::CredentialsUnchecked {},
                Rejection::DatabaseUnavailable => {
                    return AppError::unavailable(UNAVAILABLE_RETRY_SECS);
                }
            }),
            IdentityError::CredentialsMissing => AppError::refused(Reason::CredentialsMissing {}),
            IdentityError::MemberOnly => AppError::refused(Reason::MemberOnly {}),
            IdentityError::RoleNotAllowed { role } => AppError::refused(Reason::RoleNotAllowed {
                role: role.as_str().to_owned(),
            }),
            IdentityError::ScopeMissing { scope } => {
                AppError::refused(Reason::ApiKeyScopeMissing {
                    scope: scope.map(|scope| scope.as_str().to_owned()),
                })
            }

            IdentityError::UserNotFound => not_found(Entity::User),
            IdentityError::CompanyNotFound => not_found(Entity::Company),
            IdentityError::MemberNotFound => not_found(Entity::Member),
            IdentityError::ApiKeyNotFound => not_found(Entity::ApiKey),

            IdentityError::EmailTaken => {
                AppError::input("input.email", Reason::SignUpEmailTaken {})
            }
            IdentityError::WrongCredentials => AppError::refused(Reason::LogInCredentialsWrong {}),
            IdentityError::NotMemberOfCompany => AppError::refused(Reason::MembershipNotFound {}),
            IdentityError::NoCompany => AppError::refused(Reason::AccountWithoutCompany {}),
            IdentityError::SessionEnded => AppError::refused(Reason::SessionEnded {}),
            IdentityError::LogOutNeedsToken => {
                AppError::input("input.refreshToken", Reason::LogOutTokenRequired {})
            }

            IdentityError::CurrentPasswordWrong => {
                AppError::input("input.currentPassword", Reason::CurrentPasswordWrong {})
            }
            IdentityError::LinkInvalid => AppError::refused(Reason::AccountLinkInvalid {}),
            IdentityError::ResetWithoutCompany => {
                AppError::refused(Reason::PasswordResetWithoutCompany {})
            }
            IdentityError::LinkAddressChanged => {
                AppError::refused(Reason::AccountLinkAddressChanged {})
            }

            IdentityError::OwnerOnly => AppError::refused(Reason::TeamOwnerOnly {}),
            IdentityError::AlreadyMember => {
                AppError::input("input.email", Reason::TeamAlreadyMember {})
            }
            IdentityError::InvitationInvalid => AppError::refused(Reason::InvitationInvalid {}),
            IdentityError::InvitationSenderCannotInvite => {
                AppError::refused(Reason::InvitationSenderCannotInvite {})
            }
            IdentityError::InvitationPasswordRequired => {
                AppError::input("input.password", Reason::InvitationPasswordRequired {})
            }
            IdentityError::InvitationPasswordWrong => {
                AppError::refused(Reason::InvitationPasswordWrong {})
            }
            IdentityError::AccountJustCreated => {
                AppError::input("input.email", Reason::InvitationAccountJustCreated {})
            }
            IdentityError::LastOwner => AppError::input("input.userId", Reason::TeamLastOwner {}),

            IdentityError::ApiKeyNameLength { max } => AppError::input(
                "input.name",
                Reason::ApiKeyNameLength {
                    max: u32::try_from(max).unwrap_or(u32::MAX),
                },
            ),
            IdentityError::ApiKeyScopesEmpty => {
                AppError::input("input.scopes", Reason::ApiKeyScopesEmpty {})
            }
            IdentityError::ApiKeyScopeUnknown { value } => AppError::input(
                "input.scopes",
                Reason::ApiKeyScopeUnknown {
                    value,
                    allowed: ApiScope::ALL
                        .iter()
                        .map(|scope| scope.as_str().to_owned())
                        .collect(),
                },
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::credentials::{EmailError, NameError, PasswordError};
    use serde_json::{Value, json};

    /// (code, reason, params, field) as a client sees them.
    fn public(error: AppError) -> (String, String, Value, Option<String>) {
        let (_, extensions) = error.public();
        let text = |name: &str| {
            extensions
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        (
            text("code").unwrap_or_default(),
            text("reason").unwrap_or_default(),
            extensions.get("params").cloned().unwrap_or(Value::Null),
            text("field"),
        )
    }

    #[test]
    fn every_refusal_has_its_code_reason_and_field() {
        use IdentityError as E;
        use Rejection as R;
        let write = Some(ApiScope::InvoicesWrite);
        let unknown = "invoices:delete".to_owned();
        // The error, then "CODE REASON field" as the client sees them.
        let cases = vec![
            (
                E::Rejected(R::NotBearer),
                "UNAUTHENTICATED AUTHORIZATION_NOT_BEARER",
            ),
            (
                E::Rejected(R::HeaderNotText),
                "UNAUTHENTICATED AUTHORIZATION_NOT_TEXT",
            ),
            (
                E::Rejected(R::SessionExpired),
                "UNAUTHENTICATED SESSION_EXPIRED",
            ),
            (
                E::Rejected(R::SessionRevoked),
                "UNAUTHENTICATED SESSION_REVOKED",
            ),
            (
                E::Rejected(R::ApiKeyInvalid),
                "UNAUTHENTICATED API_KEY_INVALID",
            ),
            (
                E::Rejected(R::Unchecked),
                "UNAUTHENTICATED CREDENTIALS_UNCHECKED",
            ),
            (
                E::Rejected(R::DatabaseUnavailable),
                "UNAVAILABLE DATABASE_UNAVAILABLE",
            ),
            (E::CredentialsMissing, "UNAUTHENTICATED CREDENTIALS_MISSING"),
            (E::MemberOnly, "FORBIDDEN MEMBER_ONLY"),
            (
                E::RoleNotAllowed { role: Role::Viewer },
                "FORBIDDEN ROLE_NOT_ALLOWED",
            ),
            (
                E::ScopeMissing { scope: write },
                "FORBIDDEN API_KEY_SCOPE_MISSING",
            ),
            (
                E::ScopeMissing { scope: None },
                "FORBIDDEN API_KEY_SCOPE_MISSING",
            ),
            (E::UserNotFound, "NOT_FOUND RECORD_NOT_FOUND"),
            (E::CompanyNotFound, "NOT_FOUND RECORD_NOT_FOUND"),
            (E::MemberNotFound, "NOT_FOUND RECORD_NOT_FOUND"),
            (E::ApiKeyNotFound, "NOT_FOUND RECORD_NOT_FOUND"),
            (E::EmailTaken, "CONFLICT SIGN_UP_EMAIL_TAKEN input.email"),
            (
                E::WrongCredentials,
                "UNAUTHENTICATED LOG_IN_CREDENTIALS_WRONG",
            ),
            (E::NotMemberOfCompany, "NOT_FOUND MEMBERSHIP_NOT_FOUND"),
            (E::NoCompany, "FORBIDDEN ACCOUNT_WITHOUT_COMPANY"),
            (E::SessionEnded, "UNAUTHENTICATED SESSION_ENDED"),
            (
                E::LogOutNeedsToken,
                "VALIDATION LOG_OUT_TOKEN_REQUIRED input.refreshToken",
            ),
            (
                E::CurrentPasswordWrong,
                "UNAUTHENTICATED CURRENT_PASSWORD_WRONG input.currentPassword",
            ),
            (E::LinkInvalid, "NOT_FOUND ACCOUNT_LINK_INVALID"),
            (
                E::ResetWithoutCompany,
                "FORBIDDEN PASSWORD_RESET_WITHOUT_COMPANY",
            ),
            (
                E::LinkAddressChanged,
                "NOT_FOUND ACCOUNT_LINK_ADDRESS_CHANGED",
            ),
            (E::OwnerOnly, "FORBIDDEN TEAM_OWNER_ONLY"),
            (E::AlreadyMember, "CONFLICT TEAM_ALREADY_MEMBER input.email"),
            (E::InvitationInvalid, "NOT_FOUND INVITATION_INVALID"),
            (
                E::InvitationSenderCannotInvite,
                "NOT_FOUND INVITATION_SENDER_CANNOT_INVITE",
            ),
            (
                E::InvitationPasswordRequired,
                "VALIDATION INVITATION_PASSWORD_REQUIRED input.password",
            ),
            (
                E::InvitationPasswordWrong,
                "UNAUTHENTICATED INVITATION_PASSWORD_WRONG",
            ),
            (
                E::AccountJustCreated,
                "CONFLICT INVITATION_ACCOUNT_JUST_CREATED input.email",
            ),
            (E::LastOwner, "CONFLICT TEAM_LAST_OWNER input.userId"),
            (
                E::ApiKeyNameLength { max: 100 },
                "VALIDATION API_KEY_NAME_LENGTH input.name",
            ),
            (
                E::ApiKeyScopesEmpty,
                "VALIDATION API_KEY_SCOPES_EMPTY input.scopes",
            ),
            (
                E::ApiKeyScopeUnknown { value: unknown },
                "VALIDATION API_KEY_SCOPE_UNKNOWN input.scopes",
            ),
        ];
        for (error, expected) in cases {
            let shown = format!("{error:?}");
            let (code, reason, _, field) = public(error.into());
            let got = match field {
                Some(field) => format!("{code} {reason} {field}"),
                None => format!("{code} {reason}"),
            };
            assert_eq!(got, expected, "{shown}");
        }
    }

    #[test]
    fn parameters_name_the_role_scope_and_limits() {
        let params = |error: IdentityError| public(error.into()).2;
        assert_eq!(
            params(IdentityError::RoleNotAllowed {
                role: Role::FinanceManager
            }),
            json!({ "role": "FINANCE_MANAGER" })
        );
        assert_eq!(
            params(IdentityError::ScopeMissing {
                scope: Some(ApiScope::InvoicesWrite)
            }),
            json!({ "scope": "invoices:write" })
        );
        assert_eq!(
            params(IdentityError::ScopeMissing { scope: None }),
            json!({ "scope": null })
        );
        assert_eq!(
            params(IdentityError::MemberNotFound),
            json!({ "entity": "MEMBER" })
        );
        assert_eq!(
            params(IdentityError::ApiKeyNameLength { max: 100 }),
            json!({ "max": 100 })
        );
        let unknown = params(IdentityError::ApiKeyScopeUnknown {
            value: "invoices:delete".to_owned(),
        });
        assert_eq!(unknown["value"], "invoices:delete");
        assert_eq!(unknown["allowed"][0], "customers:read");
        assert_eq!(
            unknown["allowed"].as_array().map(Vec::len),
            Some(ApiScope::ALL.len())
        );
    }

    #[test]
    fn the_english_texts_stay_what_they_were() {
        let message = |error: IdentityError| AppError::from(error).public().0;
        assert_eq!(
            message(IdentityError::Rejected(Rejection::SessionExpired)),
            "Your session has expired or is not valid; refresh it or sign in again."
        );
        assert_eq!(
            message(IdentityError::CredentialsMissing),
            "Sign in, or send an API key as `Authorization: Bearer <key>`."
        );
        assert_eq!(
            message(IdentityError::RoleNotAllowed { role: Role::Viewer }),
            "Your role (VIEWER) does not allow this."
        );
        assert_eq!(
            message(IdentityError::ScopeMissing {
                scope: Some(ApiScope::InvoicesWrite)
            }),
            "This API key lacks the `invoices:write` scope."
        );
        assert_eq!(
            message(IdentityError::WrongCredentials),
            "The email or password is not right."
        );
        assert_eq!(
            message(IdentityError::ApiKeyScopeUnknown {
                value: "x".to_owned()
            }),
            format!(
                "unknown scope `x`; scopes are written area:access, such as invoices:read or \
                 payments:write. Allowed: {}",
                ApiScope::ALL.map(ApiScope::as_str).join(", ")
            )
        );
    }

    #[test]
    fn credential_rules_map_to_reasons() {
        let name = |reason: Reason| reason.name();
        assert_eq!(name(Reason::from(&EmailError::Empty)), "REQUIRED");
        assert_eq!(
            Reason::from(&EmailError::TooLong),
            Reason::TextLength {
                min: None,
                max: Some(254)
            }
        );
        assert_eq!(
            name(Reason::from(&EmailError::Malformed("li".to_owned()))),
            "EMAIL_MALFORMED"
        );
        assert_eq!(
            Reason::from(&PasswordError::TooShort),
            Reason::PasswordTooShort { min: 10 }
        );
        assert_eq!(
            Reason::from(&PasswordError::TooLong),
            Reason::PasswordTooLong { max: 128 }
        );
        assert_eq!(
            name(Reason::from(&PasswordError::SameAsEmail)),
            "PASSWORD_SAME_AS_EMAIL"
        );
        assert_eq!(
            name(Reason::from(&PasswordError::TooCommon)),
            "PASSWORD_TOO_COMMON"
        );
        assert_eq!(name(Reason::from(&NameError::Empty)), "REQUIRED");
        assert_eq!(
            Reason::from(&NameError::TooLong { max: 100 }),
            Reason::TextLength {
                min: None,
                max: Some(100)
            }
        );
        for reason in [
            Reason::from(&PasswordError::TooShort),
            Reason::from(&PasswordError::TooLong),
            Reason::from(&PasswordError::SameAsEmail),
            Reason::from(&PasswordError::TooCommon),
        ] {
            assert_eq!(reason.code(), domain::ErrorCode::Validation, "{reason:?}");
        }
    }
}
