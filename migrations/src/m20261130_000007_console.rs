//! The web console (issue 13): accounts, sessions shared by every `merit serve`, the
//! hash-chained audit log, and the indexes the console's pages need at a million rows
//! (candidate name prefix, case-insensitive; the last four NIK digits; placement lines in
//! order).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("pengguna")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(string("email"))
                    .col(string("nama"))
                    .col(string("peran"))
                    .col(string("hash_sandi"))
                    .col(boolean("aktif"))
                    .col(big_integer("dibuat_ms"))
                    .col(big_integer("diubah_ms"))
                    .primary_key(Index::create().col("instansi").col("email"))
                    .to_owned(),
            )
            .await?;
        // A session is found by the SHA-256 of its cookie: the table alone opens nothing.
        manager
            .create_table(
                Table::create()
                    .table("sesi")
                    .if_not_exists()
                    .col(string("id").primary_key())
                    .col(string("instansi"))
                    .col(string("email"))
                    .col(string("csrf"))
                    .col(string("alamat"))
                    .col(big_integer("dibuat_ms"))
                    .col(big_integer("terakhir_ms"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sesi_pengguna")
                    .table("sesi")
                    .col("instansi")
                    .col("email")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(big_integer("urutan"))
                    .col(big_integer("waktu_ms"))
                    .col(string("orang"))
                    .col(string("dari"))
                    .col(string("aksi"))
                    .col(text("objek"))
                    .col(text("rincian"))
                    .col(string("hash_sebelum"))
                    .col(string("hash"))
                    .primary_key(Index::create().col("instansi").col("urutan"))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_audit_aksi", ["instansi", "aksi", "waktu_ms"]),
            ("idx_audit_orang", ["instansi", "orang", "waktu_ms"]),
            ("idx_audit_dari", ["instansi", "dari", "waktu_ms"]),
        ] {
            let mut index = Index::create();
            index.name(name).table("audit");
            for c in cols {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        let db = manager.get_connection();
        // Expression indexes. Names in byte order on PostgreSQL (the search compares with
        // COLLATE "C"), SQLite's default.
        let by_name = if manager.get_database_backend()
            == sea_orm_migration::sea_orm::DatabaseBackend::Postgres
        {
            "CREATE INDEX IF NOT EXISTS idx_calon_nama ON calon (instansi, (lower(nama) COLLATE \"C\"), nik)"
        } else {
            "CREATE INDEX IF NOT EXISTS idx_calon_nama ON calon (instansi, lower(nama), nik)"
        };
        db.execute_unprepared(by_name).await?;
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS idx_calon_nik4 ON calon (instansi, substr(nik, 13, 4), nik)",
        )
        .await?;
        // Placement lines in placement order (pages of the unplaced, exports).
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS idx_penempatan_urutan ON penempatan_rinci (penempatan_id, urutan)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS idx_penempatan_urutan")
            .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS idx_calon_nik4")
            .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS idx_calon_nama")
            .await?;
        for t in ["audit", "sesi", "pengguna"] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
