//! A channel-neutral outbox (issue 12): each message names its channel (`saluran`, `email` for
//! every message so far), an address on that channel (`alamat`, formerly `email`) and the
//! recipient's name (`nama_penerima`, formerly kept inside the template data).

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
        let name = match manager.get_database_backend() {
            sea_orm_migration::sea_orm::DatabaseBackend::Postgres => "CAST(data AS json)->>'nama'",
            _ => "json_extract(data, '$.nama')",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!("UPDATE kotak_keluar SET nama_penerima = {name}"))
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
