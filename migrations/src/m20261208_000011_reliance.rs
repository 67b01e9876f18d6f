//! What an officer must be able to rely on (issue 22, console.md 5): a verifier's manual
//! findings on rules that need checking by hand (`verifikasi_manual`: one finding per candidate
//! and rule in force at a time, bound to the hash of the data it was made on), and the kind of a
//! screening run (`jenis`: `penuh` for every candidate, `perorangan` for one candidate screened
//! again over the decisions of the run before).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // `status`: `berlaku` (applied while the data hash holds), `dicabut` (cleared by a
        // verifier), `diganti` (a newer finding on the same rule), `gugur` (the data changed).
        manager
            .create_table(
                Table::create()
                    .table("verifikasi_manual")
                    .if_not_exists()
                    .col(string("id").primary_key())
                    .col(string("instansi"))
                    .col(string("nik"))
                    .col(string("ruleset"))
                    .col(string("aturan"))
                    .col(string("hasil"))
                    .col(text("catatan"))
                    .col(string("data_hash"))
                    .col(string("oleh"))
                    .col(big_integer("dibuat_ms"))
                    .col(string("status"))
                    .col(string_null("diakhiri_oleh"))
                    .col(big_integer_null("diakhiri_ms"))
                    .col(text_null("catatan_akhir"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_verifikasi_nik")
                    .table("verifikasi_manual")
                    .col("instansi")
                    .col("nik")
                    .col("status")
                    .to_owned(),
            )
            .await?;
        // At most one finding in force per candidate and rule, even when two verifiers (or a
        // double click) record one at the same moment (SQLite and PostgreSQL both know partial
        // indexes).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS idx_verifikasi_berlaku ON verifikasi_manual (instansi, nik, aturan) \
                 WHERE status = 'berlaku'",
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("run_penyaringan")
                    .add_column(string("jenis").default("penuh"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("run_penyaringan")
                    .drop_column("jenis")
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS idx_verifikasi_berlaku")
            .await?;
        manager
            .drop_table(Table::drop().table("verifikasi_manual").to_owned())
            .await?;
        Ok(())
    }
}
