//! Workflows: definition versions, instances (state with a revision for optimistic locking),
//! reference codes of approval prompts, history, durable timers, the outbox, and vacancies.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: &str,
    cols: &[&str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(name).table(Alias::new(table)).if_not_exists();
    for c in cols {
        idx.col(Alias::new(*c));
    }
    if unique {
        idx.unique();
    }
    manager.create_index(idx.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The source of every workflow definition version an instance started with.
        manager
            .create_table(
                Table::create()
                    .table("workflow_versi")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(string("workflow"))
                    .col(string("versi"))
                    .col(string("berkas"))
                    .col(text("sumber"))
                    .col(big_integer("dibuat_ms"))
                    .primary_key(Index::create().col("instansi").col("workflow").col("versi"))
                    .to_owned(),
            )
            .await?;

        // One row per instance; `keadaan` holds the open step's seats as JSON and `revisi`
        // guards every change (UPDATE … WHERE revisi = expected).
        manager
            .create_table(
                Table::create()
                    .table("instans")
                    .if_not_exists()
                    .col(string("id").primary_key())
                    .col(string("instansi"))
                    .col(string("workflow"))
                    .col(string("versi"))
                    .col(string("status"))
                    .col(string_null("langkah_aktif"))
                    .col(text("subjek"))
                    .col(text("keadaan"))
                    .col(big_integer("revisi"))
                    .col(string("dibuat_oleh"))
                    .col(big_integer("dibuat_ms"))
                    .col(big_integer("diperbarui_ms"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_instans_status",
            "instans",
            &["instansi", "status", "dibuat_ms"],
            false,
        )
        .await?;

        // The reference code in a prompt's subject (`[MERIT-7KQ2X9]`) → who was asked what.
        manager
            .create_table(
                Table::create()
                    .table("kode_rujukan")
                    .if_not_exists()
                    .col(string("kode").primary_key())
                    .col(string("instansi"))
                    .col(string("instans_id"))
                    .col(string("langkah"))
                    .col(big_integer("kunjungan"))
                    .col(string("orang"))
                    .col(big_integer("dibuat_ms"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_kode_instans",
            "kode_rujukan",
            &["instansi", "instans_id", "langkah", "kunjungan", "orang"],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("riwayat")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(string("instans_id"))
                    .col(big_integer("urutan"))
                    .col(big_integer("waktu_ms"))
                    .col(string("jenis"))
                    .col(string_null("langkah"))
                    .col(string_null("orang"))
                    .col(string_null("kapasitas"))
                    .col(string_null("saluran"))
                    .col(string_null("keputusan"))
                    .col(text_null("komentar"))
                    .primary_key(
                        Index::create()
                            .col("instansi")
                            .col("instans_id")
                            .col("urutan"),
                    )
                    .to_owned(),
            )
            .await?;

        // Durable timers: fired once by `UPDATE … SET status = 'selesai' WHERE status = 'menunggu'`
        // in the transaction that applies their effect.
        manager
            .create_table(
                Table::create()
                    .table("pengatur_waktu")
                    .if_not_exists()
                    .col(string("id").primary_key())
                    .col(string("instansi"))
                    .col(string("instans_id"))
                    .col(string("langkah"))
                    .col(big_integer("kunjungan"))
                    .col(string("jenis"))
                    .col(big_integer("ke"))
                    .col(big_integer("jatuh_tempo_ms"))
                    .col(string("status"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_waktu_jatuh_tempo",
            "pengatur_waktu",
            &["status", "jatuh_tempo_ms"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_waktu_instans",
            "pengatur_waktu",
            &["instansi", "instans_id", "kunjungan"],
            false,
        )
        .await?;

        // Messages to deliver, written with the change that caused them; `kunci` makes each
        // (instance, step visit, recipient, kind) one message.
        manager
            .create_table(
                Table::create()
                    .table("kotak_keluar")
                    .if_not_exists()
                    .col(string("id").primary_key())
                    .col(string("instansi"))
                    .col(string("kunci"))
                    .col(string_null("instans_id"))
                    .col(string("jenis"))
                    .col(string_null("orang"))
                    .col(string("email"))
                    .col(text("data"))
                    .col(string("status"))
                    .col(big_integer("percobaan"))
                    .col(big_integer("berikutnya_ms"))
                    .col(string_null("pemilik"))
                    .col(big_integer_null("sewa_sampai_ms"))
                    .col(string_null("message_id"))
                    .col(text_null("kesalahan"))
                    .col(big_integer("dibuat_ms"))
                    .col(big_integer_null("terkirim_ms"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_keluar_kunci",
            "kotak_keluar",
            &["instansi", "kunci"],
            true,
        )
        .await?;
        index(
            manager,
            "idx_keluar_antre",
            "kotak_keluar",
            &["status", "berikutnya_ms"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("lowongan")
                    .if_not_exists()
                    .col(string("id").primary_key())
                    .col(string("instansi"))
                    .col(string("jenjang"))
                    .col(string("unit_kerja"))
                    .col(string("jabatan"))
                    .col(string("alasan"))
                    .col(date("tanggal"))
                    .col(string("ruleset_versi"))
                    .col(text("hasil"))
                    .col(string_null("instans_id"))
                    .col(string("dibuat_oleh"))
                    .col(big_integer("dibuat_ms"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "lowongan",
            "kotak_keluar",
            "pengatur_waktu",
            "riwayat",
            "kode_rujukan",
            "instans",
            "workflow_versi",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(t)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
