//! Trust at the binding moments (issue 21, console.md 5): the audit chain becomes keyed
//! (`berkunci`: the entry's hash is an HMAC under a key derived from the server secret; the
//! entries before stay plain SHA-256 and are sealed by the first keyed one), sign-in attempts
//! are counted per account by a keyed tag in `objek` (an index for that count), and a published
//! version carries the one fingerprint every page and command shows (`sidik`: for a ruleset its
//! version hash, the same a run stores).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("audit")
                    .add_column(boolean("berkunci").default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_objek")
                    .table("audit")
                    .col("instansi")
                    .col("aksi")
                    .col("objek")
                    .col("waktu_ms")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("versi_definisi")
                    .add_column(string_null("sidik"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("versi_definisi")
                    .drop_column("sidik")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_audit_objek")
                    .table("audit")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("audit")
                    .drop_column("berkunci")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
