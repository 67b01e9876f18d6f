//! Foundation: candidates, formation slots, employees, import batches and tenant settings.

use sea_orm_migration::{prelude::*, schema::*};

/// The columns of a candidate row, shared by `calon` and its archive `calon_arsip`.
fn candidate_columns(mut table: TableCreateStatement) -> TableCreateStatement {
    table
        .col(string("instansi"))
        .col(string("nik"))
        .col(text("nama"))
        .col(date("tanggal_lahir"))
        .col(string("jenis_kelamin"))
        .col(text_null("tempat_lahir"))
        .col(string("pendidikan"))
        .col(text_null("jurusan"))
        .col(string("kategori_pelamar"))
        .col(boolean("terdata_bkn"))
        .col(string("seleksi_2024"))
        .col(string("hasil_seleksi_2024"))
        .col(boolean("ikut_semua_tahap"))
        .col(double_null("nilai_seleksi"))
        .col(boolean("ppg"))
        .col(boolean("aktif_bekerja"))
        .col(date("tmt_kerja"))
        .col(string("unit_kerja"))
        .col(string_null("kategori_jabatan"))
        .col(text_null("jabatan"))
        .col(big_integer("gaji_terakhir"))
        .col(string_null("status_khusus"))
        .col(text_null("email"))
        .col(text_null("no_hp"))
        .col(string("data_hash"))
        .col(string("impor_id"))
        .col(big_integer("diperbarui_ms"));
    table
}

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("impor")
                    .if_not_exists()
                    .col(string("id").primary_key())
                    .col(string("instansi"))
                    .col(string("jenis"))
                    .col(text("nama_berkas"))
                    .col(string("hash"))
                    .col(big_integer("jumlah_baris"))
                    .col(big_integer("jumlah_diimpor"))
                    .col(big_integer("jumlah_ditolak"))
                    .col(big_integer("dibuat_ms"))
                    .col(string("oleh"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                candidate_columns(Table::create().table("calon").if_not_exists().to_owned())
                    .primary_key(Index::create().col("instansi").col("nik"))
                    .to_owned(),
            )
            .await?;

        // Earlier versions of candidates' data, copied here when a re-import changes a row, so
        // that a screening run can always be reproduced from the data it actually read (the
        // current row when its hash still matches, else the archived version with that hash).
        manager
            .create_table(
                candidate_columns(
                    Table::create()
                        .table("calon_arsip")
                        .if_not_exists()
                        .to_owned(),
                )
                .primary_key(Index::create().col("instansi").col("data_hash"))
                .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("formasi")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(string("kode_formasi"))
                    .col(string("unit_kerja"))
                    .col(text_null("nama_unit"))
                    .col(string("kategori_jabatan"))
                    .col(text("jabatan"))
                    .col(string("pendidikan_minimal"))
                    .col(text_null("jurusan"))
                    .col(integer("jumlah"))
                    .col(string("impor_id"))
                    .col(big_integer("diperbarui_ms"))
                    .primary_key(Index::create().col("instansi").col("kode_formasi"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("pegawai")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(string("nip"))
                    .col(text("nama"))
                    .col(date("tanggal_lahir"))
                    .col(string("jenis_kelamin"))
                    .col(string_null("golongan"))
                    .col(string("jenjang"))
                    .col(text("jabatan"))
                    .col(string("unit_kerja"))
                    .col(date("tmt_jenjang"))
                    .col(string("pendidikan"))
                    .col(string("predikat_1"))
                    .col(string("predikat_2"))
                    .col(string("potensial"))
                    .col(small_integer("kotak_talenta"))
                    .col(string("hukuman_disiplin"))
                    .col(text_null("email"))
                    .col(string("impor_id"))
                    .col(big_integer("diperbarui_ms"))
                    .primary_key(Index::create().col("instansi").col("nip"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("pengaturan")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(string("kunci"))
                    .col(text("nilai"))
                    .primary_key(Index::create().col("instansi").col("kunci"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "pengaturan",
            "pegawai",
            "formasi",
            "calon_arsip",
            "calon",
            "impor",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
