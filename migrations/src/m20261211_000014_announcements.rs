//! The candidates' window (issue 25, candidates.md): announcements frozen from a placement,
//! each candidate's announced outcome, the attempts at the status check (for throttling), the
//! objections (sanggah) and their files.
//!
//! - `pengumuman`: announcement N of a tenant, with the placement and run it froze and its
//!   objection window.
//! - `pengumuman_calon`: one row per candidate of an announcement, copied at publication (name,
//!   last four NIK digits, unit, position or reason group), keyed by the NIK (never shown), and
//!   the run whose decision it announces; an upheld objection changes `run_id`, the outcome and
//!   `diperbarui_ms`.
//! - `pengumuman_unit`: the units an announcement lists, for the public page's filter.
//! - `percobaan_layanan`: one row per failed status check, keyed by a keyed hash of the NIK or the
//!   client address, so the limits hold across processes without storing a NIK.
//! - `sanggah` and `sanggah_berkas`: an objection with its receipt number, and up to three files
//!   stored in the database with their SHA-256.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("pengumuman")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(integer("nomor"))
                    .col(string("penempatan_id"))
                    .col(string("run_id"))
                    .col(big_integer("mulai_ms"))
                    .col(big_integer("tutup_ms"))
                    .col(integer("hari_sanggah"))
                    .col(big_integer("jumlah"))
                    .col(string("oleh"))
                    .col(big_integer("dibuat_ms"))
                    .col(big_integer_null("ditutup_ms"))
                    .primary_key(Index::create().col("instansi").col("nomor"))
                    .to_owned(),
            )
            .await?;
        // `hasil`: `diusulkan` or `tidak_diusulkan`; `kelompok` the reason group of the latter.
        manager
            .create_table(
                Table::create()
                    .table("pengumuman_calon")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(integer("pengumuman"))
                    .col(string("nik"))
                    .col(string("nik4"))
                    .col(string("nama"))
                    .col(string("nama_cari"))
                    .col(string("unit_kerja"))
                    .col(string("nama_unit"))
                    .col(string("hasil"))
                    .col(string_null("kode_formasi"))
                    .col(string_null("jabatan"))
                    .col(string_null("kelompok"))
                    .col(string("run_id"))
                    .col(big_integer_null("diperbarui_ms"))
                    // The row's place in the announcement (1, 2, …, by unit, name, NIK):
                    // pages are ranges of it, never an OFFSET over a million rows.
                    .col(big_integer("urut"))
                    .primary_key(Index::create().col("instansi").col("pengumuman").col("nik"))
                    .to_owned(),
            )
            .await?;
        // Name-prefix searches compare bytes (`>= prefix AND < prefix || U+10FFFF`): on
        // PostgreSQL the column takes the "C" collation, so neither the comparison nor the
        // index depends on the server's locale (SQLite compares bytes already).
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "ALTER TABLE pengumuman_calon ALTER COLUMN nama_cari TYPE varchar COLLATE \"C\"",
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_pengumuman_calon_unit")
                    .table("pengumuman_calon")
                    .col("instansi")
                    .col("pengumuman")
                    .col("unit_kerja")
                    .col("urut")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_pengumuman_calon_urut")
                    .table("pengumuman_calon")
                    .col("instansi")
                    .col("pengumuman")
                    .col("urut")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_pengumuman_calon_nama")
                    .table("pengumuman_calon")
                    .col("instansi")
                    .col("pengumuman")
                    .col("nama_cari")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_pengumuman_calon_nik4")
                    .table("pengumuman_calon")
                    .col("instansi")
                    .col("pengumuman")
                    .col("nik4")
                    .col("urut")
                    .to_owned(),
            )
            .await?;
        // The units of an announcement, for the public page's unit filter (read on every page:
        // never counted from the rows).
        manager
            .create_table(
                Table::create()
                    .table("pengumuman_unit")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(integer("pengumuman"))
                    .col(string("unit_kerja"))
                    .col(string("nama_unit"))
                    .primary_key(
                        Index::create()
                            .col("instansi")
                            .col("pengumuman")
                            .col("unit_kerja"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("percobaan_layanan")
                    .if_not_exists()
                    .col(big_integer("id").primary_key().auto_increment())
                    .col(string("instansi"))
                    .col(string("kunci"))
                    .col(big_integer("waktu_ms"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_percobaan_layanan")
                    .table("percobaan_layanan")
                    .col("instansi")
                    .col("kunci")
                    .col("waktu_ms")
                    .to_owned(),
            )
            .await?;
        // Old attempts are dropped by time.
        manager
            .create_index(
                Index::create()
                    .name("idx_percobaan_layanan_waktu")
                    .table("percobaan_layanan")
                    .col("instansi")
                    .col("waktu_ms")
                    .to_owned(),
            )
            .await?;
        // `status`: `diajukan` (open), `diterima` (upheld), `ditolak` (dismissed).
        manager
            .create_table(
                Table::create()
                    .table("sanggah")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(string("nomor"))
                    .col(integer("tahun"))
                    .col(big_integer("urut"))
                    .col(integer("pengumuman"))
                    .col(string("nik"))
                    .col(text("alasan"))
                    .col(string_null("email"))
                    .col(string_null("no_hp"))
                    .col(string("status"))
                    .col(string_null("instance_id"))
                    .col(text_null("jawaban"))
                    .col(string_null("hasil_baru"))
                    .col(big_integer("dibuat_ms"))
                    .col(big_integer_null("selesai_ms"))
                    .primary_key(Index::create().col("instansi").col("nomor"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sanggah_urut")
                    .table("sanggah")
                    .col("instansi")
                    .col("tahun")
                    .col("urut")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // One open objection per candidate and announcement, even when two arrive at once.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS idx_sanggah_terbuka ON sanggah (instansi, pengumuman, nik) \
                 WHERE status = 'diajukan'",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sanggah_berkas")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(string("nomor"))
                    .col(integer("urut"))
                    .col(string("jenis"))
                    .col(big_integer("ukuran"))
                    .col(string("sha256"))
                    .col(blob("isi"))
                    .primary_key(Index::create().col("instansi").col("nomor").col("urut"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "sanggah_berkas",
            "sanggah",
            "percobaan_layanan",
            "pengumuman_unit",
            "pengumuman_calon",
            "pengumuman",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
