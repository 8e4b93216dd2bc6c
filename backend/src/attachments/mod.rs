//! Attachments: files kept with the records they prove (contracts, orders, signed delivery
//! notes, bank vouchers, visit photos), for the day a court asks for them. The bytes live in a
//! [`storage::FileStore`]; the database keeps what each file is, its SHA-256 and who added it.

pub mod graphql;
mod heif;
pub mod inspect;
pub mod service;
pub mod storage;
pub mod store;
