//! CSV import of customers, invoices and payments: every row is checked first and every problem reported
//! with its row and column; then everything is written in one transaction, or nothing is.
//!
//! Rows go to the database as one JSON parameter per statement (`json_to_recordset`), so
//! 100,000 invoices are a handful of statements, not 100,000 round trips.
//!
//! Customers: `code,name,tax_id,currency,payment_terms_days,payment_terms_kind,credit_limit,
//! segment,contact_name,contact_email,contact_phone,billing_address,collector_email,
//! salesperson_email` (only `code` and `name` are required; the two emails name members of the
//! company whose role may collect or sell, `Role::may_collect` / `may_sell`). Invoices, one row per line, rows of one invoice sharing its number:
//! `number,customer_code,issue_date,due_date,currency,description,quantity,unit_price,
//! tax_rate,external_ref` (`due_date` from the customer's terms when empty, `currency` the
//! customer's, `tax_rate` a fraction or a percentage such as `13%`). Imported invoices are
//! issued as they are in the source system: their numbers are kept and the credit policy,
//! which applies to new sales, is not re-run on them. Payments (receipts from another
//! system), one row per allocation, rows of one payment sharing its `external_id`:
//! `external_id,customer_code,received_on,amount,currency,method,reference,invoice_number,
//! allocated_amount` (`currency` the customer's when empty; `invoice_number` and
//! `allocated_amount` both or neither; a payment whose `external_id` is recorded already is
//! skipped, so a re-import records nothing twice; see `service::payments`). Their allocations
//! are written by the payments store, under the customer-then-invoices lock order.
//!
//! Files are read as a stream on a blocking thread (`service::table::read_table`), one parser
//! for the GraphQL mutations (at most 1 MiB) and the REST route (at most 32 MiB, see
//! `http::files`). Reading stops at the first limit crossed: [`service::MAX_COLUMNS`] or
//! [`service::MAX_CELL_BYTES`] while a row's bytes arrive, [`service::MAX_ROWS`] as rows are
//! counted. At most [`service::LARGE_IMPORTS_AT_ONCE`] REST imports run on a replica at once
//! ([`service::LargeImports`]).
//!
//! Layers: `store` (the SQL), `service` (reading, checking and writing a file), `graphql`
//! (`importCustomers`, `importInvoices`, `importPayments`), `errors` (why an import is
//! refused, and the reasons of a file's problems).

pub mod errors;
pub mod graphql;
pub mod service;
pub mod store;

pub use errors::ImportError;
