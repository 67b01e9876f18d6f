//! A placement proposal's recap in its own table (issue 23): how many candidates were placed
//! per formation code (`rekap_usulan`), one row per code, instead of a map inside the
//! instance's subject JSON, which every read of an instance carried. Subjects stored before
//! keep their map and are read as they are.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("rekap_usulan")
                    .if_not_exists()
                    .col(string("instansi"))
                    .col(string("instans_id"))
                    .col(string("kode_formasi"))
                    .col(big_integer("jumlah"))
                    .primary_key(
                        Index::create()
                            .col("instansi")
                            .col("instans_id")
                            .col("kode_formasi"),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("rekap_usulan").to_owned())
            .await?;
        Ok(())
    }
}
