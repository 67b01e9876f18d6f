//! The merit database schema, as sea-orm migrations.
//!
//! Every table carries the tenant (`instansi`) as the first part of its key, so one database can
//! serve many agencies. Times are stored as epoch milliseconds (`*_ms`, BIGINT) so that leases and
//! deadlines compare the same way on SQLite and PostgreSQL; calendar dates are DATE columns.
//! Never edit a migration that has landed: add a new one.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_foundation;
mod m20261127_000002_create_screening;
mod m20261127_000003_create_workflow;
mod m20261127_000004_create_schedule;
mod m20261129_000005_harden;
mod m20261129_000006_outbox_channel;
mod m20261130_000007_console;
mod m20261202_000008_drafts;
mod m20261202_000009_documents;
mod m20261207_000010_trust;
mod m20261208_000011_reliance;
mod m20261209_000012_proposal_recap;
mod m20261210_000013_register;
mod m20261211_000014_announcements;

/// Applies merit's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_foundation::Migration),
            Box::new(m20261127_000002_create_screening::Migration),
            Box::new(m20261127_000003_create_workflow::Migration),
            Box::new(m20261127_000004_create_schedule::Migration),
            Box::new(m20261129_000005_harden::Migration),
            Box::new(m20261129_000006_outbox_channel::Migration),
            Box::new(m20261130_000007_console::Migration),
            Box::new(m20261202_000008_drafts::Migration),
            Box::new(m20261202_000009_documents::Migration),
            Box::new(m20261207_000010_trust::Migration),
            Box::new(m20261208_000011_reliance::Migration),
            Box::new(m20261209_000012_proposal_recap::Migration),
            Box::new(m20261210_000013_register::Migration),
            Box::new(m20261211_000014_announcements::Migration),
        ]
    }
}
