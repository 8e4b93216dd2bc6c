//! What every benchmark starts from: a size from the environment, and a throwaway database on
//! the PostgreSQL server named by `DATABASE_URL` (the local server when unset), migrated, and
//! dropped when the benchmark is done.

// Each benchmark is its own crate and uses only part of this.
#![allow(dead_code)]

use duely_backend::db::{self, url::with_database};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use uuid::Uuid;

/// `name` from the environment, or `default` when it is unset or not a number.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

pub struct ScratchDatabase {
    /// A connection to the server's `postgres` database, to drop this one and its roles.
    pub admin: DatabaseConnection,
    pub name: String,
    pub url: String,
}

impl ScratchDatabase {
    /// Creates and migrates a database of its own; returns it and a pool on it.
    pub async fn create() -> (ScratchDatabase, DatabaseConnection) {
        let server = std::env::var("DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty())
            .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = format!("duely_bench_{}", Uuid::new_v4().simple());
        let admin = Database::connect(with_database(&server, "postgres"))
            .await
            .expect("connect to PostgreSQL (set DATABASE_URL)");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let url = with_database(&server, &name);
        let pool = Database::connect(url.as_str()).await.unwrap();
        db::migrate_all(&pool).await.unwrap();
        (ScratchDatabase { admin, name, url }, pool)
    }

    /// Drops the database (the tenants' roles are the caller's to drop, through `admin`).
    pub async fn drop_database(&self) {
        self.admin
            .execute_unprepared(&format!("DROP DATABASE {} WITH (FORCE)", self.name))
            .await
            .unwrap();
    }
}
