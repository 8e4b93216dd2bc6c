//! The company's settings, one typed model (`domain::settings::CompanySettings`): credit policy,
//! collections, reports, numbering and the company itself. `companySettings` reads them all and
//! `updateCompanySettings` changes any of them, validated whole, in one transaction, audited
//! with before and after. Other areas read what they need through [`store::read`] (or join
//! `company_settings` in their SQL); no code reads a setting by a string key.
//! `collectionSettings` and `analyticsSettings` are views of this model.

pub mod graphql;
pub mod service;
pub mod store;

pub use service::{company_settings, update_company_settings};
pub use store::read;
