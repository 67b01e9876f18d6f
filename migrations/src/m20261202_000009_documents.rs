//! The lists and documents officials sign (issue 15, documents.md 1): a formation's offered
//! pay and its budget source, a candidate's SSCASN participant number and the agency's reason
//! for not proposing them. All nullable, so rows imported before keep their meaning (pay =
//! the candidate's last pay, source = APBD).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// (table, column, is the column a whole number).
const COLUMNS: [(&str, &str, bool); 6] = [
    ("formasi", "upah", true),
    ("formasi", "sumber_anggaran", false),
    ("calon", "nomor_peserta", false),
    ("calon", "alasan_tidak_diusulkan", false),
    ("calon_arsip", "nomor_peserta", false),
    ("calon_arsip", "alasan_tidak_diusulkan", false),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for (table, column, whole) in COLUMNS {
            let def = if whole {
                big_integer_null(column)
            } else {
                string_null(column)
            };
            manager
                .alter_table(Table::alter().table(table).add_column(def).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column, _) in COLUMNS.iter().rev() {
            manager
                .alter_table(Table::alter().table(*table).drop_column(*column).to_owned())
                .await?;
        }
        Ok(())
    }
}
