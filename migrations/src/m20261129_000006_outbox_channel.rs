//! A channel-neutral outbox (issue 12): each message names its channel (`saluran`, `email` for
//! every message so far), an address on that channel (`alamat`, formerly `email`) and the
//! recipient's name (`nama_penerima`; rows written before keep it inside `data`, where the
//! store still reads it — no JSON is parsed here, so a malformed old row cannot stop the
//! migration halfway on SQLite).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("kotak_keluar")
                    .rename_column("email", "alamat")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("kotak_keluar")
                    .add_column(string("saluran").default("email"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("kotak_keluar")
                    .add_column(string_null("nama_penerima"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["nama_penerima", "saluran"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("kotak_keluar")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("kotak_keluar")
                    .rename_column("alamat", "email")
                    .to_owned(),
            )
            .await
    }
}
