//! Scheduled-job occurrences: one row per (tenant, job, fire time), inserted by the process that
//! runs it, so an occurrence runs once however many processes share the database.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("jadwal_klaim")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(string("tugas"))
                    .col(big_integer("waktu_ms"))
                    .col(string("pemilik"))
                    .col(string("status"))
                    .col(text_null("hasil"))
                    .col(big_integer("dibuat_ms"))
                    .col(big_integer_null("selesai_ms"))
                    .primary_key(Index::create().col("instansi").col("tugas").col("waktu_ms"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(Alias::new("jadwal_klaim"))
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
