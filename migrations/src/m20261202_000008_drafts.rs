//! Definitions edited in the browser (issue 14): drafts held in the database per definition
//! (a ruleset, the workflows, the directory, the templates) and every published version with
//! its files, author, reason and letter, so any version can be restored.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // `definisi`: `aturan:ID`, `alur`, `direktori` or `templat`. `berkas` and
        // `berkas_dasar` (the files on disk when the draft began, compared again before
        // publishing) are JSON objects (relative path → text).
        manager
            .create_table(
                Table::create()
                    .table("draf")
                    .if_not_exists()
                    .col(string("id").primary_key())
                    .col(string("instansi"))
                    .col(string("definisi"))
                    .col(string("penulis"))
                    .col(text("berkas_dasar"))
                    .col(text("berkas"))
                    .col(big_integer("revisi"))
                    .col(string("status"))
                    .col(string_null("instans"))
                    .col(text_null("catatan"))
                    .col(text_null("pratinjau"))
                    .col(big_integer("dibuat_ms"))
                    .col(big_integer("diubah_ms"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_draf_definisi")
                    .table("draf")
                    .col("instansi")
                    .col("definisi")
                    .col("status")
                    .to_owned(),
            )
            .await?;
        // The end of every workflow instance asks whether a draft waits on it.
        manager
            .create_index(
                Index::create()
                    .name("idx_draf_instans")
                    .table("draf")
                    .col("instansi")
                    .col("instans")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("versi_definisi")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(string("definisi"))
                    .col(big_integer("nomor"))
                    .col(string("hash"))
                    .col(text("berkas"))
                    .col(string("penulis"))
                    .col(text("alasan"))
                    .col(string_null("nomor_surat"))
                    .col(text_null("ringkasan"))
                    .col(string_null("draf"))
                    .col(big_integer("dibuat_ms"))
                    .primary_key(Index::create().col("instansi").col("definisi").col("nomor"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["versi_definisi", "draf"] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
