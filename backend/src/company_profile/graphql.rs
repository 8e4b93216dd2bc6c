//! `companyProfile` and `updateCompanyProfile`: what the company's documents print about it.

use super::service::{self, ProfileChange};
use crate::api::command;
use crate::api::context::{request, services};
use crate::error::{ApiResult, IntoApi};
use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use domain::company_profile as model;

/// An account customers pay into, as invoices and letters print it.
#[derive(SimpleObject)]
pub struct PayeeAccount {
    /// The bank and branch (开户行).
    pub bank_name: String,
    /// The account holder (户名).
    pub account_name: String,
    pub account_number: String,
}

/// What the company's documents (invoices, statements, letters) print about it: its
/// letterhead and the accounts it is paid into (`companyProfile`).
#[derive(SimpleObject)]
pub struct CompanyLetterhead {
    /// The name documents print; when empty, the company's name in Duely.
    pub legal_name: Option<String>,
    /// The tax id (统一社会信用代码 / 纳税人识别号).
    pub tax_id: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// The accounts customers pay into, printed with how to pay.
    pub bank_accounts: Vec<PayeeAccount>,
    /// The logo as a `data:image/png;base64,…` (or `image/jpeg`) URL.
    pub logo: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl From<service::CompanyProfile> for CompanyLetterhead {
    fn from(profile: service::CompanyProfile) -> Self {
        CompanyLetterhead {
            legal_name: profile.legal_name,
            tax_id: profile.tax_id,
            address: profile.address,
            phone: profile.phone,
            bank_accounts: profile
                .bank_accounts
                .into_iter()
                .map(|account| PayeeAccount {
                    bank_name: account.bank_name,
                    account_name: account.account_name,
                    account_number: account.account_number,
                })
                .collect(),
            logo: profile.logo.as_ref().map(service::Logo::data_url),
            updated_at: profile.updated_at,
        }
    }
}

#[derive(InputObject)]
pub struct PayeeAccountInput {
    pub bank_name: String,
    pub account_name: String,
    pub account_number: String,
}

/// A change to the profile: a field left out stays as it is; `null` clears it.
#[derive(InputObject, Default)]
pub struct UpdateCompanyProfileInput {
    /// Up to 200 characters.
    pub legal_name: MaybeUndefined<String>,
    /// Up to 40 characters.
    pub tax_id: MaybeUndefined<String>,
    /// Up to 300 characters.
    pub address: MaybeUndefined<String>,
    /// Up to 40 characters.
    pub phone: MaybeUndefined<String>,
    /// Replaces the accounts: up to 5, each with a bank, a holder and a number.
    pub bank_accounts: MaybeUndefined<Vec<PayeeAccountInput>>,
    /// A PNG or JPEG image of at most 256 KB as a `data:` URL.
    pub logo: MaybeUndefined<String>,
}

fn change<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(value) => Some(Some(value)),
    }
}

impl UpdateCompanyProfileInput {
    fn change(self) -> ProfileChange {
        ProfileChange {
            legal_name: change(self.legal_name),
            tax_id: change(self.tax_id),
            address: change(self.address),
            phone: change(self.phone),
            bank_accounts: change(self.bank_accounts).map(|accounts| {
                accounts
                    .unwrap_or_default()
                    .into_iter()
                    .map(|account| model::BankAccount {
                        bank_name: account.bank_name,
                        account_name: account.account_name,
                        account_number: account.account_number,
                    })
                    .collect()
            }),
            logo: change(self.logo),
        }
    }
}

#[derive(SimpleObject)]
pub struct UpdateCompanyProfilePayload {
    pub profile: CompanyLetterhead,
}

#[derive(Default)]
pub struct CompanyProfileQuery;

#[Object]
impl CompanyProfileQuery {
    /// What the company's documents print about it; every member and key may read it.
    async fn company_profile(&self, ctx: &Context<'_>) -> ApiResult<CompanyLetterhead> {
        let (_, db) = services(ctx)?;
        service::company_profile(db, &request(ctx)?.caller)
            .await
            .map(CompanyLetterhead::from)
            .api()
    }
}

#[derive(Default)]
pub struct CompanyProfileMutation;

#[Object]
impl CompanyProfileMutation {
    /// Changes the company profile (permission MANAGE_SETTINGS): checked whole, written in one
    /// transaction and audited with before and after.
    async fn update_company_profile(
        &self,
        ctx: &Context<'_>,
        input: UpdateCompanyProfileInput,
    ) -> ApiResult<UpdateCompanyProfilePayload> {
        let profile = command!(ctx, service::update_company_profile, input.change());
        Ok(UpdateCompanyProfilePayload {
            profile: profile.into(),
        })
    }
}
