//! Hardening (issue 11): reference codes unique per tenant rather than across tenants; a failed
//! screening run keeps why it failed; each finished chunk keeps its own tally, so a run's totals
//! (also per applicant category) are summed from its chunks whatever the number of rules.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("kode_rujukan_baru")
                    .if_not_exists()
                    .col(string("kode"))
                    .col(string("instansi"))
                    .col(string("instans_id"))
                    .col(string("langkah"))
                    .col(big_integer("kunjungan"))
                    .col(string("orang"))
                    .col(big_integer("dibuat_ms"))
                    .primary_key(Index::create().col("instansi").col("kode"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO kode_rujukan_baru (kode, instansi, instans_id, langkah, kunjungan, orang, dibuat_ms) \
             SELECT kode, instansi, instans_id, langkah, kunjungan, orang, dibuat_ms FROM kode_rujukan",
        )
        .await?;
        manager
            .drop_table(Table::drop().table("kode_rujukan").to_owned())
            .await?;
        db.execute_unprepared("ALTER TABLE kode_rujukan_baru RENAME TO kode_rujukan")
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_kode_instans")
                    .table("kode_rujukan")
                    .col("instansi")
                    .col("instans_id")
                    .col("langkah")
                    .col("kunjungan")
                    .col("orang")
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table("run_penyaringan")
                    .add_column(text_null("alasan_gagal"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("run_penyaringan")
                    .add_column(text_null("per_kategori"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("run_potongan")
                    .add_column(text_null("ringkasan"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("pegawai")
                    .add_column(text_null("riwayat_jenjang"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("pegawai")
                    .drop_column("riwayat_jenjang")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("run_potongan")
                    .drop_column("ringkasan")
                    .to_owned(),
            )
            .await?;
        for column in ["alasan_gagal", "per_kategori"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("run_penyaringan")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
