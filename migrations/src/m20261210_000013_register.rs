//! The register of document numbers (issue 24, documents.md 4): a document drawn final takes
//! the next number of its series and year, once, for good. A series is a number pattern: the
//! kinds printed with the same pattern share one sequence, so no two documents ever bear the
//! same printed number. A number belongs to one source (the workflow instance or vacancy the
//! document is about, and the visit of its step) and keeps the final PDF drawn with it, so every
//! later draw returns the same bytes. `(instansi, pola, tahun, urut)` is the key: two processes
//! never hand out one number twice; `(instansi, jenis, sumber)` is unique: one source never gets
//! two.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("nomor_dokumen")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(string("jenis"))
                    .col(string("pola"))
                    .col(integer("tahun"))
                    .col(big_integer("urut"))
                    .col(string("nomor"))
                    .col(string("sumber"))
                    .col(big_integer("tanggal_ms"))
                    .col(blob_null("pdf"))
                    .col(string_null("sha256"))
                    .col(string("oleh"))
                    .col(big_integer("dibuat_ms"))
                    .primary_key(
                        Index::create()
                            .col("instansi")
                            .col("pola")
                            .col("tahun")
                            .col("urut"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_nomor_dokumen_sumber")
                    .table("nomor_dokumen")
                    .col("instansi")
                    .col("jenis")
                    .col("sumber")
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("nomor_dokumen").to_owned())
            .await?;
        Ok(())
    }
}
