//! Screening runs: ruleset versions, runs, their chunks, decisions; placements.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The sources (manifest, scripts, modules) of every ruleset version a run used.
        manager
            .create_table(
                Table::create()
                    .table("ruleset_versi")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(string("ruleset"))
                    .col(string("versi"))
                    .col(text("sumber"))
                    .col(big_integer("dibuat_ms"))
                    .primary_key(Index::create().col("instansi").col("ruleset").col("versi"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("run_penyaringan")
                    .if_not_exists()
                    .col(string("id").primary_key())
                    .col(string("instansi"))
                    .col(string("ruleset"))
                    .col(string("versi"))
                    .col(string("status"))
                    .col(text("aturan"))
                    .col(big_integer("jumlah_potongan"))
                    .col(big_integer("total"))
                    .col(big_integer("layak"))
                    .col(big_integer("tidak_layak"))
                    .col(big_integer("perlu_verifikasi"))
                    .col(text_null("gagal_per_aturan"))
                    .col(string("dibuat_oleh"))
                    .col(big_integer("dibuat_ms"))
                    .col(big_integer_null("selesai_ms"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_run_instansi_status")
                    .table("run_penyaringan")
                    .col("instansi")
                    .col("status")
                    .col("dibuat_ms")
                    .to_owned(),
            )
            .await?;

        // At most one unfinished run per ruleset: a second process starting at the same moment
        // fails to insert and joins the existing run instead.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS idx_run_satu_berjalan ON run_penyaringan (instansi, ruleset) \
                 WHERE status = 'berjalan'",
            )
            .await?;

        // A run's chunks: contiguous NIK ranges (nik_awal, nik_akhir], claimed with a lease.
        manager
            .create_table(
                Table::create()
                    .table("run_potongan")
                    .if_not_exists()
                    .col(string("run_id"))
                    .col(big_integer("nomor"))
                    .col(string("nik_awal"))
                    .col(string("nik_akhir"))
                    .col(string("status"))
                    .col(string_null("pemilik"))
                    .col(big_integer_null("sewa_sampai_ms"))
                    .col(big_integer("jumlah"))
                    .col(big_integer_null("selesai_ms"))
                    .primary_key(Index::create().col("run_id").col("nomor"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_potongan_status")
                    .table("run_potongan")
                    .col("run_id")
                    .col("status")
                    .to_owned(),
            )
            .await?;

        // One decision per candidate and run: the key makes a second one impossible.
        manager
            .create_table(
                Table::create()
                    .table("keputusan")
                    .if_not_exists()
                    .col(string("run_id"))
                    .col(string("nik"))
                    .col(string("instansi"))
                    .col(string("hasil"))
                    .col(double_null("prioritas"))
                    .col(string("kode_aturan"))
                    .col(text_null("alasan"))
                    .col(string("data_hash"))
                    .primary_key(Index::create().col("run_id").col("nik"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_keputusan_nik")
                    .table("keputusan")
                    .col("instansi")
                    .col("nik")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("penempatan")
                    .if_not_exists()
                    .col(string("id").primary_key())
                    .col(string("instansi"))
                    .col(string("run_id"))
                    .col(big_integer("ditempatkan"))
                    .col(big_integer("tidak_ditempatkan"))
                    .col(big_integer("jumlah_formasi"))
                    .col(string("dibuat_oleh"))
                    .col(big_integer("dibuat_ms"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("penempatan_rinci")
                    .if_not_exists()
                    .col(string("penempatan_id"))
                    .col(string("nik"))
                    .col(big_integer("urutan"))
                    .col(string_null("kode_formasi"))
                    .col(string_null("unit_kerja"))
                    .col(text_null("jabatan"))
                    .col(double_null("prioritas"))
                    .col(integer("putaran"))
                    .col(text("alasan"))
                    .primary_key(Index::create().col("penempatan_id").col("nik"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "penempatan_rinci",
            "penempatan",
            "keputusan",
            "run_potongan",
            "run_penyaringan",
            "ruleset_versi",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
