//! Migrations of the control plane (`public` schema). Every table is schema-qualified.

use sea_orm_migration::prelude::*;

mod m20261123_000001_tenants;

pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![Box::new(m20261123_000001_tenants::Migration)]
}
