//! The company profile documents print (`companyProfile`, `updateCompanyProfile`): legal name,
//! tax id, address, phone, the bank accounts customers pay into, and a logo. Invoices,
//! statements and letters read it through [`service::letterhead`].

pub mod graphql;
pub mod service;
pub mod store;
